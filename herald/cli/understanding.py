"""Commands about understanding: catch up on articles not yet understood, and the operator's corrections
(an article that is not part of its story, a "copy" that is its own work)."""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from typing import Any

from herald.app import Runtime, open_runtime
from herald.cli._common import _settings, console
from herald.models import Article
from herald.pipeline import SECTIONS
from herald.store import Store


async def understand_backlog(runtime: Runtime, limit: int = 100_000) -> None:
    """Articles stored before understanding existed (or while it failed) are understood before serving."""
    if not runtime.settings.understanding:
        return
    waiting = await asyncio.to_thread(runtime.store.features.without_features, 1)
    if waiting:
        await _understand_stored(runtime, limit)
    if await asyncio.to_thread(runtime.store.summaries.without_summary, 1):
        console.print("Summarising stored articles…")
        started = time.perf_counter()
        count = await runtime.pipeline.understanding.backfill_summaries(limit=limit)
        console.print(f"Summarised {count} articles in {time.perf_counter() - started:.1f} s")


async def _understand_stored(runtime: Runtime, limit: int) -> None:
    console.print("Understanding stored articles (embeddings, copies, stories)…")
    started = time.perf_counter()
    report = await runtime.pipeline.understanding.backfill(limit=limit)
    console.print(
        f"Understood {report.understood} articles in {time.perf_counter() - started:.1f} s: "
        f"{report.new_stories} new stories, {report.copies} copies"
        + (f", [red]{report.failed} failed[/]" if report.failed else "")
    )


def cmd_understand(args: argparse.Namespace) -> int:
    settings = _settings(args).with_overrides(understanding=True)

    async def main() -> int:
        async with open_runtime(settings) as runtime:
            waiting = await asyncio.to_thread(runtime.store.features.without_features, 1)
            unsummarised = await asyncio.to_thread(runtime.store.summaries.without_summary, 1)
            if not waiting and not unsummarised:
                console.print("Every stored article is understood already.")
                return 0
            await understand_backlog(runtime, limit=args.limit)
            left = await asyncio.to_thread(runtime.store.features.without_features, 1)
            return 1 if left and args.limit >= 100_000 else 0

    return asyncio.run(main())


def _store(args: argparse.Namespace) -> Store:
    return Store(_settings(args).resolved_database_url)


def _correct(args: argparse.Namespace, action: Callable[[Store, Article], str]) -> int:
    """Run one operator correction on the article named on the command line and say what changed."""
    store = _store(args)
    try:
        article = store.articles.get(args.article_id)
        if article is None:
            console.print(f"[red]No article {args.article_id}[/]")
            return 2
        console.print(action(store, article))
        return 0
    finally:
        store.close()


def cmd_stories_detach(args: argparse.Namespace) -> int:
    def detach(store: Store, article: Article) -> str:
        new_id = store.stories.detach(article.id)
        return (
            f"“{article.title}” now stands in story {new_id} on its own and will not be regrouped "
            f"(it left story {article.story_id})."
        )

    return _correct(args, detach)


def cmd_copies_ungroup(args: argparse.Namespace) -> int:
    def ungroup(store: Store, article: Article) -> str:
        store.stories.ungroup_copy(article.id)
        return f"“{article.title}” is shown as its own article now and will not be grouped as a copy."

    return _correct(args, ungroup)


def cmd_stories_show(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        story = store.stories.get(args.story_id)
        if story is None:
            console.print(f"[red]No story {args.story_id}[/]")
            return 2
        console.print(
            f"[bold]{story.title}[/] — story {story.id}: {story.article_count} articles from "
            f"{story.publisher_count} publishers"
        )
        for article in store.stories.articles(story.id):
            copy = f" (copy of {article.copy_of})" if article.copy_of else ""
            when = (article.published_at or article.fetched_at).strftime("%Y-%m-%d %H:%M")
            console.print(f"  {when}  {article.id}  {article.publisher_name}: {article.title}{copy}")
        return 0
    finally:
        store.close()


def cmd_sources_section(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        section = None if args.section.lower() in ("none", "auto", "") else args.section
        if section is not None:
            known = {name.lower(): name for name in SECTIONS}
            if section.lower() not in known:
                console.print(
                    f"[red]Unknown section {args.section!r}; one of: {', '.join(SECTIONS)}, or none[/]"
                )
                return 2
            section = known[section.lower()]
        moved = store.stories.set_source_section(args.id, section)
        if moved is None:
            console.print(f"[red]No source with id {args.id}[/]")
            return 2
        where = section or "Herald's guess from their text"
        console.print(f"Source {args.id}: {moved} articles now filed by {where}.")
        return 0
    finally:
        store.close()


def add_understanding_commands(sub: Any, sources: Any) -> None:
    p = sources.add_parser("section", help="file a source's articles under one section (or 'none')")
    p.add_argument("id", type=int)
    p.add_argument("section", help=f"one of {', '.join(SECTIONS)}, or none")
    p.set_defaults(func=cmd_sources_section)

    p = sub.add_parser(
        "understand", help="embed, group and relate stored articles that are not understood yet"
    )
    p.add_argument("--limit", type=int, default=100_000, help="at most this many articles")
    p.set_defaults(func=cmd_understand)

    stories = sub.add_parser("stories", help="inspect and correct stories").add_subparsers(
        dest="stories_command", required=True
    )
    p = stories.add_parser("show", help="a story's articles, oldest first")
    p.add_argument("story_id", type=int)
    p.set_defaults(func=cmd_stories_show)
    p = stories.add_parser("detach", help="take an article out of its story, for good")
    p.add_argument("article_id")
    p.set_defaults(func=cmd_stories_detach)

    copies = sub.add_parser("copies", help="correct copy grouping").add_subparsers(
        dest="copies_command", required=True
    )
    p = copies.add_parser("ungroup", help="show an article as its own work, never as a copy again")
    p.add_argument("article_id")
    p.set_defaults(func=cmd_copies_ungroup)
