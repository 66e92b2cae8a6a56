"""The ``herald`` command: run, serve, worker, fetch, understand, stories, copies, sources, db, config."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from pathlib import Path

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from herald.app import Runtime, open_runtime, serve
from herald.cli._common import _settings, console, out
from herald.cli.understanding import add_understanding_commands, understand_backlog
from herald.cli.users import add_user_commands
from herald.config import SECRET_SETTINGS, Settings, setting_docs
from herald.errors import ConfigError, HeraldError
from herald.models import RefreshReport, Source, SourceSpec
from herald.samplepack import SamplePackServer, sample_sources
from herald.sources import default_sources, parse_opml, render_opml
from herald.store import Store, downgrade, migrate, schema_revision


# ---------------------------------------------------------------- refresh with a progress bar and a summary
async def refresh_with_progress(
    runtime: Runtime, sources: Sequence[Source], *, title: str
) -> list[RefreshReport]:
    if not sources:
        console.print("No feeds are due.")
        return []
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        console=console,
        transient=False,
    ) as progress:
        task = progress.add_task(title, total=len(sources), status="")
        totals = Counter[str]()

        def advance(report: RefreshReport) -> None:
            totals["new"] += report.new
            progress.update(task, advance=1, status=f"{totals['new']} new articles")

        reports = await runtime.pipeline.refresh_many(sources, advance)
    print_summary(reports, {s.id: s.title for s in sources})
    return reports


def print_summary(reports: Sequence[RefreshReport], titles: dict[int, str]) -> None:
    feeds_ok = sum(1 for r in reports if r.ok)
    new = sum(r.new for r in reports)
    unchanged = sum(r.unchanged for r in reports) + sum(1 for r in reports if r.not_modified)
    failed_items = sum(r.failed for r in reports)
    fallback = sum(r.from_feed_content for r in reports)
    console.print(
        f"[bold]{len(reports)} feeds fetched[/] ({feeds_ok} ok, {len(reports) - feeds_ok} failed): "
        f"{new} new articles, {unchanged} unchanged, {failed_items} failed"
        + (f", {fallback} taken from the feed's own text" if fallback else "")
    )
    problems = [r for r in reports if not r.ok or r.item_errors]
    if problems:
        table = Table(title="Problems", show_lines=False)
        table.add_column("Feed")
        table.add_column("What went wrong", overflow="fold")
        for r in problems:
            if r.error:
                table.add_row(titles.get(r.source_id, r.feed_url), r.error)
            for err in r.item_errors[:5]:
                table.add_row(titles.get(r.source_id, r.feed_url), err)
            if len(r.item_errors) > 5:
                table.add_row(
                    titles.get(r.source_id, r.feed_url), f"... and {len(r.item_errors) - 5} more pages"
                )
        console.print(table)


# ---------------------------------------------------------------- commands
def _sample_settings(settings: Settings, base_url: str) -> Settings:
    """The sample server is ours and local: allow it past the SSRF guard, and skip politeness delays for it
    when it is the only thing we follow."""
    host_port = base_url.split("//", 1)[1]
    changes: dict[str, object] = {"fetch_allowed_hosts": (*settings.fetch_allowed_hosts, host_port)}
    if not settings.default_sources:
        changes.update(fetch_per_host_delay_seconds=0.0, fetch_per_host_concurrency=8)
    return settings.with_overrides(**changes)


async def _run(settings: Settings, *, web: bool, scheduler: bool) -> None:
    sample: SamplePackServer | None = None
    if settings.sample_pack:
        sample = SamplePackServer(port=settings.sample_port)
        try:
            base_url = sample.start()
        except OSError as exc:
            raise ConfigError(
                f"The sample pack cannot listen on port {settings.sample_port} ({exc.strerror}); "
                "set HERALD_SAMPLE_PORT to a free port"
            ) from exc
        console.print(f"Sample pack served at {base_url}")
        settings = _sample_settings(settings, base_url)
    try:
        async with open_runtime(settings) as runtime:
            if sample is not None:
                added, _ = runtime.pipeline.add_sources(sample_sources(sample.base_url))
                if added:
                    console.print(f"Following {added} sample feeds.")
            if settings.default_sources:
                added, _ = runtime.pipeline.add_sources(default_sources())
                if added:
                    console.print(f"Following {added} public world-news feeds.")
            if web:
                due = await asyncio.to_thread(_due_now, runtime)
                if due:
                    await refresh_with_progress(runtime, due, title="First fetch")
                await understand_backlog(runtime)
                count = await asyncio.to_thread(runtime.store.articles.count)
                console.print(
                    f"[bold green]Herald is serving {count} articles at "
                    f"http://{settings.host}:{settings.port}[/] (Ctrl-C stops it)"
                )
                await serve(runtime, with_scheduler=scheduler)
            else:
                await understand_backlog(runtime)
                console.print("Worker started: refreshing due feeds (Ctrl-C stops it)")
                stop = asyncio.Event()
                await runtime.scheduler.run_forever(stop)
    finally:
        if sample is not None:
            sample.stop()


def _due_now(runtime: Runtime) -> list[Source]:
    return runtime.store.sources.due(datetime.now(UTC), limit=10_000)


def cmd_run(args: argparse.Namespace) -> int:
    settings = _settings(args)
    asyncio.run(_run(settings, web=True, scheduler=settings.scheduler))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def main() -> None:
        async with open_runtime(settings) as runtime:
            console.print(f"Serving at http://{settings.host}:{settings.port}")
            await serve(runtime, with_scheduler=settings.scheduler and not args.no_scheduler)

    asyncio.run(main())
    return 0


def cmd_worker(args: argparse.Namespace) -> int:
    asyncio.run(_run(_settings(args), web=False, scheduler=True))
    return 0


def cmd_fetch(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def main() -> int:
        async with open_runtime(settings) as runtime:
            all_sources = await asyncio.to_thread(runtime.store.sources.list)
            if args.source_ids:
                wanted = set(args.source_ids)
                chosen = [s for s in all_sources if s.id in wanted]
                missing = wanted - {s.id for s in chosen}
                if missing:
                    console.print(f"[red]No source with id {', '.join(map(str, sorted(missing)))}[/]")
                    return 2
            elif args.due:
                chosen = await asyncio.to_thread(_due_now, runtime)
            else:
                chosen = [s for s in all_sources if s.enabled]
            reports = await refresh_with_progress(runtime, chosen, title="Fetching")
            return 0 if all(r.ok for r in reports) else 1

    return asyncio.run(main())


def cmd_reextract(args: argparse.Namespace) -> int:
    settings = _settings(args)

    async def main() -> int:
        async with open_runtime(settings) as runtime:
            publisher_id = None
            if args.publisher:
                publisher = await asyncio.to_thread(runtime.store.publishers.by_slug, args.publisher)
                if publisher is None:
                    console.print(
                        f"[red]No publisher {args.publisher!r} (see the publisher pages' addresses)[/]"
                    )
                    return 2
                publisher_id = publisher.id
            ids = await asyncio.to_thread(
                runtime.store.articles.ids, publisher_id=publisher_id, limit=args.limit
            )
            outcome = Counter[str]()
            failures: list[str] = []
            limit = asyncio.Semaphore(max(1, settings.fetch_concurrency))
            with Progress(
                TextColumn("[bold]Re-extracting"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                console=console,
            ) as progress:
                task = progress.add_task("reextract", total=len(ids))

                async def one(article_id: str) -> None:
                    async with limit:
                        try:
                            outcome[await runtime.pipeline.reextract(article_id)] += 1
                        except HeraldError as exc:
                            outcome["failed"] += 1
                            failures.append(f"{article_id}: {exc}")
                    progress.advance(task)

                await asyncio.gather(*(one(i) for i in ids))
            console.print(
                f"{len(ids)} articles: {outcome['updated']} updated, {outcome['unchanged']} unchanged, "
                f"{outcome['failed']} failed (their stored text is kept)"
            )
            for line in failures[:10]:
                console.print(f"  {line}")
            if len(failures) > 10:
                console.print(f"  ... and {len(failures) - 10} more")
            return 0 if not failures else 1

    return asyncio.run(main())


def _open_store(args: argparse.Namespace) -> Store:
    return Store(_settings(args).resolved_database_url)


def cmd_sources_list(args: argparse.Namespace) -> int:
    store = _open_store(args)
    columns = ("id", "feed", "publisher", "state", "articles", "last success", "failures", "last error")
    rows = [
        (
            str(s.id),
            s.feed_url,
            s.publisher_name,
            "on" if s.enabled else "paused",
            str(s.article_count),
            s.last_success_at.strftime("%Y-%m-%d %H:%M") if s.last_success_at else "never",
            str(s.consecutive_failures),
            s.last_error or "",
        )
        for s in store.sources.list()
    ]
    if not out.is_terminal:  # piped: one tab-separated line per source, for scripts
        for row in (columns, *rows):
            print("\t".join(cell.replace("\t", " ") for cell in row))
        return 0
    table = Table(title="Sources")
    for col in columns:
        table.add_column(col, overflow="fold")
    for row in rows:
        table.add_row(*row)
    out.print(table)
    return 0


def cmd_sources_add(args: argparse.Namespace) -> int:
    store = _open_store(args)
    if not args.url.startswith(("http://", "https://")):
        console.print("[red]A feed address starts with http:// or https://[/]")
        return 2
    spec = SourceSpec(feed_url=args.url, title=args.title, publisher=args.publisher, section=args.section)
    source, created = store.sources.add(spec)
    console.print(f"{'Added' if created else 'Already following'} source {source.id}: {source.feed_url}")
    return 0


def cmd_sources_toggle(args: argparse.Namespace) -> int:
    store = _open_store(args)
    if not store.sources.set_enabled(args.id, args.enable):
        console.print(f"[red]No source with id {args.id}[/]")
        return 2
    console.print(f"Source {args.id} {'resumed' if args.enable else 'paused'}.")
    return 0


def cmd_sources_remove(args: argparse.Namespace) -> int:
    store = _open_store(args)
    if not store.sources.remove(args.id):
        console.print(f"[red]No source with id {args.id}[/]")
        return 2
    console.print(f"Source {args.id} removed; its articles stay.")
    return 0


def cmd_sources_import(args: argparse.Namespace) -> int:
    settings = _settings(args)
    try:
        specs = parse_opml(Path(args.file).read_bytes())
    except OSError as exc:
        console.print(f"[red]Cannot read {args.file}: {exc.strerror}[/]")
        return 2
    store = Store(settings.resolved_database_url)
    added = existing = 0
    with Progress(
        TextColumn("[bold]Importing"), BarColumn(), MofNCompleteColumn(), console=console
    ) as progress:
        task = progress.add_task("import", total=len(specs))
        for spec in specs:
            _, created = store.sources.add(spec)
            added += created
            existing += not created
            progress.advance(task)
    console.print(f"{len(specs)} feeds in the file: {added} added, {existing} already followed.")
    store.close()
    if args.fetch and added:
        return cmd_fetch(argparse.Namespace(**{**vars(args), "source_ids": None, "due": True}))
    return 0


def cmd_sources_export(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = Store(settings.resolved_database_url)
    publishers = {p.id: p for p in store.publishers.list()}
    specs = [
        SourceSpec(
            feed_url=s.feed_url,
            title=s.title,
            publisher=s.publisher_name,
            home_url=publishers[s.publisher_id].home_url if s.publisher_id in publishers else None,
            section=s.section,
        )
        for s in store.sources.list()
    ]
    text = render_opml(specs, title=f"{settings.site_name} sources")
    if args.file:
        Path(args.file).write_text(text, encoding="utf-8")
        console.print(f"Wrote {len(specs)} feeds to {args.file}")
    else:
        out.print(text, markup=False, highlight=False, soft_wrap=True)
    return 0


def cmd_sources_defaults(args: argparse.Namespace) -> int:
    store = _open_store(args)
    added = sum(store.sources.add(spec)[1] for spec in default_sources())
    console.print(f"Following {added} more public world-news feeds ({len(default_sources())} in the list).")
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    settings = _settings(args)
    store = Store(settings.resolved_database_url, migrate_schema=False)
    if args.db_command == "upgrade":
        migrate(store.db.engine, args.revision)
    elif args.db_command == "downgrade":
        downgrade(store.db.engine, args.revision)
    current, head = schema_revision(store.db.engine)
    console.print(f"Database {store.url}: schema {current or 'empty'} (newest {head})")
    return 0


def cmd_config(args: argparse.Namespace) -> int:
    settings = _settings(args)
    table = Table(title="Settings (HERALD_<NAME> or the TOML file)")
    for col in ("name", "value", "help"):
        table.add_column(col, overflow="fold")
    for name, _default, help_text in setting_docs():
        value = str(getattr(settings, name))
        if name in SECRET_SETTINGS:
            value = "(set)" if value else "(empty)"
        table.add_row(name, value, help_text)
    out.print(table)
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="herald", description="Herald, a self-hosted news aggregator.")
    parser.add_argument("--config", type=Path, help="TOML settings file (or HERALD_CONFIG)")
    parser.add_argument("--database-url", dest="database_url", help="SQLAlchemy URL (or HERALD_DATABASE_URL)")
    parser.add_argument("--data-dir", dest="data_dir", help="folder for the SQLite database")
    sub = parser.add_subparsers(dest="command", required=True)

    def web_args(p: argparse.ArgumentParser) -> None:
        p.add_argument("--host")
        p.add_argument("--port", type=int)

    p = sub.add_parser("run", help="fetch what is due, then serve the site and keep feeds fresh")
    web_args(p)
    p.add_argument(
        "--sample-pack", action="store_true", help="serve and follow the built-in offline sample pack"
    )
    p.set_defaults(func=cmd_run)
    p = sub.add_parser("serve", help="serve the site (refreshing due feeds unless --no-scheduler)")
    web_args(p)
    p.add_argument("--no-scheduler", action="store_true")
    p.set_defaults(func=cmd_serve)
    p = sub.add_parser("worker", help="refresh due feeds, no web server")
    p.add_argument("--sample-pack", action="store_true")
    p.set_defaults(func=cmd_worker)
    p = sub.add_parser("fetch", help="refresh feeds now, with a progress bar and a summary")
    p.add_argument("source_ids", nargs="*", type=int, metavar="SOURCE_ID")
    p.add_argument("--due", action="store_true", help="only the feeds that are due")
    p.set_defaults(func=cmd_fetch)

    p = sub.add_parser("reextract", help="fetch stored articles' pages again and re-run extraction")
    p.add_argument("--publisher", help="only this publisher (the slug in /publisher/<slug>)")
    p.add_argument("--limit", type=int, help="only the newest N articles")
    p.set_defaults(func=cmd_reextract)

    sources = sub.add_parser("sources", help="manage feed subscriptions").add_subparsers(
        dest="sources_command", required=True
    )
    p = sources.add_parser("list")
    p.set_defaults(func=cmd_sources_list)
    p = sources.add_parser("add")
    p.add_argument("url")
    p.add_argument("--title")
    p.add_argument("--publisher")
    p.add_argument("--section")
    p.set_defaults(func=cmd_sources_add)
    for name, enable in (("pause", False), ("resume", True)):
        p = sources.add_parser(name)
        p.add_argument("id", type=int)
        p.set_defaults(func=cmd_sources_toggle, enable=enable)
    p = sources.add_parser("remove")
    p.add_argument("id", type=int)
    p.set_defaults(func=cmd_sources_remove)
    p = sources.add_parser("import", help="subscribe to the feeds of an OPML file")
    p.add_argument("file")
    p.add_argument("--fetch", action="store_true", help="fetch the new feeds right away")
    p.set_defaults(func=cmd_sources_import)
    p = sources.add_parser("export", help="write the subscriptions as OPML")
    p.add_argument("file", nargs="?")
    p.set_defaults(func=cmd_sources_export)
    p = sources.add_parser("defaults", help="follow the built-in list of public world-news feeds")
    p.set_defaults(func=cmd_sources_defaults)

    db = sub.add_parser("db", help="database schema").add_subparsers(dest="db_command", required=True)
    p = db.add_parser("upgrade")
    p.add_argument("revision", nargs="?", default="head")
    p.set_defaults(func=cmd_db)
    p = db.add_parser("downgrade")
    p.add_argument("revision")
    p.set_defaults(func=cmd_db)
    p = db.add_parser("current")
    p.set_defaults(func=cmd_db)
    add_understanding_commands(sub, sources)
    add_user_commands(sub)
    p = sub.add_parser("config", help="show the settings in force")
    p.set_defaults(func=cmd_config)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        settings = _settings(args)
    except HeraldError as exc:
        console.print(f"[red]{exc}[/]")
        return 2
    logging.basicConfig(
        level=settings.log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # One line per request is noise at INFO; the refresh summary says what happened.
    for noisy in ("httpx", "alembic"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    try:
        return int(args.func(args))
    except HeraldError as exc:
        console.print(f"[red]{exc}[/]")
        return 1
    except KeyboardInterrupt:
        console.print("Stopped.")
        return 130


if __name__ == "__main__":
    sys.exit(main())
