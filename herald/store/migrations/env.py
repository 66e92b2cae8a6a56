"""Alembic environment: run from herald.store.migrate(), which passes the connection in."""

from __future__ import annotations

from alembic import context

from herald.store.schema import Base
from herald.store.search import declared_in_schema

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    connection = config.attributes.get("connection")
    if connection is None:
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url") or "")
        with engine.begin() as conn:
            _run(conn)
        return
    _run(connection)


def _run(connection: object) -> None:
    context.configure(
        connection=connection,  # type: ignore[arg-type]
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        # The full-text index's tables and column are built by migration 0009, not declared in schema.py:
        # without this, autogenerate would propose dropping them.
        include_name=declared_in_schema,
    )
    with context.begin_transaction():
        context.run_migrations()


run_migrations()
