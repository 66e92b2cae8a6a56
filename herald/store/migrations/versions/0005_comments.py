"""comments: readers' comments, their reports, the moderation log

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-09 09:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import herald.store.schema

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "comments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=True),
        sa.Column("story_id", sa.Integer(), nullable=True),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("body_html", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_at", herald.store.schema.UTCDateTime(timezone=True), nullable=True),
        sa.Column("hold_reason", sa.String(length=200), nullable=False),
        sa.Column("report_count", sa.Integer(), nullable=False),
        sa.CheckConstraint("(article_id IS NULL) <> (story_id IS NULL)", name="ck_comments_one_target"),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_comments_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comments.id"],
            name=op.f("fk_comments_parent_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comments_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comments")),
    )
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.create_index("ix_comments_article_time", ["article_id", "created_at"], unique=False)
        batch_op.create_index("ix_comments_story_time", ["story_id", "created_at"], unique=False)
        batch_op.create_index("ix_comments_status_time", ["status", "created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_comments_user_id"), ["user_id"], unique=False)

    op.create_table(
        "comment_reports",
        sa.Column("comment_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.String(length=200), nullable=False),
        sa.Column("created_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"],
            ["comments.id"],
            name=op.f("fk_comment_reports_comment_id_comments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_comment_reports_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("comment_id", "user_id", name=op.f("pk_comment_reports")),
    )
    with op.batch_alter_table("comment_reports", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_reports_user_id"), ["user_id"], unique=False)

    op.create_table(
        "moderation_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("moderator_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("comment_id", sa.Integer(), nullable=True),
        sa.Column("target_user_id", sa.Integer(), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.Column("at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["moderator_id"],
            ["users.id"],
            name=op.f("fk_moderation_log_moderator_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_moderation_log")),
    )
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_moderation_log_at"), ["at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("moderation_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_moderation_log_at"))

    op.drop_table("moderation_log")
    with op.batch_alter_table("comment_reports", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comment_reports_user_id"))

    op.drop_table("comment_reports")
    with op.batch_alter_table("comments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_comments_user_id"))
        batch_op.drop_index(batch_op.f("ix_comments_parent_id"))
        batch_op.drop_index("ix_comments_status_time")
        batch_op.drop_index("ix_comments_story_time")
        batch_op.drop_index("ix_comments_article_time")

    op.drop_table("comments")
