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

from herald.api import create_api, create_reader_api, install_problem_handlers
from herald.config import Settings
from herald.fetch import Fetcher
from herald.pipeline import ArticleTools, Pipeline, language_model_from
from herald.pipeline.accounts import Accounts, resolve_secret_key
from herald.pipeline.comments import Comments
from herald.pipeline.reading import Reading
from herald.scheduler import Scheduler
from herald.store import Store
from herald.web import create_app

log = logging.getLogger(__name__)


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
    """The site and the JSON API in one ASGI app, sharing the articles' AI tools and the reader accounts.
    The API's OpenAPI document is served at /api/v1/openapi.json."""
    app = create_app(settings, store, tools, accounts, wake_scheduler=wake_scheduler)
    api = create_api(tools)
    # The comments and reading services keep nothing but the settings: these and the site's own agree.
    readers = create_reader_api(accounts, Comments(settings, store), Reading(settings, store), store)
    app.include_router(api)
    app.include_router(readers)
    install_problem_handlers(app)  # after the site's handlers: it hands them everything outside /api/
    document = get_openapi(
        title=f"{settings.site_name} API",
        version="1",
        description=(
            "Articles' AI tools: summary, questions, the story so far, coverage, rewrites. And for a reader "
            "signed in through an app (POST /api/v1/tokens gives a bearer token): their account, comments, "
            "saved articles, reading history, follows and mutes, and For you."
        ),
        routes=[*api.routes, *readers.routes],
    )

    @app.get("/api/v1/openapi.json", include_in_schema=False)
    async def openapi() -> JSONResponse:
        return JSONResponse(document, headers={"Cache-Control": "public, max-age=3600"})

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
