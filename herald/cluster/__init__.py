"""Stories and related articles: pure decisions over article signals and story profiles. The pipeline gathers
the candidates (vector index, database) and records the outcome; nothing here touches either."""

from herald.cluster.scoring import (
    JOIN_THRESHOLD,
    MERGE_THRESHOLD,
    choose_story,
    name_terms,
    profile_with,
    rank_related,
    stories_to_merge,
    story_similarity,
    term_weights,
)

__all__ = [
    "JOIN_THRESHOLD",
    "MERGE_THRESHOLD",
    "choose_story",
    "name_terms",
    "profile_with",
    "rank_related",
    "stories_to_merge",
    "story_similarity",
    "term_weights",
]
