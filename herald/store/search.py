"""Full-text search over headlines and bodies: SQLite's FTS5 or PostgreSQL's text search, behind one call.

The index is the database's own business. Migration 0009 builds it: on SQLite an FTS5 table whose content is
the ``articles`` table (joined on its rowid), kept in step by triggers on insert, on update of the headline or
the body, and on delete; on PostgreSQL a generated ``tsvector`` column with a GIN index. No other store code
has to remember it. Both fold case and accents ("cafe" finds "café") and neither stems, so the two databases
find the same articles for the same words.

What a reader types is hostile. :func:`parse_query` keeps only words (runs of letters and digits), quoted
phrases and ``-excluded`` words, at most :data:`MAX_TERMS` of them, and the match expressions are built from
those alone, each word quoted, or passed as a bound parameter: no input can reach the query syntax, so no
input can make the database raise.

On SQLite the index follows the articles' rowids: a migration that recreates the ``articles`` table (Alembic's
batch mode does when it must) loses the triggers and may renumber the rows, so it must create the triggers
again and call ``rebuild``, as :meth:`SearchStore.rebuild` does.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    Subquery,
    bindparam,
    column,
    func,
    literal_column,
    select,
    table,
)
from sqlalchemy import text as sql_text

from herald.store.articles import in_languages
from herald.store.database import Database
from herald.store.schema import ArticleRow

MAX_TERMS = 16  # words, phrase words and exclusions together; the rest of a longer query is ignored
MAX_TERM_CHARS = 64  # longer "words" are not words anyone searches for
MIN_PREFIX_CHARS = 4  # a shorter last word is matched whole: "car*" would find every "care" and "career"
MAX_RESULTS = 1000  # the most ids one call returns
WINDOW = 5000  # the newest matches scored by one search (see SearchStore.text)

# SQLite: the FTS5 table and the shadow tables FTS5 keeps for it (external content: no _content table).
FTS_TABLE = "articles_fts"
FTS_SHADOW_TABLES = frozenset(
    {FTS_TABLE, *(f"{FTS_TABLE}_{suffix}" for suffix in ("data", "idx", "docsize", "config"))}
)
# PostgreSQL: the generated column, its index and the text search configuration (simple, without accents).
TSVECTOR_COLUMN = "search_vector"
TSVECTOR_INDEX = "ix_articles_search_vector"
TS_CONFIG = "herald_search"
# bm25 weights of the FTS5 columns (headline, body): a word in the headline counts as much as ten in the body.
HEADLINE_WEIGHT = 10.0
BODY_WEIGHT = 1.0


def declared_in_schema(name: str | None, type_: str, parent_names: Mapping[Any, str | None]) -> bool:
    """Alembic's ``include_name``: False for the search index's own tables, column and index, which the
    migrations build and schema.py does not declare (the ORM never reads or writes them)."""
    if type_ == "table":
        return name not in FTS_SHADOW_TABLES
    if parent_names.get("table_name") != "articles":
        return True
    if type_ == "column":
        return name != TSVECTOR_COLUMN
    if type_ == "index":
        return name != TSVECTOR_INDEX
    return True


_WORD = re.compile(r"[^\W_]+")
# A quoted phrase (an unclosed quote runs to the end), a word excluded with a leading "-", or a plain word.
_TOKEN = re.compile(r'"([^"]*)(?:"|$)|(?:^|(?<=[\s(]))-([^\W_]+)|([^\W_]+)')


@functools.lru_cache(maxsize=65_536)  # the words of news text repeat: highlighting folds each many times
def fold(word: str) -> str:
    """A word as the index compares it: case and accents folded ("Café" and "cafe" are one word)."""
    decomposed = unicodedata.normalize("NFKD", word.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@dataclass(frozen=True, slots=True)
class TextQuery:
    """What a search asks for, in words: every word and phrase must match, no excluded word may; with
    ``prefix``, the last word also matches longer words it begins ("strik" finds "strike")."""

    words: tuple[str, ...] = ()
    phrases: tuple[tuple[str, ...], ...] = ()
    excluded: tuple[str, ...] = ()
    prefix: bool = False

    @property
    def empty(self) -> bool:
        """Nothing to look for: no word and no phrase (exclusions alone would list every article)."""
        return not self.words and not self.phrases

    @property
    def terms(self) -> tuple[str, ...]:
        """The words a result matched, folded: what a page highlights."""
        seen = dict.fromkeys(fold(w) for w in (*self.words, *(w for p in self.phrases for w in p)))
        return tuple(seen)

    @property
    def prefix_term(self) -> str | None:
        """The folded last word when it is matched as a prefix."""
        return fold(self.words[-1]) if self.prefix and self.words else None


def parse_query(text: str) -> TextQuery:
    """The words, "quoted phrases" and -excluded words of what a reader typed; everything else (punctuation,
    operators of any query language, control characters) is a separator. Never raises."""
    words: list[str] = []
    phrases: list[tuple[str, ...]] = []
    excluded: list[str] = []
    seen: set[str] = set()
    budget = MAX_TERMS
    last_was_word = False
    for match in _TOKEN.finditer(text):
        if budget <= 0:
            break
        phrase, minus, word = match.groups()
        if phrase is not None:
            inside = [w for w in _WORD.findall(phrase) if len(w) <= MAX_TERM_CHARS][:budget]
            budget -= len(inside)
            last_was_word = False
            if len(inside) > 1:
                key = " ".join(fold(w) for w in inside)
                if key not in seen:
                    seen.add(key)
                    phrases.append(tuple(inside))
            elif inside and fold(inside[0]) not in seen:
                seen.add(fold(inside[0]))
                words.append(inside[0])
            continue
        value = minus or word
        if len(value) > MAX_TERM_CHARS:
            last_was_word = False
            continue
        budget -= 1
        key = fold(value)
        last_was_word = word is not None and key not in seen
        if key in seen:
            continue
        seen.add(key)
        (excluded if minus else words).append(value)
    prefix = last_was_word and bool(words) and len(words[-1]) >= MIN_PREFIX_CHARS
    return TextQuery(tuple(words), tuple(phrases), tuple(excluded), prefix)


def fts5_expression(query: TextQuery) -> str:
    """An FTS5 MATCH expression of quoted terms only. Terms hold letters and digits alone, so quoting them is
    enough: no operator, column filter or quote can come from the reader."""

    def quoted(words: Sequence[str]) -> str:
        return '"' + " ".join(w.replace('"', '""') for w in words) + '"'

    parts = [quoted([w]) for w in query.words] + [quoted(p) for p in query.phrases]
    if query.prefix and query.words:
        parts[len(query.words) - 1] += "*"
    expression = "(" + " ".join(parts) + ")"
    for word in query.excluded:
        expression += " NOT " + quoted([word])
    return expression


@dataclass(frozen=True, slots=True)
class SearchFilters:
    """What a search is narrowed to. ``since`` is inclusive and ``until`` exclusive, on the article's time
    (its publication, else its fetch); ``languages`` are the site's (primary subtags), ``language`` the
    reader's choice; as on the listings, an article whose language is unknown is kept."""

    since: datetime | None = None
    until: datetime | None = None
    publisher_id: int | None = None
    section: str | None = None
    language: str | None = None
    languages: tuple[str, ...] = field(default=())

    def conditions(self) -> list[ColumnElement[bool]]:
        return self.narrowing() + self.site_conditions()

    def narrowing(self) -> list[ColumnElement[bool]]:
        """The reader's filters, each answered by an index of its own."""
        found: list[ColumnElement[bool]] = []
        if self.since is not None:
            found.append(ArticleRow.sort_time >= self.since)
        if self.until is not None:
            found.append(ArticleRow.sort_time < self.until)
        if self.publisher_id is not None:
            found.append(ArticleRow.publisher_id == self.publisher_id)
        if self.section is not None:
            found.append(ArticleRow.section == self.section)
        if self.language:
            found.append(in_languages([self.language]))
        return found

    def site_conditions(self) -> list[ColumnElement[bool]]:
        """The site's languages: most articles pass, so they are checked on each match rather than looked up
        first."""
        return [in_languages(self.languages)] if self.languages else []


@dataclass(frozen=True, slots=True)
class SearchHit:
    """One matching article: its story (None when it is in none) and its score, higher is better."""

    article_id: str
    story_id: int | None
    score: float


_TIE_COLUMNS = (ArticleRow.copy_of, ArticleRow.sort_time)


def _ties(window: Subquery) -> tuple[ColumnElement[Any], ...]:
    """Among equal scores (a wire text and its reprints score the same): the original before its copies,
    then the newer, then by id, so that pages never overlap."""
    return (window.c.copy_of.is_not(None), window.c.sort_time.desc(), window.c.id)


_FTS = table(FTS_TABLE, column("rowid"))
# ts_rank_cd's weights of the D, C, B and A labels: the body is labelled B and the headline A, ten to one as
# on SQLite; the rank is divided by 1 + the log of the article's length, as bm25 evens out long bodies.
_TS_WEIGHTS: ColumnElement[Any] = literal_column(f"'{{0, 0, {BODY_WEIGHT / HEADLINE_WEIGHT}, 1}}'::float4[]")
_FTS_NAME: ColumnElement[Any] = literal_column(FTS_TABLE)


class SearchStore:
    def __init__(self, db: Database) -> None:
        self._db = db

    def text(
        self, query: TextQuery, filters: SearchFilters | None = None, *, limit: int = 50, offset: int = 0
    ) -> list[SearchHit]:
        """Articles matching ``query``, best first (bm25 on SQLite, ts_rank_cd on PostgreSQL; among equals,
        originals before reprints, then the newer). An empty query matches nothing.

        Scoring reads every match, so a word in most articles ("the", a name in the news all week) would cost
        a scan of the whole index: only the newest :data:`WINDOW` matches are scored. News search favours
        the recent anyway, and a filter narrows the matches before the window is taken."""
        if query.empty or limit <= 0:
            return []
        limit = min(limit, MAX_RESULTS)
        offset = max(0, offset)
        filters = filters or SearchFilters()
        if self._db.is_sqlite:
            ranked = self._sqlite_query(query, filters)
        else:
            ranked = self._postgres_query(query, filters)
        with self._db.read() as session:
            rows = session.execute(ranked.limit(limit).offset(offset)).all()
        return [SearchHit(row.id, row.story_id, float(row.score)) for row in rows]

    def _sqlite_query(self, query: TextQuery, filters: SearchFilters) -> Select[Any]:
        # bm25() is lower for better matches; negated so that every score here is "higher is better".
        score = (-func.bm25(_FTS_NAME, HEADLINE_WEIGHT, BODY_WEIGHT)).label("score")
        matches = (
            select(ArticleRow.id, ArticleRow.story_id, *_TIE_COLUMNS, score)
            .select_from(_FTS)
            .join(ArticleRow, literal_column("articles.rowid") == _FTS.c.rowid)
            .where(_FTS_NAME.op("MATCH")(bindparam("fts_query", fts5_expression(query))))
            .where(*filters.site_conditions())
            .order_by(_FTS.c.rowid.desc())  # the index's own order, the newest stored first: no sort
            .limit(WINDOW)
        )
        narrowing = filters.narrowing()
        if narrowing:
            # The articles the reader's filters allow, found once from indexes. The "+" keeps FTS5 from
            # taking the list as rowids to look up one by one (a full-text query per allowed article).
            allowed: Select[Any] = (
                select(literal_column("articles.rowid")).select_from(ArticleRow).where(*narrowing)
            )
            matches = matches.where(literal_column(f"+{FTS_TABLE}.rowid").in_(allowed))
        window = matches.subquery("window")
        return select(window.c.id, window.c.story_id, window.c.score).order_by(
            window.c.score.desc(), *_ties(window)
        )

    def _postgres_query(self, query: TextQuery, filters: SearchFilters) -> Select[Any]:
        config: ColumnElement[Any] = literal_column(f"'{TS_CONFIG}'::regconfig")
        parts: list[ColumnElement[Any]] = []
        for n, word in enumerate(query.words):
            if query.prefix and n == len(query.words) - 1:
                # Letters and digits only, quoted as one lexeme: to_tsquery sees no operator in it.
                parts.append(func.to_tsquery(config, "'" + word + "':*"))
            else:
                parts.append(func.plainto_tsquery(config, word))
        parts.extend(func.phraseto_tsquery(config, " ".join(p)) for p in query.phrases)
        parts.extend(func.tsquery_not(func.plainto_tsquery(config, w)) for w in query.excluded)
        # The functions behind && and !!: no operator precedence to get wrong.
        tsquery = parts[0]
        for part in parts[1:]:
            tsquery = func.tsquery_and(tsquery, part)
        vector: ColumnElement[Any] = literal_column(f"articles.{TSVECTOR_COLUMN}")
        window = (
            select(ArticleRow.id, ArticleRow.story_id, *_TIE_COLUMNS, vector.label("vector"))
            .where(vector.op("@@")(tsquery), *filters.conditions())
            .order_by(ArticleRow.sort_time.desc())
            .limit(WINDOW)
            .subquery("window")
        )
        score = func.ts_rank_cd(_TS_WEIGHTS, window.c.vector, tsquery, 1, type_=Float).label("score")
        return select(window.c.id, window.c.story_id, score).order_by(score.desc(), *_ties(window))

    def among(self, article_ids: Sequence[str], filters: SearchFilters | None = None) -> list[SearchHit]:
        """Those of ``article_ids`` (another search's results) that pass ``filters``, in the order given,
        with their stories: how a semantic search is filtered like a text one."""
        if not article_ids:
            return []
        ids = list(dict.fromkeys(article_ids))[:MAX_RESULTS]
        query = select(ArticleRow.id, ArticleRow.story_id).where(
            ArticleRow.id.in_(ids), *(filters or SearchFilters()).conditions()
        )
        with self._db.read() as session:
            found = {row.id: row.story_id for row in session.execute(query)}
        return [SearchHit(i, found[i], 0.0) for i in ids if i in found]

    def rebuild(self) -> None:
        """Rebuild SQLite's full-text index from the articles (after a VACUUM or a table rebuild that
        renumbered rows); PostgreSQL's column is computed by the database and needs nothing."""
        if not self._db.is_sqlite:
            return
        with self._db.write() as session:
            session.execute(sql_text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES ('rebuild')"))
