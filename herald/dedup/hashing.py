"""Digests that identify an article by its address, and a text by its words.

Both are BLAKE2b with a 16-byte digest (32 lowercase hex characters): in the standard library, faster than
SHA-256 on 64-bit machines, and 128 bits leave collisions out of reach for any number of articles a news site
will ever hold.
"""

from __future__ import annotations

import hashlib
import unicodedata

DIGEST_BYTES = 16


def _digest(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8"), digest_size=DIGEST_BYTES).hexdigest()


def article_id(canonical: str) -> str:
    """BLAKE2b-128 of the canonical URL's UTF-8 bytes, as 32 hex characters.

    The page path ``/article/<id>`` and the database key both use it, so it must never change for a URL: the
    input is hashed as given, and callers pass :func:`herald.dedup.canonical_url`'s result.
    """
    return _digest(canonical)


def content_fingerprint(text: str) -> str:
    """BLAKE2b-128 of the text after Unicode NFKC, case folding and whitespace collapsing.

    Two reposts of one text that differ only in line breaks, spacing, letter case or compatibility forms
    (non-breaking spaces, full-width letters, ligatures) get one fingerprint; a change of words does not.
    """
    normalised = " ".join(unicodedata.normalize("NFKC", text).casefold().split())
    return _digest(normalised)
