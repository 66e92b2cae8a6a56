from __future__ import annotations

from datetime import UTC, datetime

import pytest

from herald.errors import ExtractError
from herald.extract import extract_article

URL = "https://news.example.com/world/2024/05/01/missiles"

BODY = [
    "SEOUL, South Korea (AP) — North Korea fired two short-range ballistic missiles into the sea on "
    "Thursday, South Korea's military said, its first launch in weeks and a sign of rising tension on the "
    "peninsula.",
    "The missiles flew about 350 kilometers before landing in waters off the east coast, according to the "
    "Joint Chiefs of Staff, which called the launch a grave provocation that threatens peace in the region.",
    "Japan's defense ministry said neither missile reached its exclusive economic zone, and officials in "
    "Tokyo said there were no reports of damage to ships or aircraft operating in the area at the time.",
    "Analysts said the launch was likely timed to coincide with joint military drills by the United States "
    "and South Korea, which Pyongyang has long described as rehearsals for an invasion of the North.",
]


def article_page(*, head_extra: str = "", body_extra: str = "", lang: str = "en") -> str:
    paragraphs = "\n".join(f"<p>{p}</p>" for p in BODY)
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
  <meta charset="utf-8">
  <title>North Korea fires two missiles into the sea | Example News</title>
  <link rel="canonical" href="/world/2024/05/01/missiles-canonical">
  <meta property="og:title" content="North Korea fires two missiles into the sea">
  <meta property="og:site_name" content="Example News">
  <meta property="og:description" content="The launch was the first in weeks.">
  <meta property="og:image" content="/images/launch.jpg">
  <meta property="article:published_time" content="2024-05-01T09:30:00+09:00">
  <meta name="author" content="Kim Tong-hyung">
  {head_extra}
</head>
<body>
  <nav><a href="/">Home</a> <a href="/world">World</a> <a href="/sports">Sports</a></nav>
  <article>
    <h1>North Korea fires two missiles into the sea</h1>
    <figure><img src="/images/launch.jpg">
      <figcaption>A TV screen shows the launch in Seoul.</figcaption></figure>
    {paragraphs}
    <p>Sign up for our newsletter</p>
    <p>Share this article</p>
    {body_extra}
  </article>
  <footer><p>Copyright 2024 Example News. All rights reserved.</p><a href="/about">About us</a></footer>
</body>
</html>"""


def test_paragraphs_kept_dateline_kept_boilerplate_removed() -> None:
    article = extract_article(article_page().encode(), url=URL)
    assert article.paragraphs == tuple(BODY)
    assert article.paragraphs[0].startswith("SEOUL, South Korea (AP) —")
    assert "newsletter" not in article.text
    assert "Copyright" not in article.text
    assert article.method == "page"


def test_metadata_from_the_head() -> None:
    article = extract_article(article_page(), url=URL)
    assert article.title == "North Korea fires two missiles into the sea"
    assert article.canonical_url == "https://news.example.com/world/2024/05/01/missiles-canonical"
    assert article.image_url == "https://news.example.com/images/launch.jpg"
    assert article.image_caption == "A TV screen shows the launch in Seoul."
    assert article.published == datetime(2024, 5, 1, 0, 30, tzinfo=UTC)
    assert article.published.tzinfo is not None
    assert article.authors == ("Kim Tong-hyung",)
    assert article.language == "en"
    assert article.site_name == "Example News"
    assert article.description == "The launch was the first in weeks."


def test_language_from_og_locale_and_canonical_from_og_url() -> None:
    page = article_page(lang="").replace(
        '<link rel="canonical" href="/world/2024/05/01/missiles-canonical">', ""
    )
    page = page.replace('<html lang="">', "<html>")
    page = page.replace(
        '<meta charset="utf-8">',
        '<meta charset="utf-8"><meta property="og:locale" content="pt_BR">'
        '<meta property="og:url" content="https://news.example.com/og-url">',
    )
    article = extract_article(page, url=URL)
    assert article.language == "pt-BR"
    assert article.canonical_url == "https://news.example.com/og-url"


def test_date_from_json_ld_when_meta_tags_are_missing() -> None:
    page = article_page().replace(
        '<meta property="article:published_time" content="2024-05-01T09:30:00+09:00">', ""
    )
    ld = (
        '<script type="application/ld+json">'
        '{"@type": "NewsArticle", "datePublished": "2024-04-30T22:15:00Z"}</script>'
    )
    article = extract_article(page.replace("</head>", ld + "</head>"), url=URL)
    assert article.published == datetime(2024, 4, 30, 22, 15, tzinfo=UTC)


def test_related_link_list_is_dropped() -> None:
    related = (
        "<ul><li><a href='/a'>Moon rush: private lunar lander plans explained</a></li>"
        "<li><a href='/b'>Where the commercial landers will land on the moon</a></li>"
        "<li><a href='/c'>The space station is open for business in orbit</a></li></ul>"
    )
    article = extract_article(article_page(body_extra=related), url=URL)
    assert article.paragraphs == tuple(BODY)


def test_windows_1252_page_declared_in_meta() -> None:
    page = article_page().replace(
        '<meta charset="utf-8">', '<meta http-equiv="Content-Type" content="text/html; charset=windows-1252">'
    )
    page = page.replace("Japan's defense ministry", "Japan’s défense ministry")
    article = extract_article(page.encode("cp1252"), url=URL)
    assert "Japan’s défense ministry" in article.text


def test_charset_from_the_server_wins() -> None:
    page = article_page().replace("Analysts said", "Analysten sagten, dass Größe zählt;")
    article = extract_article(
        page.encode("iso-8859-15", errors="xmlcharrefreplace"), url=URL, charset="iso-8859-15"
    )
    assert "Größe" in article.text


def test_broken_html_is_read() -> None:
    broken = "<html><head><title>Broken</title><body><div><article><p>" + "</p><p>".join(BODY) + "<div><span>"
    article = extract_article(broken, url=URL)
    assert article.paragraphs[0].startswith("SEOUL")


def test_huge_page_is_cut_and_still_read() -> None:
    filler = (
        "<div class='ad'>"
        + "<span>x</span>" * 40_000
        + "</div><script>var x = '"
        + "a" * 6_000_000
        + "';</script>"
    )
    page = article_page(body_extra=filler).encode()
    assert len(page) > 6_000_000
    article = extract_article(page, url=URL)  # the article sits before the cap; the rest is dropped
    assert article.paragraphs[: len(BODY)] == tuple(BODY)


@pytest.mark.parametrize(
    "page",
    [
        b"",
        "   ",
        "<html><head><title>Login</title></head><body><form><input name=q></form></body></html>",
        "<html><body><nav><a href='/'>Home</a><a href='/a'>About</a></nav>"
        "<p>Page not found.</p></body></html>",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 10,
    ],
)
def test_no_article_raises_extract_error(page: bytes | str) -> None:
    with pytest.raises(ExtractError):
        extract_article(page, url=URL)


def test_extract_error_message_is_for_people() -> None:
    with pytest.raises(ExtractError, match="No article text found on the page"):
        extract_article("<html><body><p>Too short.</p></body></html>", url=URL)


def test_element_bomb_is_refused() -> None:
    bomb = article_page(body_extra="<div></div>" * 200_000)
    with pytest.raises(ExtractError, match="too many"):
        extract_article(bomb, url=URL)
