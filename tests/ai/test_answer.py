"""Answering from passages: meaning and wording together, and a plain "not answered" under the bar."""

from __future__ import annotations

from datetime import UTC, datetime

import numpy as np

from herald.ai.answer import (
    MAX_QUESTION_CHARS,
    NO_QUESTION,
    NO_TEXT,
    NOT_ANSWERED,
    Passage,
    answer_question,
    clean_question,
)
from herald.ai.types import Sentence

WHEN = datetime(2026, 11, 30, tzinfo=UTC)
TEXTS = [
    "Torvik mayor Aksel Brenner thanked the rescuers on Friday.",
    "The trawler capsized in a storm north of the harbour.",
    "Three fishermen were treated in hospital for hypothermia.",
    "Torvik mayor Aksel Brenner thanked the rescuers on Friday.",  # the same sentence in a reprint
]


def passages(vectors: np.ndarray) -> list[Passage]:
    return [
        Passage(
            article_id=f"{i:032x}",
            publisher_name=f"Outlet {i}",
            title="Rescue",
            time=WHEN,
            sentence=Sentence(index=i, paragraph=i, text=text),
            vector=vectors[i],
        )
        for i, text in enumerate(TEXTS)
    ]


def test_answered_by_meaning_and_wording_with_reprints_quoted_once() -> None:
    vectors = np.eye(4, 8, dtype=np.float32)
    vectors[3] = vectors[0]
    answer = answer_question("Who is the mayor of Torvik?", vectors[0], passages(vectors))
    assert answer.answered
    texts = [q.text for q in answer.quotes]
    assert texts[0] == TEXTS[0] and texts.count(TEXTS[0]) == 1 and len(texts) == 3
    assert answer.quotes[0].publisher_name == "Outlet 0" and 0 < answer.quotes[0].score <= 1


def test_not_answered_says_so_plainly_and_shows_the_closest() -> None:
    vectors = np.eye(4, 8, dtype=np.float32)
    question_vector = np.zeros(8, dtype=np.float32)
    question_vector[7] = 1.0  # means nothing any sentence means
    answer = answer_question("What is the price of copper in Chile?", question_vector, passages(vectors))
    assert not answer.answered and answer.message == NOT_ANSWERED
    assert len(answer.quotes) <= 2


def test_empty_question_and_no_text() -> None:
    vectors = np.eye(4, 8, dtype=np.float32)
    assert answer_question("  ?! ", vectors[0], passages(vectors)).message == NO_QUESTION
    assert answer_question("Who won?", vectors[0], []).message == NO_TEXT


def test_questions_are_cut_to_a_sane_length() -> None:
    cleaned = clean_question("why " * 1000)
    assert len(cleaned) <= MAX_QUESTION_CHARS and not cleaned.endswith(" ")
    assert clean_question("  Who\n\nwon?  ") == "Who won?"
