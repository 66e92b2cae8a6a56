"""Feed bytes to a ParsedFeed: RSS 0.9x/1.0/2.0, Atom 0.3/1.0 (feedparser) and JSON Feed 1.0/1.1.

Choices worth knowing:

- HTML is not sanitized here (``sanitize_html=False``); the extract stage sanitizes once, last.
- Dates are aware UTC. An item without a publication date takes its update date; a date more than a day in the
  future is a publisher bug and becomes None (we do not know when the item was really published, and pinning
  it to "now" would invent a fact).
- Items without an http(s) link cannot become articles: they are skipped and counted in the warning.
- ``ParseError`` is the only exception that leaves :func:`parse_feed`.
"""

from herald.parse._feed import parse_feed

__all__ = ["parse_feed"]
