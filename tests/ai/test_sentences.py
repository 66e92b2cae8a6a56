"""Sentences: the unit every AI tool quotes."""

from __future__ import annotations

import pytest

from herald.ai.sentences import MAX_SENTENCE_CHARS, split_sentences


@pytest.mark.parametrize(
    ("paragraphs", "expected"),
    [
        pytest.param(
            ["Mr. Smith went to Washington on Monday. He met the governor there."],
            ["Mr. Smith went to Washington on Monday.", "He met the governor there."],
            id="abbreviation",
        ),
        pytest.param(
            ["\u201cWe will rebuild the pier,\u201d the mayor said. Work starts in May."],
            ["\u201cWe will rebuild the pier,\u201d the mayor said.", "Work starts in May."],
            id="curly-quotes",
        ),
        pytest.param(
            ["El Sr. García llegó ayer a Madrid. Dijo que todo iba bien."],
            ["El Sr. García llegó ayer a Madrid.", "Dijo que todo iba bien."],
            id="spanish",
        ),
        pytest.param(["Photo: AP", "", "  ", "Read more"], [], id="fragments-dropped"),
        pytest.param([], [], id="empty"),
    ],
)
def test_split(paragraphs: list[str], expected: list[str]) -> None:
    assert [s.text for s in split_sentences(paragraphs)] == expected


def test_positions_and_paragraphs_are_kept() -> None:
    sentences = split_sentences(["One two three. Four five six.", "Photo: AP", "Seven eight nine."])
    assert [(s.index, s.paragraph) for s in sentences] == [(0, 0), (1, 0), (2, 2)]


def test_limits() -> None:
    long = "word " * 400 + "end."
    (only,) = split_sentences([long])
    assert len(only.text) <= MAX_SENTENCE_CHARS + 1 and only.text.endswith("…")
    many = split_sentences([f"This is sentence number {i} here." for i in range(500)], max_sentences=7)
    assert len(many) == 7
