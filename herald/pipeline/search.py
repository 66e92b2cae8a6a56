"""Search over the stored articles, as the site and the API offer it: by words (the database's full-text
index), by meaning (the articles' embeddings), or both, results grouped by story.

Words come from :mod:`herald.store.search`. Meaning needs the query's embedding, made with the same model as
the articles' and loaded the way the AI tools load it (``load_embedder`` keeps one model per process, so the
two share it), and the nearest article vectors: this process keeps every stored vector in one matrix of half
floats and scans it whole, caught up from the database at most every few seconds. Measured with 100,000
articles on the two shared cores here (other work running): the matrix takes 77 MB, the first load 0.8 s, an
exact scan 11 ms (usearch's SIMD kernel; numpy on float32 took 25 ms and twice the memory), a search by
meaning 30 ms and both ways together 60 ms with the page's articles loaded. An HNSW graph would answer in a
millisecond but cost each web process a minute of CPU to build, and it is approximate.

Both lists are fused by reciprocal rank, then folded by story: a story shows once, led by its best match, with
how many of its other articles matched. When the model cannot load, a search by meaning falls back to words
and says so.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from usearch.index import MetricKind
from usearch.index import search as exact_search

from herald.config import Settings
from herald.enrich import load_embedder
from herald.models import Article, Story
from herald.store import Store
from herald.store.search import SearchFilters, SearchHit, TextQuery, fold, parse_query
from herald.translation import N_

log = logging.getLogger(__name__)

MODES = ("hybrid", "text", "semantic")
PAGE_SIZE = 10  # stories per page
MAX_QUERY_CHARS = 300  # longer is not a search anyone types; the site and the API refuse it
CANDIDATES = 300  # articles each way of searching ranks before they are grouped into stories
FILTERED_CANDIDATES = 1000  # nearest vectors read when filters will drop some of them
SEMANTIC_FLOOR = 0.25  # cosine below which a "nearest" article is not about the query (unrelated: < 0.2)
RRF_K = 60  # reciprocal rank fusion's constant, as in Cormack et al. (2009)
REFRESH_SECONDS = 5.0  # how stale the in-memory vectors may be
RETRY_MODEL_SECONDS = 300.0  # after the model failed to load, words only for this long
SNIPPET_CHARS = 240
_QUERY_VECTORS = 256  # recent queries' embeddings kept: paging through results embeds once
_LOAD_BATCH = 5000  # vectors read from the database at a time: bounds the memory a first load takes

SEMANTIC_UNAVAILABLE = N_(
    "Searching by meaning is not available right now, so these results match your words only."
)
NOTHING_UNDERSTOOD = N_(
    "Searching by meaning needs articles Herald has analysed, and none has been yet: these results match "
    "your words only."
)

Embed = Callable[[Sequence[str]], np.ndarray]


@dataclass(frozen=True, slots=True)
class SearchGroup:
    """One result: a story's best-matching article (or an article in no story), with how many other
    articles of its story matched too."""

    article: Article
    story: Story | None
    more: int
    excerpt: str  # the part of the text where the words matched, else the article's opening


@dataclass(frozen=True, slots=True)
class SearchResults:
    query: str
    mode: str  # the mode asked for
    used: str  # the mode that ran: "text" when meaning was asked for and is not available
    groups: tuple[SearchGroup, ...]
    offset: int  # groups before this page
    total: int  # groups among the best CANDIDATES matches
    exact: bool  # False when there were more matches than were ranked: ``total`` is a lower bound
    more: bool  # a further page exists
    terms: tuple[str, ...]  # the query's words, folded, to highlight
    prefix: str | None  # the last word when it also matches longer words, folded
    note: str = ""  # a sentence for the reader about how the search ran, when it did not run as asked

    @property
    def empty_query(self) -> bool:
        return not self.terms


class MemoryVectors:
    """Every stored article vector in one matrix of half floats (as the database keeps them), caught up from
    the database by key (keys only grow) at most every ``refresh_seconds``. A vector replaced in the database
    keeps its old key here; the old key names no article any more and drops out when keys are turned into
    articles."""

    def __init__(
        self,
        store: Store,
        *,
        refresh_seconds: float = REFRESH_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._store = store  # read at the first search, not when the site is built
        self._refresh_seconds = refresh_seconds
        self._clock = clock
        self._lock = threading.Lock()
        self._checked_at: float | None = None
        self._keys = np.zeros(0, dtype=np.int64)
        self._matrix = np.zeros((0, 0), dtype=np.float16)
        self._count = 0
        self._watermark = 0

    def __len__(self) -> int:
        return self._count

    def refresh(self) -> None:
        """Read the vectors stored since the last look. While one thread reads, others search what is
        there, except before the first load, when they wait for it."""
        checked = self._checked_at
        if checked is not None and self._clock() - checked < self._refresh_seconds:
            return
        if not self._lock.acquire(blocking=checked is None):
            return
        try:
            if self._checked_at is not None and self._checked_at != checked:
                return  # another thread loaded while this one waited
            while True:
                keys, vectors = self._store.features.vectors_after(self._watermark, limit=_LOAD_BATCH)
                if len(keys) == 0:
                    break
                self._append(keys, vectors)
                self._watermark = int(keys[-1])
            self._checked_at = self._clock()
        finally:
            self._lock.release()

    def _append(self, keys: np.ndarray, vectors: np.ndarray) -> None:
        if self._count == 0 or self._matrix.shape[1] != vectors.shape[1]:
            self._count = 0
            self._keys = np.zeros(0, dtype=np.int64)
            self._matrix = np.zeros((0, vectors.shape[1]), dtype=np.float16)
        needed = self._count + len(keys)
        if needed > len(self._keys):
            # Grown by half again each time, so appending one article at a time copies each row O(1) times.
            capacity = max(needed, len(self._keys) * 3 // 2, 1024)
            matrix = np.zeros((capacity, vectors.shape[1]), dtype=np.float16)
            matrix[: self._count] = self._matrix[: self._count]
            keys_grown = np.zeros(capacity, dtype=np.int64)
            keys_grown[: self._count] = self._keys[: self._count]
            self._matrix, self._keys = matrix, keys_grown
        self._matrix[self._count : needed] = vectors
        self._keys[self._count : needed] = keys
        self._count = needed  # published last: a search running now reads only rows already written

    def nearest(self, vector: np.ndarray, k: int, floor: float) -> list[tuple[int, float]]:
        """Up to ``k`` (key, cosine) pairs at or above ``floor``, best first: an exact scan of every row."""
        self.refresh()
        count, keys, matrix = self._count, self._keys, self._matrix
        if count == 0 or k <= 0 or matrix.shape[1] != vector.shape[0]:
            return []
        # usearch's SIMD kernels read half floats directly; numpy would convert them first, four times slower.
        found = exact_search(
            matrix[:count], vector.astype(np.float16), min(k, count), MetricKind.Cos, exact=True, threads=1
        )
        similarities = 1.0 - np.asarray(found.distances, dtype=np.float64)  # cosine distance is 1 - cosine
        rows = np.asarray(found.keys, dtype=np.int64)
        return [(int(keys[r]), float(c)) for r, c in zip(rows, similarities, strict=True) if c >= floor]


class Search:
    """One per process, shared by the site and the API. Blocking (database and CPU): call it from a worker
    thread. The model loads on the first search by meaning, not at start-up."""

    def __init__(
        self,
        settings: Settings,
        store: Store,
        *,
        embed: Embed | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.settings = settings
        self.store = store
        self._embed = embed or self._load_and_embed
        self._clock = clock
        self.vectors = MemoryVectors(store, clock=clock)
        self._model_failed_at: float | None = None
        self._cache_lock = threading.Lock()
        self._query_vectors: OrderedDict[str, np.ndarray] = OrderedDict()

    def search(
        self,
        query: str,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        page: int = 1,
        *,
        per_page: int = PAGE_SIZE,
    ) -> SearchResults:
        """The ``page``-th page (from 1) of ``per_page`` stories matching ``query``."""
        return self.search_at(query, filters, mode, offset=(max(1, page) - 1) * per_page, limit=per_page)

    def search_at(
        self,
        query: str,
        filters: SearchFilters | None = None,
        mode: str = "hybrid",
        *,
        offset: int = 0,
        limit: int = PAGE_SIZE,
    ) -> SearchResults:
        """``limit`` stories from the ``offset``-th on (from 0), as an API's cursor asks."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {', '.join(MODES)}, not {mode!r}")
        query = query[:MAX_QUERY_CHARS]
        parsed = parse_query(query)
        filters = filters or SearchFilters()
        used, note = mode, ""
        text_hits: list[SearchHit] = []
        meaning_hits: list[SearchHit] = []
        if not parsed.empty and mode in ("hybrid", "semantic"):
            found = self._by_meaning(parsed, filters)
            if found is None:
                used = "text"
                if self._model_failed_at is not None:
                    note = SEMANTIC_UNAVAILABLE
                elif mode == "semantic":  # a site that never analyses articles searches words, quietly
                    note = NOTHING_UNDERSTOOD
            else:
                meaning_hits = found
        if not parsed.empty and used in ("hybrid", "text"):
            text_hits = self.store.search.text(parsed, filters, limit=CANDIDATES)
        ranked = _fuse([text_hits, meaning_hits]) if used == "hybrid" else text_hits or meaning_hits
        groups = _group(ranked)
        offset, limit = max(0, offset), max(0, limit)
        shown = groups[offset : offset + limit]
        return SearchResults(
            query=query,
            mode=mode,
            used=used,
            groups=tuple(self._load_groups(shown, parsed)),
            offset=offset,
            total=len(groups),
            exact=len(text_hits) < CANDIDATES and len(meaning_hits) < CANDIDATES,
            more=offset + limit < len(groups),
            terms=parsed.terms,
            prefix=parsed.prefix_term,
            note=note,
        )

    # By meaning ---------------------------------------------------------------------------------------------

    def _by_meaning(self, parsed: TextQuery, filters: SearchFilters) -> list[SearchHit] | None:
        """Articles nearest the query's meaning that pass the filters, best first; None when the model or
        the articles' vectors are not there to search."""
        self.vectors.refresh()
        if len(self.vectors) == 0:
            return None
        vector = self._query_vector(" ".join((*parsed.words, *(" ".join(p) for p in parsed.phrases))))
        if vector is None:
            return None
        filtered = filters != SearchFilters()
        nearest = self.vectors.nearest(
            vector, FILTERED_CANDIDATES if filtered else CANDIDATES, SEMANTIC_FLOOR
        )
        articles = self.store.features.ids_for_keys([key for key, _ in nearest])
        scores = {articles[key]: score for key, score in nearest if key in articles}
        hits = self.store.search.among(list(scores), filters)[:CANDIDATES]
        if parsed.excluded:
            hits = self._without_excluded(hits, parsed)
        return [SearchHit(h.article_id, h.story_id, scores[h.article_id]) for h in hits]

    def _without_excluded(self, hits: Sequence[SearchHit], parsed: TextQuery) -> list[SearchHit]:
        """The hits whose headline and text hold none of the -excluded words: a reader who leaves a word out
        means it whichever way an article was found."""
        excluded = tuple(fold(word) for word in parsed.excluded)
        articles = {a.id: a for a in self.store.articles.many([h.article_id for h in hits])}
        return [
            hit
            for hit in hits
            if hit.article_id in articles
            and not any(
                match_spans(text, excluded)
                for text in (articles[hit.article_id].title, *articles[hit.article_id].paragraphs)
            )
        ]

    def _query_vector(self, text: str) -> np.ndarray | None:
        key = " ".join(text.split()).casefold()
        with self._cache_lock:
            cached = self._query_vectors.get(key)
            if cached is not None:
                self._query_vectors.move_to_end(key)
                return cached
        failed = self._model_failed_at
        if failed is not None and self._clock() - failed < RETRY_MODEL_SECONDS:
            return None
        try:
            vector = np.asarray(self._embed([key]), dtype=np.float32)[0]
        except Exception as exc:  # a missing or broken model raises whatever torch or the files raise
            log.warning("The embedding model could not load, searching by words only: %s", exc)
            self._model_failed_at = self._clock()
            return None
        self._model_failed_at = None
        with self._cache_lock:
            self._query_vectors[key] = vector
            while len(self._query_vectors) > _QUERY_VECTORS:
                self._query_vectors.popitem(last=False)
        return vector

    def _load_and_embed(self, texts: Sequence[str]) -> np.ndarray:
        # The same settings as the AI tools': load_embedder hands both the process's one model.
        embedder = load_embedder(self.settings.embedding_precision, self.settings.embedding_max_tokens)
        return embedder.embed(list(texts))

    # The page -----------------------------------------------------------------------------------------------

    def _load_groups(self, shown: Sequence[tuple[SearchHit, int]], parsed: TextQuery) -> list[SearchGroup]:
        articles = {a.id: a for a in self.store.articles.many([hit.article_id for hit, _ in shown])}
        groups = []
        for hit, more in shown:
            article = articles.get(hit.article_id)
            if article is None:
                continue  # removed since it was found
            story = self.store.stories.get(hit.story_id) if hit.story_id is not None else None
            groups.append(SearchGroup(article, story, more, snippet(article, parsed)))
        return groups


def _fuse(lists: Sequence[Sequence[SearchHit]]) -> list[SearchHit]:
    """Reciprocal rank fusion: each list adds 1 / (RRF_K + rank) to an article's score, so an article both
    ways ranks above one found only one way, whatever the scales of their scores."""
    scores: dict[str, float] = {}
    first: dict[str, SearchHit] = {}
    for hits in lists:
        for rank, hit in enumerate(hits, start=1):
            scores[hit.article_id] = scores.get(hit.article_id, 0.0) + 1.0 / (RRF_K + rank)
            first.setdefault(hit.article_id, hit)
    order = sorted(scores, key=lambda article_id: -scores[article_id])  # stable: ties keep the text order
    return [SearchHit(i, first[i].story_id, scores[i]) for i in order]


def _group(ranked: Sequence[SearchHit]) -> list[tuple[SearchHit, int]]:
    """Each story's best hit, with how many more of its articles matched, in the order of their best."""
    leaders: dict[object, int] = {}
    groups: list[tuple[SearchHit, int]] = []
    for hit in ranked:
        key: object = ("story", hit.story_id) if hit.story_id is not None else ("article", hit.article_id)
        at = leaders.get(key)
        if at is None:
            leaders[key] = len(groups)
            groups.append((hit, 0))
        else:
            leader, more = groups[at]
            groups[at] = (leader, more + 1)
    return groups


# Where the words matched ---------------------------------------------------------------------------------

_WORD = re.compile(r"[^\W_]+")


def match_spans(text: str, terms: Sequence[str], prefix: str | None = None) -> list[tuple[int, int]]:
    """(start, end) of each word of ``text`` that is one of ``terms`` (folded), or begins with ``prefix``:
    what a page highlights, found in the text as shown."""
    wanted = set(terms)
    needles = [*wanted, prefix] if prefix else list(wanted)
    folded = fold.__wrapped__(text)  # the whole text, once, outside fold's cache of single words
    if not any(needle in folded for needle in needles):
        return []  # none of the words is anywhere in the text: no need to look word by word
    spans = []
    for match in _WORD.finditer(text):
        word = fold(match.group())
        if word in wanted or (prefix and word.startswith(prefix)):
            spans.append(match.span())
    return spans


def snippet(article: Article, query: TextQuery, limit: int = SNIPPET_CHARS) -> str:
    """The passage of the article where most of the query's words are, about ``limit`` characters cut at
    words; the article's own excerpt when its text does not hold them (a match by meaning, or in the
    headline alone)."""
    terms, prefix = query.terms, query.prefix_term
    best, best_found = "", 0
    for paragraph in article.paragraphs:
        found = len({fold(paragraph[a:b]) for a, b in match_spans(paragraph, terms, prefix)})
        if found > best_found:
            best, best_found = paragraph, found
    if not best:
        return article.excerpt
    if len(best) <= limit:
        return best
    first = match_spans(best, terms, prefix)[0][0]
    start = max(0, min(first - limit // 3, len(best) - limit))
    if start > 0:
        space = best.find(" ", start)
        start = space + 1 if 0 <= space < first else start
    window = best[start : start + limit]
    if start + limit < len(best):
        cut = window.rfind(" ")
        window = (window[:cut] if cut > limit // 2 else window).rstrip(",;:—-") + "…"
    return ("…" + window) if start > 0 else window
