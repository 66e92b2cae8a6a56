"""The bodies of the content endpoints: stories, articles, sections, publishers, names, and changes.

An article in a list is the reader endpoints' :class:`ArticleOut` with what a list needs besides (its
publisher's slug, the text it reprints, the time it is listed by), so an app reads one shape everywhere; an
article on its own adds its full text. Every object carries ``url``, its page on the site, and the
resources an app fetches next carry ``href``, their address in this API.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, Self
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, JsonValue, computed_field

from herald.api.reader_schemas import ArticleOut, Page
from herald.api.schemas import NameOut, UtcTime, story_url
from herald.models import Article, EntityRef, Publisher, Story

API = "/api/v1"

ARTICLE_EXAMPLE: dict[str, JsonValue] = {
    "id": "5f0c6a3e9b1d4c2e8a7f6b5d4c3b2a19",
    "title": "Ferry crews agree to end week-long strike after overnight talks",
    "publisher_id": 1,
    "publisher_name": "The Harbour Courier",
    "publisher_slug": "the-harbour-courier",
    "published_at": "2024-05-01T09:30:00Z",
    "fetched_at": "2024-05-01T09:34:12Z",
    "time": "2024-05-01T09:30:00Z",
    "excerpt": "PORT ALDER — Ferry crews agreed to end their strike, officials said on Tuesday…",
    "section": "World",
    "language": "en",
    "image_url": "https://courier.example/photos/ferry.jpg",
    "original_url": "https://courier.example/world/ferry-strike-ends",
    "story_id": 42,
    "copy_of": None,
    "url": "/article/5f0c6a3e9b1d4c2e8a7f6b5d4c3b2a19",
    "href": "/api/v1/articles/5f0c6a3e9b1d4c2e8a7f6b5d4c3b2a19",
}


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


def article_time(article: Article) -> datetime:
    """The time lists order by: publication, or when Herald found it if the publisher gave none."""
    return article.published_at or article.fetched_at


class ArticleCardOut(ArticleOut):
    """An article in a list: what a card shows, without the text."""

    publisher_slug: str | None = Field(description="Names the publisher in /api/v1/publishers/{slug}.")
    time: UtcTime = Field(
        description="Publication time, or when Herald found the article if the publisher gave none: what "
        "lists are ordered by."
    )
    copy_of: str | None = Field(
        description="The article whose text this one reprints (the first publisher's), if it is a copy."
    )

    @computed_field(description="The article in this API.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        return f"{API}/articles/{self.id}"

    @classmethod
    def card(cls, article: Article, slug: str | None, **more: Any) -> Self:
        """The article as a list shows it; a subclass's own fields come in ``more``."""
        return cls(
            **ArticleOut.of(article).model_dump(exclude={"url"}),
            publisher_slug=slug,
            time=article_time(article),
            copy_of=article.copy_of,
            **more,
        )

    model_config = ConfigDict(json_schema_extra={"examples": [ARTICLE_EXAMPLE]})


class ArticleDetailOut(ArticleCardOut):
    """An article with its full text, as its page on the site shows it."""

    paragraphs: list[str] = Field(description="The article's text, one string per paragraph (plain text).")
    authors: list[str]
    image_caption: str | None
    publisher_home_url: str | None
    publisher_favicon_url: str | None
    names: list[NameOut] = Field(
        description="The people, places and organisations it names, most salient first."
    )
    changed_at: UtcTime = Field(description="When anything shown here last changed; also its Last-Modified.")

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    **ARTICLE_EXAMPLE,
                    "paragraphs": [
                        "PORT ALDER — Ferry crews agreed to end their strike, officials said on Tuesday.",
                        "Services resume at dawn.",
                    ],
                    "authors": ["Mara Lindqvist"],
                    "image_caption": "Boats in the harbour at dawn.",
                    "publisher_home_url": "https://courier.example",
                    "publisher_favicon_url": "https://courier.example/favicon.png",
                    "names": [
                        {
                            "key": "port-alder",
                            "name": "Port Alder",
                            "kind": "place",
                            "url": "/entity/port-alder",
                        }
                    ],
                    "changed_at": "2024-05-01T09:35:02.120000Z",
                }
            ]
        }
    )


class ArticlesOut(Page):
    items: list[ArticleCardOut] = Field(description="Newest first.")


class RelatedOut(_Out):
    article_id: str
    related: list[ArticleCardOut] = Field(
        description="Articles about something close, best first, one per text: never this article, its "
        "copies or its own story's articles (those are in `on_story`)."
    )
    on_story: list[ArticleCardOut] = Field(
        description="The other tellings of the article's story, newest first, one per text."
    )


class StoryCardOut(_Out):
    """A story in a list: one event, told by `publisher_count` publishers."""

    id: int
    title: str = Field(description="The headline of its most typical telling.")
    section: str | None
    first_published: UtcTime
    last_updated: UtcTime = Field(description="The time of its newest article.")
    article_count: int
    publisher_count: int
    lead: ArticleCardOut | None = Field(description="The article whose headline leads the story.")

    @computed_field(description="The story's page on the site.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return story_url(self.id)

    @computed_field(description="The story in this API, with all its articles.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        return f"{API}/stories/{self.id}"

    @classmethod
    def of(cls, story: Story, lead: ArticleCardOut | None, **more: Any) -> Self:
        """The story as a list shows it; a subclass's own fields come in ``more``."""
        return cls(
            id=story.id,
            title=story.title,
            section=story.section,
            first_published=story.first_published,
            last_updated=story.last_updated,
            article_count=story.article_count,
            publisher_count=story.publisher_count,
            lead=lead,
            **more,
        )


class StoriesOut(Page):
    items: list[StoryCardOut] = Field(
        description="Most told and freshest first, as the front page ranks them."
    )


class TellingOut(_Out):
    """One text of the story: the article that first carried it, and other publishers' reprints of it."""

    article: ArticleCardOut
    reprints: list[ArticleCardOut] = Field(description="One per other publisher, oldest first.")


class StoryDetailOut(StoryCardOut):
    tellings: list[TellingOut] = Field(
        description="The story's texts, oldest first; a wire text carried by five papers is one telling."
    )
    changed_at: UtcTime = Field(description="When anything shown here last changed; also its Last-Modified.")


class SectionOut(_Out):
    name: str
    article_count: int

    @computed_field(description="The section's page on the site.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return "/section/" + quote(self.name, safe="")

    @computed_field(description="The section's newest articles in this API.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        return f"{API}/articles?section=" + quote(self.name, safe="")


class SectionsOut(_Out):
    items: list[SectionOut] = Field(description="Every section that holds articles, largest first.")


class PublisherOut(_Out):
    id: int
    name: str
    slug: str
    home_url: str | None
    favicon_url: str | None
    country: str | None = Field(description="ISO 3166 code, when known.")
    language: str | None = Field(description="BCP 47 language of its feeds, when known.")
    article_count: int

    @computed_field(description="The publisher's page on the site.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return f"/publisher/{self.slug}"

    @computed_field(description="The publisher and its newest articles in this API.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        return f"{API}/publishers/{self.slug}"

    @classmethod
    def of(cls, publisher: Publisher) -> PublisherOut:
        return cls(
            id=publisher.id,
            name=publisher.name,
            slug=publisher.slug,
            home_url=publisher.home_url,
            favicon_url=publisher.favicon_url,
            country=publisher.country,
            language=publisher.language,
            article_count=publisher.article_count,
        )


class PublishersOut(Page):
    items: list[PublisherOut] = Field(description="By name.")


class PublisherDetailOut(Page):
    publisher: PublisherOut
    items: list[ArticleCardOut] = Field(description="The publisher's articles, newest first.")


class EntityOut(NameOut):
    article_count: int = Field(description="How many articles name it.")

    @computed_field(description="The name's stories and articles in this API.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        return f"{API}/entities/{quote(self.key, safe='')}"

    @classmethod
    def of(cls, entity: EntityRef) -> EntityOut:
        return cls(key=entity.key, name=entity.name, kind=entity.kind, article_count=entity.article_count)


class EntitiesOut(Page):
    items: list[EntityOut] = Field(description="Most named first.")


class EntityDetailOut(Page):
    entity: EntityOut
    stories: list[StoryCardOut] = Field(description="The latest stories naming it (first page only).")
    items: list[ArticleCardOut] = Field(description="The articles naming it, newest first.")


class ChangeOut(_Out):
    """An article or a story that changed: fetch it again at `href` (or drop it, when `gone`)."""

    kind: Literal["article", "story"]
    article_id: str | None = Field(description="The article that changed (kind article).")
    story_id: int | None = Field(description="The story that changed (kind story), or the article's story.")
    changed_at: UtcTime
    merged_into: int | None = Field(
        description="A story folded into another: show that one instead (its old address redirects there)."
    )
    gone: bool = Field(
        description="True for a story that is no longer shown (merged into another, or left with no "
        "articles): drop it."
    )

    @computed_field(description="Where to fetch what changed.")  # type: ignore[prop-decorator]
    @property
    def href(self) -> str:
        if self.kind == "article":
            return f"{API}/articles/{self.article_id}"
        return f"{API}/stories/{self.merged_into or self.story_id}"

    model_config = ConfigDict(
        json_schema_extra={
            "examples": [
                {
                    "kind": "story",
                    "article_id": None,
                    "story_id": 41,
                    "changed_at": "2024-05-01T09:35:02.120000Z",
                    "merged_into": 42,
                    "gone": True,
                    "href": "/api/v1/stories/42",
                }
            ]
        }
    )


class ChangesOut(_Out):
    changes: list[ChangeOut] = Field(description="Oldest change first; each article or story at most once.")
    next_cursor: str = Field(
        description="Send as `since` next time: the place of the last change listed (the cursor sent, when "
        "none is; without `since`, now). Opaque: keep it as it is."
    )
    has_more: bool = Field(description="More changes wait: ask again at once with `next_cursor`.")
