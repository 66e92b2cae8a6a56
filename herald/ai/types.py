"""What the AI tools return: plain frozen values the pipeline, the site and the JSON API share.

Times are timezone-aware UTC. Every piece of text a tool shows comes from an article (a quoted sentence, a
fact it contains) or, with a language model configured, is generated from those quotes and cites them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article's text, where it stands in it."""

    index: int  # position among the article's sentences, from 0
    paragraph: int  # the paragraph it is in, from 0
    text: str


@dataclass(frozen=True, slots=True)
class Summary:
    """An article's summary and key points: sentences of its own text, each list in article order."""

    sentences: tuple[str, ...]
    key_points: tuple[str, ...]
    method: str  # "extractive", or the language model that wrote it
    generated: str = ""  # a language model's summary text (its citations are the ``sentences``)


@dataclass(frozen=True, slots=True)
class Quote:
    """A sentence quoted from an article of the story, with what a reader needs to follow it there."""

    article_id: str
    publisher_name: str
    title: str
    time: datetime
    text: str
    score: float  # how well it answers (0..1); order of quotes in an Answer is by relevance


@dataclass(frozen=True, slots=True)
class Answer:
    question: str
    answered: bool  # False: the sources do not answer it, and ``message`` says so plainly
    quotes: tuple[Quote, ...]
    message: str  # what to tell the reader above the quotes
    generated: str = ""  # a language model's answer, grounded in ``quotes`` and citing them as [1], [2]...
    model: str = ""  # the language model that wrote ``generated``; empty when extractive


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    article_id: str
    publisher_name: str
    title: str
    time: datetime
    gist: str  # one sentence saying what the article added (its first summary sentence, or its lead)
    story_id: int | None
    current: bool = False  # the article the reader is on


@dataclass(frozen=True, slots=True)
class EarlierStory:
    """A story that came before this one and is linked to it (shared names, related articles)."""

    story_id: int
    title: str
    first_time: datetime
    last_time: datetime
    article_count: int


@dataclass(frozen=True, slots=True)
class StorySoFar:
    story_id: int | None
    entries: tuple[TimelineEntry, ...]  # the story's articles, oldest first, one per text (no reprints)
    earlier: tuple[EarlierStory, ...]  # linked earlier stories, newest first
    since: datetime | None  # the reader's date, if they picked one
    new_since: tuple[TimelineEntry, ...]  # entries after ``since``, oldest first (empty when no date)


@dataclass(frozen=True, slots=True)
class Fact:
    """A checkable detail found in coverage: a number, a name or a quote."""

    kind: str  # "number", "name" or "quote"
    text: str  # as first written by the outlet that has it
    publishers: tuple[str, ...]  # outlets whose articles contain it


@dataclass(frozen=True, slots=True)
class OutletCoverage:
    publisher_id: int
    publisher_name: str
    article_id: str  # its first article in the story
    title: str
    first_time: datetime
    article_count: int  # its own tellings (reprints of another outlet's text are counted under ``reprints``)
    reprints: int  # articles of this outlet that carry another outlet's text
    exclusive: tuple[Fact, ...]  # facts only this outlet reported, most telling first
    first: bool  # reported the story first


@dataclass(frozen=True, slots=True)
class CoverageComparison:
    story_id: int | None
    outlets: tuple[OutletCoverage, ...]  # by first report time, first reporter first
    shared: tuple[Fact, ...]  # facts reported by every outlet with its own telling (at least two)


@dataclass(frozen=True, slots=True)
class Rewrite:
    """The article retold by a language model: in plain words ("simple") or in another language
    ("translation"), grounded in its text."""

    kind: str  # "simple" or "translation"
    language: str  # BCP 47 code of the text, e.g. "en", "es"
    title: str
    paragraphs: tuple[str, ...]
    model: str
