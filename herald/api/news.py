"""Articles for apps: the newest (all, or one section's, publisher's or language's), one article with its full
text, and the articles related to it, each as the site's pages choose them.

The newest articles are paged by keyset: the cursor is the last article's time and id, so articles arriving
while an app pages back never shift a page.
"""

# No `from __future__ import annotations`: see herald/api/auth.py.

import re
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Path, Query, Response

from herald.api.articles import ARTICLE_ID_PATTERN, PREFIX, UNKNOWN_ARTICLE
from herald.api.content import Content, shared
from herald.api.content_schemas import ArticleCardOut, ArticleDetailOut, ArticlesOut, RelatedOut, article_time
from herald.api.cursors import MAX_CURSOR_CHARS, article_after, article_cursor
from herald.api.problems import problem_responses
from herald.api.schemas import NameOut
from herald.models import Article
from herald.pipeline.coverage import distinct_texts, more_on_story, text_of

DEFAULT_ARTICLES = 20
MAX_ARTICLES = 100
NAMES = 12
RELATED = 8  # as the article page
ON_STORY = 5
STORY_ARTICLES = 200

_ARTICLE_ID = re.compile(ARTICLE_ID_PATTERN)

_Limit = Annotated[int, Query(ge=1, le=MAX_ARTICLES, description=f"Articles per page, 1 to {MAX_ARTICLES}.")]
_Cursor = Annotated[
    str | None,
    Query(max_length=MAX_CURSOR_CHARS, description="The `next_cursor` of the page before; none at first."),
]
_ArticleId = Annotated[
    str,
    Path(
        max_length=64,
        description="The article's id: 32 lowercase hex digits, as in the site's /article/<id>.",
        json_schema_extra={"pattern": ARTICLE_ID_PATTERN},
        examples=["0123456789abcdef0123456789abcdef"],
    ),
]


def _known_shape(article_id: _ArticleId) -> str:
    """A malformed id is an article that does not exist (404), and the store is not asked about it."""
    if not _ARTICLE_ID.fullmatch(article_id):
        raise HTTPException(404, UNKNOWN_ARTICLE)
    return article_id


_ValidId = Annotated[str, Depends(_known_shape)]


def latest_page(
    content: Content,
    scope: str,
    cursor: str | None,
    limit: int,
    languages: tuple[str, ...] | None,
    *,
    section: str | None = None,
    publisher_id: int | None = None,
) -> tuple[list[ArticleCardOut], str | None]:
    """A page of the newest articles and the next page's cursor. ``languages`` None: the site does not show
    the language asked for, and the page is empty."""
    after = article_after(content.cursors, scope, cursor)
    if languages is None:
        return [], None
    rows = content.store.articles.latest(
        limit + 1,
        section=section,
        publisher_id=publisher_id,
        before=after[0] if after else None,
        before_id=after[1] if after else None,
        languages=languages,
    )
    shown = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        last = shown[-1]
        next_cursor = article_cursor(content.cursors, scope, article_time(last), last.id)
    return content.cards(shown), next_cursor


def create_news_api(content: Content) -> APIRouter:
    router = APIRouter(prefix=PREFIX, tags=["articles"])
    store = content.store

    def get_article(article_id: str) -> Article:
        found = store.articles.get(article_id)
        if found is None:
            raise HTTPException(404, UNKNOWN_ARTICLE)
        return found

    @router.get(
        "/articles",
        summary="The newest articles",
        description=(
            "Articles newest first, as the site's Latest page lists them, in the languages the site shows "
            "(and those whose language no one could tell). Narrow them to a section, a publisher (by slug) "
            "or a language; a filter that matches nothing gives an empty list. Page back with `next_cursor`: "
            "articles arriving meanwhile never shift a page."
        ),
        response_model=ArticlesOut,
        responses=problem_responses(400, 422),
        operation_id="listArticles",
    )
    def articles(
        response: Response,
        section: Annotated[
            str | None, Query(max_length=50, description="Only this section's articles.", examples=["World"])
        ] = None,
        publisher: Annotated[
            str | None,
            Query(
                max_length=200,
                description="Only this publisher's articles: its `slug`.",
                examples=["the-harbour-courier"],
            ),
        ] = None,
        language: Annotated[
            str | None,
            Query(
                pattern=r"^[A-Za-z]{2,3}([-_][A-Za-z0-9]{1,8})*$",
                max_length=35,
                description="Only articles in this language (BCP 47; its primary code counts), if the site "
                "shows it.",
                examples=["en"],
            ),
        ] = None,
        limit: _Limit = DEFAULT_ARTICLES,
        cursor: _Cursor = None,
    ) -> ArticlesOut:
        scope = f"articles|{section or ''}|{publisher or ''}|{language or ''}"
        languages = content.languages(language)
        publisher_id = content.slugs.publisher_id(publisher) if publisher is not None else None
        if publisher is not None and publisher_id is None:
            languages = None  # no such publisher: nothing to list, once the cursor is checked
        items, next_cursor = latest_page(
            content, scope, cursor, limit, languages, section=section, publisher_id=publisher_id
        )
        shared(response)
        return ArticlesOut(items=items, next_cursor=next_cursor)

    @router.get(
        "/articles/{article_id}",
        summary="An article",
        description=(
            "The article with its full text (plain paragraphs), its publisher, times, section, language, "
            "lead image, the names it mentions, its story and, for a reprint, the article whose text it "
            "carries. Last-Modified is when any of that last changed."
        ),
        response_model=ArticleDetailOut,
        responses=problem_responses(404),
        operation_id="getArticle",
    )
    def article(article_id: _ValidId, response: Response) -> ArticleDetailOut:
        found = get_article(article_id)
        changed = content.changes.last_changed(article_ids=[found.id]) or found.fetched_at
        shared(response, changed)
        names = store.entities.for_article(found.id, NAMES)
        return ArticleDetailOut.card(
            found,
            content.slugs.slug(found.publisher_id),
            paragraphs=list(found.paragraphs),
            authors=list(found.authors),
            image_caption=found.image_caption,
            publisher_home_url=found.publisher_home_url,
            publisher_favicon_url=found.publisher_favicon_url,
            names=[NameOut(key=e.key, name=e.name, kind=e.kind) for e in names],
            changed_at=changed,
        )

    @router.get(
        "/articles/{article_id}/related",
        summary="Articles related to an article",
        description=(
            "What the article's page offers after the text: related articles (about something close, from "
            "any story, best first) and more on its own story (newest first), each text once and never the "
            "article itself or its copies."
        ),
        response_model=RelatedOut,
        responses=problem_responses(404),
        operation_id="getRelatedArticles",
    )
    def related(article_id: _ValidId, response: Response) -> RelatedOut:
        found = get_article(article_id)
        members = store.stories.articles(found.story_id, STORY_ARTICLES) if found.story_id is not None else []
        on_story = more_on_story(members, found, ON_STORY)
        # The story's own articles are listed under it; among the related ones they would be said twice.
        close = distinct_texts(
            store.articles.many(store.features.related_ids(found.id, RELATED)),
            exclude=(found.id, text_of(found), *(a.id for a in on_story)),
        )
        shared(response)
        return RelatedOut(article_id=found.id, related=content.cards(close), on_story=content.cards(on_story))

    return router
