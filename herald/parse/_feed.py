"""The one entry point: decide what kind of document this is and hand it to the right reader."""

from __future__ import annotations

from datetime import UTC, datetime

from herald.errors import ParseError
from herald.models import ParsedFeed
from herald.parse._jsonfeed import looks_like_json, read_json_feed
from herald.parse._xmlfeed import build_parsed_feed, read_xml_feed, starts_like_html


def parse_feed(
    body: bytes,
    *,
    url: str,
    content_type: str | None = None,
    charset: str | None = None,
    now: datetime | None = None,
) -> ParsedFeed:
    """Read a feed document fetched from ``url`` (the base for relative links).

    ``content_type`` and ``charset`` come from the HTTP response; ``now`` (default: the current time) is where
    "in the future" begins for item dates.
    """
    moment = now.astimezone(UTC) if now is not None else datetime.now(UTC)
    media_type = content_type.split(";", 1)[0].strip().lower() if content_type else None
    if not body or not body.strip():
        raise ParseError("The feed is empty: the server sent no content")
    try:
        if looks_like_json(body, media_type):
            return read_json_feed(body, url=url, charset=charset, now=moment)
        if starts_like_html(body):
            raise ParseError("This address returned an HTML page, not a feed")
        parsed = read_xml_feed(body, url=url, charset=charset)
        return build_parsed_feed(parsed, body, url=url, content_type=media_type, now=moment)
    except ParseError:
        raise
    except Exception as exc:  # a reader bug or a pathological document must not escape as anything else
        raise ParseError(f"The feed could not be read ({type(exc).__name__}: {exc})") from exc
