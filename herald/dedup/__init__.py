"""Identity of articles: one canonical URL, an id derived from it, a fingerprint of the exact text, and a
near-duplicate signature that recognises one wire story reprinted by several outlets."""

from herald.dedup.hashing import article_id, content_fingerprint
from herald.dedup.near import (
    COPY_THRESHOLD,
    NEAR_DUP_BANDS,
    NEAR_DUP_PERMUTATIONS,
    NearDupSignature,
    band_keys,
    copy_similarity,
    is_copy,
    near_dup_signature,
)
from herald.dedup.urls import canonical_url

__all__ = [
    "COPY_THRESHOLD",
    "NEAR_DUP_BANDS",
    "NEAR_DUP_PERMUTATIONS",
    "NearDupSignature",
    "article_id",
    "band_keys",
    "canonical_url",
    "content_fingerprint",
    "copy_similarity",
    "is_copy",
    "near_dup_signature",
]
