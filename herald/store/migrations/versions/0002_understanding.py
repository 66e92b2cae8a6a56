"""understanding: stories, features, bands, entities, related

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 06:44:25.270992
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import herald.store.schema

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "terms",
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("documents", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("term", name=op.f("pk_terms")),
    )
    op.create_table(
        "entities",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entities")),
        sa.UniqueConstraint("key", name=op.f("uq_entities_key")),
    )
    op.create_table(
        "stories",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("lead_article_id", sa.String(length=32), nullable=True),
        sa.Column("section", sa.String(length=50), nullable=True),
        sa.Column("first_published", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_updated", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.Column("article_count", sa.Integer(), nullable=False),
        sa.Column("publisher_count", sa.Integer(), nullable=False),
        sa.Column("centroid", sa.LargeBinary(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("merged_into", sa.Integer(), nullable=True),
        sa.Column("created_at", herald.store.schema.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stories")),
    )
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stories_last_updated"), ["last_updated"], unique=False)
        batch_op.create_index(batch_op.f("ix_stories_merged_into"), ["merged_into"], unique=False)
        batch_op.create_index("ix_stories_section_updated", ["section", "last_updated"], unique=False)

    op.create_table(
        "article_bands",
        sa.Column("band", sa.BigInteger(), nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_bands_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("band", "article_id", name=op.f("pk_article_bands")),
    )
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_bands_article_id"), ["article_id"], unique=False)

    op.create_table(
        "article_entities",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("mentions", sa.Integer(), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_entities_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_article_entities_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "entity_id", name=op.f("pk_article_entities")),
    )
    with op.batch_alter_table("article_entities", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_entities_entity_id"), ["entity_id"], unique=False)

    op.create_table(
        "article_features",
        sa.Column("key", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("near_dup", sa.LargeBinary(), nullable=True),
        sa.Column("section_guess", sa.String(length=50), nullable=True),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_article_features_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_article_features")),
    )
    with op.batch_alter_table("article_features", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_article_features_article_id"), ["article_id"], unique=True)

    op.create_table(
        "related_articles",
        sa.Column("article_id", sa.String(length=32), nullable=False),
        sa.Column("related_id", sa.String(length=32), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_related_articles_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["related_id"],
            ["articles.id"],
            name=op.f("fk_related_articles_related_id_articles"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("article_id", "related_id", name=op.f("pk_related_articles")),
    )
    with op.batch_alter_table("related_articles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_related_articles_related_id"), ["related_id"], unique=False)

    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.add_column(sa.Column("story_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("copy_of", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("copy_locked", sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.add_column(
            sa.Column("story_locked", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.create_index(batch_op.f("ix_articles_copy_of"), ["copy_of"], unique=False)
        batch_op.create_index(batch_op.f("ix_articles_story_id"), ["story_id"], unique=False)


def downgrade() -> None:
    op.drop_table("terms")
    with op.batch_alter_table("articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_articles_story_id"))
        batch_op.drop_index(batch_op.f("ix_articles_copy_of"))
        batch_op.drop_column("story_locked")
        batch_op.drop_column("copy_locked")
        batch_op.drop_column("copy_of")
        batch_op.drop_column("story_id")

    with op.batch_alter_table("related_articles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_related_articles_related_id"))

    op.drop_table("related_articles")
    with op.batch_alter_table("article_features", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_features_article_id"))

    op.drop_table("article_features")
    with op.batch_alter_table("article_entities", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_entities_entity_id"))

    op.drop_table("article_entities")
    with op.batch_alter_table("article_bands", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_article_bands_article_id"))

    op.drop_table("article_bands")
    with op.batch_alter_table("stories", schema=None) as batch_op:
        batch_op.drop_index("ix_stories_section_updated")
        batch_op.drop_index(batch_op.f("ix_stories_merged_into"))
        batch_op.drop_index(batch_op.f("ix_stories_last_updated"))

    op.drop_table("stories")
    op.drop_table("entities")
