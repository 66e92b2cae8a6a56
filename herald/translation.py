"""Marking sentences for translation where they are written, without translating them there.

The pipeline and the stages speak English to whoever calls them, and tests compare their sentences as they
are; the site translates a sentence into the reader's language only when it shows it. ``N_`` marks such a
sentence so the extractor (``make messages``) puts it in the catalogs. It imports nothing from herald, so
any layer may use it.
"""

from __future__ import annotations


def N_(text: str) -> str:
    """``text`` unchanged: the mark is for the extractor, the translation happens when the text is shown."""
    return text
