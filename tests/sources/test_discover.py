"""Feed autodiscovery in HTML pages."""

from __future__ import annotations

import pytest

from herald.sources import discover_feeds

PAGE = """<!doctype html>
<html><head>
<title>News</title>
<link rel="stylesheet" href="/style.css">
<link rel="alternate" type="application/rss+xml" title="All" href="/rss.xml">
<link rel="alternate" type="application/atom+xml" href="https://other.example/atom">
<link rel="alternate" type="text/html" hreflang="fr" href="/fr/">
<link rel="alternate" type="application/rss+xml" href="/rss.xml">
<LINK REL="Alternate" TYPE="Application/Feed+JSON; charset=utf-8" HREF="feed.json"/>
<link rel="alternate" type="application/rss+xml" href="javascript:alert(1)">
<link rel="alternate" type="application/rss+xml" href="">
<link rel="alternate home" type="application/atom+xml" href="//cdn.example/site.atom">
</head><body><a rel="alternate" type="application/rss+xml" href="/not-a-link-tag.xml">x</a></body></html>"""


def test_feeds_in_page_order_absolute_and_once() -> None:
    assert discover_feeds(PAGE, "https://news.example/section/page.html") == [
        "https://news.example/rss.xml",
        "https://other.example/atom",
        "https://news.example/section/feed.json",
        "https://cdn.example/site.atom",
    ]


def test_base_element_moves_relative_links() -> None:
    html = (
        '<html><head><base href="https://static.example/blog/">'
        '<link rel="alternate" type="application/rss+xml" href="feed.xml"></head></html>'
    )
    assert discover_feeds(html, "https://www.example/") == ["https://static.example/blog/feed.xml"]


@pytest.mark.parametrize(
    "html",
    ["", "<html><head><title>No feeds</title></head></html>", "<<<not html at all", "<link rel=alternate"],
)
def test_pages_without_feeds(html: str) -> None:
    assert discover_feeds(html, "https://x.example/") == []
