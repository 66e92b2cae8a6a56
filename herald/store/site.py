"""The site's own settings as its admins change them (name, languages) and the files they upload (the logo).

They live in the database rather than in the configuration, so that every web process on every machine shows
the same site a moment after an admin saves, without a restart.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from herald.store.database import Database
from herald.store.schema import SiteAssetRow, SiteSettingRow


@dataclass(frozen=True, slots=True)
class SiteAsset:
    name: str
    media_type: str
    data: bytes
    digest: str  # SHA-256 of the data: the file's version in its address, and its ETag
    updated_at: datetime


class SiteStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def _upsert(
        self, table: type[SiteSettingRow] | type[SiteAssetRow], key: str, values: dict[str, Any]
    ) -> None:
        maker = sqlite_insert if self._db.is_sqlite else pg_insert
        column = "key" if table is SiteSettingRow else "name"
        statement = maker(table).values({column: key, **values})
        with self._db.write() as session:
            session.execute(statement.on_conflict_do_update(index_elements=[column], set_=values))

    def settings(self) -> dict[str, Any]:
        """Every setting an admin has saved, by key; a key never saved is absent (the configured default)."""
        with self._db.read() as session:
            return {row.key: row.value for row in session.scalars(select(SiteSettingRow))}

    def put(self, key: str, value: Any, *, by_user_id: int | None) -> None:
        self._upsert(
            SiteSettingRow, key, {"value": value, "updated_at": datetime.now(UTC), "updated_by": by_user_id}
        )

    def forget(self, key: str) -> None:
        """Back to the configured default."""
        with self._db.write() as session:
            session.execute(delete(SiteSettingRow).where(SiteSettingRow.key == key))

    def asset(self, name: str) -> SiteAsset | None:
        with self._db.read() as session:
            row = session.get(SiteAssetRow, name)
            if row is None:
                return None
            return SiteAsset(row.name, row.media_type, bytes(row.data), row.digest, row.updated_at)

    def asset_digests(self) -> dict[str, str]:
        """Each stored file's digest, without its bytes: what a page needs to point at the current version."""
        with self._db.read() as session:
            return {
                name: digest
                for name, digest in session.execute(select(SiteAssetRow.name, SiteAssetRow.digest))
            }

    def put_asset(self, name: str, media_type: str, data: bytes) -> str:
        """Store (or replace) a file; returns its digest."""
        digest = hashlib.sha256(data).hexdigest()
        self._upsert(
            SiteAssetRow,
            name,
            {"media_type": media_type, "data": data, "digest": digest, "updated_at": datetime.now(UTC)},
        )
        return digest

    def delete_asset(self, name: str) -> bool:
        with self._db.write() as session:
            return bool(session.execute(delete(SiteAssetRow).where(SiteAssetRow.name == name)).rowcount)  # type: ignore[attr-defined]
