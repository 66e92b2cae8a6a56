"""The story so far: one entry per telling oldest first, reprints folded into their origin, the reader's
article always there and marked, what is new since the reader's date, and earlier stories that set the
scene."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone

import pytest

from herald.ai.timeline import cut_at_word, linked_earlier_stories, story_so_far
from herald.ai.types import EarlierStory, StorySoFar
from herald.models import Article, Story

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
LEAD = "Rescue teams reached the flooded valley on Friday after the river burst its banks overnight."


def article(
    article_id: str,
    minutes: int,
    *,
    copy_of: str | None = None,
    title: str | None = None,
    paragraphs: tuple[str, ...] = (LEAD,),
    published: bool = True,
    publisher: str = "Daily Wire",
) -> Article:
    """An article ``minutes`` after T0; with ``published=False`` only its fetch time says when."""
    moment = T0 + timedelta(minutes=minutes)
    return Article(
        id=article_id,
        canonical_url=f"https://example.com/{article_id}",
        url=f"https://example.com/{article_id}",
        title=title or f"Headline {article_id}",
        paragraphs=paragraphs,
        publisher_id=1,
        publisher_name=publisher,
        source_id=None,
        published_at=moment if published else None,
        fetched_at=moment if not published else T0 - timedelta(days=1),
        copy_of=copy_of,
    )


def run(
    current: Article,
    articles: list[Article],
    since: datetime | None = None,
    gists: Mapping[str, str] | None = None,
) -> StorySoFar:
    return story_so_far(current, articles, story_id=7, gists=gists or {}, earlier=(), since=since)


@dataclass(frozen=True)
class EntriesCase:
    name: str
    articles: tuple[Article, ...]
    current: Article
    ids: tuple[str, ...]  # the entries, in order
    current_id: str  # the one entry marked current


A, B, C = article("a", 0), article("b", 10), article("c", 20)
CASES = [
    EntriesCase("oldest first", (C, A, B), B, ("a", "b", "c"), "b"),
    EntriesCase("same time: by id", (article("z", 5), article("m", 5)), A, ("a", "m", "z"), "a"),
    EntriesCase(
        "fetch time when no published time", (article("late", 30, published=False), A), A, ("a", "late"), "a"
    ),
    EntriesCase(
        "a reprint of a listed origin is folded", (A, article("r", 3, copy_of="a"), B), B, ("a", "b"), "b"
    ),
    EntriesCase(
        "a reprint whose origin is elsewhere stays", (A, article("r", 3, copy_of="x")), A, ("a", "r"), "a"
    ),
    EntriesCase(
        "current reprint: its origin is marked", (A, B), article("r", 12, copy_of="a"), ("a", "b"), "a"
    ),
    EntriesCase("current missing from the list is added", (A, C), B, ("a", "b", "c"), "b"),
    EntriesCase("current reprint of an unlisted origin", (A,), article("r", 5, copy_of="x"), ("a", "r"), "r"),
    EntriesCase("duplicates listed twice appear once", (A, A, B), A, ("a", "b"), "a"),
]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_entries(case: EntriesCase) -> None:
    result = run(case.current, list(case.articles))
    assert tuple(entry.article_id for entry in result.entries) == case.ids
    assert [entry.article_id for entry in result.entries if entry.current] == [case.current_id]
    assert all(entry.story_id == 7 for entry in result.entries)
    assert result.story_id == 7


def test_entry_carries_what_the_page_shows() -> None:
    entry = run(A, [article("b", 10, publisher="Evening Post", title="Dam gives way")]).entries[1]
    assert (entry.publisher_name, entry.title, entry.time) == (
        "Evening Post",
        "Dam gives way",
        T0 + timedelta(minutes=10),
    )
    assert entry.time.tzinfo is not None


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        (None, ()),
        (T0 + timedelta(minutes=10), ("c",)),  # strictly after: the entry at that very time is not new
        (T0 + timedelta(minutes=9), ("b", "c")),
        ((T0 + timedelta(minutes=9)).replace(tzinfo=None), ("b", "c")),  # naive means UTC
        (datetime(2024, 3, 1, 10, 15, tzinfo=timezone(timedelta(hours=2))), ("c",)),  # 08:15 UTC
        (T0 - timedelta(days=3), ("a", "b", "c")),
        (T0 + timedelta(days=3), ()),
    ],
    ids=["none", "equal-excluded", "aware", "naive", "other-zone", "all", "nothing"],
)
def test_new_since(since: datetime | None, expected: tuple[str, ...]) -> None:
    result = run(A, [C, B, A], since=since)
    assert tuple(entry.article_id for entry in result.new_since) == expected
    assert result.since is None or result.since.tzinfo is not None


LONG = (
    "The regional authority said " + "the water level kept rising along the whole length of the valley " * 6
).strip() + "."


@pytest.mark.parametrize(
    ("paragraphs", "gists", "expected"),
    [
        ((LEAD, "Second sentence here, not shown."), {}, LEAD),
        (("By AP", LEAD), {}, LEAD),  # a fragment is no sentence
        ((), {}, "Headline a"),
        (("Photo: AP",), {}, "Headline a"),
        ((LEAD,), {"a": "The summary's first sentence says it."}, "The summary's first sentence says it."),
        ((LEAD,), {"a": ""}, LEAD),  # an empty gist is no gist
        ((LEAD,), {"other": "Not this one."}, LEAD),
    ],
    ids=[
        "lead",
        "fragment-skipped",
        "title-no-text",
        "title-only-fragments",
        "gist",
        "empty-gist",
        "other-gist",
    ],
)
def test_gist(paragraphs: tuple[str, ...], gists: dict[str, str], expected: str) -> None:
    entry = run(article("a", 0, paragraphs=paragraphs), [], gists=gists).entries[0]
    assert entry.gist == expected


def test_long_gist_is_cut_at_a_word() -> None:
    gist = run(article("a", 0, paragraphs=(LONG,)), []).entries[0].gist
    assert len(LONG) > 300
    assert 150 < len(gist) <= 221
    assert gist.endswith("…")
    assert LONG.startswith(gist[:-1])
    assert LONG[len(gist) - 1] == " "  # cut where a word ended


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short text", "short text"),
        ("x" * 220, "x" * 220),
        ("word " * 60, ("word " * 44).strip() + "…"),
        ("a" * 300, "a" * 220 + "…"),  # no space to cut at
        ("one,  two\nthree", "one, two three"),
    ],
)
def test_cut_at_word(text: str, expected: str) -> None:
    assert cut_at_word(text) == expected


def earlier(story_id: int, days_ago: int) -> EarlierStory:
    end = T0 - timedelta(days=days_ago)
    return EarlierStory(story_id, f"Story {story_id}", end - timedelta(days=1), end, 3)


def test_earlier_passes_through_newest_first() -> None:
    given = (earlier(1, 9), earlier(2, 2), earlier(3, 5))
    result = story_so_far(A, [A], story_id=None, gists={}, earlier=given, since=None)
    assert [story.story_id for story in result.earlier] == [2, 3, 1]
    assert result.earlier[0] == given[1]
    assert result.story_id is None


def story(story_id: int, first: datetime, last: datetime) -> Story:
    return Story(story_id, f"Story {story_id}", None, None, first, last, 4, 2)


DAY = timedelta(days=1)
CANDIDATES = [
    story(1, T0 - 9 * DAY, T0 - 8 * DAY),
    story(2, T0 - 3 * DAY, T0 - 2 * DAY),
    story(3, T0 - 2 * DAY, T0 + DAY),  # still running when this story began
    story(4, T0 - DAY, T0),  # ended the moment this one began: counts
    story(2, T0 - 3 * DAY, T0 - 2 * DAY),  # listed twice
    story(5, T0 - 5 * DAY, T0 - 4 * DAY),
    story(6, (T0 - 7 * DAY).replace(tzinfo=None), (T0 - 6 * DAY).replace(tzinfo=None)),  # naive: UTC
]


@pytest.mark.parametrize(
    ("exclude", "limit", "expected"),
    [
        (None, 5, [4, 2, 5, 6, 1]),
        (4, 5, [2, 5, 6, 1]),
        (None, 2, [4, 2]),
        (None, 0, []),
    ],
)
def test_linked_earlier_stories(exclude: int | None, limit: int, expected: list[int]) -> None:
    found = linked_earlier_stories(T0, CANDIDATES, exclude_story_id=exclude, limit=limit)
    assert [story.story_id for story in found] == expected


def test_linked_earlier_story_fields() -> None:
    (found,) = linked_earlier_stories(T0, [story(6, T0 - 7 * DAY, T0 - 6 * DAY)], exclude_story_id=None)
    assert found == EarlierStory(6, "Story 6", T0 - 7 * DAY, T0 - 6 * DAY, 4)
    assert linked_earlier_stories(T0, [], exclude_story_id=None) == ()
