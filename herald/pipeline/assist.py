"""The AI tools of an article, as the site and the JSON API offer them: the one place that decides what to
read from the store, which pure tool to run and what to keep.

Everything works offline: summaries are chosen at ingest (or on first request for older articles) and
answers, the story so far and the coverage comparison are computed from stored articles. With a language
model configured, summaries, answers, plain retellings and translations are generated from the same sentences,
kept per article and model, and any failure of the model (down, slow, garbage) falls back to the extractive
result, or for the tools that only exist with a model, to a message the reader can act on.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

import numpy as np

from herald.ai import (
    LANGUAGES,
    Answer,
    CoverageComparison,
    EarlierStory,
    LanguageModel,
    Passage,
    Rewrite,
    Sentence,
    StorySoFar,
    Summary,
    answer_question,
    choose_summary,
    clean_question,
    compare_coverage,
    embed_sentences,
    grounded,
    language_name,
    linked_earlier_stories,
    split_sentences,
    story_so_far,
)
from herald.config import Settings
from herald.enrich import Embedder, load_embedder
from herald.errors import AssistantError, LanguageModelError
from herald.models import Article, EntityRef, Story
from herald.store import Store
from herald.translation import N_

log = logging.getLogger(__name__)

STORY_ARTICLES = 60  # articles of a story read for the timeline and the comparison
ASK_ARTICLES = 6  # other articles of the story whose sentences may answer a question
ENTITIES = 24
EARLIER_CANDIDATE_NAMES = 3
SUMMARY_INPUT_SENTENCES = 60  # sentences a language model is given to summarise (the head of a long article)
TRANSLATE_CHUNKS = 6  # at about 3,000 characters each: a long article is translated in part
_SENTENCE_CACHE = 256  # articles whose sentence vectors stay in memory for follow-up questions

NO_MODEL = N_("This tool needs a language model, and none is set up on this site.")
UNKNOWN_LANGUAGE = N_("Herald cannot translate into that language.")
EMPTY_ARTICLE = N_("This article has no text to work with.")


@dataclass(frozen=True, slots=True)
class Names:
    """The article's names by kind, most salient first, each a link to its page."""

    people: tuple[EntityRef, ...]
    places: tuple[EntityRef, ...]
    organisations: tuple[EntityRef, ...]
    other: tuple[EntityRef, ...]


@dataclass(frozen=True, slots=True)
class Panel:
    """Everything the AI panel shows at once; ask, explain and translate are asked for separately."""

    article: Article
    summary: Summary
    names: Names
    story: Story | None
    story_so_far: StorySoFar | None  # when the story has more than one telling
    coverage: CoverageComparison | None  # when more than one outlet reported it
    model: str  # the language model's name; "" when the tools are extractive only
    languages: tuple[tuple[str, str], ...]  # (code, name) a translation can be asked in; () without a model

    @property
    def generative(self) -> bool:
        return bool(self.model)


def language_model_from(settings: Settings) -> LanguageModel | None:
    if not settings.llm_base_url:
        return None
    return LanguageModel(
        settings.llm_base_url,
        settings.llm_model,
        api_key=settings.llm_api_key,
        timeout_seconds=settings.llm_timeout_seconds,
        max_tokens=settings.llm_max_tokens,
    )


class ArticleTools:
    """One per process, shared by the site and the API. The embedder is loaded on the first question or the
    first summary of an article stored before summaries existed, never at start-up."""

    def __init__(self, settings: Settings, store: Store, language_model: LanguageModel | None = None) -> None:
        self.settings = settings
        self.store = store
        self.language_model = language_model
        self._embed_lock = threading.Lock()
        self._sentences: OrderedDict[str, tuple[list[Sentence], np.ndarray]] = OrderedDict()
        self._cache_lock = threading.Lock()
        self._inflight: dict[tuple[str, ...], asyncio.Future[Any]] = {}

    @property
    def model(self) -> str:
        return self.language_model.name if self.language_model is not None else ""

    @property
    def languages(self) -> tuple[tuple[str, str], ...]:
        return tuple(sorted(LANGUAGES.items(), key=lambda item: item[1])) if self.language_model else ()

    async def aclose(self) -> None:
        if self.language_model is not None:
            await self.language_model.aclose()

    # What every reader gets ---------------------------------------------------------------------------------

    async def panel(self, article_id: str) -> Panel | None:
        return await asyncio.to_thread(self._panel, article_id)

    def _panel(self, article_id: str) -> Panel | None:
        article = self.store.articles.get(article_id)
        if article is None:
            return None
        summary = self._stored_summary(article)
        if self.language_model is not None:
            cached = self.store.summaries.generated(article.id, "summary", self.model)
            if cached is not None:
                summary = _generated_summary(summary, cached)
        story, members = self._story(article)
        timeline = coverage = None
        if story is not None and len(members) > 1:
            timeline = self._story_so_far(article, story, members, since=None)
            if len({a.publisher_id for a in members}) > 1:
                coverage = compare_coverage(members, story_id=story.id)
        return Panel(
            article=article,
            summary=summary,
            names=_names(self.store.entities.for_article(article.id, ENTITIES)),
            story=story,
            story_so_far=timeline,
            coverage=coverage,
            model=self.model,
            languages=self.languages,
        )

    async def summary(self, article_id: str) -> Summary | None:
        """The stored summary, or with a language model its summary (generated once, then kept)."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            return None
        extractive = await asyncio.to_thread(self._stored_summary, article)
        if self.language_model is None or not extractive.sentences:
            return extractive
        try:
            content = await self._generated(article.id, "summary", "", lambda: self._write_summary(article))
        except LanguageModelError:
            return extractive
        return _generated_summary(extractive, content)

    async def story_so_far(self, article_id: str, since: datetime | None) -> StorySoFar | None:
        def load() -> StorySoFar | None:
            article = self.store.articles.get(article_id)
            if article is None:
                return None
            story, members = self._story(article)
            return self._story_so_far(article, story, members, since=since)

        return await asyncio.to_thread(load)

    async def coverage(self, article_id: str) -> CoverageComparison | None:
        def load() -> CoverageComparison | None:
            article = self.store.articles.get(article_id)
            if article is None:
                return None
            story, members = self._story(article)
            return compare_coverage(members or [article], story_id=story.id if story else None)

        return await asyncio.to_thread(load)

    async def ask(self, article_id: str, question: str) -> Answer | None:
        """Quotes from the article and its story that answer the question; with a language model, also its
        answer written from those quotes (or the quotes alone when it fails)."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            return None
        question = clean_question(question)
        answer = await asyncio.to_thread(self._extractive_answer, article, question)
        if self.language_model is None or not answer.quotes or not answer.question:
            return answer
        variant = hashlib.blake2b(answer.question.casefold().encode(), digest_size=16).hexdigest()
        try:
            content = await self._generated(article.id, "answer", variant, lambda: self._write_answer(answer))
        except LanguageModelError:
            return answer
        if not content.get("answered", True):
            return replace(answer, answered=False, message="The sources do not answer that question.")
        return replace(answer, answered=True, generated=str(content["text"]), model=self.model)

    # What only a language model can do ---------------------------------------------------------------------

    async def explain(self, article_id: str) -> Rewrite | None:
        """The article in plain words. Raises AssistantError (with a message for the reader) without a model
        or when it fails."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            return None
        model = self._require_model()
        if not article.paragraphs:
            raise AssistantError(EMPTY_ARTICLE)

        async def write() -> dict[str, Any]:
            reply = await model.chat(
                grounded.simple_messages(article.title, grounded.clip_text(article.paragraphs))
            )
            return {"title": article.title, "paragraphs": list(grounded.parse_rewrite(reply))}

        content = await self._generated(article.id, "simple", "", write)
        return Rewrite(
            kind="simple",
            language=article.language or "en",
            title=str(content["title"]),
            paragraphs=tuple(content["paragraphs"]),
            model=self.model,
        )

    async def translate(self, article_id: str, language: str) -> Rewrite | None:
        """The article in another language, chunk by chunk. Raises AssistantError as ``explain`` does."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            return None
        model = self._require_model()
        code = language.strip().lower().split("-")[0].split("_")[0]
        name = language_name(code)
        if name is None:
            raise AssistantError(UNKNOWN_LANGUAGE)
        if not article.paragraphs:
            raise AssistantError(EMPTY_ARTICLE)

        async def write() -> dict[str, Any]:
            chunks = grounded.chunk_paragraphs(article.paragraphs)[:TRANSLATE_CHUNKS]
            title = ""
            paragraphs: list[str] = []
            for chunk in chunks:
                reply = await model.chat(grounded.translate_messages(article.title, chunk, name))
                chunk_title, chunk_paragraphs = grounded.parse_translation(reply)
                title = title or chunk_title
                paragraphs.extend(chunk_paragraphs)
            return {"title": title or article.title, "paragraphs": paragraphs}

        content = await self._generated(article.id, "translate", code, write)
        return Rewrite(
            kind="translation",
            language=code,
            title=str(content["title"]),
            paragraphs=tuple(content["paragraphs"]),
            model=self.model,
        )

    def _require_model(self) -> LanguageModel:
        if self.language_model is None:
            raise AssistantError(NO_MODEL)
        return self.language_model

    # Summaries ----------------------------------------------------------------------------------------------

    def _stored_summary(self, article: Article) -> Summary:
        """The summary chosen at ingest; an article stored before summaries existed gets one now, kept."""
        found = self.store.summaries.get(article.id)
        if found is not None:
            return found
        sentences, vectors = self._sentence_vectors(article)
        summary = choose_summary(sentences, vectors)
        self.store.summaries.put(article.id, summary)
        return summary

    async def _write_summary(self, article: Article) -> dict[str, Any]:
        model = self._require_model()
        sentences, _vectors = await asyncio.to_thread(self._sentence_vectors, article)
        texts = [s.text for s in sentences[:SUMMARY_INPUT_SENTENCES]]
        result = grounded.parse_summary(
            await model.chat(grounded.summary_messages(article.title, texts)), len(texts)
        )
        return {"text": result.text, "cited": [texts[i - 1] for i in result.citations], "model": model.name}

    async def _write_answer(self, answer: Answer) -> dict[str, Any]:
        model = self._require_model()
        quotes = [f"{q.publisher_name}: {q.text}" for q in answer.quotes]
        result = grounded.parse_answer(
            await model.chat(grounded.answer_messages(answer.question, quotes)), len(quotes)
        )
        return {"answered": result.answered, "text": result.text}

    # Questions ----------------------------------------------------------------------------------------------

    def _extractive_answer(self, article: Article, question: str) -> Answer:
        if not question.strip():
            return answer_question(question, np.zeros(1, dtype=np.float32), [])
        question_vector = self._embed([question])[0]
        _story, members = self._story(article)
        others = self._closest_tellings(article, members, question_vector)
        passages: list[Passage] = []
        for source in (article, *others):
            sentences, vectors = self._sentence_vectors(source)
            passages.extend(
                Passage(
                    article_id=source.id,
                    publisher_name=source.publisher_name,
                    title=source.title,
                    time=source.published_at or source.fetched_at,
                    sentence=sentence,
                    vector=vector,
                )
                for sentence, vector in zip(sentences, vectors, strict=True)
            )
        return answer_question(question, question_vector, passages)

    def _closest_tellings(
        self, article: Article, members: Sequence[Article], question_vector: np.ndarray
    ) -> list[Article]:
        """The story's other tellings (no reprints of the article's own text) closest to the question."""
        own_text = article.copy_of or article.id
        others = [a for a in members if a.id != article.id and (a.copy_of or a.id) != own_text]
        if len(others) <= ASK_ARTICLES:
            return others
        signals = self.store.features.signals([a.id for a in others])
        scored = [
            (float(signals[a.id].vector @ question_vector) if a.id in signals else -1.0, a.id, a)
            for a in others
        ]
        return [a for _score, _id, a in sorted(scored, key=lambda s: (-s[0], s[1]))[:ASK_ARTICLES]]

    def _sentence_vectors(self, article: Article) -> tuple[list[Sentence], np.ndarray]:
        with self._cache_lock:
            found = self._sentences.get(article.id)
            if found is not None:
                self._sentences.move_to_end(article.id)
                return found
        sentences = split_sentences(article.paragraphs)
        vectors = self._embed([s.text for s in sentences]) if sentences else np.zeros((0, 1), np.float32)
        with self._cache_lock:
            self._sentences[article.id] = (sentences, vectors)
            while len(self._sentences) > _SENTENCE_CACHE:
                self._sentences.popitem(last=False)
        return sentences, vectors

    def _embed(self, texts: Sequence[str]) -> np.ndarray:
        with self._embed_lock:
            embedder: Embedder = load_embedder(
                self.settings.embedding_precision, self.settings.embedding_max_tokens
            )
            return np.asarray(embed_sentences(embedder, texts), dtype=np.float32)

    # Stories ------------------------------------------------------------------------------------------------

    def _story(self, article: Article) -> tuple[Story | None, list[Article]]:
        if article.story_id is None:
            return None, [article]
        story = self.store.stories.get(article.story_id)
        if story is None:
            return None, [article]
        members = self.store.stories.articles(story.id, STORY_ARTICLES)
        if all(m.id != article.id for m in members):
            members.append(article)
        return story, members

    def _story_so_far(
        self, article: Article, story: Story | None, members: Sequence[Article], *, since: datetime | None
    ) -> StorySoFar:
        summaries = self.store.summaries.many([a.id for a in members])
        gists = {key: s.sentences[0] for key, s in summaries.items() if s.sentences}
        earlier: tuple[EarlierStory, ...] = ()
        if story is not None:
            candidates: dict[int, Story] = {}
            for entity in self.store.entities.for_article(article.id, EARLIER_CANDIDATE_NAMES):
                for found in self.store.stories.for_entity(entity.key, limit=10):
                    candidates.setdefault(found.id, found)
            earlier = linked_earlier_stories(
                story.first_published, list(candidates.values()), exclude_story_id=story.id
            )
        return story_so_far(
            article,
            members,
            story_id=story.id if story else None,
            gists=gists,
            earlier=earlier,
            since=since,
        )

    # The language model's results: generated once per article, model and variant ---------------------------

    async def _generated(
        self, article_id: str, tool: str, variant: str, write: Callable[[], Awaitable[dict[str, Any]]]
    ) -> dict[str, Any]:
        """A stored result, or a new one written now. Readers asking for the same text at once share one
        call; a failure is not kept, so the next reader tries again."""
        model = self.model
        cached = await asyncio.to_thread(self.store.summaries.generated, article_id, tool, model, variant)
        if cached is not None:
            return cached
        key = (article_id, tool, model, variant)
        running = self._inflight.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[dict[str, Any]] = asyncio.get_running_loop().create_future()
        self._inflight[key] = future
        try:
            content = await write()
            await asyncio.to_thread(
                self.store.summaries.put_generated, article_id, tool, model, variant, content
            )
            future.set_result(content)
            return content
        except LanguageModelError as exc:
            log.warning("language model %s failed on %s for %s: %s", model, tool, article_id, exc)
            future.set_exception(exc)
            raise
        except Exception as exc:
            future.set_exception(exc)
            raise
        finally:
            self._inflight.pop(key, None)
            if future.done() and not future.cancelled():
                future.exception()  # retrieved: nobody else waiting must not log "never retrieved"


def _generated_summary(extractive: Summary, content: dict[str, Any]) -> Summary:
    cited = tuple(str(s) for s in content.get("cited", ())) or extractive.sentences
    return Summary(
        sentences=cited,
        key_points=extractive.key_points,
        method=str(content.get("model", "")) or "generated",
        generated=str(content.get("text", "")),
    )


def _names(entities: Sequence[EntityRef]) -> Names:
    groups: dict[str, list[EntityRef]] = {"person": [], "place": [], "organisation": [], "other": []}
    for entity in entities:
        kind = entity.kind.lower()
        key = {"organization": "organisation", "org": "organisation", "location": "place"}.get(kind, kind)
        groups.get(key, groups["other"]).append(entity)
    return Names(
        people=tuple(groups["person"]),
        places=tuple(groups["place"]),
        organisations=tuple(groups["organisation"]),
        other=tuple(groups["other"]),
    )
