"""Compare coverage: who reported first, who only reprinted, which numbers, names and quotes only one outlet
has, and which every outlet with its own telling agrees on."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from herald.ai.coverage import compare_coverage
from herald.ai.types import CoverageComparison, OutletCoverage
from herald.models import Article

T0 = datetime(2024, 3, 1, 8, 0, tzinfo=UTC)
PUBLISHERS = {"Alpha Times": 1, "Beta News": 2, "Gamma Post": 3, "Delta Daily": 4}
FILLER = "The river rose through the night and the valley was flooded by morning, residents said."


def article(
    article_id: str,
    minutes: int,
    publisher: str,
    *paragraphs: str,
    title: str = "Valley flooded after dam breaks",
    copy_of: str | None = None,
) -> Article:
    return Article(
        id=article_id,
        canonical_url=f"https://example.com/{article_id}",
        url=f"https://example.com/{article_id}",
        title=title,
        paragraphs=paragraphs or (FILLER,),
        publisher_id=PUBLISHERS[publisher],
        publisher_name=publisher,
        source_id=None,
        published_at=T0 + timedelta(minutes=minutes),
        fetched_at=T0 + timedelta(minutes=minutes),
        copy_of=copy_of,
    )


def outlet(result: CoverageComparison, name: str) -> OutletCoverage:
    (found,) = [o for o in result.outlets if o.publisher_name == name]
    return found


def exclusive(result: CoverageComparison, name: str, kind: str | None = None) -> list[str]:
    return [fact.text for fact in outlet(result, name).exclusive if kind is None or fact.kind == kind]


def test_empty_story() -> None:
    assert compare_coverage([], story_id=3) == CoverageComparison(story_id=3, outlets=(), shared=())


def test_single_outlet_has_nothing_to_compare() -> None:
    result = compare_coverage(
        [
            article("a2", 30, "Alpha Times", "Officials said 1,200 people were evacuated."),
            article(
                "a1", 0, "Alpha Times", "Mayor Anna Kowalski said “we will rebuild every home that was lost”."
            ),
        ],
        story_id=3,
    )
    (only,) = result.outlets
    assert (only.article_id, only.article_count, only.reprints, only.first) == ("a1", 2, 0, True)
    assert only.exclusive == ()
    assert result.shared == ()
    assert result.story_id == 3


def test_one_telling_and_its_reprinters_have_nothing_exclusive() -> None:
    result = compare_coverage(
        [article("a", 0, "Alpha Times", *ALPHA), article("b", 5, "Beta News", *ALPHA, copy_of="a")],
        story_id=1,
    )
    assert [(o.publisher_name, o.article_count, o.reprints, o.first) for o in result.outlets] == [
        ("Alpha Times", 1, 0, True),
        ("Beta News", 0, 1, False),
    ]
    assert all(o.exclusive == () for o in result.outlets)
    assert result.shared == ()


def test_first_reporter_and_order() -> None:
    result = compare_coverage(
        [
            article("g", 10, "Gamma Post", title="Gamma's telling"),
            article("a", 10, "Alpha Times"),
            article("b2", 40, "Beta News"),
            article("b1", 0, "Beta News", title="Beta's first"),
        ],
        story_id=None,
    )
    assert [o.publisher_name for o in result.outlets] == [
        "Beta News",
        "Alpha Times",
        "Gamma Post",
    ]  # ties by name
    assert [o.first for o in result.outlets] == [True, False, False]
    beta = outlet(result, "Beta News")
    assert (beta.article_id, beta.title, beta.first_time, beta.article_count) == ("b1", "Beta's first", T0, 2)
    assert outlet(result, "Gamma Post").title == "Gamma's telling"


def test_reprints_are_counted_apart_and_their_text_ignored() -> None:
    wire = "The dam cost $40 million to build, engineers said, and 1,200 people were evacuated."
    result = compare_coverage(
        [
            article("w1", 0, "Alpha Times", wire),
            article("w2", 50, "Alpha Times", wire, copy_of="w1"),  # its own text again: still its own telling
            article("b-copy", 5, "Beta News", wire, copy_of="w1"),
            article("b-own", 30, "Beta News", "Officials said 1200 people had left.", title="Beta's own"),
            article("g-copy", 7, "Gamma Post", wire, copy_of="w1"),
            article(
                "d-own", 9, "Delta Daily", "About 1,200 people fled.", copy_of="elsewhere"
            ),  # origin unknown
        ],
        story_id=1,
    )
    counts = {o.publisher_name: (o.article_count, o.reprints, o.article_id) for o in result.outlets}
    assert counts == {
        "Alpha Times": (2, 0, "w1"),
        "Beta News": (1, 1, "b-own"),
        "Gamma Post": (0, 1, "g-copy"),
        "Delta Daily": (1, 0, "d-own"),
    }
    assert outlet(result, "Beta News").first_time == T0 + timedelta(minutes=5)  # when it ran the reprint
    assert [o.publisher_name for o in result.outlets] == [
        "Alpha Times",
        "Beta News",
        "Gamma Post",
        "Delta Daily",
    ]
    assert exclusive(result, "Alpha Times", "number") == ["$40 million"]  # Beta only reprinted it
    assert exclusive(result, "Gamma Post") == []
    shared = {(fact.kind, fact.text): fact.publishers for fact in result.shared}
    assert shared[("number", "1,200 people")] == ("Alpha Times", "Beta News", "Delta Daily")


ALPHA = (
    "Officials said 1,200 people were evacuated from Ostrava on Friday.",
    "Mayor Anna Kowalski said “we will rebuild every home that was lost in the flood” as the water fell.",
    "The dam cost $40 million to build in 1998.",
)
BETA = (
    "About 1200 people left their homes in Ostrava, officials said.",
    "The town had been warned, said the engineer Tomasz Nowak, who inspected the dam.",
)


def test_exclusive_number_name_and_quote_and_a_shared_fact() -> None:
    result = compare_coverage(
        [article("a", 0, "Alpha Times", *ALPHA), article("b", 20, "Beta News", *BETA)], story_id=2
    )
    alpha = outlet(result, "Alpha Times")
    assert [(f.kind, f.text) for f in alpha.exclusive] == [
        ("quote", "we will rebuild every home that was lost in the flood"),
        ("number", "$40 million"),
        ("name", "Anna Kowalski"),
    ]
    assert all(f.publishers == ("Alpha Times",) for f in alpha.exclusive)
    assert exclusive(result, "Beta News", "name") == ["Tomasz Nowak"]
    assert [(f.kind, f.text, f.publishers) for f in result.shared[:1]] == [
        ("number", "1,200 people", ("Alpha Times", "Beta News"))
    ]
    assert ("name", "Ostrava") in [(f.kind, f.text) for f in result.shared]
    assert "1,200 people" not in exclusive(result, "Alpha Times") + exclusive(result, "Beta News")


def test_facts_per_outlet_keeps_the_most_telling() -> None:
    alpha = (
        *ALPHA,
        "Rescuers from Brno joined teams from Vienna, and 35 people were injured.",
        "“Nobody expected the water to come this fast,” said a resident.",
    )
    rows = [article("a", 0, "Alpha Times", *alpha), article("b", 20, "Beta News", *BETA)]
    kinds = [
        f.kind
        for f in outlet(compare_coverage(rows, story_id=2, facts_per_outlet=4), "Alpha Times").exclusive
    ]
    assert kinds == ["quote", "quote", "number", "number"]
    assert len(outlet(compare_coverage(rows, story_id=2, facts_per_outlet=0), "Alpha Times").exclusive) == 0


def test_names_rank_by_mentions_and_before_numbers_without_a_unit() -> None:
    alpha = (
        "The tower has 47 floors, said the architect Pavel Novak.",
        "Mayor Anna Kowalski visited the site. Kowalski said it was safe.",
        "Kowalski later left for Prague.",
    )
    rows = [
        article("a", 0, "Alpha Times", *alpha, title="Report"),
        article("b", 5, "Beta News", title="Report"),
    ]
    found = [(f.kind, f.text) for f in outlet(compare_coverage(rows, story_id=None), "Alpha Times").exclusive]
    assert found[:2] == [("name", "Anna Kowalski"), ("name", "Pavel Novak")]
    assert found[-1] == ("number", "47")


def test_a_name_matches_by_surname_or_by_its_words_in_the_other_text() -> None:
    result = compare_coverage(
        [
            article("a", 0, "Alpha Times", *ALPHA),
            article(
                "b", 20, "Beta News", "Kowalski said the dam, which cost $40 million, had failed in Ostrava."
            ),
        ],
        story_id=2,
    )
    assert exclusive(result, "Alpha Times", "name") == []
    assert exclusive(result, "Alpha Times", "number") == ["1,200 people"]


NUMBER_CASES = [
    # (Alpha's sentence, Beta's sentence, Alpha's exclusive numbers)
    ("Some 1,200 people were evacuated.", "Some 1200 residents were evacuated.", []),
    ("Prices rose 5 per cent last year.", "Prices rose 5% last year.", []),
    ("Prices rose 5 percent last year.", "Prices rose 5 per cent last year.", []),
    ("The bill came to $1.5bn in all.", "The bill came to $1.5 billion in all.", []),
    ("The bill came to $5m in all.", "The bill came to $5 million in all.", []),
    ("A 1.2 million-strong crowd gathered.", "A crowd of 1,200,000 gathered.", []),
    ("Some 12 people died.", "Some 13 people died.", ["12 people"]),
    ("Turnout was 5 per cent.", "Turnout was 5 people.", ["5 per cent"]),
    ("It cost $5 million.", "It cost €5 million.", ["$5 million"]),
    ("It cost $5 million.", "It cost 5 million.", ["$5 million"]),
    ("The dam opened in 1998 after work began.", "Nothing about dates.", []),  # a bare year
    ("The dam opened in 1998 after work began.", "Nothing about dates here.", []),
    (
        "Some 2019 people signed it.",
        "Nothing about numbers here.",
        ["2019 people"],
    ),  # a year-like number with a unit
    ("Only 3 were hurt.", "Nothing about numbers here.", []),  # a lone digit
    ("Only 3 people were hurt.", "Nothing about numbers here.", ["3 people"]),
    ("Rates fell to 2.5 overall.", "Nothing about numbers here.", ["2.5"]),
    ("It has 47 floors.", "Nothing about numbers here.", ["47"]),
    ("COVID-19 returned at 10:30 on 12/05 in the 21st year.", "Nothing about numbers here.", []),
    ("Some 12 people died.", "Officials counted 12 dead.", []),  # the same value with another unit word
]


@pytest.mark.parametrize(("alpha", "beta", "expected"), NUMBER_CASES)
def test_number_matching(alpha: str, beta: str, expected: list[str]) -> None:
    result = compare_coverage(
        [
            article("a", 0, "Alpha Times", alpha, title="Report"),
            article("b", 20, "Beta News", beta, title="Report"),
        ],
        story_id=None,
    )
    assert exclusive(result, "Alpha Times", "number") == expected


QUOTE = "We will rebuild every home that was lost"
QUOTE_CASES = [
    # (Alpha's paragraph, Beta's paragraph, Alpha's exclusive quotes)
    (f"“{QUOTE},” she said.", "The mayor spoke to reporters.", [QUOTE]),
    (f'"{QUOTE}," she said.', "The mayor spoke to reporters.", [QUOTE]),
    (
        "‘We don’t know where the water will go next’, he said.",
        "He spoke.",
        ["We don’t know where the water will go next"],
    ),
    ("“We will rebuild,” she said.", "The mayor spoke to reporters.", []),  # under five words: no fact
    (
        f"“{QUOTE},” she said.",
        "“Every home that was lost,” she said.",
        [],
    ),  # the other's quote is contained in it
    ("“Every home that was lost,” she said.", f"“{QUOTE},” she said.", []),  # it is contained in the other's
    (
        f"“{QUOTE},” she said.",
        "The mayor said we will rebuild every home that was lost.",
        [],
    ),  # in the other's text
    (f"“{QUOTE},” she said.", "“We will rebuild every school that was lost,” she said.", [QUOTE]),
]


@pytest.mark.parametrize(("alpha", "beta", "expected"), QUOTE_CASES)
def test_quote_matching(alpha: str, beta: str, expected: list[str]) -> None:
    result = compare_coverage(
        [
            article("a", 0, "Alpha Times", alpha, title="Report"),
            article("b", 20, "Beta News", beta, title="Report"),
        ],
        story_id=None,
    )
    assert exclusive(result, "Alpha Times", "quote") == expected


def test_shared_needs_every_outlet_with_its_own_telling() -> None:
    rows = [
        article("a", 0, "Alpha Times", *ALPHA),
        article("b", 10, "Beta News", *BETA),
        article("g", 20, "Gamma Post", "Some 1,200 people were moved, and $40 million is the dam's price."),
    ]
    result = compare_coverage(rows, story_id=2)
    assert [(f.kind, f.text) for f in result.shared if f.kind == "number"] == [("number", "1,200 people")]
    assert result.shared[0].publishers == ("Alpha Times", "Beta News", "Gamma Post")
    assert "$40 million" not in exclusive(result, "Alpha Times")  # Gamma has it, Beta does not: not shared
    assert len(result.shared) <= 8


def test_max_articles_reads_only_the_earliest() -> None:
    rows = [
        article("a", 0, "Alpha Times", *ALPHA),
        article("b1", 10, "Beta News", *BETA),
        article("b2", 20, "Beta News", "Kowalski said the $40 million dam had failed."),
        article("g", 30, "Gamma Post"),
    ]
    capped = compare_coverage(rows, story_id=2, max_articles=2)
    assert [o.publisher_name for o in capped.outlets] == ["Alpha Times", "Beta News"]
    assert outlet(capped, "Beta News").article_count == 1
    assert "$40 million" in exclusive(capped, "Alpha Times")
    whole = compare_coverage(list(reversed(rows)), story_id=2)
    assert [o.publisher_name for o in whole.outlets] == ["Alpha Times", "Beta News", "Gamma Post"]
    assert outlet(whole, "Beta News").article_count == 2
    assert "$40 million" not in exclusive(whole, "Alpha Times")


def test_the_default_cap_is_forty() -> None:
    rows = [article(f"a{i:02}", i, "Alpha Times") for i in range(45)] + [article("late", 99, "Beta News")]
    result = compare_coverage(rows, story_id=None)
    assert [(o.publisher_name, o.article_count) for o in result.outlets] == [("Alpha Times", 40)]
