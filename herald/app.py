"""Composition root: builds the store, fetcher, extraction workers, pipeline, scheduler and web app from one
Settings value. Nothing else constructs these."""

from __future__ import annotations

import asyncio
import logging
import multiprocessing
import signal
from collections.abc import AsyncIterator, Callable
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import asynccontextmanager
from dataclasses import dataclass

import uvicorn
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from starlette.responses import JSONResponse

from herald.api import create_api, create_reader_api, create_search_api, install_problem_handlers
from herald.api.caching import ConditionalGetMiddleware
from herald.api.docs import OPENAPI_PATH, create_docs
from herald.api.public import create_content_api
from herald.config import Settings
from herald.fetch import Fetcher
from herald.pipeline import ArticleTools, Pipeline, language_model_from
from herald.pipeline.accounts import Accounts, resolve_secret_key
from herald.pipeline.comments import Comments
from herald.pipeline.reading import Reading
from herald.pipeline.search import Search
from herald.pipeline.site import Site
from herald.scheduler import Scheduler
from herald.store import Store
from herald.web import create_app

log = logging.getLogger(__name__)


API_DESCRIPTION = """\
Herald's news for apps, and a reader's own Herald.

**Content**, the same for everyone: the top stories and each story with all its tellings, the newest
articles (by section, publisher or language) with their full text and related articles, sections,
publishers, and the names articles mention. Listings keep the languages the site shows.

**AI tools** for an article: its summary, answers to questions, the story so far, how outlets covered it,
and with a language model a plain retelling and translations.

**A reader's own Herald**, for an app signed in with a bearer token (POST /api/v1/tokens): their account,
comments, saved articles, reading history, follows and mutes, and For you.

**Paging.** Lists answer `next_cursor`; send it back as `cursor` for the next page (null on the last).
Cursors are opaque and belong to their list and its filters: one that was edited, or sent to another list,
is refused with 400.

**Caching.** Every successful GET answer carries an ETag, and those whose data has a time a Last-Modified:
send them back as If-None-Match or If-Modified-Since and an unchanged answer is 304 with no body. HEAD is
answered as GET without the body. Answers about a reader are private: keep them on the device only.

**Syncing.** GET /api/v1/changes without `since` gives a cursor for now; fetch the listings, and later ask
for the changes since that cursor: every article and story that changed (new, corrected, regrouped,
merged), to refetch at its `href`. Keep each answer's `next_cursor`; while `has_more`, ask again at once.

**Errors** are problem+json (RFC 9457) with a sentence in `detail` to show the reader.

Try it at /api/v1/docs.
"""
API_TAGS = [
    {"name": "stories", "description": "One event as every publisher told it."},
    {"name": "articles", "description": "Articles, their full text, related articles and AI tools."},
    {"name": "sections", "description": "The site's sections."},
    {"name": "publishers", "description": "The publishers Herald follows."},
    {"name": "names", "description": "People, places and organisations the articles mention."},
    {
        "name": "search",
        "description": "Articles by their words, by their meaning, or both, grouped by story.",
    },
    {"name": "sync", "description": "What changed since the app last looked."},
    {"name": "account", "description": "Signing an app in, and the reader's account."},
    {"name": "comments", "description": "Readers' comments on articles and stories."},
    {"name": "your herald", "description": "The reader's reading list, history, follows and For you."},
]


@dataclass
class Runtime:
    settings: Settings
    store: Store
    fetcher: Fetcher
    pipeline: Pipeline
    scheduler: Scheduler
    tools: ArticleTools
    accounts: Accounts


def make_extract_executor(settings: Settings) -> Executor:
    """Extraction is CPU work: worker processes use both cores and keep it off the web server's event loop.
    ``extract_workers = 0`` runs it in one thread instead (tests, tiny machines)."""
    if settings.extract_workers <= 0:
        return ThreadPoolExecutor(max_workers=1, thread_name_prefix="extract")
    # spawn, not fork: the parent runs threads (uvicorn, SQLite), which fork does not copy safely.
    context = multiprocessing.get_context("spawn")
    return ProcessPoolExecutor(
        max_workers=settings.extract_workers, mp_context=context, initializer=_ignore_interrupts
    )


def _ignore_interrupts() -> None:
    """Ctrl-C reaches the whole process group; the parent shuts the workers down without their traces."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@asynccontextmanager
async def open_runtime(settings: Settings) -> AsyncIterator[Runtime]:
    store = await asyncio.to_thread(Store, settings.resolved_database_url)
    executor = make_extract_executor(settings)
    try:
        async with Fetcher(settings) as fetcher:
            pipeline = Pipeline(settings, store, fetcher, executor)
            tools = ArticleTools(settings, store, language_model_from(settings))
            accounts = Accounts(settings, store, await asyncio.to_thread(resolve_secret_key, settings))
            try:
                yield Runtime(settings, store, fetcher, pipeline, Scheduler(pipeline), tools, accounts)
            finally:
                await tools.aclose()
                # The vector index is derived from the database; saving it spares the next start a rebuild.
                await asyncio.to_thread(pipeline.understanding.save_index)
    finally:
        executor.shutdown(wait=False, cancel_futures=True)
        store.close()


def build_app(
    settings: Settings,
    store: Store,
    tools: ArticleTools,
    accounts: Accounts,
    *,
    wake_scheduler: Callable[[], None] | None = None,
) -> FastAPI:
    """The site and the JSON API in one ASGI app, sharing the store, the articles' AI tools and the reader
    accounts. The API's OpenAPI document, made from every API router's routes, is served at
    /api/v1/openapi.json and read by the interactive docs at /api/v1/docs; conditional GETs (ETags,
    Last-Modified, 304s) are answered for the whole API in one middleware."""
    search = Search(
        settings, store
    )  # one per process, for the site and the API: the vectors are in memory once
    app = create_app(settings, store, tools, accounts, search=search, wake_scheduler=wake_scheduler)
    site = Site(settings, store)

    def languages() -> tuple[str, ...]:
        """The languages the site lists, read per request (through the site's short cache)."""
        return site.current().languages

    content = create_content_api(store, languages, accounts.secret_key)
    api = create_api(tools)
    # The comments and reading services keep nothing but the settings: these and the site's own agree.
    readers = create_reader_api(accounts, Comments(settings, store), Reading(settings, store), store)
    searching = create_search_api(search, site_languages=languages)
    routers = (content, searching, api, readers)
    for router in routers:
        app.include_router(router)
    app.include_router(create_docs(settings.site_name))
    install_problem_handlers(app)  # after the site's handlers: it hands them everything outside /api/
    document = get_openapi(
        title=f"{settings.site_name} API",
        version="1",
        description=API_DESCRIPTION,
        routes=[route for router in routers for route in router.routes],
        tags=API_TAGS,
    )

    @app.get(OPENAPI_PATH, include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600"})

    app.add_middleware(ConditionalGetMiddleware)  # outermost: it sees every answer as the client will
    return app


async def serve(runtime: Runtime, *, with_scheduler: bool) -> None:
    """Serve the site; with the scheduler, due feeds are refreshed in the same process."""
    settings = runtime.settings
    app = build_app(
        settings,
        runtime.store,
        runtime.tools,
        runtime.accounts,
        wake_scheduler=runtime.scheduler.wake if with_scheduler else None,
    )
    config = uvicorn.Config(
        app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level.lower(),
        access_log=False,
        lifespan="off",  # the app has no start-up work: the runtime is opened before serving
    )
    server = uvicorn.Server(config)
    stop = asyncio.Event()
    tasks = [asyncio.create_task(server.serve())]
    if with_scheduler:
        tasks.append(asyncio.create_task(runtime.scheduler.run_forever(stop)))
    try:
        await tasks[0]
    finally:
        stop.set()
        for task in tasks[1:]:
            task.cancel()
        await asyncio.gather(*tasks[1:], return_exceptions=True)
