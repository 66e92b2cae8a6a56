"""Articles as a test writes them into a store: the store's, the pipeline's and the site's tests each need a
few, numbered, with the same made-up address, headline and text."""

from __future__ import annotations

from datetime import datetime

from herald.models import ExtractedArticle
from herald.store import NewArticle, Store


def save_article(
    store: Store,
    n: int,
    *,
    publisher_id: int,
    published: datetime,
    source_id: int | None = None,
    section: str | None = None,
    text: str | None = None,
    language: str | None = None,
) -> str:
    """Article ``n`` (its id is ``n`` in hex, fetched when published); the text is one paragraph."""
    article_id = f"{n:032x}"
    store.articles.save(
        NewArticle(
            id=article_id,
            canonical_url=f"https://news.example/{n}",
            url=f"https://news.example/{n}",
            extracted=ExtractedArticle(
                title=f"Headline {n}",
                paragraphs=(text or f"Paragraph of article {n}.",),
                canonical_url=None,
                published=published,
                language=language,
            ),
            publisher_id=publisher_id,
            source_id=source_id,
            fetched_at=published,
            content_hash=article_id,
            section=section,
        )
    )
    return article_id
