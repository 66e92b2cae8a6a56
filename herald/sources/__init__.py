"""Where feeds come from: OPML import and export, the built-in default list, feed discovery in web pages."""

from herald.sources.defaults import default_sources
from herald.sources.discover import discover_feeds
from herald.sources.opml import parse_opml, render_opml

__all__ = ["default_sources", "discover_feeds", "parse_opml", "render_opml"]
