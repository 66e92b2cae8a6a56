"""How one event's articles are shown, on the site and in the API: reprints of one wire text collapsed under
the article that first carried it, other outlets' headlines beside a top story, the "also published by"
facts of an article.

Pure functions of what the store returned, so each rule is tested without a database; the site's pages and
the JSON API both group by them, so an app and a page never disagree about a story.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from herald.models import Article


def article_time(article: Article) -> datetime:
    """The time a reader cares about: publication, or when we found it if the publisher gave none."""
    return article.published_at or article.fetched_at


def text_of(article: Article) -> str:
    """The id of the text an article carries: its origin's for a reprint, its own otherwise."""
    return article.copy_of or article.id


def without_body(article: Article) -> Article:
    """The article as a card needs it: what is kept in memory for many readers should not hold full texts."""
    return replace(article, paragraphs=())


def one_per_publisher(articles: Iterable[Article], *, skip_publisher: int | None = None) -> list[Article]:
    """The first article of each publisher, in the order given."""
    seen = {skip_publisher} if skip_publisher is not None else set()
    picked = []
    for article in articles:
        if article.publisher_id not in seen:
            seen.add(article.publisher_id)
            picked.append(article)
    return picked


@dataclass(frozen=True, slots=True)
class Telling:
    """One entry of a story's timeline: an article and the other publishers that reprinted its text."""

    article: Article
    reprints: tuple[Article, ...] = ()


def timeline(articles: Sequence[Article]) -> list[Telling]:
    """The story's articles in the order given (oldest first); a reprint whose origin is among them is shown
    once, under its origin, so a wire story carried by five papers is one entry, not five."""
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


def other_outlets(articles: Sequence[Article], lead: Article, limit: int = 3) -> list[Article]:
    """Other publishers' headlines beside a top story's lead: newest first, one per publisher, and never a
    reprint (its headline is usually the origin's, so it would say nothing new)."""
    lead_text = text_of(lead)
    candidates = [a for a in articles if a.copy_of is None and text_of(a) != lead_text]
    candidates.sort(key=article_time, reverse=True)
    return one_per_publisher(candidates, skip_publisher=lead.publisher_id)[:limit]


def more_on_story(articles: Sequence[Article], current: Article, limit: int = 5) -> list[Article]:
    """The story's other texts for an article page, newest first: not this article, its origin or its
    reprints, and each other wire text once."""
    present = {a.id for a in articles}
    own_text = text_of(current)
    picked = [
        a for a in articles if text_of(a) != own_text and not (a.copy_of is not None and a.copy_of in present)
    ]
    picked.sort(key=article_time, reverse=True)
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


@dataclass(frozen=True, slots=True)
class Syndication:
    """Who else carries an article's text: the origin (first published) and the other publishers' copies."""

    origin: Article
    others: tuple[Article, ...]  # one per publisher, oldest first, never the article's own publisher


def syndication(current: Article, origin: Article | None, reprints: Sequence[Article]) -> Syndication | None:
    """None when no other publisher carries the text (or the origin is gone)."""
    if origin is None:
        return None
    group = sorted({a.id: a for a in (origin, *reprints)}.values(), key=article_time)
    others = one_per_publisher((a for a in group if a.id != current.id), skip_publisher=current.publisher_id)
    if not others:
        return None
    return Syndication(origin=origin, others=tuple(others))
