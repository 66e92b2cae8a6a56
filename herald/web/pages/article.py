"""One article, in the reference page's order: headline, publisher and time, image, text, who else carries
the text, its hashtags, the way to the original, then related articles, more on its story and more from the
same publisher."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from herald.models import Article
from herald.pipeline.coverage import distinct_texts, more_on_story, syndication, text_of
from herald.web.language import language_of
from herald.web.pages.common import ARTICLE_ID, Web, not_found
from herald.web.pages.story import StoryView, cached_story
from herald.web.seo import json_for_script, news_article_ld

MORE_COUNT = 4
MORE_FROM_SECONDS = 60.0
RELATED_COUNT = 8
ON_STORY_COUNT = 5
HASHTAG_COUNT = 8


def _story_of(web: Web, article: Article) -> StoryView | None:
    if article.story_id is None:
        return None
    view = cached_story(web, article.story_id)
    if view is not None and view.story.id != article.story_id:
        view = cached_story(web, view.story.id)  # merged since the article was read
    return view


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/article/{article_id}", response_class=HTMLResponse)
    async def article(article_id: str, request: Request) -> Response:
        if not ARTICLE_ID.match(article_id):
            raise not_found()  # no database trip for a malformed id

        def load() -> dict[str, Any]:
            store = web.store
            found = store.articles.get(article_id)
            if found is None:
                raise not_found()
            # A publisher's newest articles are the same for every article of theirs read in the next
            # minute: one query serves them all (one extra row covers the article itself being among them).
            languages = web.languages
            newest = web.memo.get(
                f"more-from:{found.publisher_id}:{','.join(languages)}",
                MORE_FROM_SECONDS,
                lambda: {
                    "articles": store.articles.latest(
                        MORE_COUNT + 1, publisher_id=found.publisher_id, languages=languages
                    )
                },
            )["articles"]
            more = [a for a in newest if a.id != found.id][:MORE_COUNT]

            origin = found if found.copy_of is None else store.articles.get(found.copy_of)
            also = syndication(found, origin, store.stories.copies(text_of(found)))

            view = _story_of(web, found)
            on_story = more_on_story(view.articles, found, ON_STORY_COUNT) if view else []
            # Related articles of this very story are listed under it; here they would be said twice.
            related = distinct_texts(
                store.articles.many(store.features.related_ids(found.id, RELATED_COUNT)),
                exclude=(found.id, text_of(found), *(a.id for a in on_story)),
            )
            page_url = f"{web.settings.public_base_url}/article/{found.id}"
            shown = [found, *more, *related, *on_story]
            if also is not None:
                shown.extend((also.origin, *also.others))
            return {
                "article": found,
                "more": more,
                "also": also,
                "hashtags": store.entities.for_article(found.id, HASHTAG_COUNT),
                "related": related,
                "story": view.story if view is not None else None,
                "on_story": on_story,
                "slugs": web.slugs_for(shown),
                "comment_counts": web.comments.counts([a.id for a in (*related, *more)]),
                "page_url": page_url,
                "json_ld": json_for_script(news_article_ld(found, page_url=page_url)),
            }

        return await web.page("article.html", load, current=None, language=language_of(request))

    return routes
