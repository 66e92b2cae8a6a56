"""One article, in the reference page's order: headline, publisher and time, image, text, the way to the
original, then more from the same publisher."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from starlette.responses import HTMLResponse

from herald.web.pages.common import ARTICLE_ID, Web, not_found
from herald.web.seo import json_for_script, news_article_ld

MORE_COUNT = 4
MORE_FROM_SECONDS = 60.0


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    @routes.get("/article/{article_id}", response_class=HTMLResponse)
    async def article(article_id: str) -> HTMLResponse:
        if not ARTICLE_ID.match(article_id):
            raise not_found()  # no database trip for a malformed id

        def load() -> dict[str, Any]:
            found = web.store.articles.get(article_id)
            if found is None:
                raise not_found()
            # A publisher's newest articles are the same for every article of theirs read in the next
            # minute: one query serves them all (one extra row covers the article itself being among them).
            newest = web.memo.get(
                f"more-from:{found.publisher_id}",
                MORE_FROM_SECONDS,
                lambda: {
                    "articles": web.store.articles.latest(MORE_COUNT + 1, publisher_id=found.publisher_id)
                },
            )["articles"]
            more = [a for a in newest if a.id != found.id][:MORE_COUNT]
            page_url = f"{web.settings.public_base_url}/article/{found.id}"
            return {
                "article": found,
                "more": more,
                "slugs": web.slugs_for([found]),
                "page_url": page_url,
                "json_ld": json_for_script(news_article_ld(found, page_url=page_url)),
            }

        return await web.page("article.html", load, current=None)

    return routes
