"""The one orchestrator: every refresh of a feed (scheduler, CLI, a future "refresh now" button) goes through
:meth:`Pipeline.refresh_source`.

fetch feed -> parse -> for each new item: fetch page -> extract (worker processes) -> canonical URL -> store.
Each stage before the store is pure; only this module calls the store, and it never lets one bad item stop
the feed or one bad feed stop the run.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Iterable
from concurrent.futures import Executor
from datetime import UTC, datetime

from herald.config import Settings
from herald.dedup import article_id, canonical_url, content_fingerprint
from herald.errors import ExtractError, FetchError, HeraldError, HTTPStatusError, ParseError
from herald.extract import article_from_feed, extract_article
from herald.fetch import Fetcher, next_check_delay
from herald.models import ExtractedArticle, FeedItem, ParsedFeed, RefreshReport, Source, SourceSpec
from herald.parse import parse_feed
from herald.pipeline.understand import Understanding, pending_from_new
from herald.store import NewArticle, Store

log = logging.getLogger(__name__)

SECTIONS = ("World", "Politics", "Business", "Technology", "Science", "Health", "Sports", "Culture")
_SECTION_ALIASES = {
    "tech": "Technology",
    "sport": "Sports",
    "arts": "Culture",
    "entertainment": "Culture",
    "economy": "Business",
    "international": "World",
}

# The store's URL columns hold 2,000 characters (PostgreSQL enforces it); longer links are not articles anyone
# can share anyway.
MAX_URL_LENGTH = 2000

ReportCallback = Callable[[RefreshReport], Awaitable[None] | None]


def section_for(source: Source, item: FeedItem) -> str | None:
    """The operator's choice for the source wins; else a feed category that names one of our sections."""
    if source.section:
        return source.section
    for category in item.categories:
        key = category.strip().lower()
        for name in SECTIONS:
            if key == name.lower():
                return name
        if key in _SECTION_ALIASES:
            return _SECTION_ALIASES[key]
    return None


def merge_item(item: FeedItem, extracted: ExtractedArticle, feed_language: str | None) -> ExtractedArticle:
    """Fill what the page left out from what the feed said; the feed's headline is usually the cleaner one."""
    return ExtractedArticle(
        title=item.title or extracted.title,
        paragraphs=extracted.paragraphs,
        canonical_url=extracted.canonical_url,
        authors=extracted.authors or item.authors,
        published=item.published or extracted.published,
        image_url=extracted.image_url or item.image_url,
        image_caption=extracted.image_caption,
        language=extracted.language or item.language or feed_language,
        site_name=extracted.site_name,
        description=extracted.description or item.summary or None,
        method=extracted.method,
    )


class Pipeline:
    def __init__(
        self, settings: Settings, store: Store, fetcher: Fetcher, extract_executor: Executor
    ) -> None:
        self.settings = settings
        self.store = store
        self.fetcher = fetcher
        self._executor = extract_executor
        self.understanding = Understanding(settings, store, extract_executor)

    async def refresh_source(self, source: Source) -> RefreshReport:
        """Fetch one feed and store its new articles; never raises for bad input, records it instead."""
        report = RefreshReport(source_id=source.id, feed_url=source.feed_url)
        now = datetime.now(UTC)
        try:
            result = await self.fetcher.fetch_feed(
                source.feed_url, etag=source.etag, last_modified=source.last_modified
            )
            if result.not_modified:
                report.not_modified = True
                delay = next_check_delay(
                    self.settings,
                    ttl_minutes=source.ttl_minutes,
                    max_age_seconds=result.max_age_seconds,
                    consecutive_failures=0,
                )
                await asyncio.to_thread(
                    self.store.sources.record_not_modified, source.id, now=now, next_check_at=now + delay
                )
                return report
            loop = asyncio.get_running_loop()
            parsed: ParsedFeed = await loop.run_in_executor(
                self._executor, _parse_in_worker, result.body, result.url, result.content_type, result.charset
            )
        except (FetchError, ParseError) as exc:
            report.error = str(exc)
            permanent = isinstance(exc, HTTPStatusError) and exc.permanent
            delay = next_check_delay(
                self.settings,
                ttl_minutes=source.ttl_minutes,
                max_age_seconds=None,
                consecutive_failures=source.consecutive_failures + 1,
                permanent_failure=permanent,
            )
            await asyncio.to_thread(
                self.store.sources.record_failure,
                source.id,
                now=now,
                error=str(exc),
                next_check_at=now + delay,
            )
            log.info("feed %s failed: %s", source.feed_url, exc)
            return report

        items = list(parsed.items[: self.settings.refresh_items_per_feed])
        report.items_seen = len(items)
        known = await asyncio.to_thread(self.store.articles.known_urls, [i.url for i in items])
        fresh: list[FeedItem] = []
        seen_urls: set[str] = set()
        for item in items:
            if item.url in known or item.url in seen_urls:
                report.unchanged += 1
            else:
                seen_urls.add(item.url)
                fresh.append(item)
        prepared = await asyncio.gather(*(self._prepare_item(source, parsed, item, report) for item in fresh))
        ready = [new for new in prepared if new is not None]
        # One transaction for the feed's new articles: SQLite's single writer is taken once, not per article.
        created = await asyncio.to_thread(self.store.articles.save_many, ready)
        report.new += sum(created)
        report.unchanged += len(created) - sum(created)
        await self._understand([new for new, was_new in zip(ready, created, strict=True) if was_new])
        await self._refresh_updated(items, known, report)

        delay = next_check_delay(
            self.settings,
            ttl_minutes=parsed.ttl_minutes,
            max_age_seconds=result.max_age_seconds,
            consecutive_failures=0,
        )
        await asyncio.to_thread(
            self.store.sources.record_success,
            source.id,
            now=now,
            next_check_at=now + delay,
            etag=result.etag,
            last_modified=result.last_modified,
            ttl_minutes=parsed.ttl_minutes,
            warning=parsed.warning,
            feed_title=parsed.title,
            home_url=parsed.home_url,
            icon_url=parsed.icon_url,
        )
        return report

    async def _refresh_updated(self, items: list[FeedItem], known: set[str], report: RefreshReport) -> None:
        """A known item whose feed says it was updated since we stored it is fetched again: the same row (one
        per canonical URL) gets the new text and new features, and keeps its story."""
        claims = [
            (item.url, item.updated) for item in items if item.url in known and item.updated is not None
        ]
        if not claims:
            return
        stale = await asyncio.to_thread(self.store.articles.updated_since, claims)
        for stale_id in stale:
            try:
                outcome = await self.reextract(stale_id)
            except HeraldError as exc:
                report.item_errors.append(f"{stale_id}: the updated page could not be read ({exc})")
                continue
            if outcome == "updated":
                report.updated += 1
                if self.settings.understanding:
                    await self.understanding.refresh_features(stale_id)

    async def _understand(self, stored: list[NewArticle]) -> None:
        """Stories, copies and related articles for a feed's new articles. A failure here is logged and
        leaves the articles stored, without features: ``herald understand`` (or the next start) retries."""
        if not stored or not self.settings.understanding:
            return
        pending = [pending_from_new(new) for new in stored]
        try:
            outcome = await self.understanding.understand(pending)
        except Exception:  # understanding is an addition to the stored articles, never a reason to lose them
            log.exception("understanding %d new articles failed", len(pending))
            return
        if outcome.failed:
            log.warning(
                "understanding: %d of %d articles failed: %s",
                outcome.failed,
                len(pending),
                outcome.errors[:3],
            )

    async def _prepare_item(
        self, source: Source, feed: ParsedFeed, item: FeedItem, report: RefreshReport
    ) -> NewArticle | None:
        """The article for one new feed item, ready to store; None, with a recorded problem, if none."""
        try:
            if len(item.url) > MAX_URL_LENGTH:
                raise FetchError(
                    f"The link is {len(item.url)} characters long; links over {MAX_URL_LENGTH} are skipped"
                )
            extracted, final_url, page_problem = await self._article_for(item)
        except HeraldError as exc:
            report.failed += 1
            report.item_errors.append(f"{item.url[:MAX_URL_LENGTH]}: {exc}")
            await asyncio.to_thread(
                self.store.sources.record_problem,
                source.id,
                url=item.url[:MAX_URL_LENGTH],
                error=str(exc),
                now=datetime.now(UTC),
            )
            return None
        if page_problem is not None:
            # Stored all the same, but an operator should know the publisher's pages are failing.
            report.from_feed_content += 1
            await asyncio.to_thread(
                self.store.sources.record_problem,
                source.id,
                url=item.url,
                error=f"{page_problem}; the feed's own text was stored instead",
                now=datetime.now(UTC),
            )
        merged = merge_item(item, extracted, feed.language)
        canonical = canonical_url(final_url, page_canonical=merged.canonical_url)
        if len(canonical) > MAX_URL_LENGTH:
            canonical = canonical_url(item.url)
        return NewArticle(
            id=article_id(canonical),
            canonical_url=canonical,
            url=item.url,
            extracted=merged,
            publisher_id=source.publisher_id,
            source_id=source.id,
            fetched_at=datetime.now(UTC),
            content_hash=content_fingerprint(merged.text),
            section=section_for(source, item),
        )

    async def _page_article(self, url: str) -> tuple[ExtractedArticle, str]:
        """Fetch a page and extract its article in a worker process: (article, final URL after redirects)."""
        page = await self.fetcher.fetch_page(url)
        loop = asyncio.get_running_loop()
        extracted = await loop.run_in_executor(
            self._executor, _extract_in_worker, page.body, page.url, page.charset
        )
        return extracted, page.url

    async def _article_for(self, item: FeedItem) -> tuple[ExtractedArticle, str, HeraldError | None]:
        """The page's article, or the feed's own content when the page can't be fetched or read (then with
        the reason the page failed)."""
        page_problem: HeraldError
        try:
            extracted, final_url = await self._page_article(item.url)
            return extracted, final_url, None
        except (FetchError, ExtractError) as exc:
            page_problem = exc
        try:
            fallback = article_from_feed(
                title=item.title,
                content_html=item.content_html,
                summary=item.summary,
                url=item.url,
                authors=item.authors,
                published=item.published,
                image_url=item.image_url,
                language=item.language,
            )
        except ExtractError as exc:
            raise ExtractError(f"{page_problem}; the feed's own text was not usable either ({exc})") from exc
        return fallback, item.url, page_problem

    async def reextract(self, article_id: str) -> str:
        """Fetch a stored article's page again and store a fresh extraction: "updated", "unchanged", or
        raises HeraldError saying why not (the stored text is kept)."""
        article = await asyncio.to_thread(self.store.articles.get, article_id)
        if article is None:
            raise ExtractError(f"No article {article_id}")
        extracted, _ = await self._page_article(article.url)
        changed = await asyncio.to_thread(
            self.store.articles.replace_content,
            article.id,
            extracted,
            content_hash=content_fingerprint(extracted.text),
            now=datetime.now(UTC),
        )
        return "updated" if changed else "unchanged"

    async def refresh_many(
        self, sources: Iterable[Source], on_report: ReportCallback | None = None
    ) -> list[RefreshReport]:
        """Refresh several feeds at once; the fetcher's per-host limits keep it polite."""
        limit = asyncio.Semaphore(max(1, self.settings.fetch_concurrency // 2))
        reports: list[RefreshReport] = []

        async def one(source: Source) -> None:
            async with limit:
                try:
                    report = await self.refresh_source(source)
                except Exception as exc:  # a bug must not stop the other feeds; it is logged and recorded
                    log.exception("refresh of %s crashed", source.feed_url)
                    report = RefreshReport(
                        source_id=source.id, feed_url=source.feed_url, error=f"Internal error: {exc}"
                    )
            reports.append(report)
            if on_report is not None:
                maybe = on_report(report)
                if maybe is not None:
                    await maybe

        await asyncio.gather(*(one(s) for s in sources))
        return reports

    def add_sources(self, specs: Iterable[SourceSpec]) -> tuple[int, int]:
        """(added, already there)."""
        added = existing = 0
        for spec in specs:
            _, created = self.store.sources.add(spec)
            if created:
                added += 1
            else:
                existing += 1
        return added, existing


def _parse_in_worker(body: bytes, url: str, content_type: str, charset: str | None) -> ParsedFeed:
    """Feed parsing is CPU work too (feedparser: tens of ms for a long feed): it runs beside extraction."""
    return parse_feed(body, url=url, content_type=content_type, charset=charset)


def _extract_in_worker(body: bytes, url: str, charset: str | None) -> ExtractedArticle:
    """Runs in a worker process (picklable, module level)."""
    return extract_article(body, url=url, charset=charset)
