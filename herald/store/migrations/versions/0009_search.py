"""search: full-text indexes of the articles' headlines and bodies, and an index for the language filter

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05 12:00:00

The database keeps the index itself, so no store method has to remember it (herald/store/search.py reads it).

SQLite: an FTS5 table whose content is ``articles`` (external content: the text is not stored twice), keyed by
the articles' rowid, with the unicode61 tokenizer folding case and accents in every script. Triggers on
insert, on update of the headline or the body, and on delete keep it in step; FTS5 needs the old text to
forget a row, which only a trigger sees. SQLite keeps triggers with their table and FTS5 follows rowids: a
later migration that rebuilds ``articles`` (a batch ``recreate``) must call ``create_triggers`` and
``rebuild`` below, as the store's search tests check.

PostgreSQL: a generated ``tsvector`` column (headline labelled A, body B) with a GIN index, in a text search
configuration of our own, ``herald_search``: the 'simple' one (no stemming, no stop words, the same words as
SQLite finds) with accents folded by the unaccent extension. Where the database user may not create that
extension, the configuration is 'simple' alone and accents must match; the migration says so in the log.
"""

from __future__ import annotations

import logging

from alembic import op
from sqlalchemy import text

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

log = logging.getLogger("alembic.runtime.migration")

FTS_TABLE = "articles_fts"
TS_CONFIG = "herald_search"
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_articles_search_vector"
LANGUAGE_INDEX = "ix_articles_language_time"

_FTS_INSERT = f"INSERT INTO {FTS_TABLE}(rowid, title, body) VALUES (new.rowid, new.title, new.body);"
_FTS_DELETE = (
    f"INSERT INTO {FTS_TABLE}({FTS_TABLE}, rowid, title, body) "
    "VALUES ('delete', old.rowid, old.title, old.body);"
)
SQLITE_TRIGGERS = {
    f"{FTS_TABLE}_insert": f"AFTER INSERT ON articles BEGIN {_FTS_INSERT} END",
    f"{FTS_TABLE}_delete": f"AFTER DELETE ON articles BEGIN {_FTS_DELETE} END",
    f"{FTS_TABLE}_update": f"AFTER UPDATE OF title, body ON articles BEGIN {_FTS_DELETE} {_FTS_INSERT} END",
}


def create_triggers() -> None:
    """SQLite's triggers that keep the FTS5 table in step with ``articles``."""
    for name, body in SQLITE_TRIGGERS.items():
        op.execute(f"CREATE TRIGGER {name} {body}")


def rebuild() -> None:
    """Index every article again from the ``articles`` table (SQLite)."""
    op.execute(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')")


def _upgrade_sqlite() -> None:
    op.execute(
        f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(title, body, content='articles', "
        "content_rowid='rowid', tokenize='unicode61 remove_diacritics 2')"
    )
    create_triggers()
    rebuild()


def _unaccent_available() -> bool:
    """Create the unaccent extension if this user may; a refusal leaves the transaction usable."""
    bind = op.get_bind()
    savepoint = bind.begin_nested()
    try:
        bind.execute(text("CREATE EXTENSION IF NOT EXISTS unaccent"))
    except Exception as exc:  # not installed on the server, or not allowed to this user
        savepoint.rollback()
        log.warning(
            "The unaccent extension is not available (%s): search will match accents exactly. "
            "Install PostgreSQL's contrib modules, or create the extension as a superuser, then run "
            "this migration again.",
            str(exc).splitlines()[0],
        )
        return False
    savepoint.commit()
    return True


def _upgrade_postgresql() -> None:
    op.execute(f"CREATE TEXT SEARCH CONFIGURATION {TS_CONFIG} (COPY = pg_catalog.simple)")
    if _unaccent_available():
        op.execute(
            f"ALTER TEXT SEARCH CONFIGURATION {TS_CONFIG} ALTER MAPPING FOR "
            "asciiword, asciihword, hword_asciipart, word, hword, hword_part, "
            "numword, numhword, hword_numpart "
            "WITH unaccent, simple"
        )
    # Stored, so a search reads the vector and never parses a body; adding it rewrites the table once.
    op.execute(
        f"ALTER TABLE articles ADD COLUMN {TSVECTOR_COLUMN} tsvector GENERATED ALWAYS AS ("
        f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(title, '')), 'A') || "
        f"setweight(to_tsvector('{TS_CONFIG}'::regconfig, coalesce(body, '')), 'B')) STORED"
    )
    op.execute(f"CREATE INDEX {TSVECTOR_INDEX} ON articles USING gin ({TSVECTOR_COLUMN})")


def upgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _upgrade_sqlite()
    else:
        _upgrade_postgresql()
    # A search filtered by language reads this index (it covers the filter) rather than the long article rows.
    op.create_index(LANGUAGE_INDEX, "articles", ["language", "sort_time"], unique=False)


def downgrade() -> None:
    op.drop_index(LANGUAGE_INDEX, table_name="articles")
    if op.get_bind().dialect.name == "sqlite":
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        op.execute(f"DROP TABLE IF EXISTS {FTS_TABLE}")
        return
    op.execute(f"DROP INDEX IF EXISTS {TSVECTOR_INDEX}")
    op.execute(f"ALTER TABLE articles DROP COLUMN IF EXISTS {TSVECTOR_COLUMN}")
    op.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {TS_CONFIG}")
    # The unaccent extension stays: other databases' objects may use it, and it costs nothing unused.
