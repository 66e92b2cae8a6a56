"""How one event's articles are grouped for an app, by the site's rules: reprints of one wire text shown once,
under the article that first carried it.

The site has the same rules in herald/web/coverage.py, which the API may not import (neither of the two
imports the other); both are pure functions of what the store returned, and the tests check the API's story
against the site's story page.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from herald.models import Article


def text_of(article: Article) -> str:
    """The id of the text an article carries: its origin's for a reprint, its own otherwise."""
    return article.copy_of or article.id


def _time(article: Article) -> datetime:
    return article.published_at or article.fetched_at


def one_per_publisher(articles: Iterable[Article], *, skip_publisher: int | None = None) -> list[Article]:
    seen = {skip_publisher} if skip_publisher is not None else set()
    picked = []
    for article in articles:
        if article.publisher_id not in seen:
            seen.add(article.publisher_id)
            picked.append(article)
    return picked


@dataclass(frozen=True, slots=True)
class Telling:
    article: Article
    reprints: tuple[Article, ...] = ()


def tellings(articles: Sequence[Article]) -> list[Telling]:
    """The story's articles in the order given (oldest first); a reprint whose origin is among them is listed
    under it, one per other publisher."""
    present = {a.id for a in articles}
    reprints: dict[str, list[Article]] = {}
    entries = []
    for article in articles:
        if article.copy_of is not None and article.copy_of in present:
            reprints.setdefault(article.copy_of, []).append(article)
        else:
            entries.append(article)
    return [
        Telling(a, tuple(one_per_publisher(reprints.get(a.id, ()), skip_publisher=a.publisher_id)))
        for a in entries
    ]


def more_on_story(articles: Sequence[Article], current: Article, limit: int) -> list[Article]:
    """The story's other texts, newest first: not this article, its origin or its reprints, and each other
    wire text once."""
    present = {a.id for a in articles}
    own_text = text_of(current)
    picked = [
        a for a in articles if text_of(a) != own_text and not (a.copy_of is not None and a.copy_of in present)
    ]
    picked.sort(key=_time, reverse=True)
    return picked[:limit]


def distinct_texts(articles: Iterable[Article], *, exclude: Iterable[str] = ()) -> list[Article]:
    """Articles in the order given, one per text, leaving out the texts (or article ids) in ``exclude``."""
    seen = set(exclude)
    picked = []
    for article in articles:
        if article.id in seen or text_of(article) in seen:
            continue
        seen.update((article.id, text_of(article)))
        picked.append(article)
    return picked
