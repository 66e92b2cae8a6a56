"""Every page, through the ASGI app: content, structure, metadata, paging and the error pages."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.models import SourceSpec
from herald.store import Store
from herald.web import create_app, relative_time
from tests.web.conftest import NOW, Newsroom, add_article, build_newsroom


class Page(HTMLParser):
    """Just enough of the DOM for assertions: tags with attributes, text per tag, script bodies."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.text_of: dict[str, list[str]] = {}
        self.scripts: list[tuple[dict[str, str], str]] = []
        self._open: list[str] = []
        self._script: dict[str, str] | None = None
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        self.tags.append((tag, values))
        if tag == "script":
            self._script = values
            self.scripts.append((values, ""))
        elif tag not in ("meta", "link", "img", "br", "input"):
            self._open.append(tag)
            self.text_of.setdefault(tag, []).append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._script = None
        elif tag in self._open:
            while self._open and self._open.pop() != tag:
                pass

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            attrs, body = self.scripts[-1]
            self.scripts[-1] = (attrs, body + data)
            return
        for tag in set(self._open):
            self.text_of[tag][-1] += data

    def all(self, tag: str, **attrs: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]

    def meta(self, key: str) -> list[str]:
        return [a["content"] for a in self.all("meta") if key in (a.get("property"), a.get("name"))]

    def texts(self, tag: str) -> list[str]:
        return [" ".join(t.split()) for t in self.text_of.get(tag, [])]


def has_chrome(page: Page) -> bool:
    """Site header with the name, section nav, main landmark, footer with a link to Sources, skip link."""
    return (
        bool(page.all("a", href="#main"))
        and bool(page.all("main", id="main"))
        and bool(page.all("nav", **{"aria-label": "Sections"}))
        and bool(page.all("a", href="/sources"))
        and any("self-hosted news" in t for t in page.texts("footer"))
    )


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[tuple[Newsroom, TestClient]]:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    room = build_newsroom(store)
    with TestClient(create_app(Settings(base_url="https://herald.test"), store)) as client:
        yield room, client
    store.close()


def test_home_groups_latest_first_then_sections(client: TestClient) -> None:
    response = client.get("/")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h2")[:4] == ["Latest", "World", "Business", "Science"]
    assert page.all("a", href="/section/World")
    assert any("More from World" in t for t in page.texts("a"))
    assert len(page.all("h1")) == 1
    # the lead card of each group carries an image with its box reserved
    images = [i for i in page.all("img") if i["src"].startswith("https://images.example/")]
    assert images and all(i.get("width") and i.get("height") for i in images)


def test_home_shows_articles_without_section_under_latest(fresh: tuple[Newsroom, TestClient]) -> None:
    room, client = fresh
    add_article(
        room,
        "Le Quotidien du Port",
        url="https://quotidien.example/brand-new",
        title="Un article sans rubrique",
        paragraphs=("Texte.",),
        published=NOW,
        language="fr",
    )
    html = client.get("/").text
    latest = html.split('id="group-1"')[1].split('id="group-2"')[0]
    assert "Un article sans rubrique" in latest


def test_home_without_articles_says_so(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/empty.db")
    with TestClient(create_app(Settings(), store)) as client:
        response = client.get("/")
    store.close()
    assert response.status_code == 200
    assert "No articles yet" in response.text


def test_article_page_structure(client: TestClient, newsroom: Newsroom) -> None:
    ident = newsroom.articles[0]
    response = client.get(f"/article/{ident}")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h1") == ["Ferry crews agree to end week-long strike after overnight talks"]
    assert page.all("html")[0]["lang"] == "en"
    times = [t for t in page.all("time") if t.get("datetime")]
    assert times and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", times[0]["datetime"])
    assert times[0]["title"].endswith("UTC")
    # the newsroom was written NOW - 4 minutes, at collection; the suite may have run a while since
    assert relative_time(NOW - timedelta(minutes=4), datetime.now(UTC)) in page.texts("time")
    canonical = page.all("link", rel="canonical")
    assert [c["href"] for c in canonical] == ["https://courier.example/world/0-ferry-crews-agree-to"]
    # dateline kept: the first paragraph, as written
    assert page.texts("p")[0] != "" and any(t.startswith("PORT ALDER —") for t in page.texts("p"))
    assert any(t.startswith("Read the original at The Harbour Courier") for t in page.texts("a"))
    assert page.all("a", href="/publisher/the-harbour-courier")
    assert "By Mara Lindqvist" in page.texts("p")
    assert "Boats in the harbour at dawn. Photo: Staff photographer" in page.texts("figcaption")
    assert any(t == "More from The Harbour Courier" for t in page.texts("h2"))
    # cards: other articles of the same publisher, never this one
    cards = [a["href"] for a in page.all("a") if a.get("href", "").startswith("/article/")]
    assert cards and f"/article/{ident}" not in cards


def test_article_metadata_for_previews_and_search(client: TestClient, newsroom: Newsroom) -> None:
    page = Page(client.get(f"/article/{newsroom.articles[0]}").text)
    canonical = "https://courier.example/world/0-ferry-crews-agree-to"
    assert page.meta("og:type") == ["article"]
    assert page.meta("og:title") == ["Ferry crews agree to end week-long strike after overnight talks"]
    assert page.meta("og:url") == [canonical]
    assert page.meta("og:image") == ["https://images.example/photos/0-0.svg"]
    assert page.meta("og:site_name") == ["Herald"]
    assert page.meta("article:author") == ["Mara Lindqvist"]
    assert page.meta("article:published_time")[0].endswith("Z")
    assert page.meta("twitter:card") == ["summary_large_image"]
    assert page.meta("description")[0].startswith("PORT ALDER")
    [(attrs, body)] = [(a, b) for a, b in page.scripts if not a.get("src")]
    assert attrs["type"] == "application/ld+json"
    data = json.loads(body)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ferry crews agree to end week-long strike after overnight talks"
    assert data["datePublished"] == page.meta("article:published_time")[0]
    assert data["mainEntityOfPage"]["@id"] == canonical
    assert data["author"] == [{"@type": "Person", "name": "Mara Lindqvist"}]
    assert data["publisher"]["name"] == "The Harbour Courier"
    assert data["publisher"]["logo"]["url"] == "https://courier.example/favicon.png"
    assert data["inLanguage"] == "en"


def test_article_in_french_marks_its_text_french(client: TestClient, newsroom: Newsroom) -> None:
    """The page speaks the reader's language (English here); the article's own text keeps its language."""
    french = [i for i in newsroom.articles if "Le port" in client.get(f"/article/{i}").text]
    assert french
    page = Page(client.get(f"/article/{french[0]}").text)
    assert page.all("html")[0]["lang"] == "en"
    assert page.all("h1", **{"class": "story-title"})[0]["lang"] == "fr"
    assert page.all("div", **{"class": "story-body"})[0]["lang"] == "fr"


XSS = "<script>alert(1)</script>"


def test_untrusted_text_is_escaped_everywhere(fresh: tuple[Newsroom, TestClient]) -> None:
    room, client = fresh
    ident = add_article(
        room,
        "The Harbour Courier",
        url="https://courier.example/xss",
        title=f"Breaking {XSS} </script><script>alert(2)</script> news",
        paragraphs=(f"First {XSS} paragraph.", "<img src=x onerror=alert(3)>"),
        published=NOW,
        section="World",
        image_caption=f"caption {XSS}",
        authors=(f"Eve {XSS}",),
        image_url="javascript:alert(4)",
    )
    for path in ("/", "/latest", "/section/World", "/publisher/the-harbour-courier", f"/article/{ident}"):
        html = client.get(path).text
        assert "<script>alert" not in html, path
        assert "<img src=x" not in html, path
        assert "javascript:" not in html, path
        page = Page(html)
        # the only inline script is the JSON-LD data block, and it stays one element; others are our files
        assert all(
            attrs.get("type") == "application/ld+json" or attrs.get("src", "").startswith("/static/")
            for attrs, _ in page.scripts
        ), path
    html = client.get(f"/article/{ident}").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    page = Page(html)
    [(_, body)] = [(a, b) for a, b in page.scripts if not a.get("src")]
    assert "</script" not in body.lower() and "<" not in body
    assert json.loads(body)["headline"] == f"Breaking {XSS} </script><script>alert(2)</script> news"
    assert page.texts("h1") == [f"Breaking {XSS} </script><script>alert(2)</script> news"]


def test_unsafe_link_from_a_feed_never_becomes_an_href(fresh: tuple[Newsroom, TestClient]) -> None:
    room, client = fresh
    room.store.sources.add(SourceSpec(feed_url="javascript:alert(1)//feed", publisher="Odd Feed"))
    html = client.get("/sources").text
    assert 'href="javascript:' not in html
    assert "javascript:alert(1)//feed" in html  # shown as text, not as a link


def test_section_page_lists_only_its_articles(client: TestClient) -> None:
    response = client.get("/section/World")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h1") == ["World"]
    headlines = page.texts("h2")
    assert "Ferry crews agree to end week-long strike after overnight talks" in headlines
    assert "Shipyard wins its largest order in twenty years" not in headlines
    assert page.all("a", href="/section/World", **{"aria-current": "page"})


def test_paging_back_with_before(fresh: tuple[Newsroom, TestClient]) -> None:
    room, client = fresh
    for n in range(25):
        add_article(
            room,
            "Valley Ledger",
            url=f"https://ledger.example/markets/{n}",
            title=f"Markets report number {n}",
            paragraphs=("Prices moved.",),
            # three at a time share a minute, so the page break falls inside one group
            published=NOW - timedelta(days=40, minutes=n // 3),
            section="Markets",
        )
    first = Page(client.get("/section/Markets").text)
    titles = [t for t in first.texts("h2") if t.startswith("Markets report")]
    assert len(titles) == 20
    [older] = [a["href"] for a in first.all("a", rel="next")]
    second = Page(client.get("/section/Markets" + older).text)
    more = [t for t in second.texts("h2") if t.startswith("Markets report")]
    assert len(more) == 5 and not set(more) & set(titles)
    assert not second.all("a", rel="next")
    assert second.all("a", href="?")  # a way back to the newest


def test_publisher_page(client: TestClient) -> None:
    response = client.get("/publisher/valley-ledger")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h1") == ["Valley Ledger"]
    assert page.all("a", href="https://ledger.example")
    assert "5" in page.texts("dd") and "GB" in page.texts("dd") and "en" in page.texts("dd")
    assert "Shipyard wins its largest order in twenty years" in page.texts("h2")


def test_latest_page(client: TestClient) -> None:
    page = Page(client.get("/latest").text)
    assert page.texts("h1") == ["Latest"]
    assert len([a for a in page.all("article")]) == 18


def test_sources_page_shows_health(client: TestClient) -> None:
    response = client.get("/sources")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    [summary] = [t for t in page.texts("p") if t.startswith("6 feeds")]
    assert summary == "6 feeds, 4 healthy, 1 failing, 1 paused"
    assert "Last error: The server answered 410 Gone: the feed has been removed" in page.texts("p")
    assert any("not well-formed XML" in t for t in page.texts("p"))
    assert any("The page took longer than 20 seconds to answer" in t for t in page.texts("p"))
    assert "Failing (2 in a row)" in page.texts("span")
    assert "Paused" in page.texts("span")
    assert all(t.get("title", "").endswith("UTC") for t in page.all("time"))
    assert relative_time(NOW + timedelta(minutes=18), datetime.now(UTC)) in page.texts("time")
    # the failing feed comes first
    assert page.texts("h2")[0] == "Gone Gazette"


@pytest.mark.parametrize(
    "path",
    [
        "/nothing-here",
        "/article/not-an-id",
        "/article/" + "0" * 32,
        "/article/" + "A" * 32,
        "/publisher/nobody",
        "/section/No%20Such%20Section",
    ],
)
def test_not_found_pages_have_the_chrome(client: TestClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h1") == ["Page not found"]
    assert page.all("a", href="/")


def test_malformed_article_id_never_reaches_the_database(newsroom: Newsroom) -> None:
    class NoDatabase:
        def __getattr__(self, name: str) -> object:
            raise AssertionError(f"store.{name} used")

    app = create_app(Settings(), NoDatabase())  # type: ignore[arg-type]
    with TestClient(app) as client:
        assert client.get("/article/../../etc/passwd").status_code == 404
        assert client.get("/article/xyz").status_code == 404


def test_bad_paging_cursor_is_a_400_page(client: TestClient) -> None:
    response = client.get("/latest", params={"before": "yesterday"})
    assert response.status_code == 400
    assert client.get("/latest", params={"before": "2026-11-01T00:00:00Z_<script>"}).status_code == 400
    assert has_chrome(Page(response.text))


def test_server_error_is_an_apology_without_a_trace(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/t.db")

    def broken(*_args: object, **_kwargs: object) -> list[object]:
        raise RuntimeError("secret internal detail")

    store.articles.latest = broken  # type: ignore[method-assign,assignment]
    with TestClient(create_app(Settings(), store), raise_server_exceptions=False) as client:
        response = client.get("/")
    store.close()
    assert response.status_code == 500
    assert "Something went wrong" in response.text
    assert "secret internal detail" not in response.text and "Traceback" not in response.text
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["cache-control"] == "no-store"


@pytest.mark.parametrize("path", ["/", "/sources", "/nothing-here", "/static/herald.css"])
def test_security_headers(client: TestClient, path: str) -> None:
    headers = client.get(path).headers
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "img-src 'self' https: http: data:" in csp
    assert "unsafe-inline" not in csp


def test_caching_long_for_versioned_static_short_for_pages(client: TestClient) -> None:
    page = Page(client.get("/").text)
    [css] = [a["href"] for a in page.all("link", rel="stylesheet")]
    assert re.fullmatch(r"/static/herald\.css\?v=[0-9a-f]{10}", css)
    static = client.get(css)
    assert static.status_code == 200 and static.headers["content-type"].startswith("text/css")
    assert "max-age=31536000" in static.headers["cache-control"]
    assert client.get("/").headers["cache-control"] == "public, max-age=60"
    assert client.get("/nothing-here").headers["cache-control"] == "no-store"


def test_no_third_party_assets(client: TestClient, newsroom: Newsroom) -> None:
    for path in ("/", f"/article/{newsroom.articles[0]}", "/sources"):
        page = Page(client.get(path).text)
        for link in page.all("link"):
            if link.get("rel") in ("stylesheet", "icon"):
                assert link["href"].startswith("/static/")
        assert all(s["src"].startswith("/static/") for s, _ in page.scripts if s.get("src"))


def test_favicon_and_robots(client: TestClient) -> None:
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200 and icon.headers["content-type"].startswith("image/svg+xml")
    robots = client.get("/robots.txt")
    assert robots.status_code == 200 and "User-agent: *" in robots.text
