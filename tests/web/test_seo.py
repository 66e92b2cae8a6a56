"""URL, language and JSON-LD helpers refuse or neutralise what feeds should not be able to inject."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from herald.models import Article
from herald.web.seo import http_url, json_for_script, language_tag, news_article_ld


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("https://news.example/a?b=1", "https://news.example/a?b=1"),
        ("  http://news.example/  ", "http://news.example/"),
        ("javascript:alert(1)", None),
        ("JaVaScRiPt:alert(1)", None),
        ("data:text/html,<b>x</b>", None),
        ("//news.example/a", None),
        ("/relative", None),
        ("http://", None),
        ("http://[::1", None),
        ("", None),
        (None, None),
    ],
)
def test_http_url(value: str | None, expected: str | None) -> None:
    assert http_url(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("en", "en"),
        ("en_US", "en-US"),
        ("pt-BR", "pt-BR"),
        ("fr", "fr"),
        (None, "en"),
        ("", "en"),
        ('en" onload="x', "en"),
        ("english language", "en"),
    ],
)
def test_language_tag(value: str | None, expected: str) -> None:
    assert language_tag(value) == expected


def test_json_for_script_cannot_close_the_script_element() -> None:
    data = {"headline": "</script><script>alert(1)</script> & <!-- \u2028"}
    text = json_for_script(data)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == data


def test_news_article_ld_drops_unsafe_urls() -> None:
    article = Article(
        id="a" * 32,
        canonical_url="javascript:alert(1)",
        url="https://x.example/a",
        title="T",
        paragraphs=("p",),
        publisher_id=1,
        publisher_name="P",
        source_id=None,
        published_at=None,
        fetched_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        image_url="javascript:alert(2)",
        publisher_home_url="ftp://p.example",
    )
    data = news_article_ld(article, page_url="https://herald.test/article/" + "a" * 32)
    assert data["url"] == "https://herald.test/article/" + "a" * 32
    assert "image" not in data
    assert "url" not in data["publisher"]
    assert data["datePublished"] == "2026-01-02T03:04:05Z"
