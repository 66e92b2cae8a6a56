"""The AI tools of an article: summary and key points, answers to a reader's question, the story so far and
a comparison of the coverage, all extractive and offline; an optional OpenAI-compatible language model writes
summaries, answers, plain retellings and translations grounded in the same sentences. Pure functions and
one HTTP client: the pipeline decides what to read and what to keep."""

from herald.ai.answer import Passage, answer_question, clean_question
from herald.ai.coverage import compare_coverage
from herald.ai.grounded import LANGUAGES, language_name
from herald.ai.llm import LanguageModel
from herald.ai.sentences import embed_sentences, split_sentences
from herald.ai.summary import choose_summary
from herald.ai.timeline import linked_earlier_stories, story_so_far
from herald.ai.types import (
    Answer,
    CoverageComparison,
    EarlierStory,
    Fact,
    OutletCoverage,
    Quote,
    Rewrite,
    Sentence,
    StorySoFar,
    Summary,
    TimelineEntry,
)

__all__ = [
    "LANGUAGES",
    "Answer",
    "CoverageComparison",
    "EarlierStory",
    "Fact",
    "LanguageModel",
    "OutletCoverage",
    "Passage",
    "Quote",
    "Rewrite",
    "Sentence",
    "StorySoFar",
    "Summary",
    "TimelineEntry",
    "answer_question",
    "choose_summary",
    "clean_question",
    "compare_coverage",
    "embed_sentences",
    "language_name",
    "linked_earlier_stories",
    "split_sentences",
    "story_so_far",
]
