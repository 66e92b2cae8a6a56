"""The rules for showing a story's articles, on plain Article values: reprints collapse under their origin,
other outlets are one per publisher and never a reprint, credits never name the reader's own page."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from herald.models import Article
from herald.pipeline.coverage import (
    distinct_texts,
    more_on_story,
    other_outlets,
    syndication,
    timeline,
    without_body,
)

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def art(name: str, publisher: int, hours: float, copy_of: str | None = None) -> Article:
    return Article(
        id=name,
        canonical_url=f"https://p{publisher}.example/{name}",
        url=f"https://p{publisher}.example/{name}",
        title=f"Headline {name}",
        paragraphs=("Text.",),
        publisher_id=publisher,
        publisher_name=f"Paper {publisher}",
        source_id=None,
        published_at=T0 + timedelta(hours=hours),
        fetched_at=T0,
        copy_of=copy_of,
    )


ORIGIN = art("origin", 1, 0)
COPY_2 = art("copy2", 2, 1, copy_of="origin")
COPY_3 = art("copy3", 3, 2, copy_of="origin")
OWN_2 = art("own2", 2, 3)
OWN_4 = art("own4", 4, 4)
STORY = [ORIGIN, COPY_2, COPY_3, OWN_2, OWN_4]  # oldest first, as the store gives them


def ids(articles: list[Article]) -> list[str]:
    return [a.id for a in articles]


def test_timeline_collapses_reprints_under_their_origin() -> None:
    entries = timeline(STORY)
    assert [(e.article.id, ids(list(e.reprints))) for e in entries] == [
        ("origin", ["copy2", "copy3"]),
        ("own2", []),
        ("own4", []),
    ]


def test_timeline_keeps_a_reprint_whose_origin_is_elsewhere() -> None:
    assert [e.article.id for e in timeline([COPY_2, OWN_4])] == ["copy2", "own4"]


def test_timeline_names_each_other_publisher_once() -> None:
    same_paper_again = art("copy1b", 1, 1, copy_of="origin")
    [entry] = timeline([ORIGIN, same_paper_again, COPY_2, art("copy2b", 2, 2, copy_of="origin")])
    assert ids(list(entry.reprints)) == ["copy2"]


def test_other_outlets_skip_reprints_the_lead_publisher_and_repeat_publishers() -> None:
    more_2 = art("more2", 2, 5)
    assert ids(other_outlets([*STORY, more_2], ORIGIN)) == ["more2", "own4"]  # own2: paper 2 again
    assert ids(other_outlets(STORY, OWN_4)) == ["own2", "origin"]
    assert ids(other_outlets(STORY, COPY_2, limit=1)) == ["own4"]


def test_more_on_story_leaves_out_the_article_and_its_whole_copy_group() -> None:
    for current in (ORIGIN, COPY_2, COPY_3):
        assert ids(more_on_story(STORY, current)) == ["own4", "own2"]
    assert ids(more_on_story(STORY, OWN_2)) == ["own4", "origin"]
    assert ids(more_on_story(STORY, OWN_2, limit=1)) == ["own4"]


def test_distinct_texts_keeps_one_article_per_text() -> None:
    assert ids(distinct_texts([COPY_2, ORIGIN, OWN_4, COPY_3])) == ["copy2", "own4"]
    assert ids(distinct_texts(STORY, exclude=("origin", "own4"))) == ["own2"]


def test_syndication_of_a_reprint_and_of_the_origin() -> None:
    of_copy = syndication(COPY_2, ORIGIN, [COPY_2, COPY_3])
    assert of_copy is not None
    assert of_copy.origin is ORIGIN and ids(list(of_copy.others)) == ["origin", "copy3"]
    of_origin = syndication(ORIGIN, ORIGIN, [COPY_2, COPY_3])
    assert of_origin is not None and ids(list(of_origin.others)) == ["copy2", "copy3"]


def test_no_syndication_without_another_publisher() -> None:
    assert syndication(OWN_2, OWN_2, []) is None
    assert syndication(ORIGIN, ORIGIN, [art("again", 1, 1, copy_of="origin")]) is None
    assert syndication(COPY_2, None, [COPY_2]) is None  # the origin is gone


def test_without_body_drops_only_the_text() -> None:
    light = without_body(ORIGIN)
    assert light.paragraphs == () and light.title == ORIGIN.title and light.excerpt == ORIGIN.excerpt
