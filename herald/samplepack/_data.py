"""The sample pack's invented outlets and articles, read from the TOML files under ``data/``.

The journalism lives in data files rather than code so that it can be read and edited as prose; this module
only checks that the files hang together (every article names a known outlet, wire copies point at a real
original) and turns relative ages into absolute times.
"""

from __future__ import annotations

import tomllib
import zlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from importlib import resources
from typing import Any, Literal

SECTIONS = ("World", "Politics", "Business", "Technology", "Science", "Health", "Sports", "Culture")
FeedFormat = Literal["rss", "atom", "json"]
FEED_EXTENSIONS: dict[str, str] = {"rss": "xml", "atom": "atom", "json": "json"}


@dataclass(frozen=True, slots=True)
class Outlet:
    key: str  # first segment of every path the outlet has on the sample server
    name: str
    domain: str  # the invented public host, under the reserved .example TLD
    country: str
    language: str  # BCP 47, e.g. "en-GB"
    feed_format: FeedFormat
    feed_title: str
    description: str
    tagline: str
    company: str  # the legal name in the footer
    accent: str  # CSS colour of the masthead and favicon
    path_pattern: str  # "{section}", "{slug}" and "{num}" are filled in per article
    paywall: bool = False
    tracking: bool = False  # feed and related links carry utm_* parameters
    full_content: bool = False  # the feed carries each article's full text
    json_ld: bool = False
    newsletter: str = "Newsletter"
    newsletter_pitch: str = ""
    comments: int = 0  # how many comments the "Show comments" button claims

    @property
    def home_url(self) -> str:
        return f"https://{self.domain}/"

    @property
    def feed_path(self) -> str:
        return f"/{self.key}/feed.{FEED_EXTENSIONS[self.feed_format]}"

    @property
    def lang_family(self) -> str:
        return self.language.split("-")[0]


@dataclass(frozen=True, slots=True)
class PackArticle:
    outlet: str
    slug: str
    event: str
    section: str
    title: str
    summary: str
    author: str
    hours_ago: float
    paragraphs: tuple[str, ...]
    image_motif: str
    image_caption: str
    page_status: int = 200  # anything but 200 makes the page unreachable, to exercise the feed fall-back
    also_in: tuple[str, ...] = ()  # other outlets whose feeds list this very item (same URL)
    syndicated_from: str | None = None  # "outlet/slug" of the wire original this copy reprints word for word
    tags: tuple[str, ...] = ()

    @property
    def key(self) -> str:
        return f"{self.outlet}/{self.slug}"

    def published(self, now: datetime) -> datetime:
        return (now - timedelta(hours=self.hours_ago)).replace(microsecond=0)


@dataclass(frozen=True, slots=True)
class Pack:
    outlets: tuple[Outlet, ...]
    articles: tuple[PackArticle, ...]
    sections: dict[str, dict[str, str]]  # language family -> English section name -> local name
    labels: dict[str, dict[str, str]]  # language family -> chrome label -> text

    def outlet(self, key: str) -> Outlet:
        for outlet in self.outlets:
            if outlet.key == key:
                return outlet
        raise KeyError(key)

    def articles_of(self, outlet_key: str) -> list[PackArticle]:
        own = [a for a in self.articles if a.outlet == outlet_key]
        return sorted(own, key=lambda a: a.hours_ago)

    def feed_articles(self, outlet_key: str) -> list[PackArticle]:
        """The outlet's own articles plus the items it shares with another outlet's feed, newest first."""
        listed = [a for a in self.articles if a.outlet == outlet_key or outlet_key in a.also_in]
        return sorted(listed, key=lambda a: a.hours_ago)

    def article_path(self, article: PackArticle) -> str:
        """The path below the outlet's host, the same on the sample server and on the invented domain."""
        outlet = self.outlet(article.outlet)
        local = self.sections[outlet.lang_family].get(article.section, article.section)
        return outlet.path_pattern.format(section=slugify(local), slug=article.slug, num=self.number(article))

    def number(self, article: PackArticle) -> int:
        """A stable six-digit id, the kind many publishers put in their URLs."""
        return zlib.crc32(article.key.encode()) % 900_000 + 100_000


def slugify(text: str) -> str:
    table = str.maketrans("áéíóúüñ", "aeiouun")
    return "-".join(text.lower().translate(table).split())


def _data_file(name: str) -> Any:
    return resources.files("herald.samplepack").joinpath("data", name)


def load_pack() -> Pack:
    """Read and check the pack; a broken data file fails loudly here, not as a half-served site."""
    outlets_doc = tomllib.loads(_data_file("outlets.toml").read_text(encoding="utf-8"))
    chrome_doc = tomllib.loads(_data_file("chrome.toml").read_text(encoding="utf-8"))
    outlets = tuple(Outlet(**entry) for entry in outlets_doc["outlet"])
    articles: list[PackArticle] = []
    for path in sorted(_data_file("articles").iterdir(), key=lambda p: p.name):
        if not path.name.endswith(".toml"):
            continue
        doc = tomllib.loads(path.read_text(encoding="utf-8"))
        for entry in doc["article"]:
            articles.append(_article(doc["event"], entry))
    pack = Pack(
        outlets=outlets,
        articles=tuple(_resolve_syndication(articles)),
        sections={lang: dict(table["sections"]) for lang, table in chrome_doc.items()},
        labels={lang: dict(table["labels"]) for lang, table in chrome_doc.items()},
    )
    _check(pack)
    return pack


_ARTICLE_KEYS = {
    "outlet", "slug", "section", "title", "summary", "author", "hours_ago", "paragraphs", "image",
    "page_status", "also_in", "syndicated_from", "tags",
}  # fmt: skip


def _article(event: str, entry: dict[str, Any]) -> PackArticle:
    unknown = set(entry) - _ARTICLE_KEYS
    if unknown:
        raise ValueError(f"An article about {event} has unknown fields {sorted(unknown)} (a typo?)")
    image = entry.get("image", {})
    try:
        return PackArticle(
            outlet=entry["outlet"],
            slug=entry["slug"],
            event=event,
            section=entry["section"],
            title=entry["title"],
            summary=entry.get("summary", ""),
            author=entry["author"],
            hours_ago=float(entry["hours_ago"]),
            paragraphs=tuple(entry.get("paragraphs", ())),
            image_motif=image.get("motif", ""),
            image_caption=image.get("caption", ""),
            page_status=int(entry.get("page_status", 200)),
            also_in=tuple(entry.get("also_in", ())),
            syndicated_from=entry.get("syndicated_from"),
            tags=tuple(entry.get("tags", ())),
        )
    except KeyError as exc:
        raise ValueError(f"An article about {event} lacks the field {exc}") from exc


def _resolve_syndication(articles: list[PackArticle]) -> list[PackArticle]:
    """Wire copies carry no text of their own: they take the original's paragraphs, image and summary."""
    by_key = {a.key: a for a in articles}
    resolved = []
    for article in articles:
        if article.syndicated_from:
            original = by_key.get(article.syndicated_from)
            if original is None:
                raise ValueError(
                    f"{article.key} reprints {article.syndicated_from}, which is not in the pack"
                )
            article = replace(
                article,
                paragraphs=original.paragraphs,
                image_motif=article.image_motif or original.image_motif,
                image_caption=article.image_caption or original.image_caption,
                summary=article.summary or original.summary,
            )
        resolved.append(article)
    return resolved


def _check(pack: Pack) -> None:
    keys = {o.key for o in pack.outlets}
    seen: set[str] = set()
    for article in pack.articles:
        if article.outlet not in keys or not set(article.also_in) <= keys:
            raise ValueError(f"{article.key} names an outlet the pack does not have")
        if article.section not in SECTIONS:
            raise ValueError(f"{article.key} has an unknown section {article.section!r}")
        if article.key in seen:
            raise ValueError(f"{article.key} appears twice")
        if not article.paragraphs or not article.image_motif:
            raise ValueError(f"{article.key} has no text or no image")
        seen.add(article.key)
    for outlet in pack.outlets:
        if outlet.lang_family not in pack.labels:
            raise ValueError(f"{outlet.key} is in {outlet.language}, for which chrome.toml has no labels")
