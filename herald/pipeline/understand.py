"""Understanding: stored articles gain an embedding, names, a near-duplicate signature, a section guess, a
copy group, a story and related articles.

The CPU work (embedding, names, signatures) runs in the extraction worker processes, where the model is loaded
once per process. The decisions run one article at a time, oldest first, under one lock, so an article always
sees the stories the previous one made; each decision is written in one transaction. Candidates come from two
derived lookups that the database can rebuild: LSH band rows for copies and the vector index for neighbours.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Executor
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

import numpy as np

from herald.ai import Summary, choose_summary, embed_sentences, split_sentences
from herald.cluster import (
    choose_story,
    name_terms,
    profile_with,
    rank_related,
    stories_to_merge,
    term_weights,
)
from herald.config import Settings
from herald.dedup import NearDupSignature, band_keys, is_copy, near_dup_signature
from herald.enrich import (
    MODEL_NAME,
    Embedder,
    classify_section,
    extract_entities,
    load_embedder,
    passage_text,
    section_prototypes,
)
from herald.models import Article, ArticleSignal, EntityRef
from herald.store import NewArticle, NewFeatures, Placement, Store, VectorIndex
from herald.store.articles import FUTURE_TOLERANCE

log = logging.getLogger(__name__)

NEIGHBOURS = 40  # nearest articles looked at for a story and for related articles
SAVE_EVERY = 500  # new vectors between two saves of the index file


@dataclass(frozen=True, slots=True)
class PendingArticle:
    """A stored article waiting to be understood."""

    id: str
    title: str
    paragraphs: tuple[str, ...]
    publisher_id: int
    published: datetime | None
    time: datetime
    content_hash: str
    section: str | None = None


@dataclass(frozen=True, slots=True)
class Enriched:
    """What a worker process computed for one article (picklable)."""

    vector: np.ndarray
    entities: tuple[tuple[str, str, str, int], ...]  # key, name, kind, mentions
    near_dup: bytes | None
    bands: tuple[int, ...]
    section_guess: str | None
    summary: Summary | None = None  # None when the worker could not choose one (the panel does it later)


@dataclass(slots=True)
class UnderstandingReport:
    understood: int = 0
    new_stories: int = 0
    joined_stories: int = 0
    copies: int = 0
    merges: int = 0
    failed: int = 0
    errors: list[str] = field(default_factory=list)
    enrich_seconds: float = 0.0  # wall time of the workers' embedding, names and signatures
    place_seconds: float = 0.0  # wall time of the decisions and their writes

    def absorb(self, other: UnderstandingReport) -> None:
        """Add another batch's counts and times to these."""
        for name in (
            "understood",
            "new_stories",
            "joined_stories",
            "copies",
            "merges",
            "failed",
            "enrich_seconds",
            "place_seconds",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors.extend(other.errors)


def pending_from_new(new: NewArticle) -> PendingArticle:
    """A just-stored article, with the publication time the store kept (a time in the future is a
    publisher's clock error, and the store ignores it too)."""
    published = new.extracted.published
    if published is not None and published > new.fetched_at + FUTURE_TOLERANCE:
        published = None
    return PendingArticle(
        id=new.id,
        title=new.extracted.title,
        paragraphs=new.extracted.paragraphs,
        publisher_id=new.publisher_id,
        published=published,
        time=published or new.fetched_at,
        content_hash=new.content_hash,
        section=new.section,
    )


def pending_from_article(article: Article, content_hash: str = "") -> PendingArticle:
    return PendingArticle(
        id=article.id,
        title=article.title,
        paragraphs=article.paragraphs,
        publisher_id=article.publisher_id,
        published=article.published_at,
        time=article.published_at or article.fetched_at,
        content_hash=content_hash,
        section=article.section,
    )


class Understanding:
    def __init__(self, settings: Settings, store: Store, executor: Executor) -> None:
        self.settings = settings
        self.store = store
        self._executor = executor
        self._lock = asyncio.Lock()
        self._index_lock = threading.Lock()
        self._index: VectorIndex | None = None
        self._unsaved = 0
        # Worker processes share the cores: each runs torch on its share, so two workers do not each start
        # a thread per core and fight over them. In-process (0 workers), torch takes what it finds.
        workers = settings.extract_workers
        self._threads_per_worker = max(1, (os.cpu_count() or 1) // workers) if workers > 0 else None

    @property
    def index_path(self) -> Path:
        """One file per database, so two databases under one data folder never share an index."""
        digest = hashlib.blake2b(self.store.url.encode(), digest_size=6).hexdigest()
        return self.settings.data_dir / f"vectors-{digest}.usearch"

    # The vector index: a derived artifact of the article_features table -----------------------------------

    def _ensure_index(self) -> VectorIndex:
        with self._index_lock:
            if self._index is None:
                index = VectorIndex.load(self.index_path) if self._uses_files() else None
                if index is None:
                    index = VectorIndex()
                self._index = index
            self._catch_up(self._index)
            return self._index

    def _uses_files(self) -> bool:
        # An in-memory database has no lasting index either; a file would outlive the data it indexes.
        return ":memory:" not in self.store.url

    def _catch_up(self, index: VectorIndex) -> None:
        """Add what other processes (or this one before the last save) stored above the index's watermark."""
        if index.watermark > self.store.features.max_key():
            # The database was replaced or rolled back under the file: the file no longer describes it.
            log.info("vector index is ahead of the database; rebuilding it")
            index = self._index = VectorIndex()
        while True:
            keys, vectors = self.store.features.vectors_after(index.watermark)
            if len(keys) == 0:
                return
            index.add(keys, vectors)
            self._unsaved += len(keys)

    def save_index(self) -> None:
        with self._index_lock:
            if self._index is not None and self._uses_files() and self._unsaved:
                self.index_path.parent.mkdir(parents=True, exist_ok=True)
                self._index.save(self.index_path)
                self._unsaved = 0

    # Work ------------------------------------------------------------------------------------------------

    async def understand(self, pending: Sequence[PendingArticle]) -> UnderstandingReport:
        """Enrich in the workers, then place each article, oldest first."""
        report = UnderstandingReport()
        if not pending or not self.settings.understanding:
            return report
        ordered = sorted(pending, key=lambda p: (p.time, p.id))
        started = time.perf_counter()
        enriched = await self._enrich(ordered, report)
        report.enrich_seconds = time.perf_counter() - started
        async with self._lock:
            started = time.perf_counter()
            await asyncio.to_thread(self._place_all, ordered, enriched, report)
            report.place_seconds = time.perf_counter() - started
        if self._unsaved >= SAVE_EVERY:
            await asyncio.to_thread(self.save_index)
        return report

    async def _enrich(
        self, ordered: Sequence[PendingArticle], report: UnderstandingReport
    ) -> list[Enriched | None]:
        size = max(1, self.settings.embedding_batch_size)
        chunks = [ordered[i : i + size] for i in range(0, len(ordered), size)]
        futures = [self._in_worker([(p.title, p.paragraphs) for p in chunk]) for chunk in chunks]
        results: list[Enriched | None] = []
        for chunk, outcome in zip(
            chunks, await asyncio.gather(*futures, return_exceptions=True), strict=True
        ):
            if isinstance(outcome, BaseException):
                log.error("enrichment failed for %d articles: %s", len(chunk), outcome)
                report.failed += len(chunk)
                report.errors.append(f"enrichment failed: {outcome}")
                results.extend([None] * len(chunk))
            else:
                results.extend(outcome)
        return results

    def _in_worker(self, texts: list[tuple[str, tuple[str, ...]]]) -> asyncio.Future[list[Enriched]]:
        """Enrich these (title, paragraphs) in a worker process, with this instance's model settings."""
        return asyncio.get_running_loop().run_in_executor(
            self._executor,
            enrich_in_worker,
            texts,
            self.settings.embedding_precision,
            self.settings.embedding_max_tokens,
            self._threads_per_worker,
        )

    def _place_all(
        self,
        ordered: Sequence[PendingArticle],
        enriched: Sequence[Enriched | None],
        report: UnderstandingReport,
    ) -> None:
        index = self._ensure_index()
        for article, features in zip(ordered, enriched, strict=True):
            if features is None:
                continue
            try:
                self._place(index, article, features, report)
            except Exception as exc:  # one article's failure must not stop the others; it is retried later
                log.exception("could not place article %s", article.id)
                report.failed += 1
                report.errors.append(f"{article.id}: {exc}")

    def _place(
        self, index: VectorIndex, article: PendingArticle, enriched: Enriched, report: UnderstandingReport
    ) -> None:
        store = self.store
        signal = ArticleSignal(
            id=article.id,
            vector=enriched.vector,
            terms=self._weighted_terms(enriched, counted=False),
            published=article.published,
            publisher_id=article.publisher_id,
        )

        copy_origin, replaces_origin, copy_story = self._find_copy_group(article, enriched)
        neighbours = self._neighbours(index, signal)

        story_id: int | None = copy_story
        merges: tuple[int, ...] = ()
        if copy_origin is not None or replaces_origin is not None:
            report.copies += 1
            signal = replace(signal, copy_of=copy_origin)
        if story_id is None:
            candidate_ids = sorted({n.story_id for n in neighbours if n.story_id is not None})
            profiles = store.stories.profiles(candidate_ids)
            best, _score = choose_story(signal, profiles.values())
            if best is not None:
                story_id = best.id
                grown = profile_with(best, signal)
                merges = tuple(stories_to_merge(grown, [p for p in profiles.values() if p.id != best.id]))
        origin = copy_origin or replaces_origin
        same_text: set[str] = set()
        if origin is not None:
            # The whole copy group, including the origin this article may displace: none of it is "related".
            same_text = {origin, *(a.id for a in store.stories.copies(origin))}
            neighbours = [
                n for n in neighbours if n.id not in same_text and (n.copy_of or "") not in same_text
            ]
        related = rank_related(signal, neighbours, limit=self.settings.related_articles)
        placement = Placement(
            signal=signal,
            time=article.time,
            title=article.title,
            features=_new_features(article.id, enriched, signal.terms),
            entities=_entity_refs(enriched),
            copy_origin=copy_origin,
            replaces_origin=replaces_origin,
            story_id=story_id,
            merge_story_ids=merges,
            related=related,
            reciprocal=related,
            same_text=tuple(sorted(same_text)),
            section=article.section or enriched.section_guess,
            summary=enriched.summary,
        )
        result = store.stories.place(placement)
        if story_id is None:
            report.new_stories += 1
        else:
            report.joined_stories += 1
        report.merges += len(result.merged)
        report.understood += 1
        index.add(np.array([result.key], dtype=np.int64), enriched.vector[None, :])
        self._unsaved += 1

    def _weighted_terms(self, enriched: Enriched, *, counted: bool) -> dict[str, float]:
        """The article's names as IDF-weighted clustering terms. ``counted``: the article already has
        features, so the understood-article total includes it."""
        terms = name_terms({key: count for key, _name, _kind, count in enriched.entities})
        frequency, total = self.store.features.term_frequency(list(terms))
        return term_weights(terms, frequency, total if counted else total + 1)

    def _find_copy_group(
        self, article: PendingArticle, enriched: Enriched
    ) -> tuple[str | None, str | None, int | None]:
        """(origin it copies, origin it displaces as the older telling, the group's story). A match may be
        another reprint of the group: the origin's own time, read from the database, decides which came
        first, never the reprint's."""
        store = self.store
        origin_ids: set[str] = set()
        if article.content_hash:
            same = [i for i in store.articles.ids_with_hash(article.content_hash) if i != article.id]
            origin_ids.update(found.copy_of or found.id for found in store.articles.many(same))
        if enriched.near_dup is not None and enriched.bands:
            mine = NearDupSignature.from_bytes(enriched.near_dup)
            for candidate in store.features.copy_candidates(enriched.bands, exclude_id=article.id):
                if not candidate.copy_locked and is_copy(
                    mine, NearDupSignature.from_bytes(candidate.near_dup)
                ):
                    origin_ids.add(candidate.copy_of or candidate.article_id)
        # Another telling may already name this article as its origin (it was stored first and placed
        # before this one): the article is then that group's origin, never a copy of itself.
        origin_ids.discard(article.id)
        origins = store.articles.many(sorted(origin_ids))
        if not origins:
            return None, None, None
        origin = min(origins, key=lambda a: (a.published_at or a.fetched_at, a.id))
        if article.time < (origin.published_at or origin.fetched_at):
            return None, origin.id, origin.story_id
        return origin.id, None, origin.story_id

    def _neighbours(self, index: VectorIndex, signal: ArticleSignal) -> list[ArticleSignal]:
        found = index.search(signal.vector, NEIGHBOURS)
        ids = self.store.features.ids_for_keys([key for key, _ in found])
        signals = self.store.features.signals([ids[key] for key, _ in found if key in ids])
        return [s for s in signals.values() if s.id != signal.id]

    async def refresh_features(self, article_id: str) -> bool:
        """New text for a known article (an update): new embedding, names and signature; its story, copy
        group and related lists stay as they are, so an update never shuffles the site."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            return False
        (enriched,) = await self._in_worker([(article.title, article.paragraphs)])
        terms = await asyncio.to_thread(self._weighted_terms, enriched, counted=True)
        await asyncio.to_thread(
            self.store.stories.replace_features,
            _new_features(article.id, enriched, terms),
            _entity_refs(enriched),
            enriched.summary,
        )
        return True

    async def backfill(self, limit: int = 10_000, batch: int = 64) -> UnderstandingReport:
        """Understand stored articles that have no features yet (stored before understanding existed, or
        when it failed), oldest first."""
        total = UnderstandingReport()
        done = 0
        while done < limit:
            ids = await asyncio.to_thread(self.store.features.without_features, min(batch, limit - done))
            if not ids:
                break
            articles = await asyncio.to_thread(self.store.articles.many, ids)
            hashes = await asyncio.to_thread(self.store.articles.content_hashes, ids)
            pending = [pending_from_article(a, hashes.get(a.id, "")) for a in articles]
            report = await self.understand(pending)
            total.absorb(report)
            done += len(ids)
            if report.understood == 0:
                break  # every one failed: stop rather than loop over the same articles
        await asyncio.to_thread(self.save_index)
        return total

    async def backfill_summaries(self, limit: int = 100_000, batch: int = 64) -> int:
        """Choose summaries for stored articles that have none (understood before summaries existed),
        oldest first, in the worker processes. Returns how many were stored."""
        stored = 0
        done = 0
        while done < limit:
            ids = await asyncio.to_thread(self.store.summaries.without_summary, min(batch, limit - done))
            if not ids:
                break
            articles = await asyncio.to_thread(self.store.articles.many, ids)
            summaries = await asyncio.get_running_loop().run_in_executor(
                self._executor,
                summarize_in_worker,
                [a.paragraphs for a in articles],
                self.settings.embedding_precision,
                self.settings.embedding_max_tokens,
                self._threads_per_worker,
            )
            for article, summary in zip(articles, summaries, strict=True):
                stored += await asyncio.to_thread(self.store.summaries.put, article.id, summary)
            done += len(ids)
        return stored


def _entity_refs(enriched: Enriched) -> list[tuple[EntityRef, int]]:
    return [(EntityRef(key, name, kind), count) for key, name, kind, count in enriched.entities]


def _new_features(article_id: str, enriched: Enriched, terms: dict[str, float]) -> NewFeatures:
    return NewFeatures(
        article_id=article_id,
        model=MODEL_NAME,
        vector=enriched.vector,
        terms=terms,
        near_dup=enriched.near_dup,
        bands=enriched.bands,
        section_guess=enriched.section_guess,
    )


def enrich_in_worker(
    texts: Sequence[tuple[str, tuple[str, ...]]], precision: str, max_tokens: int, threads: int | None = None
) -> list[Enriched]:
    """Runs in a worker process (module level, picklable): the model is loaded there once and reused."""
    embedder = load_embedder(precision, max_tokens, threads)
    vectors = embedder.embed([passage_text(title, paragraphs) for title, paragraphs in texts])
    prototypes = _prototypes(precision, max_tokens, threads)
    summaries = _summaries(embedder, [paragraphs for _title, paragraphs in texts])
    out: list[Enriched] = []
    for (title, paragraphs), vector, summary in zip(texts, vectors, summaries, strict=True):
        entities = extract_entities(title, paragraphs, limit=25)
        signature = near_dup_signature("\n".join(paragraphs))
        section, _score = classify_section(vector, prototypes)
        out.append(
            Enriched(
                vector=np.asarray(vector, dtype=np.float32),
                entities=tuple((e.key, e.name, e.kind, e.count) for e in entities),
                near_dup=signature.to_bytes() if signature is not None else None,
                bands=tuple(band_keys(signature)) if signature is not None else (),
                section_guess=section,
                summary=summary,
            )
        )
    return out


def summarize_in_worker(
    texts: Sequence[Sequence[str]], precision: str, max_tokens: int, threads: int | None = None
) -> list[Summary]:
    """Summaries alone, for articles understood before summaries existed (runs in a worker process)."""
    return _summaries(load_embedder(precision, max_tokens, threads), texts)


def _summaries(embedder: Embedder, texts: Sequence[Sequence[str]]) -> list[Summary]:
    """Each article's summary and key points, from its sentences' embeddings: all the batch's sentences
    go through the model together, which keeps its batches full."""
    split = [split_sentences(paragraphs) for paragraphs in texts]
    everything = [sentence.text for sentences in split for sentence in sentences]
    vectors = embed_sentences(embedder, everything) if everything else np.zeros((0, 1), dtype=np.float32)
    out: list[Summary] = []
    start = 0
    for sentences in split:
        out.append(choose_summary(sentences, vectors[start : start + len(sentences)]))
        start += len(sentences)
    return out


@functools.lru_cache(maxsize=4)
def _prototypes(precision: str, max_tokens: int, threads: int | None) -> np.ndarray:
    """Section descriptions embedded once per worker process."""
    return section_prototypes(load_embedder(precision, max_tokens, threads))
