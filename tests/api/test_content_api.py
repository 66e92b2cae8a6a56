"""The content API over the whole app: top stories ranked as the front page ranks them, a story with its
tellings (reprints under the text they carry) and the 308 of a merged story, the newest articles with their
filters and keyset cursors, an article with its text and what its page offers after it, sections,
publishers and names, the site's languages, the OpenAPI document and the interactive docs. Every refusal is
problem+json with a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from herald.api.cursors import BAD_CURSOR
from herald.api.directory import NO_ENTITY, NO_PUBLISHER
from herald.api.news import UNKNOWN_ARTICLE
from herald.api.stories import EMPTY_STORY, NO_STORY
from herald.models import ExtractedArticle
from herald.store import NewArticle
from tests.api.test_tokens import Herald, build_herald, problem_of
from tests.web.conftest import COURIER, LEDGER, NOW, PORT_ALDER, QUOTIDIEN, WIRE_TITLE, article_id
from tests.web.test_browser import ARGS, CHROMIUM, _free_port, _serving

SHARED = "public, max-age=60"


@pytest.fixture(scope="module")
def herald(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Herald]:
    """One site for the tests that only read."""
    yield from build_herald(tmp_path_factory.mktemp("content"))


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Herald]:
    """A site of its own, for a test that changes it."""
    yield from build_herald(tmp_path)


def shared(answer: Any, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    assert answer.headers["cache-control"] == SHARED
    assert answer.headers["etag"].startswith('"')
    return answer.json()


def ids(items: list[dict[str, Any]]) -> list[Any]:
    return [item["id"] for item in items]


def every_page(herald: Herald, path: str, **query: Any) -> list[dict[str, Any]]:
    """Every item of a list, page after page; no cursor is ever repeated."""
    items: list[dict[str, Any]] = []
    cursors: set[str] = set()
    cursor = None
    while True:
        params = {**query, **({"cursor": cursor} if cursor else {})}
        page = shared(herald.client.get(path, params=params))
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            return items
        assert cursor not in cursors
        cursors.add(cursor)


# Stories


def test_top_stories_are_the_front_pages_with_their_lead_articles(herald: Herald) -> None:
    body = shared(herald.client.get("/api/v1/stories"))
    ranked = herald.store.stories.top(20)
    assert ids(body["items"]) == [s.id for s in ranked] == [herald.stories.ferry, herald.stories.eclipse]
    ferry = body["items"][0]
    assert ferry["title"] == WIRE_TITLE and ferry["section"] == "World"
    assert (ferry["article_count"], ferry["publisher_count"]) == (5, 4)
    assert ferry["lead"]["id"] == herald.stories.wire and ferry["lead"]["publisher_name"] == COURIER
    assert ferry["url"] == f"/story/{herald.stories.ferry}"
    assert ferry["href"] == f"/api/v1/stories/{herald.stories.ferry}"
    assert body["next_cursor"] is None
    science = shared(herald.client.get("/api/v1/stories", params={"section": "Science"}))
    assert ids(science["items"]) == [herald.stories.eclipse]
    assert shared(herald.client.get("/api/v1/stories", params={"section": "Sport"}))["items"] == []


def test_top_stories_come_in_pages(herald: Herald) -> None:
    first = shared(herald.client.get("/api/v1/stories", params={"limit": 1}))
    assert ids(first["items"]) == [herald.stories.ferry] and first["next_cursor"]
    second = shared(herald.client.get("/api/v1/stories", params={"limit": 1, "cursor": first["next_cursor"]}))
    assert ids(second["items"]) == [herald.stories.eclipse] and second["next_cursor"] is None
    # a cursor of the whole ranking is not one of the Science ranking's
    other = herald.client.get(
        "/api/v1/stories", params={"section": "Science", "cursor": first["next_cursor"]}
    )
    assert problem_of(other, 400)["detail"] == BAD_CURSOR


def test_a_story_lists_its_tellings_with_reprints_under_the_text_they_carry(herald: Herald) -> None:
    s = herald.stories
    body = shared(herald.client.get(f"/api/v1/stories/{s.ferry}"))
    assert body["id"] == s.ferry and body["title"] == WIRE_TITLE and body["lead"]["id"] == s.wire
    tellings = [(t["article"]["id"], [r["id"] for r in t["reprints"]]) for t in body["tellings"]]
    # oldest first; the wire text once, with its two reprints; the French telling is listed too
    assert tellings == [(s.wire, [s.wire_ledger, s.wire_nsr]), (s.analysis, []), (s.local, [])]
    reprint = body["tellings"][0]["reprints"][0]
    assert reprint["copy_of"] == s.wire and reprint["publisher_name"] == LEDGER
    assert body["changed_at"].endswith("Z")
    # the site's story page shows the same three entries
    page = herald.client.get(f"/story/{s.ferry}").text
    assert page.count('class="timeline-entry') == 3


def test_a_merged_story_leads_to_the_story_it_became(herald: Herald) -> None:
    s = herald.stories
    moved = herald.client.get(f"/api/v1/stories/{s.merged_away}", follow_redirects=False)
    assert moved.status_code == 308
    assert moved.headers["location"] == f"/api/v1/stories/{s.eclipse}"
    followed = shared(herald.client.get(f"/api/v1/stories/{s.merged_away}"))
    assert followed["id"] == s.eclipse
    assert s.eclipse_second in [t["article"]["id"] for t in followed["tellings"]]


def test_stories_that_are_not_there_are_refused(fresh: Herald) -> None:
    assert problem_of(fresh.client.get("/api/v1/stories/999999"), 404)["detail"] == NO_STORY
    for bad in ("0", "-3", "abc", str(2**63)):
        assert problem_of(fresh.client.get(f"/api/v1/stories/{bad}"), 422)["detail"].startswith(
            "path parameter story_id"
        )
    # an editor gave an article a story of its own, then took it out of that one too: the first is empty
    lone = fresh.room.articles[5]
    emptied = fresh.store.stories.detach(lone)
    assert emptied is not None and fresh.store.stories.detach(lone) not in (None, emptied)
    assert problem_of(fresh.client.get(f"/api/v1/stories/{emptied}"), 404)["detail"] == EMPTY_STORY


# Articles


def test_the_newest_articles_are_the_latest_pages_and_page_back_by_keyset(herald: Herald) -> None:
    everything = every_page(herald, "/api/v1/articles", limit=4)
    assert [a["id"] for a in everything] == [a.id for a in herald.store.articles.latest(100)]
    assert len(everything) == len(herald.room.articles)
    first = everything[0]
    assert first["href"] == f"/api/v1/articles/{first['id']}" and first["url"] == f"/article/{first['id']}"
    slugs = {p.id: p.slug for p in herald.store.publishers.list()}
    assert all(a["publisher_slug"] == slugs[a["publisher_id"]] for a in everything)
    times = [a["time"] for a in everything]
    assert times == sorted(times, reverse=True)


def test_articles_arriving_between_pages_never_shift_a_page(fresh: Herald) -> None:
    first = shared(fresh.client.get("/api/v1/articles", params={"limit": 3}))
    url = "https://courier.example/world/breaking"
    fresh.store.articles.save(
        NewArticle(
            id=article_id(url),
            canonical_url=url,
            url=url,
            extracted=ExtractedArticle(
                title="Breaking", paragraphs=("Now.",), canonical_url=url, published=NOW
            ),
            publisher_id=fresh.room.publisher_ids[COURIER],
            source_id=fresh.room.source_ids[COURIER],
            fetched_at=NOW,
            content_hash=article_id(url),
        )
    )
    second = shared(fresh.client.get("/api/v1/articles", params={"limit": 3, "cursor": first["next_cursor"]}))
    expected = [a.id for a in fresh.store.articles.latest(7)]
    assert ids(first["items"]) + ids(second["items"]) == expected[1:7]  # the newcomer is on top, not here


def test_articles_by_section_publisher_and_language(herald: Herald) -> None:
    world = every_page(herald, "/api/v1/articles", section="World")
    assert world and all(a["section"] == "World" for a in world)
    ledger = every_page(herald, "/api/v1/articles", publisher="valley-ledger")
    assert ledger and {a["publisher_name"] for a in ledger} == {LEDGER}
    french = every_page(herald, "/api/v1/articles", language="fr-FR")
    assert french and {a["language"] for a in french} == {"fr"}
    assert {a["publisher_name"] for a in french} == {QUOTIDIEN}
    assert every_page(herald, "/api/v1/articles", publisher="no-such-paper") == []
    assert every_page(herald, "/api/v1/articles", section="Sport") == []
    bad = herald.client.get("/api/v1/articles", params={"language": "not a language"})
    assert problem_of(bad, 422)["detail"].startswith("query parameter language")


def test_bad_tampered_and_foreign_cursors_are_refused(herald: Herald) -> None:
    page = shared(herald.client.get("/api/v1/articles", params={"limit": 2}))
    cursor = page["next_cursor"]
    payload, mac = cursor.split(".")
    flipped = payload[:-1] + ("A" if payload[-1] != "A" else "B")
    for bad in ("nonsense", "a.b", cursor + "x", f"{flipped}.{mac}", f"{payload}.{mac[::-1]}", "." * 3):
        answer = herald.client.get("/api/v1/articles", params={"limit": 2, "cursor": bad})
        assert problem_of(answer, 400)["detail"] == BAD_CURSOR, bad
    # the cursor of all articles sent to the World section's list, or to a publisher's
    for path, query in (("/api/v1/articles", {"section": "World"}), ("/api/v1/publishers/valley-ledger", {})):
        answer = herald.client.get(path, params={**query, "cursor": cursor})
        assert problem_of(answer, 400)["detail"] == BAD_CURSOR
    # every list refuses what is not its own cursor
    for path in ("/api/v1/stories", "/api/v1/publishers", "/api/v1/entities", "/api/v1/entities/port-alder"):
        assert problem_of(herald.client.get(path, params={"cursor": cursor}), 400)["detail"] == BAD_CURSOR
    too_long = herald.client.get("/api/v1/articles", params={"cursor": "x" * 500})
    assert problem_of(too_long, 422)["detail"].startswith("query parameter cursor")


def test_an_article_with_its_text_names_story_and_origin(herald: Herald) -> None:
    s = herald.stories
    body = shared(herald.client.get(f"/api/v1/articles/{s.wire_ledger}"))
    stored = herald.store.articles.get(s.wire_ledger)
    assert stored is not None
    assert body["id"] == s.wire_ledger and body["title"] == WIRE_TITLE
    assert body["paragraphs"] == list(stored.paragraphs)
    assert body["copy_of"] == s.wire and body["story_id"] == s.ferry
    assert body["publisher_name"] == LEDGER and body["publisher_slug"] == "valley-ledger"
    assert body["original_url"] == stored.canonical_url
    assert [n["key"] for n in body["names"]] == ["port-alder", "ferry-workers-union"]
    assert body["names"][0] == {
        "key": "port-alder",
        "name": "Port Alder",
        "kind": "place",
        "url": "/entity/port-alder",
    }
    plain = shared(herald.client.get(f"/api/v1/articles/{herald.room.articles[0]}"))
    assert plain["story_id"] is None and plain["copy_of"] is None and plain["image_url"]
    assert plain["image_caption"] and plain["authors"] == ["Mara Lindqvist"]


def test_articles_that_are_not_there_are_not_found(herald: Herald) -> None:
    for bad in ("0" * 32, "NOT-AN-ID", "a" * 64):
        for suffix in ("", "/related"):
            answer = herald.client.get(f"/api/v1/articles/{bad}{suffix}")
            assert problem_of(answer, 404)["detail"] == UNKNOWN_ARTICLE


def test_related_articles_are_what_the_article_page_offers(herald: Herald) -> None:
    s = herald.stories
    body = shared(herald.client.get(f"/api/v1/articles/{s.wire}/related"))
    # itself and its reprint are never related; the analysis is on the story, so not among the related
    assert ids(body["related"]) == [s.eclipse_first, s.unrelated]
    assert ids(body["on_story"]) == [s.local, s.analysis]  # newest first; the wire's own copies left out
    page = herald.client.get(f"/article/{s.wire}").text
    for article in (*body["related"], *body["on_story"]):
        assert f"/article/{article['id']}" in page
    alone = shared(herald.client.get(f"/api/v1/articles/{herald.room.articles[0]}/related"))
    assert alone == {"article_id": herald.room.articles[0], "related": [], "on_story": []}


# Sections, publishers, names


def test_sections_with_their_counts(herald: Herald) -> None:
    body = shared(herald.client.get("/api/v1/sections"))
    assert [(x["name"], x["article_count"]) for x in body["items"]] == herald.store.articles.sections()
    world = next(x for x in body["items"] if x["name"] == "World")
    assert world["href"] == "/api/v1/articles?section=World" and world["url"] == "/section/World"


def test_publishers_and_a_publishers_newest_articles(herald: Herald) -> None:
    everyone = every_page(herald, "/api/v1/publishers", limit=2)
    assert [p["name"] for p in everyone] == [p.name for p in herald.store.publishers.list()]
    ledger = next(p for p in everyone if p["name"] == LEDGER)
    assert ledger["href"] == "/api/v1/publishers/valley-ledger" and ledger["country"] == "GB"
    first = shared(herald.client.get(ledger["href"], params={"limit": 3}))
    assert first["publisher"] == ledger
    articles = every_page(herald, ledger["href"], limit=3)
    expected = herald.store.articles.latest(100, publisher_id=ledger["id"])
    assert ids(articles) == [a.id for a in expected] and len(articles) == ledger["article_count"]
    assert problem_of(herald.client.get("/api/v1/publishers/no-such-paper"), 404)["detail"] == NO_PUBLISHER


def test_names_and_a_names_stories_and_articles(herald: Herald) -> None:
    body = shared(herald.client.get("/api/v1/entities"))
    assert [e["key"] for e in body["items"]] == [e.key for e in herald.store.entities.popular(50)]
    port = next(e for e in body["items"] if e["key"] == PORT_ALDER.key)
    assert port["href"] == "/api/v1/entities/port-alder" and port["url"] == "/entity/port-alder"
    detail = shared(herald.client.get(port["href"], params={"limit": 2}))
    assert detail["entity"] == port
    assert ids(detail["stories"]) == [herald.stories.ferry]
    assert detail["stories"][0]["lead"]["id"] == herald.stories.wire
    articles = every_page(herald, port["href"], limit=2)
    assert ids(articles) == [a.id for a in herald.store.entities.articles("port-alder", 50)]
    later = herald.client.get(port["href"], params={"limit": 2, "cursor": detail["next_cursor"]})
    assert shared(later)["stories"] == []  # the stories come with the first page only
    assert problem_of(herald.client.get("/api/v1/entities/nobody"), 404)["detail"] == NO_ENTITY


# The site's languages


def test_listings_keep_the_languages_the_site_shows(tmp_path: Path) -> None:
    for site in build_herald(tmp_path):
        site.store.site.put("languages", ["en"], by_user_id=None)
        articles = every_page(site, "/api/v1/articles", limit=50)
        assert articles and QUOTIDIEN not in {a["publisher_name"] for a in articles}
        assert every_page(site, "/api/v1/articles", language="fr") == []
        quotidien = every_page(site, "/api/v1/publishers/le-quotidien-du-port")
        assert quotidien == []
        # a story is listed when told in a shown language; its page lists every telling, as the site's does
        story = shared(site.client.get(f"/api/v1/stories/{site.stories.ferry}"))
        assert site.stories.local in [t["article"]["id"] for t in story["tellings"]]
        port = shared(site.client.get("/api/v1/entities/port-alder", params={"limit": 50}))
        assert site.stories.local not in ids(port["items"])


# The document and the docs


def test_the_document_covers_every_router(herald: Herald) -> None:
    document = herald.client.get("/api/v1/openapi.json").json()
    paths = document["paths"]
    for path in (
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/articles/{article_id}/related",
        "/api/v1/articles/{article_id}/ai",
        "/api/v1/sections",
        "/api/v1/publishers/{slug}",
        "/api/v1/entities/{key}",
        "/api/v1/changes",
        "/api/v1/me",
        "/api/v1/me/saved",
        "/api/v1/tokens",
    ):
        assert path in paths, path
    assert not any(path.startswith("/api/v1/docs") for path in paths)
    for operations in paths.values():
        for operation in operations.values():
            assert operation["summary"] and operation["operationId"]
    assert "**Syncing.**" in document["info"]["description"]
    assert document["components"]["schemas"]["ArticleCardOut"]["examples"]


def test_the_interactive_docs_are_served_from_the_site_itself(herald: Herald) -> None:
    page = herald.client.get("/api/v1/docs")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "<script>" not in page.text and "http" not in page.text.replace("http-equiv", "")
    scripts = [line.split('"')[1] for line in page.text.splitlines() if line.startswith("<script src=")]
    styles = [
        line.split('href="')[1].split('"')[0] for line in page.text.splitlines() if "stylesheet" in line
    ]
    assert len(scripts) == 2 and len(styles) == 1
    for asset in (*scripts, *styles):
        found = herald.client.get(asset)
        assert found.status_code == 200 and found.headers["cache-control"].endswith("immutable"), asset
    init = herald.client.get(scripts[1]).text
    assert "/api/v1/openapi.json" in init and "SwaggerUIBundle(" in init
    assert herald.client.get("/api/v1/docs/index.html").status_code == 404
    assert herald.client.get("/api/v1/docs/swagger-ui-bundle.js.map").status_code == 404


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists(), reason="Debian's chromium is not installed at /usr/bin/chromium")
def test_the_interactive_docs_work_in_a_browser_under_the_sites_policy(herald: Herald) -> None:
    from playwright.sync_api import sync_playwright

    with _serving(herald.app, _free_port()) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            errors: list[str] = []
            page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(url + "/api/v1/docs")
            page.wait_for_selector(".opblock")
            assert page.locator(".info .title").inner_text().startswith("Herald API")
            assert page.locator(".opblock").count() > 30
            sections = page.locator("#operations-sections-listSections")
            sections.locator(".opblock-summary").click()
            sections.get_by_role("button", name="Try it out").click()
            sections.get_by_role("button", name="Execute").click()
            status = sections.locator(".live-responses-table .response .response-col_status")
            status.wait_for()
            assert status.inner_text().strip() == "200"
            assert (
                "World"
                in sections.locator(".live-responses-table .response .response-col_description").inner_text()
            )
            assert errors == []  # nothing refused by the Content-Security-Policy, nothing broken
        finally:
            browser.close()
