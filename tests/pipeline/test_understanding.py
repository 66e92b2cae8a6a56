"""Understanding through the real pipeline: feeds from several publishers on a local server, the real model,
the real store (SQLite and PostgreSQL). A wire story reprinted with different chrome is one text with several
publishers; two outlets' own reports of one event are one story; an unrelated report is another; related lists
never hold the article itself; an updated item replaces the text of its row; articles stored before
understanding existed are caught up."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest

from herald.config import Settings
from herald.dedup import near_dup_signature
from herald.fetch import Fetcher
from herald.models import ArticleSignal, ExtractedArticle, RefreshReport, SourceSpec
from herald.pipeline import Pipeline, Understanding, UnderstandingReport
from herald.pipeline.understand import Enriched, pending_from_new
from herald.store import NewArticle, NewFeatures, Placement, Store
from tests.fixture_server import FixtureServer, running_server

WIRE = [
    "TORVIK (Northwire) — Rescue teams pulled eleven fishermen from the sea off the Torvik peninsula on "
    "Thursday after their trawler, the Morning Gull, capsized in a sudden storm, the coast guard said.",
    "The trawler sent a distress call shortly after dawn, when gusts of more than ninety kilometres an "
    "hour swept the fishing grounds north of the harbour, coast guard spokeswoman Ingrid Halvorsen said.",
    "Two helicopters and a lifeboat from Torvik reached the crew within an hour. Three of the fishermen were "
    "treated in hospital for hypothermia and the others were released the same afternoon.",
    "The Morning Gull, a twenty-eight-metre vessel built in 1994, had left Torvik harbour on Wednesday "
    "evening. The maritime authority said it would open an inquiry into why the crew sailed despite a "
    "storm warning issued that morning.",
    "Torvik mayor Aksel Brenner thanked the rescuers and said the town would hold a reception for the crews "
    "of the helicopters and the lifeboat next week.",
]

OWN_REPORT = [
    "Eleven men are alive tonight because a lifeboat crew from Torvik refused to wait for the storm to pass, "
    "Harbour Times has learned. The Morning Gull rolled over in heavy seas north of the peninsula.",
    "Ingrid Halvorsen of the coast guard said the trawler's radio call came just after sunrise. Within sixty "
    "minutes two helicopters were hovering over the overturned hull.",
    "Mayor Aksel Brenner, speaking outside the Torvik lifeboat station, called the rescue the finest hour of "
    "the town's volunteers. Three fishermen remain in hospital with hypothermia.",
    "Questions are already being asked about why the Morning Gull put to sea on Wednesday night, hours after "
    "forecasters warned of gale-force winds over the fishing grounds.",
]

UNRELATED = [
    "BRACKWATER (Harbour Times) — The city's central library will close for eighteen months from January "
    "while its nineteenth-century reading room is restored, the council announced on Thursday.",
    "Librarian Mirela Costa said a temporary branch would open in the old post office on Quay Street, with "
    "most of the lending collection and a children's corner.",
    "The restoration, costing twelve million, will replace the leaking glass roof and return the reading "
    "room's oak shelving to its original layout, the council's heritage officer said.",
    "Readers will be able to reserve books online and collect them from any of the city's four other "
    "branches during the closure.",
]


def page(title: str, paragraphs: list[str], *, chrome: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        f"<!doctype html><html lang='en'><head><title>{title}</title></head><body>"
        f"<header><nav><a href='/'>Home</a> <a href='/world'>World</a></nav></header>"
        f"<main><article><h1>{title}</h1>{body}</article>"
        f"<aside><p>{chrome}</p></aside></main><footer>© Test outlets</footer></body></html>"
    )


def rss(title: str, items: list[tuple[str, str]], *, hour: int) -> str:
    entries = "".join(
        f"<item><title>{headline}</title><link>{link}</link><guid>{link}</guid>"
        f"<pubDate>Thu, 26 Nov 2026 {hour + n:02d}:00:00 GMT</pubDate></item>"
        for n, (link, headline) in enumerate(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{title}</title>'
        f"<link>https://{title.lower().replace(' ', '')}.example/</link>{entries}</channel></rss>"
    )


@pytest.fixture
def server() -> Iterator[FixtureServer]:
    with running_server() as s:
        s.add("/robots.txt", "User-agent: *\nAllow: /\n", headers={"Content-Type": "text/plain"})
        s.add("/wire/gull", page("Eleven rescued as trawler capsizes", WIRE, chrome="Sign up for Northwire"))
        s.add(
            "/coast/gull",
            page(
                "Trawler capsizes off Torvik; crew of eleven saved",
                WIRE[:4],
                chrome="Subscribe to Coast Daily for unlimited access. Already a subscriber? Log in.",
            ),
        )
        s.add("/times/gull", page("The night Torvik's lifeboat crew went out", OWN_REPORT, chrome="Share"))
        s.add("/times/library", page("Central library to close for restoration", UNRELATED, chrome="Share"))
        yield s


@pytest.fixture
def settings(settings: Settings) -> Settings:
    return settings.with_overrides(fetch_timeout_seconds=5.0)  # the first embedding loads the model


def feeds(server: FixtureServer) -> list[SourceSpec]:
    wire = server.add(
        "/wire.xml",
        rss("Northwire", [(server.url("/wire/gull"), "Eleven rescued as trawler capsizes")], hour=8),
    )
    coast = server.add(
        "/coast.xml",
        rss(
            "Coast Daily",
            [(server.url("/coast/gull"), "Trawler capsizes off Torvik; crew of eleven saved")],
            hour=10,
        ),
    )
    times = server.add(
        "/times.xml",
        rss(
            "Harbour Times",
            [
                (server.url("/times/gull"), "The night Torvik's lifeboat crew went out"),
                (server.url("/times/library"), "Central library to close for restoration"),
            ],
            hour=11,
        ),
    )
    return [
        SourceSpec(feed_url=wire, publisher="Northwire"),
        SourceSpec(feed_url=coast, publisher="Coast Daily"),
        SourceSpec(feed_url=times, publisher="Harbour Times"),
    ]


def refresh_all(settings: Settings, store: Store, specs: list[SourceSpec]) -> list[RefreshReport]:
    async def go() -> list[RefreshReport]:
        for spec in specs:
            store.sources.add(spec)
        with ThreadPoolExecutor(max_workers=1) as pool:
            async with Fetcher(settings) as fetcher:
                pipeline = Pipeline(settings, store, fetcher, pool)
                # one feed at a time, in this order: the wire first, as it usually is
                reports = [await pipeline.refresh_source(s) for s in store.sources.list()]
                await asyncio.to_thread(pipeline.understanding.save_index)
                return reports

    return asyncio.run(go())


def by_publisher(store: Store) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for article in store.articles.latest(50):
        out.setdefault(article.publisher_name, []).append(article.id)
    return out


def test_copies_stories_and_related(server: FixtureServer, settings: Settings, store: Store) -> None:
    reports = refresh_all(settings, store, feeds(server))
    assert all(r.ok for r in reports) and sum(r.new for r in reports) == 4
    articles = {
        a.url.rsplit("/", 2)[-2] + "/" + a.url.rsplit("/", 1)[-1]: a for a in store.articles.latest(10)
    }
    wire, coast = articles["wire/gull"], articles["coast/gull"]
    own, library = articles["times/gull"], articles["times/library"]

    # the reprint (other chrome, last paragraph cut) is a copy; the earliest publisher is the origin
    assert coast.copy_of == wire.id and wire.copy_of is None
    assert [a.id for a in store.stories.copies(wire.id)] == [coast.id]
    assert own.copy_of is None  # same event, own words: not a copy

    # one story for the event, told by three publishers; the library is another story
    assert wire.story_id is not None and wire.story_id == coast.story_id == own.story_id
    assert library.story_id not in (None, wire.story_id)
    story = store.stories.get(wire.story_id)
    assert story is not None and (story.article_count, story.publisher_count) == (3, 3)

    # related: never itself, never its own reprint, the same event before the unrelated report
    related = store.features.related_ids(own.id)
    assert own.id not in related
    assert related and related[0] in (wire.id, coast.id)
    assert not {wire.id, coast.id} <= set(related)  # one telling of the wire story is enough
    assert coast.id not in store.features.related_ids(wire.id)

    # names become entities, linked to the articles
    keys = {e.key for e in store.entities.for_article(wire.id, 20)}
    assert "torvik" in keys and any("halvorsen" in k for k in keys)
    # every article has features; the index file was written for the next start
    assert store.features.count() == 4
    assert list(settings.data_dir.glob("vectors-*.usearch"))


def test_refetch_is_harmless_and_order_of_feeds_does_not_matter(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    specs = feeds(server)
    refresh_all(settings, store, list(reversed(specs)))  # the reprint and the own report come first
    refresh_all(settings, store, specs)  # nothing new: nothing moves
    articles = {a.url.rsplit("/", 2)[-2]: a for a in store.articles.latest(10) if a.url.endswith("/gull")}
    assert len({a.story_id for a in articles.values()}) == 1
    # the wire was fetched last here but published first: it is still credited as the origin
    assert articles["coast"].copy_of == articles["wire"].id
    assert store.stories.count() == 2


def test_articles_stored_before_understanding_are_caught_up(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    refresh_all(settings.with_overrides(understanding=False), store, feeds(server))
    assert store.features.count() == 0 and store.stories.count() == 0

    async def catch_up() -> int:
        with ThreadPoolExecutor(max_workers=1) as pool:
            async with Fetcher(settings) as fetcher:
                pipeline = Pipeline(settings, store, fetcher, pool)
                report = await pipeline.understanding.backfill()
                return report.understood

    assert asyncio.run(catch_up()) == 4
    assert store.features.without_features() == []
    assert store.stories.count() == 2


def test_an_updated_item_replaces_the_text_of_its_row(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    link = server.url("/wire/gull")

    def atom(updated: str) -> str:
        return (
            '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            "<title>Northwire</title><id>urn:northwire</id><updated>2026-11-26T09:00:00Z</updated>"
            f"<entry><title>Eleven rescued as trawler capsizes</title><link href='{link}'/><id>{link}</id>"
            f"<published>2026-11-26T09:00:00Z</published><updated>{updated}</updated></entry></feed>"
        )

    feed = server.add(
        "/wire.atom", atom("2026-11-26T09:00:00Z"), headers={"Content-Type": "application/atom+xml"}
    )
    refresh_all(settings, store, [SourceSpec(feed_url=feed, publisher="Northwire")])
    [before] = store.articles.latest(5)
    assert before.story_id is not None

    correction = [
        *WIRE,
        "Correction: an earlier version of this story misspelled the name of the trawler's skipper.",
    ]
    server.add("/wire/gull", page("Eleven rescued as trawler capsizes", correction, chrome="Sign up"))
    # the feed now says the entry changed after we stored it (a time in the future would be ignored)
    time.sleep(2)
    changed = datetime.now(UTC).replace(microsecond=0).strftime("%Y-%m-%dT%H:%M:%SZ")
    server.add("/wire.atom", atom(changed), headers={"Content-Type": "application/atom+xml"})
    [report] = refresh_all(settings, store, [])
    assert report.updated == 1 and report.new == 0
    [after] = store.articles.latest(5)
    assert after.id == before.id and after.story_id == before.story_id
    assert after.paragraphs[-1].startswith("Correction:")
    assert store.features.count() == 1


def test_a_match_through_a_reprint_is_dated_by_its_origin(settings: Settings, store: Store) -> None:
    """A new telling that shares LSH bands only with a later reprint, not with the origin, is still the
    origin's copy when it came after the origin: the origin's time decides, not the reprint's."""
    source, _ = store.sources.add(SourceSpec(feed_url="http://wire.example/feed", publisher="Northwire"))
    text = " ".join(WIRE)
    signature = near_dup_signature(text)
    assert signature is not None
    t0 = datetime(2026, 11, 26, 8, tzinfo=UTC)

    def stored(n: int, hours: int) -> str:
        article_id = f"{n:032x}"
        store.articles.save(
            NewArticle(
                id=article_id,
                canonical_url=f"https://paper{n}.example/gull",
                url=f"https://paper{n}.example/gull",
                extracted=ExtractedArticle(
                    title="Eleven rescued",
                    paragraphs=tuple(WIRE),
                    canonical_url=None,
                    published=t0 + timedelta(hours=hours),
                ),
                publisher_id=source.publisher_id,
                source_id=None,
                fetched_at=t0 + timedelta(hours=hours),
                content_hash=f"{n:032x}",
            )
        )
        return article_id

    def place(article_id: str, hours: int, band: int, **kw: object) -> int:
        vector = np.ones(384, dtype=np.float32) / np.sqrt(384)
        signal = ArticleSignal(article_id, vector, {}, t0 + timedelta(hours=hours), source.publisher_id)
        features = NewFeatures(article_id, "test", vector, {}, signature.to_bytes(), (band,), None)
        placement = Placement(
            signal=signal, time=signal.published, title="Eleven rescued", features=features, **kw
        )  # type: ignore[arg-type]
        return store.stories.place(placement).story_id

    origin = stored(1, 0)
    story = place(origin, 0, band=1)
    reprint = stored(2, 5)
    place(reprint, 5, band=2, story_id=story, copy_origin=origin)
    later = stored(3, 2)  # after the origin, before the reprint; shares a band with the reprint only

    with ThreadPoolExecutor(max_workers=1) as pool:
        understanding = Understanding(settings, store, pool)
        pending = pending_from_new(
            NewArticle(
                id=later,
                canonical_url="x",
                url="x",
                extracted=ExtractedArticle(
                    title="Eleven rescued",
                    paragraphs=tuple(WIRE),
                    canonical_url=None,
                    published=t0 + timedelta(hours=2),
                ),
                publisher_id=source.publisher_id,
                source_id=None,
                fetched_at=t0 + timedelta(hours=2),
                content_hash=f"{3:032x}",
            )
        )
        enriched = Enriched(np.zeros(384, dtype=np.float32), (), signature.to_bytes(), (2,), None)
        assert understanding._find_copy_group(pending, enriched) == (origin, None, story)


def test_an_origin_named_by_an_earlier_placed_reprint_is_never_its_own_copy(
    settings: Settings, store: Store
) -> None:
    """Feeds arrive in any order: a reprint placed while its origin was stored but not yet placed names the
    origin; when the origin is placed next, it must stay the group's origin, not become a copy of itself."""
    source, _ = store.sources.add(SourceSpec(feed_url="http://wire.example/feed", publisher="Northwire"))
    signature = near_dup_signature(" ".join(WIRE))
    assert signature is not None
    t0 = datetime(2026, 11, 26, 8, tzinfo=UTC)
    same_hash = "f" * 32  # word for word: one content hash

    def new(n: int, hours: int) -> NewArticle:
        item = NewArticle(
            id=f"{n:032x}",
            canonical_url=f"https://paper{n}.example/gull",
            url=f"https://paper{n}.example/gull",
            extracted=ExtractedArticle(
                title="Eleven rescued",
                paragraphs=tuple(WIRE),
                canonical_url=None,
                published=t0 + timedelta(hours=hours),
            ),
            publisher_id=source.publisher_id,
            source_id=None,
            fetched_at=t0 + timedelta(hours=hours),
            content_hash=same_hash,
        )
        store.articles.save(item)
        return item

    wire, reprint = new(1, 0), new(2, 1)  # both stored; the reprint's feed is understood first
    enriched = Enriched(np.ones(384, dtype=np.float32) / np.sqrt(384), (), signature.to_bytes(), (7,), None)
    with ThreadPoolExecutor(max_workers=1) as pool:
        understanding = Understanding(settings, store, pool)
        index = understanding._ensure_index()
        report = UnderstandingReport()
        understanding._place(index, pending_from_new(reprint), enriched, report)
        understanding._place(index, pending_from_new(wire), enriched, report)
    placed = {a.id: a for a in store.articles.many([wire.id, reprint.id])}
    assert placed[wire.id].copy_of is None
    assert placed[reprint.id].copy_of == wire.id
