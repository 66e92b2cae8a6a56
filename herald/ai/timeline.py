"""The story so far: a developing story as a reader catches up on it, one line per telling, oldest first.

Pure functions of articles and stories already loaded: the pipeline fetches them and the gists (summary
sentences it has cached), so this module never touches the store and is cheap enough for every page view. A
wire text reprinted by several outlets is one step of the story, not several: reprints whose origin is in
the story are folded into it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from herald.ai.sentences import split_sentences
from herald.ai.types import EarlierStory, StorySoFar, TimelineEntry
from herald.models import Article, Story

GIST_CHARS = 220  # about two lines of the timeline: enough to say what the article added
EARLIER_LIMIT = 5


def story_so_far(
    current: Article,
    story_articles: Sequence[Article],
    *,
    story_id: int | None,
    gists: Mapping[str, str],
    earlier: Sequence[EarlierStory],
    since: datetime | None,
) -> StorySoFar:
    """The story's tellings oldest first, with the reader's article marked and those after ``since`` picked
    out. The current article is always there, even if the caller's list missed it (a story still being
    assigned); when it is a reprint of a listed article, the origin stands for it and is marked instead."""
    articles: dict[str, Article] = {}
    for article in (*story_articles, current):
        articles.setdefault(article.id, article)
    current_id = _origin_in(current, articles) or current.id
    entries = tuple(
        _entry(article, story_id, gists, current=article.id == current_id)
        for article in sorted(articles.values(), key=_order)
        if article.id == current_id or _origin_in(article, articles) is None
    )
    since = _aware(since) if since is not None else None
    new_since = () if since is None else tuple(entry for entry in entries if entry.time > since)
    return StorySoFar(
        story_id=story_id,
        entries=entries,
        earlier=tuple(sorted(earlier, key=lambda story: _aware(story.last_time), reverse=True)),
        since=since,
        new_since=new_since,
    )


def linked_earlier_stories(
    story_first_time: datetime,
    candidates: Sequence[Story],
    *,
    exclude_story_id: int | None,
    limit: int = EARLIER_LIMIT,
) -> tuple[EarlierStory, ...]:
    """Stories that were over before this one began, newest first: what a reader may need to follow it.
    A story still running when this one started is a parallel thread, not background, and is left out."""
    began = _aware(story_first_time)
    seen: set[int] = set()
    kept: list[Story] = []
    for story in candidates:
        if story.id == exclude_story_id or story.id in seen or _aware(story.last_updated) > began:
            continue
        seen.add(story.id)
        kept.append(story)
    kept.sort(key=lambda story: (_aware(story.last_updated), story.id), reverse=True)
    return tuple(
        EarlierStory(
            story_id=story.id,
            title=story.title,
            first_time=_aware(story.first_published),
            last_time=_aware(story.last_updated),
            article_count=story.article_count,
        )
        for story in kept[: max(0, limit)]
    )


def article_time(article: Article) -> datetime:
    """When the article appeared: its publisher's date, or when Herald first saw it (always aware)."""
    return _aware(article.published_at or article.fetched_at)


def cut_at_word(text: str, limit: int = GIST_CHARS) -> str:
    """``text`` shortened to about ``limit`` characters at a word boundary, with an ellipsis if cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ")
    return (head[:space] if space > limit // 2 else head).rstrip(" ,;:.-–—") + "…"


def _entry(
    article: Article, story_id: int | None, gists: Mapping[str, str], *, current: bool
) -> TimelineEntry:
    return TimelineEntry(
        article_id=article.id,
        publisher_name=article.publisher_name,
        title=article.title,
        time=article_time(article),
        gist=cut_at_word(gists.get(article.id) or _lead(article)),
        story_id=article.story_id if article.story_id is not None else story_id,
        current=current,
    )


def _lead(article: Article) -> str:
    """The article's first real sentence; its title when the text has none (a feed stub, a photo page)."""
    sentences = split_sentences(article.paragraphs, max_sentences=1)
    return sentences[0].text if sentences else article.title


def _origin_in(article: Article, articles: Mapping[str, Article]) -> str | None:
    """The id of the article this one reprints, if that origin is among ``articles``."""
    origin = article.copy_of
    return origin if origin is not None and origin != article.id and origin in articles else None


def _order(article: Article) -> tuple[datetime, str]:
    return article_time(article), article.id


def _aware(moment: datetime) -> datetime:
    """A naive time is taken as UTC, as Herald stores them; aware times are kept in their zone."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
