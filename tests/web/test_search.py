"""The search page over the web tests' newsroom: the form, the filters from the database, results grouped by
story with the words marked (and everything else escaped), paging, the sentences for no results and for bad
links (400), and that no query, however hostile, gets a server error."""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from datetime import timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.pipeline.search import SEMANTIC_UNAVAILABLE, Search
from herald.store import Store
from herald.web import create_app
from herald.web.pages.search import (
    BAD_DATE,
    BAD_MODE,
    BAD_PAGE,
    BAD_PUBLISHER,
    DATES_REVERSED,
    TOO_LONG,
    highlight,
)
from tests.store.test_search import HOSTILE
from tests.web.conftest import (
    COURIER,
    NOW,
    QUOTIDIEN,
    WIRE_TITLE,
    Newsroom,
    Stories,
    add_article,
    add_stories,
    build_newsroom,
)

HOSTILE_TITLE = '<script>alert("ferry")</script> Ferry & "quotes" <b>bold</b>'
HOSTILE_BODY = "Lighthouse keepers say <script>document.cookie</script> & amp; <img src=x onerror=alert(1)>."


def no_embedding(_texts: Sequence[str]) -> np.ndarray:
    raise OSError("no model in these tests")


class Site:
    def __init__(self, room: Newsroom, stories: Stories, client: TestClient, hostile: str) -> None:
        self.room, self.stories, self.client, self.hostile = room, stories, client, hostile


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    path: Path = tmp_path_factory.mktemp("search") / "t.db"
    store = Store(f"sqlite:///{path}")
    room = build_newsroom(store)
    stories = add_stories(room)
    hostile = add_article(
        room,
        COURIER,
        url="https://courier.example/world/hostile",
        title=HOSTILE_TITLE,
        paragraphs=(HOSTILE_BODY,),
        published=NOW - timedelta(days=3),
        section="World",
    )
    settings = Settings(site_name="Herald", base_url="https://herald.test")
    # Words only here: the newsroom's vectors are made up, and the model is the pipeline tests' business.
    search = Search(settings, store, embed=no_embedding)
    with TestClient(create_app(settings, store, search=search)) as client:
        yield Site(room, stories, client, hostile)
    store.close()


def results(html: str) -> list[str]:
    """The article ids of the results, in order."""
    return re.findall(r'<h2 class="card-title search-title"><a href="/article/([0-9a-f]{32})">', html)


def get(site: Site, status: int = 200, **params: str) -> str:
    answer = site.client.get("/search", params=params)
    assert answer.status_code == status, answer.text[:500]
    return answer.text


def test_an_empty_search_shows_the_form_and_a_hint(site: Site) -> None:
    answer = site.client.get("/search")
    assert answer.status_code == 200
    assert answer.headers["cache-control"] == "public, max-age=60"
    html = answer.text
    assert '<form class="search-form" action="/search" method="get" role="search"' in html
    assert 'name="q" value=""' in html and " autofocus" in html
    assert "Type a few words to find articles" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "/static/search.css?v=" in html
    assert results(html) == []
    # the filters list what the database holds
    assert '<option value="the-harbour-courier">The Harbour Courier</option>' in html
    assert '<option value="Science">Science</option>' in html
    assert '<option value="fr">French</option>' in html
    assert "<script>" not in html.split("<main", 1)[1]  # no inline script: the form needs none


def test_results_are_grouped_by_story_and_marked(site: Site) -> None:
    html = get(site, q="ferry strike", mode="text")
    found = results(html)
    wire_group = {site.stories.wire, site.stories.wire_ledger, site.stories.wire_nsr}
    assert found[0] == site.stories.wire  # the original before its reprints
    assert not wire_group & set(found[1:])  # its story shows once
    assert f'<a href="/story/{site.stories.ferry}">2 more from this story' in html
    assert "<mark>Ferry</mark> <mark>strike</mark> ends as crews accept a new pay offer" in html
    assert "for “ferry strike”" in html
    assert 'value="ferry strike"' in html  # the form keeps the query


def test_an_article_with_markup_is_shown_escaped(site: Site) -> None:
    html = get(site, q="lighthouse ferry", mode="text")
    assert results(html) == [site.hostile]
    main = html.split("<main", 1)[1]
    assert "<script>" not in main and "<img src=x" not in main and "<b>bold" not in main
    assert "&lt;script&gt;alert(&#34;<mark>ferry</mark>&#34;)&lt;/script&gt; <mark>Ferry</mark> &amp;" in main
    assert (
        "<mark>Lighthouse</mark> keepers say &lt;script&gt;document.cookie&lt;/script&gt; &amp; amp;" in main
    )
    # a word inside an entity is never marked: "amp" is text here, and "&amp;" stays whole
    marked = str(highlight("Fish & chips amp", ("amp",), None))
    assert marked == "Fish &amp; chips <mark>amp</mark>"
    assert str(highlight("<i>x</i> & x", ("x", "i"), None)) == (
        "&lt;<mark>i</mark>&gt;<mark>x</mark>&lt;/<mark>i</mark>&gt; &amp; <mark>x</mark>"
    )


def test_filters_narrow_the_results(site: Site) -> None:
    everything = results(get(site, q="strike", mode="text"))
    ledger = results(get(site, q="strike", mode="text", publisher="valley-ledger"))
    assert site.room.articles[0] in everything  # The Harbour Courier's "Ferry crews agree to end … strike"
    assert ledger in ([site.stories.wire_ledger], [site.stories.analysis])  # the ferry story, told by Ledger
    assert results(get(site, q="greve", mode="text", language="fr")) == [site.stories.local]  # "grève"
    assert results(get(site, q="greve", mode="text", language="en")) == []
    science = set(results(get(site, q="eclipse", mode="text", section="Science")))
    assert site.stories.eclipse_first in science or site.stories.eclipse_second in science
    assert results(get(site, q="eclipse", mode="text", section="World")) == []
    today = NOW.date().isoformat()
    old = get(site, q="ferry lighthouse", mode="text", to=(NOW - timedelta(days=2)).date().isoformat())
    assert results(old) == [site.hostile]
    assert results(get(site, q="ferry lighthouse", mode="text", **{"from": today})) == []
    html = get(site, q="ferry", mode="text", publisher="the-harbour-courier", section="World")
    assert 'value="the-harbour-courier" selected' in html and 'value="World" selected' in html
    assert '<details class="search-filters" open>' in html


def test_paging_through_the_results(site: Site) -> None:
    for n in range(12):
        add_article(
            site.room,
            QUOTIDIEN,
            url=f"https://quotidien.example/regates/{n}",
            title=f"Régate numéro {n} au port",
            paragraphs=("Les voiliers de la régate partent à l'aube.",),
            published=NOW - timedelta(days=1, minutes=n),
            language="fr",
        )
    first = get(site, q="regate", mode="text")
    assert len(results(first)) == 10
    assert "12 results for “regate”: 1–10 shown" in first
    assert 'href="/search?q=regate&amp;mode=text&amp;page=2" rel="next">More results' in first
    second = get(site, q="regate", mode="text", page="2")
    assert len(results(second)) == 2 and not set(results(second)) & set(results(first))
    assert 'href="/search?q=regate&amp;mode=text" rel="prev"' in second
    assert "More results" not in second
    beyond = get(site, q="regate", mode="text", page="9")
    assert "There are no more results for “regate”" in beyond


def test_no_results_says_what_to_try(site: Site) -> None:
    html = get(site, q="zeppelin", mode="text")
    assert results(html) == []
    assert "Nothing matched “zeppelin”. Try fewer words, or" in html
    filtered = get(site, q="zeppelin", section="Science")
    assert "Nothing matched “zeppelin” with these filters. Try" in filtered
    assert 'href="/search?q=zeppelin">searching without the filters</a>' in filtered
    nothing = get(site, q="!!! ***")
    assert "There is nothing to look for in “!!! ***”" in nothing


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"q": "ferry", "from": "yesterday"}, BAD_DATE),
        ({"q": "ferry", "to": "2024-02-30"}, BAD_DATE),
        ({"q": "ferry", "from": "2024-05-02", "to": "2024-05-01"}, DATES_REVERSED),
        ({"q": "ferry", "from": "9" * 400}, BAD_DATE),
        ({"q": "ferry", "mode": "fuzzy"}, BAD_MODE),
        ({"q": "ferry", "page": "0"}, BAD_PAGE),
        ({"q": "ferry", "page": "two"}, BAD_PAGE),
        ({"q": "ferry", "page": "99999999999999999999"}, BAD_PAGE),
        ({"q": "ferry", "publisher": "no-such-paper"}, BAD_PUBLISHER),
        ({"q": "ferry " * 100}, TOO_LONG),
    ],
)
def test_a_bad_link_gets_the_form_back_with_a_sentence(
    site: Site, params: dict[str, str], message: str
) -> None:
    answer = site.client.get("/search", params=params)
    assert answer.status_code == 400
    assert answer.headers["cache-control"] == "no-store"
    assert f'<p class="form-error" id="search-error" role="alert">{message}</p>' in answer.text.replace(
        "&#34;", '"'
    ).replace("&#39;", "'")
    assert results(answer.text) == []


def test_hostile_queries_never_fail(site: Site) -> None:
    for query in HOSTILE:
        for mode in ("text", "hybrid"):
            answer = site.client.get("/search", params={"q": query, "mode": mode})
            assert answer.status_code in (200, 400), (query, answer.status_code)
    html = get(site, q='<script>alert(1)</script> "ferry', mode="text")
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_when_meaning_is_unavailable_the_page_says_so(site: Site) -> None:
    html = get(site, q="ferry strike")  # the default, words and meaning; the model fails to load here
    assert SEMANTIC_UNAVAILABLE in html
    assert results(html)[0] == site.stories.wire


def test_the_site_builds_its_own_search_when_given_none(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    room = build_newsroom(store)
    try:
        with TestClient(create_app(Settings(), store)) as client:
            answer = client.get("/search", params={"q": WIRE_TITLE.split()[0], "mode": "text"})
        assert answer.status_code == 200
        assert room.articles[0] in results(answer.text)  # "Ferry crews agree to end week-long strike…"
    finally:
        store.close()


def test_the_search_page_speaks_the_readers_language(site: Site) -> None:
    from herald.web.language import LANGUAGE_COOKIE

    site.client.cookies.set(LANGUAGE_COOKIE, "fr")
    try:
        html = get(site, q="ferry strike", mode="text")
        assert "<h1>Rechercher</h1>" in html and "résultats pour « ferry strike »" in html
        assert "2 autres articles de ce sujet" in html
        assert "Rien ne correspond à « zeppelin »." in get(site, q="zeppelin", mode="text")
        refused = get(site, status=400, q="ferry", to="tomorrow")
        assert "Écrivez les dates sous la forme année-mois-jour" in refused
        assert get(site, q="<b>x</b>").count("&lt;b&gt;x&lt;/b&gt;") >= 1  # the query stays escaped
    finally:
        site.client.cookies.clear()
    english = get(site, q="ferry strike", mode="text")
    assert "<h1>Search</h1>" in english and "Rechercher" not in english


def test_a_search_is_a_feed_too(site: Site) -> None:
    import json

    import feedparser

    answer = site.client.get("/search/feed.xml", params={"q": "ferry strike", "mode": "text"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("application/rss+xml")
    feed = feedparser.parse(answer.content)
    assert not feed.bozo, feed.bozo_exception
    assert "ferry strike" in feed.feed.title
    links = [entry.link for entry in feed.entries]
    assert f"https://herald.test/article/{site.stories.wire}" in links
    times = [entry.published_parsed for entry in feed.entries]
    assert times == sorted(times, reverse=True)  # newest first, as a feed reader expects
    again = site.client.get(
        "/search/feed.xml",
        params={"q": "ferry strike", "mode": "text"},
        headers={"if-none-match": answer.headers["etag"]},
    )
    assert again.status_code == 304
    as_json = json.loads(site.client.get("/search/feed.json", params={"q": "ferry", "mode": "text"}).text)
    assert as_json["version"] == "https://jsonfeed.org/version/1.1" and as_json["items"]
    assert site.client.get("/search/feed.xml").status_code == 400  # nothing to look for
    assert site.client.get("/search/feed.xml", params={"q": "x", "to": "soon"}).status_code == 400
    assert site.client.get("/search/feed.pdf", params={"q": "ferry"}).status_code == 404


def test_a_search_page_names_its_feed(site: Site) -> None:
    html = get(site, q="ferry strike", mode="text")
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/search/feed.xml?q=ferry+strike&amp;mode=text"' in html
    assert 'rel="alternate" type="application/rss+xml" title="Search' not in get(site)  # no words, no feed
