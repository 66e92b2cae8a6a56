"""The one orchestrator: feeds become stored articles (:mod:`herald.pipeline.refresh`), and stored articles
become understood ones, with features, a story, copies and related articles
(:mod:`herald.pipeline.understand`); an article's AI tools are served from them
(:mod:`herald.pipeline.assist`, whose result types are re-exported here for the site and the API)."""

from herald.ai.types import (
    Answer,
    CoverageComparison,
    EarlierStory,
    Fact,
    OutletCoverage,
    Quote,
    Rewrite,
    StorySoFar,
    Summary,
    TimelineEntry,
)
from herald.pipeline.assist import ArticleTools, Names, Panel, language_model_from
from herald.pipeline.refresh import (
    MAX_URL_LENGTH,
    SECTIONS,
    Pipeline,
    ReportCallback,
    merge_item,
    section_for,
)
from herald.pipeline.understand import Understanding, UnderstandingReport

__all__ = [
    "MAX_URL_LENGTH",
    "SECTIONS",
    "Answer",
    "ArticleTools",
    "CoverageComparison",
    "EarlierStory",
    "Fact",
    "Names",
    "OutletCoverage",
    "Panel",
    "Pipeline",
    "Quote",
    "ReportCallback",
    "Rewrite",
    "StorySoFar",
    "Summary",
    "TimelineEntry",
    "Understanding",
    "UnderstandingReport",
    "language_model_from",
    "merge_item",
    "section_for",
]
