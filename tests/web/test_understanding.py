"""The pages that show what understanding found: top stories on the front page, a story's timeline, who
else published an article, its hashtags and related articles, and the entity pages."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.store import Store
from herald.web import create_app, relative_time
from tests.web.conftest import NOW, STORY_ARTICLES, WIRE_TITLE, Newsroom, Stories, add_stories, build_newsroom
from tests.web.test_pages import Page, has_chrome


@dataclass
class World:
    room: Newsroom
    stories: Stories
    client: TestClient


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('understood')}/t.db")
    room = build_newsroom(store)
    stories = add_stories(room)
    with TestClient(create_app(Settings(base_url="https://herald.test"), store)) as client:
        yield World(room, stories, client)
    store.close()


def ago(name: str) -> str:
    """What the page says of a story article's time, as of now (the suite may have run a while)."""
    return relative_time(NOW - timedelta(hours=STORY_ARTICLES[name][3]), datetime.now(UTC))


def section_of(html: str, heading_id: str) -> str:
    """The HTML of the <section> (or <aside>, <nav>) labelled by ``heading_id``, from its heading on."""
    start = html.rindex("<", 0, html.index(f'id="{heading_id}"'))
    ends = [i for i in (html.find(f"</{tag}>", start) for tag in ("section", "aside", "nav")) if i >= 0]
    return html[start : min(ends)]


def article_links(html: str) -> list[str]:
    return re.findall(r'href="/article/([0-9a-f]{32})"', html)


def headline_links(html: str) -> list[str]:
    """Article ids linked from headings (h3), in page order: the entries of a list, not their credits."""
    return re.findall(r'<h3 class="[^"]*"><a href="/article/([0-9a-f]{32})"', html)


# The article page -------------------------------------------------------------------------------------------


def test_related_cards_never_show_the_article_or_its_copies(world: World) -> None:
    s = world.stories
    html = world.client.get(f"/article/{s.wire}").text
    related = section_of(html, "related-heading")
    assert "Related articles" in related
    shown = article_links(related)
    assert s.eclipse_first in shown and s.unrelated in shown
    assert s.wire not in shown and s.wire_ledger not in shown
    # the analysis belongs to this story: it is listed under "More on this story", not twice
    assert s.analysis not in shown
    page = Page(related)
    # cards: publisher (favicon where known), relative time with a machine-readable stamp, headline, excerpt
    assert "Northern Science Review" in page.texts("a")
    assert any(i["src"] == "https://nsr.example/favicon.png" for i in page.all("img"))
    assert ago("eclipse_first") in page.texts("time")
    assert all(t.get("datetime", "").endswith("Z") for t in page.all("time"))
    assert "Triple eclipse seen from the observatory" in page.texts("h3")
    assert any(t.startswith("PORT ALDER — Triple eclipse") for t in page.texts("p"))


def test_article_without_understanding_has_no_empty_sections(world: World) -> None:
    html = world.client.get(f"/article/{world.room.articles[0]}").text
    assert "Related articles" not in html
    assert "More on this story" not in html
    assert "Also published by" not in html
    assert "Hashtags" not in html
    assert "More from The Harbour Courier" in html  # kept as it was


def test_hashtags_link_to_entity_pages(world: World) -> None:
    html = world.client.get(f"/article/{world.stories.wire}").text
    tags = Page(section_of(html, "hashtags-heading"))
    assert [(a["href"], a.get("rel")) for a in tags.all("a")] == [
        ("/entity/port-alder", "tag"),
        ("/entity/ferry-workers-union", "tag"),
    ]
    assert tags.texts("a") == ["#PortAlder", "#FerryWorkersUnion"]


def test_a_reprint_credits_the_origin_and_lists_the_other_publishers(world: World) -> None:
    s = world.stories
    html = world.client.get(f"/article/{s.wire_ledger}").text
    also = section_of(html, "also-heading")
    page = Page(also)
    assert page.texts("h2") == ["Also published by"]
    # the others, oldest first, each linking its own copy; never the page's own publisher
    assert [(a["href"], t) for a, t in zip(page.all("a"), page.texts("a"), strict=True)] == [
        (f"/article/{s.wire}", "The Harbour Courier"),
        (f"/article/{s.wire_nsr}", "Northern Science Review"),
        (f"/article/{s.wire}", "The Harbour Courier"),
    ]
    [credit] = [t for t in page.texts("p") if t.startswith("First published by")]
    assert credit == f"First published by The Harbour Courier, {ago('wire')}."


def test_the_origin_lists_its_reprints_and_is_credited_itself(world: World) -> None:
    s = world.stories
    page = Page(section_of(world.client.get(f"/article/{s.wire}").text, "also-heading"))
    assert [a["href"] for a in page.all("a")] == [f"/article/{s.wire_ledger}", f"/article/{s.wire_nsr}"]
    assert f"First published by The Harbour Courier, {ago('wire')}." in page.texts("p")


def test_more_on_this_story_and_the_full_coverage_link(world: World) -> None:
    s = world.stories
    html = world.client.get(f"/article/{s.wire}").text
    on_story = section_of(html, "on-story-heading")
    # the story's other texts, newest first; not the article, nor its reprints
    assert headline_links(on_story) == [s.local, s.analysis]
    page = Page(on_story)
    assert page.all("a", href=f"/story/{s.ferry}")
    assert "Full coverage: 5 articles from 4 publishers →" in page.texts("a")
    # the reference page's order: text, also published by, hashtags, related, more on the story, publisher
    order = ["story-body", "also-heading", "hashtags-heading", "related-heading", "on-story-heading"]
    positions = [html.index(marker) for marker in (*order, "More from The Harbour Courier")]
    assert positions == sorted(positions)


# The story page ---------------------------------------------------------------------------------------------


def test_story_page_timeline_oldest_first_with_copies_collapsed(world: World) -> None:
    s = world.stories
    response = world.client.get(f"/story/{s.ferry}")
    assert response.status_code == 200
    html = response.text
    page = Page(html)
    assert has_chrome(page)
    assert page.texts("h1") == [WIRE_TITLE]
    assert "5 articles from 4 publishers" in page.texts("p")
    assert [a["href"] for a in page.all("link", rel="canonical")] == [f"https://herald.test/story/{s.ferry}"]
    assert ago("wire") in page.texts("dd") and ago("local") in page.texts("dd")  # first seen, last update
    timeline = section_of(html, "timeline-heading")
    # the wire text once, under its origin, then the others in order
    assert headline_links(timeline) == [s.wire, s.analysis, s.local]
    entries = Page(timeline)
    assert "Also published by Valley Ledger, Northern Science Review" in entries.texts("p")
    assert [ago(n) for n in ("wire", "analysis", "local")] == [
        t for t in entries.texts("time") if t in {ago("wire"), ago("analysis"), ago("local")}
    ]
    assert entries.all("a", href=f"/article/{s.wire_ledger}")
    assert entries.all("a", href=f"/article/{s.wire_nsr}")


def test_a_merged_story_redirects_to_the_story_it_became(world: World) -> None:
    s = world.stories
    response = world.client.get(f"/story/{s.merged_away}", follow_redirects=False)
    assert response.status_code == 301
    assert response.headers["location"] == f"/story/{s.eclipse}"
    followed = world.client.get(f"/story/{s.merged_away}")
    assert followed.status_code == 200
    assert headline_links(followed.text) == [s.eclipse_first, s.eclipse_second, s.eclipse_third]


@pytest.mark.parametrize("path", ["/story/987654", "/story/0", "/story/99999999999999999999999", "/story/x"])
def test_unknown_story_is_a_404_page(world: World, path: str) -> None:
    response = world.client.get(path)
    assert response.status_code == 404
    assert has_chrome(Page(response.text))


def test_unknown_story_ids_are_not_kept_in_memory(world: World) -> None:
    memo = world.client.app.state.web.memo  # type: ignore[attr-defined]
    before = len(memo)
    for n in range(900_000, 900_010):
        assert world.client.get(f"/story/{n}").status_code == 404
    assert len(memo) == before


# The front page ---------------------------------------------------------------------------------------------


def test_home_shows_top_stories_with_publisher_counts_before_sections(world: World) -> None:
    s = world.stories
    html = world.client.get("/").text
    page = Page(html)
    headings = page.texts("h2")
    assert headings[0] == "Top stories"
    assert headings.index("Top stories") < headings.index("World") < headings.index("Science")
    top = section_of(html, "top-heading")
    # the ferry story first: four publishers; its lead headline links the lead article
    assert headline_links(top)[:2] == [s.wire, s.eclipse_first]
    links = Page(top)
    assert links.all("a", href=f"/story/{s.ferry}") and links.all("a", href=f"/story/{s.eclipse}")
    assert "Full coverage from 4 publishers →" in links.texts("a")
    assert "Full coverage from 3 publishers →" in links.texts("a")
    # other outlets: distinct publishers, newest first, reprints of the lead's text skipped
    ferry_block = top[top.index(f'href="/article/{s.wire}"') : top.index(f"/story/{s.ferry}")]
    assert article_links(ferry_block)[1:] == [s.local, s.analysis]
    assert "/latest" in [a["href"] for a in links.all("a")]


def test_home_sections_do_not_repeat_the_top_stories(world: World) -> None:
    s = world.stories
    html = world.client.get("/").text
    [heading_id] = re.findall(r'<h2 id="(group-\d+)"><a href="/section/World">', html)
    world_group = section_of(html, heading_id)
    members = {s.wire, s.wire_ledger, s.wire_nsr, s.analysis, s.local}
    assert article_links(world_group) and not members & set(article_links(world_group))


# Entities ---------------------------------------------------------------------------------------------------


def test_entity_page_names_its_kind_stories_and_articles(world: World) -> None:
    s = world.stories
    response = world.client.get("/entity/port-alder")
    assert response.status_code == 200
    page = Page(response.text)
    assert has_chrome(page)
    assert page.texts("h1") == ["Port Alder"]
    assert "Place" in page.texts("span")
    stories = Page(section_of(response.text, "stories-heading"))
    assert [a["href"] for a in stories.all("a")] == [f"/story/{s.ferry}"]
    assert "5 articles from 4 publishers" in " ".join(stories.texts("p"))
    articles = section_of(response.text, "articles-heading")
    assert headline_links(articles) == [s.local, s.analysis, s.wire_nsr, s.wire_ledger, s.wire]
    observatory = Page(world.client.get("/entity/northern-observatory").text)
    assert observatory.texts("span").count("Organisation") == 1


def test_unknown_entity_is_a_404_page(world: World) -> None:
    response = world.client.get("/entity/nobody-at-all")
    assert response.status_code == 404
    assert has_chrome(Page(response.text))


def test_topics_lists_the_most_named_entities_by_kind(world: World) -> None:
    page = Page(world.client.get("/topics").text)
    assert page.texts("h1") == ["Topics"]
    assert page.texts("h2") == ["Places", "Organisations"]
    assert page.all("a", href="/entity/port-alder") and page.all("a", href="/entity/ferry-workers-union")
    assert not page.all("a", href="/entity/northern-observatory")  # named once: not yet a topic
    assert page.all("a", href="/topics", **{"aria-current": "page"})
