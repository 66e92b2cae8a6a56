"""sync: when an article or a story last changed in a way an app shows, for the API's "changes since"

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 10:00:00

``changed_at`` is kept by the database's own triggers, not by the store's methods: a change made by any
statement (the ORM, a bulk UPDATE, a later migration's data fix, an operator's SQL) is stamped, and no store
method can forget to. Each database stamps with its own clock, so many machines writing one PostgreSQL never
disagree about the order of changes. A row counts as changed only when a column an app shows took a new
value: an UPDATE that writes the same value again stamps nothing.

On SQLite the stamp is written as SQLAlchemy writes times ("YYYY-MM-DD HH:MM:SS.ffffff", UTC), so stamps
compare as text in the same order as in time. SQLite keeps triggers with their table: a later migration that
rebuilds ``articles`` or ``stories`` (a batch ``recreate``, which dropping or altering a column needs) must
create them again (``create_triggers`` below); the store's tests of ``changed_at`` fail if it does not.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import herald.store.schema

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None

# What an app shows of each: a new value in any of these is a change to report.
ARTICLE_COLUMNS = (
    "title",
    "body",
    "excerpt",
    "authors",
    "published_at",
    "image_url",
    "image_caption",
    "language",
    "section",
    "publisher_id",
    "story_id",
    "copy_of",
)
STORY_COLUMNS = (
    "title",
    "lead_article_id",
    "section",
    "first_published",
    "last_updated",
    "article_count",
    "publisher_count",
    "merged_into",
)
TABLES = {"articles": ARTICLE_COLUMNS, "stories": STORY_COLUMNS}

# SQLite's clock to the microsecond as SQLAlchemy formats times (SQLite itself keeps milliseconds).
SQLITE_NOW = "strftime('%Y-%m-%d %H:%M:%f', 'now') || '000'"
SQLITE_EPOCH = "1970-01-01 00:00:00.000000"


def _sqlite_triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in columns)
    stamp = f"UPDATE {table} SET changed_at = {SQLITE_NOW} WHERE id = NEW.id;"
    return [
        f"CREATE TRIGGER {table}_changed_insert AFTER INSERT ON {table} FOR EACH ROW BEGIN {stamp} END",
        f"CREATE TRIGGER {table}_changed_update AFTER UPDATE OF {', '.join(columns)} ON {table} "
        f"FOR EACH ROW WHEN {changed} BEGIN {stamp} END",
    ]


# PostgreSQL's json has no equality: its text stands in (the same value is always written the same way).
JSON_COLUMNS = frozenset({"authors"})


def _postgresql_triggers(table: str, columns: tuple[str, ...]) -> list[str]:
    changed = " OR ".join(
        f"NEW.{c}::text IS DISTINCT FROM OLD.{c}::text"
        if c in JSON_COLUMNS
        else f"NEW.{c} IS DISTINCT FROM OLD.{c}"
        for c in columns
    )
    # clock_timestamp(), not now(): now() is when the transaction began, and a long transaction's changes
    # would be stamped earlier than changes already committed by shorter ones.
    return [
        f"""CREATE FUNCTION herald_{table}_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.changed_at := clock_timestamp();
    ELSIF {changed} THEN
        NEW.changed_at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$""",
        f"CREATE TRIGGER {table}_changed BEFORE INSERT OR UPDATE ON {table} "
        f"FOR EACH ROW EXECUTE FUNCTION herald_{table}_changed()",
    ]


def create_triggers(table: str) -> None:
    """The triggers that stamp ``table``'s changed_at, on whichever database this is."""
    columns = TABLES[table]
    if op.get_bind().dialect.name == "sqlite":
        statements = _sqlite_triggers(table, columns)
    else:
        statements = _postgresql_triggers(table, columns)
    for statement in statements:
        op.execute(statement)


def drop_triggers(table: str) -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed_insert")
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed_update")
    else:
        op.execute(f"DROP TRIGGER IF EXISTS {table}_changed ON {table}")
        op.execute(f"DROP FUNCTION IF EXISTS herald_{table}_changed()")


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    for table in TABLES:
        # Adding a column leaves a large SQLite table in place only with a constant default; rows stored
        # before this migration count as changed when it ran.
        default = sa.text(f"'{SQLITE_EPOCH}'") if sqlite else sa.text("now()")
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(
                sa.Column(
                    "changed_at",
                    herald.store.schema.UTCDateTime(timezone=True),
                    server_default=default,
                    nullable=False,
                )
            )
            batch_op.create_index(batch_op.f(f"ix_{table}_changed_at"), ["changed_at"], unique=False)
        if sqlite:
            op.execute(f"UPDATE {table} SET changed_at = {SQLITE_NOW}")
        create_triggers(table)


def downgrade() -> None:
    for table in reversed(TABLES):
        drop_triggers(table)
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{table}_changed_at"))
            batch_op.drop_column("changed_at")
