"""Answering a reader's question from the sentences of an article and of the other articles of its story.

Each sentence is scored by meaning (the cosine of its embedding with the question's) and by wording (the
share of the question's rarer words it contains, weighted by how rare they are among the passages, so "the"
counts for nothing and a name for a lot). The best sentences are quoted, most relevant first. When even the
best falls below the bar, Herald says the sources do not answer, rather than passing a weak match off as an
answer.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import numpy as np

from herald.ai.types import Answer, Quote, Sentence

MAX_QUESTION_CHARS = 300  # past this, a "question" is pasted text: its head says what is asked
# The blend and the bar were chosen on the even half of bench/ask.py's questions and checked on the odd half:
# wording carries more than meaning because a reader's question names what it is about, and the bar trades
# questions answered against questions wrongly "answered" once the sentences holding the answer are removed.
MEANING_WEIGHT = 0.35
WORDING_WEIGHT = 0.65
ANSWER_THRESHOLD = 0.40

ANSWERED = "These sentences from the coverage answer it best."
NOT_ANSWERED = "The articles of this story do not answer that question."
NO_QUESTION = "Type a question about this article."
NO_TEXT = "This article has no text to answer questions from."

_WORD = re.compile(r"\w+", re.UNICODE)
# Words that carry the question's form, not its subject, in the languages Herald's readers use most.
_FORM_WORDS = frozenset(
    str.split(
        """
    a an the this that these those is are was were be been being am do does did has have had will would shall
    should can could may might must of in on at by to for from with about as into over than then and or but
    not no what which who whom whose when where why how much many there it its he she they his her their
    i me my we our you your any some did does tell explain said say says
    el la los las un una unos unas de del en y o que qué quién quien cuándo cuando dónde donde cómo como por
    para con es son fue fueron ha han se su sus le les lo al
    le la les un une des de du et ou qui que quoi quand où comment est sont été a ont pour avec dans sur
    der die das ein eine und oder wer was wann wo wie warum ist sind war hat haben mit für von zu im in
    """
    )
)


@dataclass(frozen=True, slots=True)
class Passage:
    """A sentence that may answer, with its article's details for the quote."""

    article_id: str
    publisher_name: str
    title: str
    time: datetime
    sentence: Sentence
    vector: np.ndarray  # the sentence's L2-normalised embedding


def clean_question(question: str) -> str:
    """The question on one line, cut at a word boundary to a length worth embedding."""
    text = " ".join(question.split())
    if len(text) <= MAX_QUESTION_CHARS:
        return text
    head = text[:MAX_QUESTION_CHARS]
    space = head.rfind(" ")
    return head[:space] if space > MAX_QUESTION_CHARS // 2 else head


def question_terms(question: str) -> list[str]:
    return [w for w in (m.lower() for m in _WORD.findall(question)) if w not in _FORM_WORDS]


def answer_question(
    question: str, question_vector: np.ndarray, passages: Sequence[Passage], *, limit: int = 3
) -> Answer:
    """Up to ``limit`` quotes that answer ``question``, or a plain "not answered" with the closest ones."""
    question = clean_question(question)
    if not _WORD.search(question):
        return Answer(question=question, answered=False, quotes=(), message=NO_QUESTION)
    if not passages:
        return Answer(question=question, answered=False, quotes=(), message=NO_TEXT)
    scores = passage_scores(question, question_vector, passages)
    order = np.argsort(-scores, kind="stable")
    best = float(scores[order[0]])
    answered = best >= ANSWER_THRESHOLD
    quotes: list[Quote] = []
    seen: set[str] = set()
    for i in order:
        score = float(scores[i])
        passage = passages[int(i)]
        key = passage.sentence.text.casefold()
        if key in seen:  # the same sentence in a reprint says nothing new
            continue
        seen.add(key)
        quotes.append(_quote(passage, score))
        if len(quotes) == (limit if answered else min(limit, 2)):
            break
    return Answer(
        question=question,
        answered=answered,
        quotes=tuple(quotes),
        message=ANSWERED if answered else NOT_ANSWERED,
    )


def passage_scores(question: str, question_vector: np.ndarray, passages: Sequence[Passage]) -> np.ndarray:
    """Each passage's blend of meaning and wording, in 0..1."""
    vectors = np.stack([p.vector for p in passages]).astype(np.float32)
    meaning = np.clip(vectors @ np.asarray(question_vector, dtype=np.float32), 0.0, 1.0)
    return MEANING_WEIGHT * meaning + WORDING_WEIGHT * _wording(question, passages)


def _wording(question: str, passages: Sequence[Passage]) -> np.ndarray:
    """Share of the question's IDF weight each sentence contains (IDF over the passages themselves)."""
    terms = set(question_terms(question))
    if not terms:
        return np.zeros(len(passages), dtype=np.float32)
    bags = [set(m.lower() for m in _WORD.findall(p.sentence.text)) for p in passages]
    frequency = Counter(t for bag in bags for t in terms & bag)
    count = len(passages)
    # A question word no passage has weighs like one seen once: asking about something absent lowers every
    # sentence's share instead of being ignored.
    weight = {t: math.log(1.0 + count / (1 + frequency.get(t, 0))) for t in terms}
    total = sum(weight.values())
    return np.array([sum(weight[t] for t in terms & bag) / total for bag in bags], dtype=np.float32)


def _quote(passage: Passage, score: float) -> Quote:
    return Quote(
        article_id=passage.article_id,
        publisher_name=passage.publisher_name,
        title=passage.title,
        time=passage.time,
        text=passage.sentence.text,
        score=round(score, 3),
    )
