"""Full-text search in the store, on SQLite (FTS5) and PostgreSQL (tsvector): ranking, filters, accents,
phrases and prefixes, what hostile queries do (nothing), and the index following each change of an article."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, text

from herald.models import ExtractedArticle, SourceSpec
from herald.store import Store
from herald.store.schema import ArticleRow
from herald.store.search import (
    MAX_TERMS,
    SearchFilters,
    TextQuery,
    fold,
    fts5_expression,
    parse_query,
)
from tests.store.builders import save_article

DAY = datetime(2026, 11, 2, 9, tzinfo=UTC)


def _publisher(store: Store, name: str) -> int:
    source, _ = store.sources.add(SourceSpec(feed_url=f"https://{name.lower()}.example/feed", publisher=name))
    return source.publisher_id


def _save(store: Store, n: int, title: str, body: str, publisher_id: int, **changes: object) -> str:
    article_id = save_article(
        store,
        n,
        publisher_id=publisher_id,
        published=changes.pop("published", DAY - timedelta(hours=n)),  # type: ignore[arg-type]
        text=body,
        **changes,  # type: ignore[arg-type]
    )
    with store.db.write() as session:  # the builder's headline is "Headline n"
        session.execute(ArticleRow.__table__.update().where(ArticleRow.id == article_id).values(title=title))
    return article_id


def _ids(store: Store, query: str, filters: SearchFilters | None = None, **paging: int) -> list[str]:
    return [hit.article_id for hit in store.search.text(parse_query(query), filters, **paging)]


# The query language, without a database -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("ferry strike", TextQuery(("ferry", "strike"), prefix=True)),
        ("ferry  str", TextQuery(("ferry", "str"))),  # too short to be a prefix
        ('"strike ends" ferry', TextQuery(("ferry",), (("strike", "ends"),), prefix=True)),
        ('ferry "strike ends"', TextQuery(("ferry",), (("strike", "ends"),))),
        ("ferry -strike", TextQuery(("ferry",), excluded=("strike",))),
        ("well-known", TextQuery(("well", "known"), prefix=True)),  # a hyphen inside a word is no exclusion
        ("Ferry ferry FERRY", TextQuery(("Ferry",))),
        ('"ferry"', TextQuery(("ferry",))),
        ('"unclosed phrase here', TextQuery(phrases=(("unclosed", "phrase", "here"),))),
        ('NEAR(a b) OR c* AND "" ^d :e {f}', TextQuery(("NEAR", "a", "b", "OR", "c", "AND", "d", "e", "f"))),
        ("-only -excluded", TextQuery(excluded=("only", "excluded"))),
        ("snake_case_word", TextQuery(("snake", "case", "word"), prefix=True)),
        ("", TextQuery()),
        ("!?.,;:*()[]{}'\"\\/\x00", TextQuery()),
    ],
)
def test_a_query_is_read_as_words_phrases_and_exclusions(typed: str, expected: TextQuery) -> None:
    assert parse_query(typed) == expected


def test_a_long_query_keeps_its_first_terms_and_drops_overlong_words() -> None:
    parsed = parse_query(" ".join(f"w{n}" for n in range(10_000)) + " " + "x" * 100)
    assert parsed.words == tuple(f"w{n}" for n in range(MAX_TERMS))
    assert parse_query("a" * 65 + " short").words == ("short",)


def test_terms_and_folding_for_highlighting() -> None:
    parsed = parse_query('Café "Crème brûlée" strik')
    assert parsed.terms == ("cafe", "strik", "creme", "brulee")
    assert parsed.prefix_term == "strik"
    assert fold("ÉCOLE") == "ecole"


def test_the_fts5_expression_holds_only_quoted_words() -> None:
    assert fts5_expression(parse_query('ferry "strike ends" -union')) == '("ferry" "strike ends") NOT "union"'
    assert fts5_expression(parse_query("harbour ferr")) == '("harbour" "ferr"*)'


# Searching -------------------------------------------------------------------------------------------------


def test_a_headline_match_ranks_above_a_body_only_match(store: Store) -> None:
    p = _publisher(store, "Courier")
    body_only = _save(store, 1, "Council meets", "The ferry was late. The ferry was full. Ferry news.", p)
    headline = _save(store, 2, "Ferry service resumes", "Boats sail again at dawn.", p)
    _save(store, 3, "Unrelated", "Nothing about boats.", p)
    assert _ids(store, "ferry") == [headline, body_only]
    hits = store.search.text(parse_query("ferry"))
    assert hits[0].score > hits[1].score
    assert all(hit.story_id is None for hit in hits)


def test_accents_and_case_are_folded(store: Store) -> None:
    p = _publisher(store, "Quotidien")
    cafe = _save(store, 1, "Le café du port", "Une crème brûlée célèbre.", p, language="fr")
    plain = _save(store, 2, "Cafe opens", "A CREME brulee.", p, language="en")
    assert set(_ids(store, "cafe")) == {cafe, plain}
    assert set(_ids(store, "CAFÉ")) == {cafe, plain}
    assert set(_ids(store, '"creme brulee"')) == {cafe, plain}


def test_phrases_prefixes_and_exclusions(store: Store) -> None:
    p = _publisher(store, "Courier")
    ends = _save(store, 1, "Strike ends", "Crews return to work.", p)
    began = _save(store, 2, "Strike began", "Ends of the line closed.", p)
    assert _ids(store, '"strike ends"') == [ends]
    assert set(_ids(store, "strike ends")) == {ends, began}
    assert set(_ids(store, "strik")) == {ends, began}  # the last word as a prefix
    assert _ids(store, "strike -crews") == [began]
    assert _ids(store, "-strike") == []  # exclusions alone ask for nothing


def test_filters_narrow_the_results(store: Store) -> None:
    courier, ledger = _publisher(store, "Courier"), _publisher(store, "Ledger")
    world = _save(store, 1, "Storm warning", "Storm.", courier, section="World", language="en-GB")
    business = _save(store, 2, "Storm hits shares", "Storm.", ledger, section="Business", language="en")
    french = _save(store, 3, "Tempête: storm", "Storm.", ledger, section="World", language="fr")
    unknown = _save(store, 4, "Storm chasers", "Storm.", courier, section="World")
    old = _save(store, 40, "Storm of the century", "Storm.", courier, published=DAY - timedelta(days=30))
    everything = set(_ids(store, "storm"))
    assert everything == {world, business, french, unknown, old}
    assert set(_ids(store, "storm", SearchFilters(publisher_id=ledger))) == {business, french}
    assert set(_ids(store, "storm", SearchFilters(section="World"))) == {world, french, unknown}
    # a language keeps its regional forms, and articles whose language no one could tell
    assert set(_ids(store, "storm", SearchFilters(language="en"))) == {world, business, unknown, old}
    assert set(_ids(store, "storm", SearchFilters(languages=("fr",)))) == {french, unknown, old}
    assert set(_ids(store, "storm", SearchFilters(languages=("fr",), language="en"))) == {unknown, old}
    recent = SearchFilters(since=DAY - timedelta(days=2), until=DAY - timedelta(hours=1, minutes=30))
    assert set(_ids(store, "storm", recent)) == {business, french, unknown}
    assert _ids(store, "storm", SearchFilters(since=DAY)) == []
    paged = _ids(store, "storm", limit=2) + _ids(store, "storm", limit=2, offset=2)
    assert paged + _ids(store, "storm", limit=2, offset=4) == _ids(store, "storm")
    assert len(set(paged)) == 4


def test_among_keeps_the_order_given_and_applies_the_filters(store: Store) -> None:
    courier, ledger = _publisher(store, "Courier"), _publisher(store, "Ledger")
    a = _save(store, 1, "A", "a", courier)
    b = _save(store, 2, "B", "b", ledger)
    c = _save(store, 3, "C", "c", courier)
    assert [h.article_id for h in store.search.among([c, "f" * 32, a, b, a])] == [c, a, b]
    assert [h.article_id for h in store.search.among([c, b, a], SearchFilters(publisher_id=courier))] == [
        c,
        a,
    ]
    assert store.search.among([]) == []


HOSTILE = [
    "",
    " ",
    '"',
    '""',
    '"""',
    "'",
    "*",
    "-",
    "--",
    "- -",
    "NEAR(",
    "NEAR(a b, 2)",
    "a NEAR/3 b",
    "AND",
    "OR OR",
    "NOT",
    "NOT a",
    "title:ferry",
    "{title body}: ferry",
    "^ferry",
    "ferry*",
    "* ferry",
    "(ferry",
    "ferry)",
    "a & b | !c",
    "a:* & !b",
    "'a' <-> 'b'",
    "\\",
    "\x00",
    "ferry\x00strike",
    "%",
    "_",
    "🚢 ⛴",
    "ферри забастовка",
    "フェリー",
    "ﬁnal ŉ ǅ ²³ ١٢٣",
    "\u0301\u0301",
    "a" * 10_000,
    "ferry " * 2_000,
    '" OR 1=1 --',
    "'; DROP TABLE articles; --",
]


def _fuzz(seed: int, count: int) -> list[str]:
    alphabet = [*"\"'*-+()^:{}[]<>&|!\\ \t\n\x00%_,.;", "NEAR", "AND", "OR", "NOT", "ferry", "é", "ß"]
    rng = random.Random(seed)
    return ["".join(rng.choice(alphabet) for _ in range(rng.randint(1, 12))) for _ in range(count)]


def test_hostile_queries_never_raise(store: Store) -> None:
    p = _publisher(store, "Courier")
    ferry = _save(store, 1, "Ferry strike ends", "Crews vote.", p)
    for query in HOSTILE + _fuzz(6, 300):
        hits = store.search.text(parse_query(query), limit=5)
        assert all(hit.article_id == ferry for hit in hits), query
    assert _ids(store, "ferry\x00strike") == [ferry]
    assert _ids(store, "ferry " * 2_000) == [ferry]
    assert store.search.text(parse_query("ferry"), limit=0) == []


# The index follows the articles ----------------------------------------------------------------------------


def test_the_index_follows_inserts_updates_and_deletes(store: Store) -> None:
    p = _publisher(store, "Courier")
    first = _save(store, 1, "Harbour news", "The lighthouse was repainted.", p)
    assert _ids(store, "lighthouse") == [first]
    changed = store.articles.replace_content(
        first,
        ExtractedArticle(
            title="ignored", paragraphs=("The breakwater was rebuilt.",), canonical_url=None, method="page"
        ),
        content_hash="b" * 32,
        now=DAY,
    )
    assert changed
    assert _ids(store, "lighthouse") == []
    assert _ids(store, "breakwater") == [first]
    assert _ids(store, "harbour") == [first]  # the headline stays, and is still indexed
    with store.db.write() as session:
        session.execute(delete(ArticleRow).where(ArticleRow.id == first))
    assert _ids(store, "breakwater") == []
    assert _ids(store, "harbour") == []
    second = _save(store, 2, "Harbour reopens", "Breakwater finished.", p)
    assert _ids(store, "breakwater") == [second]


def test_rebuild_restores_a_lost_index(store: Store) -> None:
    p = _publisher(store, "Courier")
    article = _save(store, 1, "Harbour news", "The lighthouse was repainted.", p)
    if store.db.is_sqlite:
        with store.db.write() as session:
            session.execute(text("INSERT INTO articles_fts(articles_fts) VALUES ('delete-all')"))
        assert _ids(store, "lighthouse") == []
    store.search.rebuild()
    assert _ids(store, "lighthouse") == [article]
