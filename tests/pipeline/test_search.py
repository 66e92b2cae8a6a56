"""The search service on SQLite and PostgreSQL: by meaning with the real model (a paraphrase no word of which
matches), both ways fused, results folded by story, filters on both, paging, the in-memory vectors catching
up, and words alone when the model cannot load."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import numpy as np
import pytest
from sqlalchemy import update

from herald.config import Settings
from herald.enrich import Embedder, load_embedder, passage_text
from herald.models import ArticleSignal, SourceSpec
from herald.pipeline.search import (
    NOTHING_UNDERSTOOD,
    SEMANTIC_UNAVAILABLE,
    Search,
    SearchResults,
    match_spans,
    snippet,
)
from herald.store import NewFeatures, Placement, Store
from herald.store.schema import ArticleRow
from herald.store.search import SearchFilters, parse_query
from tests.store.builders import save_article

WHEN = datetime(2026, 11, 2, 9, tzinfo=UTC)

# (headline, body): the strike story's two tellings, a paraphrase of it no word of which is in the query
# "ferry strike", and two articles about other things.
STRIKE = ("Ferry strike ends as crews accept a pay offer", "Crews voted on Monday; sailings resume at dawn.")
STRIKE_AGAIN = ("Ferry strike: what the deal means", "The strike cost the islands a week of sailings.")
PARAPHRASE = (
    "Island boats sail again as crews end walkout",
    "Sailors voted to return to work after a pay deal.",
)
ECLIPSE = ("Astronomers time a rare triple eclipse", "Telescopes recorded the light of three stars dimming.")
PRICES = ("Grocery prices level off", "Food costs at supermarkets stayed flat in October.")


@pytest.fixture(scope="module")
def embedder() -> Embedder:
    """The real model, loaded once for the module (and shared, as in a server, through load_embedder)."""
    return load_embedder("auto", 256)


class Room:
    def __init__(self, store: Store, embedder: Embedder | None) -> None:
        self.store = store
        self.embedder = embedder
        self.publishers: dict[str, int] = {}
        self.n = 0

    def publisher(self, name: str) -> int:
        if name not in self.publishers:
            source, _ = self.store.sources.add(
                SourceSpec(feed_url=f"https://{name.lower()}.example/feed", publisher=name)
            )
            self.publishers[name] = source.publisher_id
        return self.publishers[name]

    def add(
        self,
        text: tuple[str, str],
        publisher: str = "Courier",
        *,
        story_id: int | None = None,
        vector: np.ndarray | None = None,
        hours: float = 0,
    ) -> tuple[str, int]:
        """An article with its features (its real embedding unless given one), in a story (a new one unless
        given): its id and its story's."""
        self.n += 1
        title, body = text
        published = WHEN - timedelta(hours=hours or self.n)
        article_id = save_article(
            self.store, self.n, publisher_id=self.publisher(publisher), published=published, text=body
        )
        with self.store.db.write() as session:  # the builder's headline is "Headline n"
            session.execute(update(ArticleRow).where(ArticleRow.id == article_id).values(title=title))
        if vector is None:
            assert self.embedder is not None
            vector = self.embedder.embed([passage_text(title, (body,))])[0]
        signal = ArticleSignal(article_id, vector, {}, published, self.publisher(publisher))
        placed = self.store.stories.place(
            Placement(
                signal=signal,
                time=published,
                title=title,
                features=NewFeatures(article_id, "test", vector, {}, None, (), None),
                story_id=story_id,
            )
        )
        return article_id, placed.story_id


@pytest.fixture
def room(store: Store, embedder: Embedder) -> Room:
    return Room(store, embedder)


def leaders(results: SearchResults) -> list[str]:
    return [g.article.id for g in results.groups]


def test_by_meaning_finds_a_paraphrase_that_words_miss(room: Room, settings: Settings) -> None:
    paraphrase, _ = room.add(PARAPHRASE)
    room.add(ECLIPSE)
    room.add(PRICES)
    search = Search(settings, room.store)
    assert leaders(search.search("ferry strike", mode="text")) == []
    by_meaning = search.search("ferry strike", mode="semantic")
    assert leaders(by_meaning) == [paraphrase]
    assert (by_meaning.used, by_meaning.note) == ("semantic", "")
    assert leaders(search.search("ferry strike")) == [paraphrase]


def test_both_ways_are_fused_and_folded_by_story(room: Room, settings: Settings) -> None:
    strike, story = room.add(STRIKE)
    strike_again, same_story = room.add(STRIKE_AGAIN, "Ledger", story_id=story)
    assert same_story == story
    paraphrase, other_story = room.add(PARAPHRASE, "Ledger")
    room.add(ECLIPSE)
    search = Search(settings, room.store)

    by_words = search.search("ferry strike", mode="text")
    assert len(by_words.groups) == 1  # one story, led by its best match
    assert leaders(by_words)[0] in (strike, strike_again)
    assert by_words.groups[0].more == 1 and by_words.groups[0].story is not None
    assert by_words.groups[0].story.id == story
    assert by_words.total == 1 and by_words.exact and not by_words.more

    both = search.search("ferry strike")
    assert both.used == "hybrid"
    # the story found both ways first, then the paraphrase found by meaning alone
    assert leaders(both) == [leaders(by_words)[0], paraphrase]
    assert [g.more for g in both.groups] == [1, 0]
    assert both.groups[1].story is not None and both.groups[1].story.id == other_story


def test_filters_apply_both_ways(room: Room, settings: Settings) -> None:
    strike, _ = room.add(STRIKE, "Courier")
    paraphrase, _ = room.add(PARAPHRASE, "Ledger")
    search = Search(settings, room.store)
    ledger = SearchFilters(publisher_id=room.publisher("Ledger"))
    assert leaders(search.search("ferry strike", ledger, mode="semantic")) == [paraphrase]
    assert leaders(search.search("ferry strike", ledger, mode="text")) == []
    assert leaders(search.search("ferry strike", ledger)) == [paraphrase]
    later = SearchFilters(since=WHEN - timedelta(hours=1, minutes=30))
    assert leaders(search.search("ferry strike", later)) == [strike]


# Without the model: vectors made up, or none ---------------------------------------------------------------


def unit(axis: int) -> np.ndarray:
    vector = np.zeros(384, dtype=np.float32)
    vector[axis] = 1.0
    return vector


class FakeModel:
    """Embeds any query on axis 0, or fails as a missing model does; counts its calls."""

    def __init__(self, *, broken: bool = False) -> None:
        self.broken = broken
        self.calls = 0

    def __call__(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if self.broken:
            raise OSError("the model files are missing")
        return np.stack([unit(0) for _ in texts])


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def plain_room(store: Store) -> Room:
    return Room(store, None)


def test_words_alone_when_the_model_cannot_load(plain_room: Room, settings: Settings) -> None:
    strike, _ = plain_room.add(STRIKE, vector=unit(0))
    model, clock = FakeModel(broken=True), Clock()
    search = Search(settings, plain_room.store, embed=model, clock=clock)
    for mode in ("hybrid", "semantic", "hybrid"):
        results = search.search("ferry strike", mode=mode)
        assert leaders(results) == [strike]
        assert (results.mode, results.used, results.note) == (mode, "text", SEMANTIC_UNAVAILABLE)
    assert model.calls == 1  # not tried again at every search
    clock.now += 301
    model.broken = False
    healed = search.search("ferry strike")
    assert (healed.used, healed.note, model.calls) == ("hybrid", "", 2)


def test_no_vectors_stored_means_words(plain_room: Room, settings: Settings) -> None:
    article_id = save_article(
        plain_room.store,
        1,
        publisher_id=plain_room.publisher("Courier"),
        published=WHEN,
        text="Ferry strike.",
    )
    model = FakeModel()
    search = Search(settings, plain_room.store, embed=model)
    hybrid = search.search("ferry")
    assert (leaders(hybrid), hybrid.used, hybrid.note) == ([article_id], "text", "")
    semantic = search.search("ferry", mode="semantic")
    assert (leaders(semantic), semantic.note) == ([article_id], NOTHING_UNDERSTOOD)
    assert model.calls == 0


def test_vectors_stored_later_are_found_after_the_refresh(plain_room: Room, settings: Settings) -> None:
    near = (unit(0) + unit(1)) / np.sqrt(2)
    first, _ = plain_room.add(("Harbour news", "Nothing."), vector=near)
    clock = Clock()
    search = Search(settings, plain_room.store, embed=FakeModel(), clock=clock)
    assert leaders(search.search("anything", mode="semantic")) == [first]
    second, _ = plain_room.add(("Harbour news again", "Nothing."), vector=unit(0), hours=0.5)
    assert leaders(search.search("anything", mode="semantic")) == [first]  # read a moment ago
    clock.now += 6
    assert leaders(search.search("anything", mode="semantic")) == [second, first]
    assert len(search.vectors) == 2


def test_an_excluded_word_leaves_out_articles_found_by_meaning(plain_room: Room, settings: Settings) -> None:
    strike, _ = plain_room.add(STRIKE, vector=unit(0))
    paraphrase, _ = plain_room.add(PARAPHRASE, vector=unit(0))
    search = Search(settings, plain_room.store, embed=FakeModel())
    assert set(leaders(search.search("boats", mode="semantic"))) == {strike, paraphrase}
    assert leaders(search.search("boats -strike", mode="semantic")) == [paraphrase]
    assert leaders(search.search("boats -STRIKE", mode="hybrid")) == [paraphrase]


def test_paging_through_stories(plain_room: Room, settings: Settings) -> None:
    ids = [plain_room.add((f"Ferry update {n}", "Ferry."), vector=unit(n + 1))[0] for n in range(5)]
    search = Search(settings, plain_room.store, embed=FakeModel())
    pages = [search.search("ferry", mode="text", page=p, per_page=2) for p in (1, 2, 3, 4)]
    assert [leaders(p) for p in pages] == [ids[0:2], ids[2:4], ids[4:5], []]
    assert [p.more for p in pages] == [True, True, False, False]
    assert {p.total for p in pages} == {5}
    assert search.search_at("ferry", mode="text", offset=1, limit=3).groups[0].article.id == ids[1]


def test_an_empty_query_and_an_unknown_mode(plain_room: Room, settings: Settings) -> None:
    plain_room.add(STRIKE, vector=unit(0))
    model = FakeModel()
    search = Search(settings, plain_room.store, embed=model)
    for query in ("", "   ", "!!! ***", "-strike"):
        results = search.search(query)
        assert results.groups == () and results.total == 0 and results.empty_query
    assert model.calls == 0
    with pytest.raises(ValueError, match="mode must be one of"):
        search.search("ferry", mode="fuzzy")


# Where the words are ---------------------------------------------------------------------------------------


def test_match_spans_fold_case_and_accents_and_honour_the_prefix() -> None:
    text = "Le Café du port; STRIKES at the cafe, striking."
    spans = match_spans(text, ("cafe",), "strik")
    assert [text[a:b] for a, b in spans] == ["Café", "STRIKES", "cafe", "striking"]
    assert match_spans("nothing here", ("cafe",)) == []


def test_the_snippet_is_the_passage_with_the_words(plain_room: Room) -> None:
    long_paragraph = (
        ("Filler words about the weather and the tides. " * 8)
        + "The ferry strike ended. "
        + ("More filler about the harbour and its boats. " * 8)
    )
    article_id = save_article(
        plain_room.store,
        1,
        publisher_id=plain_room.publisher("Courier"),
        published=WHEN,
        text="An opening with none of the words.",
    )
    article = plain_room.store.articles.get(article_id)
    assert article is not None
    article = replace(article, paragraphs=("An opening with none of the words.", long_paragraph, "Ferry."))
    cut = snippet(article, parse_query("ferry strike"))
    assert "The ferry strike ended." in cut
    assert cut.startswith("…") and cut.endswith("…") and len(cut) <= 245
    assert snippet(article, parse_query("eclipse")) == article.excerpt
