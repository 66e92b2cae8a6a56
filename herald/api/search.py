"""Search for apps: the site's search page as JSON, through the same Search service, so an app and the page
find the same stories in the same order.

Results are stories (a story's best-matching article, with how many of its other articles matched) or lone
articles, paged with an opaque cursor. The matched words come back as character offsets into the headline
and the excerpt, so an app marks them without searching the text again.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Literal, cast

from fastapi import APIRouter, HTTPException, Query, Response
from pydantic import BaseModel, ConfigDict, Field

from herald.api.articles import PREFIX
from herald.api.paging import PageQuery, encode_cursor
from herald.api.problems import problem_responses
from herald.api.reader_schemas import ArticleOut, Page
from herald.api.schemas import StoryOut
from herald.pipeline.search import MAX_QUERY_CHARS, Search, SearchGroup, match_spans
from herald.store.search import SearchFilters

SHARED_CACHE = "public, max-age=60"  # the same for everyone; new articles arrive by the minute
MAX_SECTION_CHARS = 50
MAX_SLUG_CHARS = 200

DATES_REVERSED = "from is after to: send the earlier date as from."
NO_PUBLISHER = "No publisher has that slug; GET /api/v1/publishers lists them."

Mode = Literal["hybrid", "text", "semantic"]
Span = Annotated[list[int], Field(min_length=2, max_length=2, examples=[[0, 5]])]


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class SearchResultOut(_Out):
    article: ArticleOut = Field(description="The story's best match, or an article in no story.")
    story: StoryOut | None = Field(description="The article's story; null when it is in none.")
    more_in_story: int = Field(description="How many other articles of the story matched too.")
    excerpt: str = Field(description="The passage where the words matched, else the article's opening.")
    title_highlights: list[Span] = Field(
        description="[start, end) of each matched word in the article's title, in Unicode code points."
    )
    excerpt_highlights: list[Span] = Field(
        description="[start, end) of each matched word in `excerpt`, in Unicode code points."
    )

    @classmethod
    def of(cls, group: SearchGroup, terms: tuple[str, ...], prefix: str | None) -> "SearchResultOut":
        return cls(
            article=ArticleOut.of(group.article),
            story=StoryOut.model_validate(group.story) if group.story is not None else None,
            more_in_story=group.more,
            excerpt=group.excerpt,
            title_highlights=[list(s) for s in match_spans(group.article.title, terms, prefix)],
            excerpt_highlights=[list(s) for s in match_spans(group.excerpt, terms, prefix)],
        )


class SearchOut(Page):
    model_config = ConfigDict(
        frozen=True,
        json_schema_extra={
            "examples": [
                {
                    "query": "ferry strike",
                    "mode": "hybrid",
                    "used": "hybrid",
                    "terms": ["ferry", "strike"],
                    "total": 1,
                    "total_exact": True,
                    "note": "",
                    "items": [
                        {
                            "article": {
                                "id": "0123456789abcdef0123456789abcdef",
                                "title": "Ferry strike ends as crews accept a new pay offer",
                                "publisher_id": 1,
                                "publisher_name": "The Harbour Courier",
                                "published_at": "2024-05-01T09:30:00Z",
                                "fetched_at": "2024-05-01T09:41:00Z",
                                "excerpt": "PORT ALDER — Ferry strike ends as crews accept a new pay offer.",
                                "section": "World",
                                "language": "en",
                                "image_url": None,
                                "original_url": "https://courier.example/world/ferry-strike-ends",
                                "story_id": 7,
                                "url": "/article/0123456789abcdef0123456789abcdef",
                            },
                            "story": {
                                "id": 7,
                                "title": "Ferry strike ends as crews accept a new pay offer",
                                "article_count": 5,
                                "publisher_count": 4,
                                "url": "/story/7",
                            },
                            "more_in_story": 2,
                            "excerpt": "PORT ALDER — Ferry strike ends as crews accept a new pay offer.",
                            "title_highlights": [[0, 5], [6, 12]],
                            "excerpt_highlights": [[13, 18], [19, 25]],
                        }
                    ],
                    "next_cursor": None,
                }
            ]
        },
    )

    query: str = Field(description="The query as searched (spaces collapsed).")
    mode: Mode = Field(description="The mode asked for.")
    used: Mode = Field(
        description="The mode that ran: `text` when meaning was asked for and the model is not available."
    )
    terms: list[str] = Field(
        description="The words searched for, folded (lower case, no accents); empty when the query held "
        "none (punctuation alone finds nothing)."
    )
    total: int = Field(description="Stories and lone articles found among the best matches.")
    total_exact: bool = Field(description="False when there were more matches than were ranked.")
    note: str = Field(
        description="A sentence for the reader when the search did not run as asked, else empty."
    )
    items: list[SearchResultOut] = Field(description="Best match first.")


_Query = Annotated[
    str,
    Query(
        min_length=1,
        max_length=MAX_QUERY_CHARS,
        description='Words to find; a "quoted phrase" is matched exactly, a -word is left out, and the last '
        "word also finds longer words it begins.",
        examples=["ferry strike"],
    ),
]
_Mode = Annotated[
    Mode,
    Query(description="`hybrid`: words and meaning; `text`: the words only; `semantic`: meaning only."),
]
_Date = Annotated[date | None, Query(description="A day, YYYY-MM-DD (UTC).", examples=["2024-05-01"])]
_Slug = Annotated[
    str | None,
    Query(max_length=MAX_SLUG_CHARS, description="A publisher's slug.", examples=["the-harbour-courier"]),
]
_Section = Annotated[str | None, Query(max_length=MAX_SECTION_CHARS, examples=["World"])]
_Language = Annotated[
    str | None,
    Query(
        pattern=r"^[a-z]{2,3}$",
        description="A primary language subtag; articles whose language is unknown are kept.",
        examples=["en"],
    ),
]


def create_search_api(
    search: Search, *, site_languages: Callable[[], tuple[str, ...]] | None = None
) -> APIRouter:
    """``search`` is the process's one Search (the site's), so the article vectors are in memory once;
    ``site_languages`` gives the languages the site shows (none: every language)."""
    router = APIRouter(prefix=PREFIX, tags=["search"])

    @router.get(
        "/search",
        summary="Search articles",
        description=(
            "Articles matching the words of `q` (in the headline or the text, case and accents ignored) "
            "and, in `hybrid` and `semantic` mode, articles about the same thing in other words; results "
            "grouped by story, best first, paged with `next_cursor`. Filters: `from` and `to` (days, both "
            "included), `publisher`, `section`, `language`."
        ),
        response_model=SearchOut,
        responses=problem_responses(400, 422),
        operation_id="search",
    )
    def search_articles(
        q: _Query,
        paging: PageQuery,
        response: Response,
        mode: _Mode = "hybrid",
        start: Annotated[
            date | None, Query(alias="from", description="The first day, YYYY-MM-DD (UTC).")
        ] = None,
        to: _Date = None,
        publisher: _Slug = None,
        section: _Section = None,
        language: _Language = None,
    ) -> SearchOut:
        if start is not None and to is not None and start > to:
            raise HTTPException(400, DATES_REVERSED)
        publisher_id = None
        if publisher:
            found = search.store.publishers.by_slug(publisher)
            if found is None:
                raise HTTPException(400, NO_PUBLISHER)
            publisher_id = found.id
        filters = SearchFilters(
            since=datetime.combine(start, time(), UTC) if start else None,
            until=datetime.combine(to, time(), UTC) + timedelta(days=1) if to and to < date.max else None,
            publisher_id=publisher_id,
            section=section or None,
            language=language,
            languages=site_languages() if site_languages is not None else (),
        )
        query = " ".join(q.split())
        results = search.search_at(query, filters, mode, offset=paging.offset, limit=paging.limit)
        response.headers["Cache-Control"] = SHARED_CACHE
        return SearchOut(
            query=results.query,
            mode=mode,
            used=cast(Mode, results.used),
            terms=list(results.terms),
            total=results.total,
            total_exact=results.exact,
            note=results.note,
            items=[SearchResultOut.of(g, results.terms, results.prefix) for g in results.groups],
            next_cursor=encode_cursor(paging.offset + paging.limit) if results.more else None,
        )

    return router
