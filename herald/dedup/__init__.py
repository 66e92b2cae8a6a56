"""Identity of articles: one canonical URL, an id derived from it, and a fingerprint of the text."""

from herald.dedup.hashing import article_id, content_fingerprint
from herald.dedup.urls import canonical_url

__all__ = ["article_id", "canonical_url", "content_fingerprint"]
