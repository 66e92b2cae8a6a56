"""HTML pages that look like real publishers' pages: the article wrapped in the chrome extraction must shed.

Every page carries the metadata real pages carry (canonical link to the invented public domain, Open Graph,
article:published_time, optionally JSON-LD), so the extraction stage is exercised on its real inputs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from jinja2 import Environment, PackageLoader, select_autoescape

from herald.samplepack._data import SECTIONS, Outlet, Pack, PackArticle, slugify
from herald.samplepack._feeds import CONTENT_TYPES
from herald.samplepack._links import Links


@dataclass(frozen=True, slots=True)
class _Link:
    title: str
    url: str


def make_environment() -> Environment:
    return Environment(
        loader=PackageLoader("herald.samplepack", "data/templates"),
        autoescape=select_autoescape(["html"]),
        keep_trailing_newline=True,
    )


class PageRenderer:
    """Renders one pack's pages for one server address."""

    def __init__(self, pack: Pack, links: Links, now: datetime) -> None:
        self._pack = pack
        self._links = links
        self._now = now
        self._env = make_environment()

    def section_path(self, outlet: Outlet, section: str) -> str:
        local = self._pack.sections[outlet.lang_family][section]
        return f"/{outlet.key}/section/{slugify(local)}"

    def article(self, article: PackArticle) -> str:
        outlet = self._pack.outlet(article.outlet)
        published = article.published(self._now)
        half = max(1, (len(article.paragraphs) + 1) // 2)
        return self._env.get_template("article.html").render(
            **self._common(outlet),
            article=article,
            canonical=self._links.canonical(article),
            image_url=self._links.image(article),
            image_path=f"/img/{article.outlet}/{article.slug}.svg",
            section_name=self._pack.sections[outlet.lang_family][article.section],
            section_url=self.section_path(outlet, article.section),
            author_slug=slugify(article.author.split(",")[0]),
            published_iso=published.isoformat(),
            published_text=self._date_text(outlet, published),
            body_first=article.paragraphs[:half],
            body_rest=article.paragraphs[half:],
            related=self._related(article),
            most_read=self._most_read(article),
            json_ld=self._json_ld(outlet, article) if outlet.json_ld else None,
        )

    def listing(self, outlet: Outlet, heading: str, articles: list[PackArticle], canonical: str) -> str:
        items = [
            {
                "title": a.title,
                "summary": a.summary,
                "author": a.author,
                "url": f"/{a.outlet}/{self._pack.article_path(a)}",
                "section": self._pack.sections[outlet.lang_family][a.section],
                "published_iso": a.published(self._now).isoformat(),
                "published_text": self._date_text(outlet, a.published(self._now)),
            }
            for a in articles
        ]
        return self._env.get_template("listing.html").render(
            **self._common(outlet), heading=heading, items=items, canonical=canonical
        )

    def index(self) -> str:
        return self._env.get_template("index.html").render(outlets=self._pack.outlets)

    def _common(self, outlet: Outlet) -> dict[str, object]:
        nav = [
            {"name": self._pack.sections[outlet.lang_family][s], "url": self.section_path(outlet, s)}
            for s in SECTIONS
        ]
        return {
            "outlet": outlet,
            "labels": self._pack.labels[outlet.lang_family],
            "nav": nav,
            "year": self._now.year,
            "feed_type": CONTENT_TYPES[outlet.feed_format].split(";")[0],
        }

    def _date_text(self, outlet: Outlet, when: datetime) -> str:
        labels = self._pack.labels[outlet.lang_family]
        month = labels["months"].split(",")[when.month - 1]
        return labels["date_format"].format(day=when.day, month=month, year=when.year, time=f"{when:%H:%M}")

    def _related(self, article: PackArticle) -> list[_Link]:
        """Same outlet, same event first, then same section: what a publisher's related box would pick."""
        others = [a for a in self._pack.articles_of(article.outlet) if a.key != article.key]
        others.sort(key=lambda a: (a.event != article.event, a.section != article.section, a.hours_ago))
        return [_Link(a.title, self._links.tracked(a, "related", "article")) for a in others[:4]]

    def _most_read(self, article: PackArticle) -> list[_Link]:
        others = [a for a in self._pack.articles_of(article.outlet) if a.key != article.key]
        others.sort(key=lambda a: len(a.title) % 7)
        return [_Link(a.title, self._links.tracked(a, "mostread", "article")) for a in others[:5]]

    def _json_ld(self, outlet: Outlet, article: PackArticle) -> str:
        published = article.published(self._now).isoformat()
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": article.title,
            "description": article.summary,
            "image": [self._links.image(article)],
            "datePublished": published,
            "dateModified": published,
            "articleSection": self._pack.sections[outlet.lang_family][article.section],
            "inLanguage": outlet.language,
            "author": [{"@type": "Person", "name": article.author}],
            "publisher": {
                "@type": "NewsMediaOrganization",
                "name": outlet.name,
                "logo": {"@type": "ImageObject", "url": self._links.favicon(outlet)},
            },
            "mainEntityOfPage": self._links.canonical(article),
        }
        # "</" inside a script element would end it early; JSON allows the escaped slash.
        return json.dumps(data, ensure_ascii=False).replace("</", "<\\/")
