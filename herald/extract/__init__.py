"""Article pages to clean articles.

trafilatura finds the body (precision first, other modes only when that leaves next to nothing); our own rules
remove the boilerplate it keeps (subscription prompts, share bars, credits, "Related" link lists); the page's
own declarations give the metadata. ``sanitize_html`` is the last step for any HTML we ever render.
``ExtractError`` is the only exception that leaves :func:`extract_article` and :func:`article_from_feed`.
"""

from herald.extract._boilerplate import clean_paragraphs
from herald.extract._feed import article_from_feed
from herald.extract._page import extract_article
from herald.extract._sanitize import sanitize_html

__all__ = ["article_from_feed", "clean_paragraphs", "extract_article", "sanitize_html"]
