"""An article's AI tools as JSON: the panel, the summary, answers, the story so far, the coverage, and with a
language model the plain retelling and translations.

Every endpoint reads through ArticleTools, the same object the site's panel uses, so an app and a page
never disagree about an article. Ids that cannot be an article's are turned away before the store is asked.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from herald.api.problems import problem_responses
from herald.api.schemas import AnswerOut, CoverageOut, PanelOut, RewriteOut, StorySoFarOut, SummaryOut
from herald.errors import AssistantError
from herald.pipeline import ArticleTools

PREFIX = "/api/v1"
ARTICLE_ID_PATTERN = r"^[0-9a-f]{32}$"
MAX_QUESTION_CHARS = 2000  # accepted; the tool itself keeps the first 300 characters or so
MAX_LANGUAGE_CHARS = 35  # the longest BCP 47 tag worth reading

SHARED_CACHE = "public, max-age=60"  # the same for every reader; the panel changes as the story grows
PRIVATE_CACHE = "private, max-age=300"  # a reader's own question, not for shared caches

UNKNOWN_ARTICLE = "No article has that id."
INVALID_SINCE = "since must be a date (YYYY-MM-DD) or an ISO 8601 date and time."
UNOFFERED_LANGUAGE = "Herald cannot translate into that language; the panel lists the languages it offers."

_ARTICLE_ID = re.compile(ARTICLE_ID_PATTERN)

_ArticleId = Annotated[
    str,
    Path(
        description="The article's id: 32 lowercase hex digits, as in the site's /article/<id>.",
        json_schema_extra={"pattern": ARTICLE_ID_PATTERN},
        examples=["0123456789abcdef0123456789abcdef"],
    ),
]


def _known_shape(article_id: _ArticleId) -> str:
    """The id, checked here rather than by the path's pattern: a malformed id is a page that does not exist
    (404), not a malformed request (422), and the store is not asked about it."""
    if not _ARTICLE_ID.fullmatch(article_id):
        raise HTTPException(404, UNKNOWN_ARTICLE)
    return article_id


_ValidId = Annotated[str, Depends(_known_shape)]

_Found = TypeVar("_Found")


def _found(value: _Found | None, response: Response, cache: str = SHARED_CACHE) -> _Found:
    """The tool's value for the reply, cached as `cache` says; a tool's None means no article has the id."""
    if value is None:
        raise HTTPException(404, UNKNOWN_ARTICLE)
    response.headers["Cache-Control"] = cache
    return value


def create_api(tools: ArticleTools) -> APIRouter:
    """The API's routes over one ArticleTools (the process's, shared with the site)."""
    router = APIRouter(prefix=PREFIX, tags=["articles"])
    not_found = problem_responses(404)
    invalid = problem_responses(404, 422)

    @router.get(
        "/articles/{article_id}/ai",
        summary="An article's AI panel",
        description=(
            "Everything the article's AI panel shows at once: its summary and key points, the names it "
            "mentions, its story, the story so far and a comparison of the coverage (when the story has "
            "them), the language model if one is set, and which tools are available. Asking a question, "
            "the plain retelling and translations are separate requests."
        ),
        response_model=PanelOut,
        responses=not_found,
        operation_id="getArticlePanel",
    )
    async def panel(article_id: _ValidId, response: Response) -> PanelOut:
        return PanelOut.of(_found(await tools.panel(article_id), response))

    @router.get(
        "/articles/{article_id}/summary",
        summary="An article's summary",
        description=(
            "The article's summary and key points. With a language model set, its summary is generated "
            "once from the article's sentences (`generated`, citing `sentences`) and kept; without one, "
            "or when the model fails, the summary is extractive: sentences chosen from the article."
        ),
        response_model=SummaryOut,
        responses=not_found,
        operation_id="getArticleSummary",
    )
    async def summary(article_id: _ValidId, response: Response) -> SummaryOut:
        return SummaryOut.model_validate(_found(await tools.summary(article_id), response))

    @router.get(
        "/articles/{article_id}/ask",
        summary="Ask a question about an article",
        description=(
            "Quotes from the article and the other tellings of its story that answer the question, most "
            "relevant first; with a language model set, also its answer written from those quotes. When the "
            "sources do not answer, `answered` is false and `message` says so."
        ),
        response_model=AnswerOut,
        responses=invalid,
        operation_id="askArticle",
    )
    async def ask(
        article_id: _ValidId,
        response: Response,
        q: Annotated[
            str,
            Query(
                max_length=MAX_QUESTION_CHARS,
                description="The reader's question; only its first 300 characters or so are used.",
                examples=["When do the ferries run again?"],
            ),
        ],
    ) -> AnswerOut:
        return AnswerOut.model_validate(_found(await tools.ask(article_id, q), response, PRIVATE_CACHE))

    @router.get(
        "/articles/{article_id}/story-so-far",
        summary="The story so far",
        description=(
            "The tellings of the article's story, oldest first and one per text (reprints left out), each "
            "with what it added, and linked earlier stories. With `since`, `new_since` lists what came "
            "after that time."
        ),
        response_model=StorySoFarOut,
        responses=problem_responses(400, 404),
        operation_id="getStorySoFar",
    )
    async def story_so_far(
        article_id: _ValidId,
        response: Response,
        since: Annotated[
            str | None,
            Query(
                description="A date (YYYY-MM-DD, from its midnight UTC) or an ISO 8601 date and time; a time "
                "without an offset is taken as UTC.",
                examples=["2024-05-01", "2024-05-01T09:30:00Z"],
            ),
        ] = None,
    ) -> StorySoFarOut:
        found = await tools.story_so_far(article_id, _parse_since(since) if since is not None else None)
        return StorySoFarOut.model_validate(_found(found, response))

    @router.get(
        "/articles/{article_id}/coverage",
        summary="How outlets covered the article's story",
        description=(
            "Each outlet that reported the story, first reporter first, with the facts (numbers, names, "
            "quotes) only it reported, and the facts every outlet with its own telling shares."
        ),
        response_model=CoverageOut,
        responses=not_found,
        operation_id="getCoverage",
    )
    async def coverage(article_id: _ValidId, response: Response) -> CoverageOut:
        return CoverageOut.model_validate(_found(await tools.coverage(article_id), response))

    @router.get(
        "/articles/{article_id}/simple",
        summary="The article in plain words",
        description=(
            "The article retold by the language model in short, plain sentences, generated once and kept. "
            "Without a language model, or when it fails, the answer is 503 with a message for the reader."
        ),
        response_model=RewriteOut,
        responses=problem_responses(404, 503),
        operation_id="getSimpleArticle",
    )
    async def simple(article_id: _ValidId, response: Response) -> RewriteOut:
        try:
            found = await tools.explain(article_id)
        except AssistantError as exc:
            raise HTTPException(503, str(exc)) from exc
        return RewriteOut.of(article_id, _found(found, response))

    @router.get(
        "/articles/{article_id}/translate",
        summary="The article in another language",
        description=(
            "The article translated by the language model, generated once per language and kept; the "
            "panel's `languages` lists those offered. Without a language model, or when it fails, the "
            "answer is 503 with a message for the reader."
        ),
        response_model=RewriteOut,
        responses=problem_responses(400, 404, 422, 503),
        operation_id="translateArticle",
    )
    async def translate(
        article_id: _ValidId,
        response: Response,
        lang: Annotated[
            str,
            Query(
                min_length=2,
                max_length=MAX_LANGUAGE_CHARS,
                pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
                description="The language to translate into, as a BCP 47 tag; only its primary code counts.",
                examples=["es", "pt-BR"],
            ),
        ],
    ) -> RewriteOut:
        try:
            found = await tools.translate(article_id, lang)
        except AssistantError as exc:
            # With a model, the only refusal that is the request's fault is a language not offered.
            if tools.languages and _primary_language(lang) not in dict(tools.languages):
                raise HTTPException(400, UNOFFERED_LANGUAGE) from exc
            raise HTTPException(503, str(exc)) from exc
        return RewriteOut.of(article_id, _found(found, response))

    return router


def _parse_since(text: str) -> datetime:
    """A date or a date and time as UTC; 400 for anything else."""
    try:
        moment = datetime.fromisoformat(text.strip())  # a bare date is its midnight
        return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    except (ValueError, OverflowError):
        raise HTTPException(400, INVALID_SINCE) from None


def _primary_language(tag: str) -> str:
    return tag.strip().lower().replace("_", "-").split("-", 1)[0]
