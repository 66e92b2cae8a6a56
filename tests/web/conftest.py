"""A small newsroom on a temporary SQLite file: publishers, feeds in each state of health, and articles."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.models import ArticleSignal, EntityRef, ExtractedArticle, SourceSpec
from herald.store import NewArticle, NewFeatures, Placement, Store
from herald.web import create_app

NOW = datetime.now(UTC).replace(microsecond=0)

# (publisher, home, feed, section, language, favicon)
FEEDS = [
    ("The Harbour Courier", "https://courier.example", "https://courier.example/rss", "World", "en", True),
    ("Valley Ledger", "https://ledger.example", "https://ledger.example/feed.xml", "Business", "en", False),
    ("Northern Science Review", "https://nsr.example", "https://nsr.example/atom", "Science", "en", True),
    ("Le Quotidien du Port", "https://quotidien.example", "https://quotidien.example/rss", None, "fr", False),
]

HEADLINES = {
    "World": [
        "Ferry crews agree to end week-long strike after overnight talks",
        "Coastal towns prepare for the strongest autumn storm in a decade",
        "Parliament approves a new budget for regional rail lines",
        "Fishing quotas cut again as northern stocks keep falling",
        "Border crossing reopens after three days of repairs",
        "Election monitors report a calm and orderly first day of voting",
    ],
    "Business": [
        "Shipyard wins its largest order in twenty years",
        "Grocery prices level off for the first time since spring",
        "Small lenders tighten rules for first-time home buyers",
        "Regional airline adds winter routes to three island airports",
        "Textile mill to reopen with a cooperative of former workers",
    ],
    "Science": [
        "Survey finds seagrass meadows recovering along the sheltered bays",
        "Astronomers time a rare triple eclipse of a distant star system",
        "A cheaper test for soil bacteria could help small farms",
        "Researchers map the migration of eels with tiny acoustic tags",
        "Glacier melt measured from orbit with new radar method",
    ],
    None: [
        "Le port accueille un voilier centenaire restauré par des bénévoles",
        "La bibliothèque municipale prolonge ses horaires d'hiver",
    ],
}

BODY = (
    "{place} — {headline}, officials said on {day}, after a long week of meetings and careful negotiation.",
    "The decision followed months of discussion between local councils, unions and residents, who had asked "
    "for a clearer timetable and for the costs to be shared more fairly between the towns along the coast.",
    "\u201cWe listened to everyone who wrote to us,\u201d said a spokesperson, adding that the first changes "
    "would be visible within weeks and that a public report would follow in the new year.",
    "Critics said the plan still left many questions open, in particular how it would be paid for once the "
    "temporary funds run out, and whether smaller communities would be heard as often as the cities.",
    "A further review is planned for the spring, when the figures for the whole year are known.",
)


def slug(headline: str) -> str:
    return headline[:20].lower().replace(" ", "-")


def article_id(url: str) -> str:
    return hashlib.sha256(url.encode()).hexdigest()[:32]


@dataclass
class Newsroom:
    store: Store
    source_ids: dict[str, int] = field(default_factory=dict)
    publisher_ids: dict[str, int] = field(default_factory=dict)
    articles: list[str] = field(default_factory=list)  # ids, newest first per publisher order of saving


def add_article(
    room: Newsroom,
    publisher: str,
    *,
    url: str,
    title: str,
    paragraphs: tuple[str, ...],
    published: datetime | None,
    section: str | None = None,
    image_url: str | None = None,
    image_caption: str | None = None,
    authors: tuple[str, ...] = (),
    language: str | None = "en",
) -> str:
    ident = article_id(url)
    room.store.articles.save(
        NewArticle(
            id=ident,
            canonical_url=url,
            url=url + "?utm_source=feed",
            extracted=ExtractedArticle(
                title=title,
                paragraphs=paragraphs,
                canonical_url=url,
                authors=authors,
                published=published,
                image_url=image_url,
                image_caption=image_caption,
                language=language,
            ),
            publisher_id=room.publisher_ids[publisher],
            source_id=room.source_ids[publisher],
            fetched_at=NOW,
            content_hash=ident,
            section=section,
        )
    )
    room.articles.append(ident)
    return ident


def build_newsroom(store: Store, image_base: str = "https://images.example/photos") -> Newsroom:
    room = Newsroom(store)
    for name, home, feed, section, language, _ in FEEDS:
        source, _created = store.sources.add(
            SourceSpec(
                feed_url=feed,
                publisher=name,
                home_url=home,
                language=language,
                section=section,
                country="FR" if language == "fr" else "GB",
            )
        )
        room.source_ids[name] = source.id
        room.publisher_ids[name] = source.publisher_id
        favicon = next(f for n, _, _, _, _, f in FEEDS if n == name)
        store.sources.record_success(
            source.id,
            now=NOW - timedelta(minutes=12),
            next_check_at=NOW + timedelta(minutes=18),
            etag=None,
            last_modified=None,
            ttl_minutes=None,
            warning=None,
            icon_url=f"{home}/favicon.png" if favicon else None,
        )
    minutes = 4
    for (name, home, _feed, section, language, _), n in zip(FEEDS, range(len(FEEDS)), strict=True):
        for i, headline in enumerate(HEADLINES[section]):
            place = ("PORT ALDER", "GREYHAVEN", "NORTHFIELD", "SAINT-MALIN")[n]
            paragraphs = (
                BODY[0].format(place=place, headline=headline, day="Tuesday"),
                *BODY[1:],
            )
            add_article(
                room,
                name,
                url=f"{home}/{(section or 'actualites').lower()}/{i}-{slug(headline)}",
                title=headline,
                paragraphs=paragraphs,
                published=NOW - timedelta(minutes=minutes),
                section=section,
                image_url=f"{image_base}/{n}-{i}.svg" if i % 2 == 0 else None,
                image_caption="Boats in the harbour at dawn. Photo: Staff photographer"
                if i % 2 == 0
                else None,
                authors=("Mara Lindqvist",) if i % 3 == 0 else ("Tomás Ferreira", "Ines Okafor"),
                language=language,
            )
            minutes = int(minutes * 1.9) + 7
    # One feed failing, one paused, one with a warning; and a few page problems.
    failing, _ = store.sources.add(SourceSpec(feed_url="https://gone.example/feed", publisher="Gone Gazette"))
    store.sources.record_failure(
        failing.id,
        now=NOW - timedelta(minutes=40),
        error="The server answered 410 Gone: the feed has been removed",
        next_check_at=NOW + timedelta(hours=6),
    )
    store.sources.record_failure(
        failing.id,
        now=NOW - timedelta(minutes=5),
        error="The server answered 410 Gone: the feed has been removed",
        next_check_at=NOW + timedelta(hours=12),
    )
    paused, _ = store.sources.add(SourceSpec(feed_url="https://quiet.example/rss", publisher="Quiet Weekly"))
    store.sources.set_enabled(paused.id, False)
    courier = room.source_ids["The Harbour Courier"]
    store.sources.record_success(
        courier,
        now=NOW - timedelta(minutes=3),
        next_check_at=NOW + timedelta(minutes=27),
        etag=None,
        last_modified=None,
        ttl_minutes=30,
        warning="The feed is not well-formed XML (mismatched tag on line 88); items were read anyway",
    )
    store.sources.record_problem(
        courier,
        url="https://courier.example/world/timeout-story",
        error="The page took longer than 20 seconds to answer",
        now=NOW - timedelta(hours=2),
    )
    return room


# Understanding, written straight through the store: two stories (one of them grown by a merge), a wire text
# with two reprints, named entities and related lists. Vectors are synthetic unit vectors: the story's lead is
# the member closest to its centre, so the wire text (exactly on its axis) leads the ferry story.
COURIER, LEDGER, NSR, QUOTIDIEN = (name for name, *_ in FEEDS)
PORT_ALDER = EntityRef("port-alder", "Port Alder", "place")
UNION = EntityRef("ferry-workers-union", "Ferry Workers Union", "organisation")
OBSERVATORY = EntityRef("northern-observatory", "Northern Observatory", "organisation")
WIRE_TITLE = "Ferry strike ends as crews accept a new pay offer"


def unit(axis: int, nudge_axis: int | None = None, nudge: float = 0.0) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[axis] = 1.0
    if nudge_axis is not None:
        vector[nudge_axis] = nudge
    return (vector / np.linalg.norm(vector)).astype(np.float32)


@dataclass
class Stories:
    ferry: int
    eclipse: int
    merged_away: int  # a story folded into ``eclipse``
    wire: str  # the origin of a wire text (The Harbour Courier)
    wire_ledger: str  # its reprint by Valley Ledger
    wire_nsr: str  # its reprint by Northern Science Review
    analysis: str  # Valley Ledger's own article on the ferry story
    local: str  # Le Quotidien du Port's
    eclipse_first: str
    eclipse_second: str
    eclipse_third: str
    unrelated: str  # an article of the base newsroom that is in no story


def place(
    store: Store,
    article_id: str,
    vector: np.ndarray,
    when: datetime,
    **decisions: object,
) -> int:
    found = store.articles.get(article_id)
    assert found is not None
    signal = ArticleSignal(article_id, vector, {}, when, found.publisher_id)
    placement = Placement(
        signal=signal,
        time=when,
        title=found.title,
        features=NewFeatures(article_id, "test", vector, {}, None, (), None),
        **decisions,  # type: ignore[arg-type]
    )
    return store.stories.place(placement).story_id


# (publisher, path, headline, hours before NOW, section, language)
STORY_ARTICLES = {
    "wire": (COURIER, "world/ferry-strike-ends", WIRE_TITLE, 5, "World", "en"),
    "wire_ledger": (LEDGER, "wire/ferry-strike-ends", WIRE_TITLE, 4.5, "World", "en"),
    "wire_nsr": (NSR, "wire/ferry-strike-ends", WIRE_TITLE, 4, "World", "en"),
    "analysis": (
        LEDGER,
        "business/ferry-analysis",
        "What the end of the strike means for islands",
        2,
        "World",
        "en",
    ),
    "local": (
        QUOTIDIEN,
        "port/fin-de-la-greve",
        "Fin de la grève des ferries à Port Alder",
        1,
        "World",
        "fr",
    ),
    "eclipse_first": (
        NSR,
        "science/triple-eclipse",
        "Triple eclipse seen from the observatory",
        6,
        "Science",
        "en",
    ),
    "eclipse_second": (
        COURIER,
        "world/eclipse-photos",
        "Readers' photographs of the eclipse",
        0.8,
        "Science",
        "en",
    ),
    "eclipse_third": (
        LEDGER,
        "business/observatory-tours",
        "Observatory tours sell out",
        0.5,
        "Science",
        "en",
    ),
}


def add_stories(room: Newsroom) -> Stories:
    ids = {}
    for name, (publisher, path, title, hours, section, language) in STORY_ARTICLES.items():
        home = next(h for n, h, *_ in FEEDS if n == publisher)
        ids[name] = add_article(
            room,
            publisher,
            url=f"{home}/{path}",
            title=title,
            paragraphs=(f"PORT ALDER — {title}.", "Crews voted late on Monday; services resume at dawn."),
            published=NOW - timedelta(hours=hours),
            section=section,
            language=language,
        )
    wire, wire_ledger, wire_nsr, analysis, local = (
        ids[k] for k in ("wire", "wire_ledger", "wire_nsr", "analysis", "local")
    )
    eclipse_first, eclipse_second, eclipse_third = (
        ids[k] for k in ("eclipse_first", "eclipse_second", "eclipse_third")
    )
    unrelated = room.articles[1]  # "Coastal towns prepare for the strongest autumn storm in a decade"

    def at(name: str) -> datetime:
        return NOW - timedelta(hours=STORY_ARTICLES[name][3])

    store = room.store
    named = [(PORT_ALDER, 3), (UNION, 2)]
    ferry = place(
        store,
        wire,
        unit(0),
        at("wire"),
        entities=named,
        section="World",
        # itself and its own reprint must never show as related; the analysis is listed under the story
        related=[(wire, 0.99), (wire_ledger, 0.98), (analysis, 0.9), (eclipse_first, 0.5), (unrelated, 0.4)],
    )
    place(store, wire_ledger, unit(0), at("wire_ledger"), story_id=ferry, copy_origin=wire, entities=named)
    place(store, wire_nsr, unit(0), at("wire_nsr"), story_id=ferry, copy_origin=wire, entities=named)
    place(
        store,
        analysis,
        unit(0, 5, 0.8),
        at("analysis"),
        story_id=ferry,
        entities=[(PORT_ALDER, 1), (UNION, 1)],
    )
    place(store, local, unit(0, 6, 0.8), at("local"), story_id=ferry, entities=[(PORT_ALDER, 2)])
    eclipse = place(
        store, eclipse_first, unit(1), at("eclipse_first"), entities=[(OBSERVATORY, 1)], related=[(wire, 0.5)]
    )
    merged_away = place(store, eclipse_second, unit(1, 7, 0.5), at("eclipse_second"))
    assert merged_away != eclipse
    place(
        store,
        eclipse_third,
        unit(1, 8, 0.5),
        at("eclipse_third"),
        story_id=eclipse,
        merge_story_ids=(merged_away,),
    )
    return Stories(
        ferry=ferry,
        eclipse=eclipse,
        merged_away=merged_away,
        wire=wire,
        wire_ledger=wire_ledger,
        wire_nsr=wire_nsr,
        analysis=analysis,
        local=local,
        eclipse_first=eclipse_first,
        eclipse_second=eclipse_second,
        eclipse_third=eclipse_third,
        unrelated=unrelated,
    )


@pytest.fixture(scope="module")
def newsroom(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Newsroom]:
    path: Path = tmp_path_factory.mktemp("web") / "t.db"
    store = Store(f"sqlite:///{path}")
    room = build_newsroom(store)
    yield room
    store.close()


@pytest.fixture(scope="module")
def client(newsroom: Newsroom) -> Iterator[TestClient]:
    app = create_app(Settings(site_name="Herald", base_url="https://herald.test"), newsroom.store)
    with TestClient(app) as test_client:
        yield test_client
