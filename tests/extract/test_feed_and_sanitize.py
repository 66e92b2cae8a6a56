from __future__ import annotations

from datetime import UTC, datetime

import pytest

from herald.errors import ExtractError
from herald.extract import article_from_feed, sanitize_html

URL = "https://blog.example.org/2024/05/launch"


def test_feed_content_becomes_clean_paragraphs() -> None:
    content = (
        "<p>The first paragraph of the story, with <a href='/x'>a link</a> inside it.</p>"
        "<div>A second block<br>split by a line break.</div>"
        "<ul><li>One point</li><li>Another point</li></ul>"
        "<script>alert(1)</script>"
        "<p>Sign up for our newsletter</p>"
        "<p>The post Launch day appeared first on Example Blog.</p>"
    )
    published = datetime(2024, 5, 1, tzinfo=UTC)
    article = article_from_feed(
        title="Launch day",
        content_html=content,
        summary="A summary",
        url=URL,
        authors=("Ana",),
        published=published,
        image_url="https://blog.example.org/a.jpg",
        language="en",
    )
    assert article.paragraphs == (
        "The first paragraph of the story, with a link inside it.",
        "A second block",
        "split by a line break.",
        "One point",
        "Another point",
    )
    assert article.method == "feed"
    assert article.authors == ("Ana",)
    assert article.published == published
    assert article.image_url == "https://blog.example.org/a.jpg"
    assert article.language == "en"
    assert article.canonical_url is None


def test_summary_is_used_when_there_is_no_content() -> None:
    article = article_from_feed(
        title="T", content_html=None, summary="Plain summary text.\n\nSecond one.", url=URL
    )
    assert article.paragraphs == ("Plain summary text.", "Second one.")


def test_summary_is_used_when_content_is_only_boilerplate() -> None:
    article = article_from_feed(
        title="T", content_html="<p>Read more</p>", summary="<p>Real words.</p>", url=URL
    )
    assert article.paragraphs == ("Real words.",)


@pytest.mark.parametrize(
    ("content", "summary"),
    [(None, ""), ("", "   "), ("<p>Advertisement</p>", "<img src='x.jpg'>"), ("<p>Launch day</p>", "")],
)
def test_nothing_usable_raises(content: str | None, summary: str) -> None:
    with pytest.raises(ExtractError):
        article_from_feed(title="Launch day", content_html=content, summary=summary, url=URL)


@pytest.mark.parametrize(
    ("dirty", "forbidden"),
    [
        ("<p>hi<script>alert(1)</script></p>", "alert"),
        ("<p onclick='steal()'>hi</p>", "onclick"),
        ("<a href='javascript:alert(1)'>x</a>", "javascript"),
        ("<a href='JaVaScRiPt:alert(1)'>x</a>", "alert"),
        ("<img src=x onerror=alert(1)>", "onerror"),
        ("<iframe src='https://evil.example'></iframe>", "iframe"),
        ("<style>body{display:none}</style><p>x</p>", "display"),
        ("<form action='/steal'><input name=p></form>", "form"),
        ("<p style='position:fixed'>x</p>", "style"),
        ("<svg><script>alert(1)</script></svg>", "alert"),
    ],
)
def test_sanitize_html_strips_dangerous_markup(dirty: str, forbidden: str) -> None:
    assert forbidden.lower() not in sanitize_html(dirty).lower()


def test_sanitize_html_keeps_article_markup() -> None:
    clean = sanitize_html(
        '<p>A <strong>bold</strong> <a href="https://example.org/x" title="t">link</a></p>'
        '<figure><img src="https://example.org/i.jpg" alt="cat"><figcaption>Cap</figcaption></figure>'
    )
    assert "<strong>bold</strong>" in clean
    assert 'href="https://example.org/x"' in clean
    assert 'rel="noopener noreferrer nofollow"' in clean
    assert '<img src="https://example.org/i.jpg" alt="cat">' in clean
    assert "<figcaption>Cap</figcaption>" in clean
    assert sanitize_html("") == ""
