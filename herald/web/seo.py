"""What search engines and link previews read: safe URLs, language tags and the NewsArticle JSON-LD.

Everything here starts from feed and page data, which anyone can write, so each helper refuses what it does
not recognise rather than passing it through.
"""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import urlsplit

from herald.models import Article
from herald.web.timefmt import iso_time

_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$")


def http_url(value: str | None) -> str | None:
    """The URL if it is absolute http(s), else None: a ``javascript:`` link must never reach an href."""
    if not value:
        return None
    value = value.strip()
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return value


def language_tag(value: str | None, default: str = "en") -> str:
    """A BCP 47 tag for ``<html lang>`` ("en_US" becomes "en-US"); anything odd falls back to ``default``."""
    if not value:
        return default
    tag = value.strip().replace("_", "-")
    return tag if _LANGUAGE.match(tag) else default


def article_time(article: Article) -> Any:
    """The time a reader cares about: publication, or when we found it if the publisher gave none."""
    return article.published_at or article.fetched_at


def json_for_script(data: Any) -> str:
    """JSON that cannot close its ``<script>`` element: every ``<`` (and ``>``, ``&``) becomes a \\u escape,
    which JSON parsers read back as the same character."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def news_article_ld(article: Article, *, page_url: str) -> dict[str, Any]:
    """schema.org NewsArticle for one article; the publisher's canonical URL is the page it is based on."""
    canonical = http_url(article.canonical_url) or page_url
    when = iso_time(article_time(article))
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "headline": article.title,
        "description": article.excerpt,
        "datePublished": when,
        "dateModified": when,
        "url": canonical,
        "mainEntityOfPage": {"@type": "WebPage", "@id": canonical},
        "isBasedOn": canonical,
        "inLanguage": language_tag(article.language),
    }
    if article.authors:
        data["author"] = [{"@type": "Person", "name": name} for name in article.authors]
    publisher: dict[str, Any] = {"@type": "Organization", "name": article.publisher_name}
    home = http_url(article.publisher_home_url)
    if home:
        publisher["url"] = home
    logo = http_url(article.publisher_favicon_url)
    if logo:
        publisher["logo"] = {"@type": "ImageObject", "url": logo}
    data["publisher"] = publisher
    image = http_url(article.image_url)
    if image:
        data["image"] = [image]
    return data
