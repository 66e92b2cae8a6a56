"""A reader's own Herald: a reading list, a reading history they can see and clear, what they follow and mute,
and "For you", a page ranked by those follows that says why each article is there.

"For you" is computed when asked, from the database: articles of the last days that match a followed
publisher, story, name or section, none that match a muted one, none already read. Each match adds weight
(a followed story most, a name next, a publisher or a section least), freshness decays it, and the reasons
shown are the follows that matched, strongest first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from herald.config import Settings
from herald.errors import AccountError
from herald.models import FOLLOW_KINDS, Article, Follow, User
from herald.store import Store
from herald.translation import N_

FOR_YOU_DAYS = 7
FOR_YOU_COUNT = 40
HALF_LIFE_HOURS = 24.0
KIND_WEIGHT = {"story": 3.0, "entity": 2.0, "publisher": 1.0, "section": 1.0}
MAX_FOLLOWS = 500  # per reader: past this, following is no longer a choice

NOT_FOUND = N_("That is not something you can follow.")
TOO_MANY = f"You follow {MAX_FOLLOWS} things already; unfollow some first."


@dataclass(frozen=True, slots=True)
class ForYouItem:
    article: Article
    reasons: tuple[str, ...]  # "You follow North Korea", strongest first
    score: float


@dataclass(frozen=True, slots=True)
class StoryNews:
    """A followed story that moved since the reader's last visit."""

    story_id: int
    title: str
    new_articles: int


@dataclass(frozen=True, slots=True)
class ForYou:
    items: tuple[ForYouItem, ...]
    since_last_visit: tuple[StoryNews, ...]
    last_visit: datetime | None
    follows: int  # how many things the reader follows (0: the page explains how to start)


def reason(kind: str, label: str) -> str:
    if kind == "story":
        return f"You follow the story “{label}”"
    if kind == "section":
        return f"You follow the {label} section"
    return f"You follow {label}"


class Reading:
    def __init__(self, settings: Settings, store: Store) -> None:
        self.settings = settings
        self.store = store

    # The reading list and history ---------------------------------------------------------------------------

    def save(self, user: User, article_id: str) -> bool:
        return self.store.reading.save(user.id, article_id)

    def unsave(self, user: User, article_id: str) -> bool:
        return self.store.reading.unsave(user.id, article_id)

    def saved(self, user: User, limit: int = 50, offset: int = 0) -> list[Article]:
        return self.store.reading.saved(user.id, limit=limit, offset=offset)

    def record_read(self, user: User, article_id: str) -> None:
        self.store.reading.record_read(user.id, article_id)

    def history(self, user: User, limit: int = 50, offset: int = 0) -> list[tuple[Article, datetime]]:
        return self.store.reading.history(user.id, limit=limit, offset=offset)

    def clear_history(self, user: User) -> int:
        return self.store.reading.clear_history(user.id)

    # Follows and mutes --------------------------------------------------------------------------------------

    def follow(self, user: User, kind: str, key: str, *, muted: bool = False) -> Follow:
        """Follow (or mute) a publisher, story, name or section that exists; its label comes from the store,
        never from the form."""
        label = self._label(kind, key)
        if label is None:
            raise AccountError(NOT_FOUND)
        current = {(f.kind, f.key) for f in self.store.reading.follows(user.id)}
        if (kind, key) not in current and len(current) >= MAX_FOLLOWS:
            raise AccountError(TOO_MANY)
        self.store.reading.follow(user.id, kind, key, label, muted=muted)
        return Follow(kind=kind, key=key, label=label, muted=muted, created_at=datetime.now(UTC))

    def unfollow(self, user: User, kind: str, key: str) -> bool:
        return self.store.reading.unfollow(user.id, kind, key)

    def follows(self, user: User) -> list[Follow]:
        return self.store.reading.follows(user.id)

    def follow_state(self, user: User, pairs: Sequence[tuple[str, str]]) -> dict[tuple[str, str], bool]:
        return self.store.reading.follow_state(user.id, pairs)

    def _label(self, kind: str, key: str) -> str | None:
        if kind not in FOLLOW_KINDS or not key or len(key) > 200:
            return None
        store = self.store
        if kind == "publisher":
            publisher = store.publishers.get(int(key)) if key.isdecimal() else None
            return publisher.name if publisher else None
        if kind == "story":
            story = store.stories.get(int(key)) if key.isdecimal() else None
            return story.title if story else None
        if kind == "entity":
            entity = store.entities.get(key)
            return entity.name if entity else None
        return key if key in {name for name, _count in store.articles.sections()} else None

    # For you ------------------------------------------------------------------------------------------------

    def for_you(self, user: User, *, now: datetime | None = None, touch: bool = True) -> ForYou:
        """The reader's page; ``touch`` records this visit, so "since your last visit" moves on."""
        now = now or datetime.now(UTC)
        reading = self.store.reading
        follows = [f for f in reading.follows(user.id) if not f.muted]
        last_visit = reading.touch_visit(user.id, now) if touch else None
        candidates = reading.for_you_candidates(user.id, now - timedelta(days=FOR_YOU_DAYS))
        ranked = sorted(
            (_ranked(article, matches, now) for article, matches in candidates),
            key=lambda item: (-item.score, item.article.id),
        )
        # One telling of a wire text: its reprints all match when its origin is muted or not a candidate.
        texts: set[str] = set()
        items = []
        for item in ranked:
            text = item.article.copy_of or item.article.id
            if text not in texts:
                texts.add(text)
                items.append(item)
        items = items[:FOR_YOU_COUNT]
        news: tuple[StoryNews, ...] = ()
        if last_visit is not None:
            news = tuple(
                StoryNews(story_id, title, count)
                for story_id, title, count in reading.new_in_followed_stories(user.id, last_visit)
            )
        return ForYou(items=tuple(items), since_last_visit=news, last_visit=last_visit, follows=len(follows))


def _ranked(article: Article, matches: Sequence[tuple[str, str, str]], now: datetime) -> ForYouItem:
    ordered = sorted(matches, key=lambda m: (-KIND_WEIGHT.get(m[0], 1.0), m[2]))
    weight = sum(KIND_WEIGHT.get(kind, 1.0) for kind, _key, _label in ordered)
    when = article.published_at or article.fetched_at
    hours = max(0.0, (now - when).total_seconds() / 3600)
    score = weight * math.pow(0.5, hours / HALF_LIFE_HOURS)
    reasons = tuple(dict.fromkeys(reason(kind, label) for kind, _key, label in ordered))
    return ForYouItem(article=article, reasons=reasons, score=round(score, 4))
