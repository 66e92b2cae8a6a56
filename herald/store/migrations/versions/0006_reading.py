"""reading: reading lists, reading history, follows and mutes, readers' last visits

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-16 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import herald.store.schema

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "saved_articles",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("saved_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_saved_articles_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_saved_articles_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "article_id", name=op.f("pk_saved_articles")),
    )
    with op.batch_alter_table("saved_articles", schema=None) as batch_op:
        batch_op.create_index("ix_saved_articles_user_time", ["user_id", "saved_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_saved_articles_article_id"), ["article_id"], unique=False)

    op.create_table(
        "reading_history",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("read_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_reading_history_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reading_history_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "article_id", name=op.f("pk_reading_history")),
    )
    with op.batch_alter_table("reading_history", schema=None) as batch_op:
        batch_op.create_index("ix_reading_history_user_time", ["user_id", "read_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_reading_history_article_id"), ["article_id"], unique=False)

    op.create_table(
        "follows",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("label", sa.String(length=300), nullable=False),
        sa.Column("muted", sa.Boolean(), server_default=sa.false(), nullable=False),
        sa.Column("created_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_follows_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", "kind", "key", name=op.f("pk_follows")),
    )

    op.create_table(
        "reader_visits",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("last_seen_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_reader_visits_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_reader_visits")),
    )


def downgrade() -> None:
    op.drop_table("reader_visits")
    op.drop_table("follows")
    with op.batch_alter_table("reading_history", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reading_history_article_id"))
        batch_op.drop_index("ix_reading_history_user_time")

    op.drop_table("reading_history")
    with op.batch_alter_table("saved_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_saved_articles_article_id"))
        batch_op.drop_index("ix_saved_articles_user_time")

    op.drop_table("saved_articles")
