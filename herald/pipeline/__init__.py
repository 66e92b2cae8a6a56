"""The one orchestrator: feeds become stored articles (:mod:`herald.pipeline.refresh`), and stored articles
become understood ones, with features, a story, copies and related articles
(:mod:`herald.pipeline.understand`)."""

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
    "Pipeline",
    "ReportCallback",
    "Understanding",
    "UnderstandingReport",
    "merge_item",
    "section_for",
]
