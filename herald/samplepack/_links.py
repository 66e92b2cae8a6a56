"""Where each thing lives: on the sample server (what feeds link to) and on the invented domain (canonical
links)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from herald.samplepack._data import Outlet, Pack, PackArticle


@dataclass(frozen=True, slots=True)
class Links:
    pack: Pack
    base_url: str

    def page(self, article: PackArticle) -> str:
        return f"{self.base_url}/{article.outlet}/{self.pack.article_path(article)}"

    def tracked(self, article: PackArticle, source: str, medium: str) -> str:
        """Outlets that track readers decorate their links the way real ones do; the page stays the same."""
        url = self.page(article)
        if not self.pack.outlet(article.outlet).tracking:
            return url
        query = {"utm_source": source, "utm_medium": medium, "utm_campaign": article.section.lower()}
        return f"{url}?{urlencode(query)}"

    def feed_link(self, article: PackArticle) -> str:
        # Decided by the article's own outlet, so an item listed in two feeds has one and the same URL.
        return self.tracked(article, "rss", "feed")

    def canonical(self, article: PackArticle) -> str:
        return f"https://{self.pack.outlet(article.outlet).domain}/{self.pack.article_path(article)}"

    def image(self, article: PackArticle) -> str:
        return f"{self.base_url}/img/{article.outlet}/{article.slug}.svg"

    def favicon(self, outlet: Outlet) -> str:
        return f"{self.base_url}/{outlet.key}/favicon.svg"

    def feed(self, outlet: Outlet) -> str:
        return f"{self.base_url}{outlet.feed_path}"

    def guid(self, article: PackArticle) -> str:
        return f"{self.pack.outlet(article.outlet).domain}:{self.pack.number(article)}"
