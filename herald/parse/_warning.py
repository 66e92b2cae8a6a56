"""feedparser's ``bozo_exception`` turned into sentences an operator can act on."""

from __future__ import annotations

import re
import xml.sax

import feedparser

_DECLARATION = re.compile(rb"^(?:\xef\xbb\xbf)?<\?xml")


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def describe(problem: str | None, *, kept: int, skipped: int) -> str | None:
    """One warning line: what was wrong, and how much of the feed we could use anyway."""
    parts: list[str] = []
    if problem:
        parts.append(problem)
        parts.append(f"{_plural(kept, 'item')} {'was' if kept == 1 else 'were'} still read")
    if skipped:
        verb = "was" if skipped == 1 else "were"
        parts.append(f"{_plural(skipped, 'item')} without a web (http or https) link {verb} skipped")
    return "; ".join(parts) or None


def _xml_line(exc: xml.sax.SAXParseException, body: bytes) -> int:
    """feedparser prepends an XML declaration line when the document has none, shifting line numbers."""
    line = int(exc.getLineNumber() or 0)
    if line > 1 and not _DECLARATION.match(body.lstrip(b" \t\r\n")):
        line -= 1
    return line


def bozo_problem(exc: BaseException | None, body: bytes) -> str | None:
    """Words for what feedparser found wrong; None when the complaint does not matter to a reader."""
    if exc is None:
        return None
    if isinstance(exc, xml.sax.SAXParseException):
        message = str(exc.getMessage() or "syntax error")
        if message == "no element found":
            message = "the document ends too early"
        return f"The feed is not well-formed XML ({message} at line {_xml_line(exc, body)})"
    if isinstance(exc, feedparser.CharacterEncodingOverride):
        return f"The feed's declared character encoding is wrong ({exc})"
    if isinstance(exc, feedparser.CharacterEncodingUnknown):
        return f"The feed's character encoding could not be determined ({exc})"
    if isinstance(exc, feedparser.NonXMLContentType):
        return f"The server labels the feed with a type that is not XML ({exc})"
    if isinstance(exc, feedparser.UndeclaredNamespace):
        return f"The feed uses an XML namespace prefix it never declares ({exc})"
    return f"The feed is not well-formed ({type(exc).__name__}: {exc})"


def is_syntax_error(exc: BaseException | None) -> bool:
    """Encoding and media-type complaints still leave a readable document; syntax errors may not."""
    return exc is not None and not isinstance(
        exc,
        feedparser.CharacterEncodingOverride | feedparser.NonXMLContentType | feedparser.UndeclaredNamespace,
    )
