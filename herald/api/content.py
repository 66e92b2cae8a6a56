"""What the content routers (:mod:`herald.api.public`) share: the store, the site's languages, the cursors,
publishers' slugs, and short-lived copies of counts.

Everything they serve is the same for every reader and read from the store with the site's own queries, so
an app and the site list the same stories in the same order, in the languages the site's admins chose.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from starlette.responses import Response

from herald.api.caching import http_date
from herald.api.content_schemas import ArticleCardOut, StoryCardOut
from herald.api.cursors import Cursors
from herald.models import Article, Story
from herald.store import Store
from herald.store.articles import primary_language
from herald.store.changes import ChangeStore

SHARED = "public, max-age=60"  # the same for everyone; an app revalidates with its ETag after a minute
DIRECTORY_SECONDS = 30.0  # sections and publishers are counted over every article: not on every request

_Value = TypeVar("_Value")


class PublisherSlugs:
    """Publishers' slugs by id and ids by slug. A slug never changes once made, so what was read once is
    kept for good (a site has hundreds of publishers, not millions)."""

    def __init__(self, store: Store) -> None:
        self._store = store
        self._slugs: dict[int, str] = {}
        self._ids: dict[str, int] = {}

    def slug(self, publisher_id: int) -> str | None:
        known = self._slugs.get(publisher_id)
        if known is None:
            found = self._store.publishers.get(publisher_id)
            if found is None:
                return None
            self._remember(found.id, found.slug)
            known = found.slug
        return known

    def slugs(self, publisher_ids: Iterable[int]) -> dict[int, str]:
        found = {pid: self.slug(pid) for pid in set(publisher_ids)}
        return {pid: slug for pid, slug in found.items() if slug is not None}

    def publisher_id(self, slug: str) -> int | None:
        known = self._ids.get(slug)
        if known is None:
            found = self._store.publishers.by_slug(slug)
            if found is None:
                return None
            self._remember(found.id, found.slug)
            known = found.id
        return known

    def _remember(self, publisher_id: int, slug: str) -> None:
        self._slugs[publisher_id] = slug
        self._ids[slug] = publisher_id


@dataclass
class _Timed:
    """One value, read again once it is ``seconds`` old; threads asking meanwhile get the value kept."""

    seconds: float
    clock: Callable[[], float] = time.monotonic
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _kept: tuple[float, Any] | None = None

    def get(self, load: Callable[[], _Value]) -> _Value:
        with self._lock:
            kept = self._kept
            if kept is None or self.clock() - kept[0] >= self.seconds:
                kept = (self.clock(), load())
                self._kept = kept
            value: _Value = kept[1]
            return value


@dataclass
class Content:
    """What the content routers share: the store, the site's languages, the cursors' key, and short-lived
    copies of the counts every listing of sections and publishers needs."""

    store: Store
    site_languages: Callable[[], tuple[str, ...]]
    cursors: Cursors
    changes: ChangeStore
    slugs: PublisherSlugs
    sections: _Timed = field(default_factory=lambda: _Timed(DIRECTORY_SECONDS))
    publishers: _Timed = field(default_factory=lambda: _Timed(DIRECTORY_SECONDS))

    @classmethod
    def of(cls, store: Store, site_languages: Callable[[], tuple[str, ...]], secret_key: str) -> Content:
        return cls(store, site_languages, Cursors(secret_key), ChangeStore(store.db), PublisherSlugs(store))

    def languages(self, asked: str | None = None) -> tuple[str, ...] | None:
        """The languages a listing keeps: the site's choice, narrowed to ``asked`` when an app asks for one.
        None when the site does not show the language asked for: the listing is empty."""
        chosen = self.site_languages()
        if asked is None:
            return chosen
        wanted = primary_language(asked)
        if chosen and wanted not in chosen:
            return None
        return (wanted,)

    def cards(self, articles: Sequence[Article]) -> list[ArticleCardOut]:
        slugs = self.slugs.slugs(a.publisher_id for a in articles)
        return [ArticleCardOut.card(a, slugs.get(a.publisher_id)) for a in articles]

    def story_cards(self, stories: Sequence[Story]) -> list[StoryCardOut]:
        """Stories with their lead articles, read in one query."""
        found = self.store.articles.many([s.lead_article_id for s in stories if s.lead_article_id])
        leads = {card.id: card for card in self.cards(found)}
        return [StoryCardOut.of(s, leads.get(s.lead_article_id or "")) for s in stories]


def shared(response: Response, last_modified: Any = None) -> None:
    """An answer that is the same for everyone; with the time its data last changed, when it has one."""
    response.headers["Cache-Control"] = SHARED
    if last_modified is not None:
        response.headers["Last-Modified"] = http_date(last_modified)
