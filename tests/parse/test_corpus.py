"""Every file of feedparser's own robustness corpus comes out as a ParsedFeed or a readable ParseError."""

from __future__ import annotations

import re
from pathlib import Path

from herald.errors import ParseError
from herald.models import ParsedFeed
from herald.parse import parse_feed

_CONTENT_TYPE_HEADER = re.compile(rb"Header:\s*Content-type:\s*([^\r\n]+)", re.IGNORECASE)


def _http_headers(body: bytes) -> tuple[str | None, str | None]:
    """Some corpus files describe the Content-Type they were served with; pass it on as a fetcher would."""
    match = _CONTENT_TYPE_HEADER.search(body[:2048].replace(b"\x00", b""))
    if not match:
        return None, None
    value = match.group(1).decode("ascii", "replace")
    media_type, _, params = value.partition(";")
    charset = None
    if "charset=" in params:
        charset = params.split("charset=", 1)[1].strip().strip("\"'") or None
    return media_type.strip().lower() or None, charset


def test_every_corpus_file_parses_or_fails_cleanly(shared_dir: Path) -> None:
    root = shared_dir / "eval" / "feeds" / "feedparser"
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.name != "LICENSE")
    assert len(files) > 2000

    failures: list[str] = []
    parsed = refused = 0
    for path in files:
        body = path.read_bytes()
        content_type, charset = _http_headers(body)
        try:
            result = parse_feed(
                body, url="http://127.0.0.1:8097/" + path.name, content_type=content_type, charset=charset
            )
        except ParseError as exc:
            refused += 1
            if not str(exc).strip():
                failures.append(f"{path.relative_to(root)}: ParseError with an empty message")
        except Exception as exc:
            failures.append(f"{path.relative_to(root)}: {type(exc).__name__}: {exc}")
        else:
            parsed += 1
            if not isinstance(result, ParsedFeed):
                failures.append(f"{path.relative_to(root)}: returned {type(result).__name__}")
            elif any(not item.url.startswith(("http://", "https://")) for item in result.items):
                failures.append(f"{path.relative_to(root)}: an item without an http(s) link was kept")
    assert not failures, "\n".join(failures)
    # Most of the corpus is well-formed; a reader that refused everything would pass the loop above.
    assert parsed > 1500
    assert refused > 0


def test_corpus_json_feed_is_read(shared_dir: Path) -> None:
    body = (shared_dir / "eval" / "feeds" / "feedparser" / "json" / "example.json").read_bytes()
    feed = parse_feed(body, url="https://example.org/feed.json", content_type="application/json")
    assert feed.title == "My Example Feed"
    assert [item.url for item in feed.items] == [
        "https://example.org/second-item",
        "https://example.org/initial-post",
    ]
    assert feed.items[0].categories == ("test", "JSON")
    assert feed.items[1].authors == ("you",)
    assert feed.items[1].content_html is not None and "<script>" in feed.items[1].content_html  # unsanitized
