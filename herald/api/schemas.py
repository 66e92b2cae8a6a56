"""The API's response bodies, as pydantic models built from the AI tools' plain values.

The tools' values stay free of HTTP concerns; these models add what an app needs to follow a result (the
site's URL of an article or a name) and fix the wire format: times are ISO 8601 in UTC with a "Z", and every
list is a JSON array in the order the tool chose.

A model whose fields match its value's is built with ``Model.model_validate(value)``, nested values included;
only models that reshape or add data have a classmethod ``of``.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import UTC, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, WithJsonSchema, computed_field

from herald.pipeline import Panel, Rewrite


def _utc_z(value: datetime) -> str:
    # A naive time from the store is UTC by the store's contract; say so explicitly on the wire.
    aware = value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    return aware.isoformat().replace("+00:00", "Z")


UtcTime = Annotated[
    datetime,
    PlainSerializer(_utc_z, return_type=str, when_used="json"),
    WithJsonSchema({"type": "string", "format": "date-time", "example": "2024-05-01T09:30:00Z"}),
]


# Each model's `url` is a computed field: derived from its id, yet in the JSON and the response schema. mypy
# cannot type a decorator over @property, hence the `type: ignore[prop-decorator]` pydantic's docs prescribe.


def article_url(article_id: str) -> str:
    return f"/article/{article_id}"


def entity_url(key: str) -> str:
    return f"/entity/{key}"


def story_url(story_id: int) -> str:
    return f"/story/{story_id}"


class _Body(BaseModel):
    # from_attributes: a model reads the tool's frozen dataclass (and the ones nested in it) field by field.
    model_config = ConfigDict(frozen=True, from_attributes=True)


class Problem(_Body):
    """An error as RFC 9457 describes it (served as application/problem+json)."""

    type: str = Field(
        default="about:blank", description="Always about:blank: the status code says what went wrong."
    )
    title: str = Field(description="The HTTP status phrase, e.g. Not Found.")
    status: int = Field(description="The HTTP status code, repeated for clients that lose the header.")
    detail: str = Field(description="What went wrong with this request, in a sentence a reader can act on.")


class SummaryOut(_Body):
    sentences: list[str] = Field(description="Sentences of the article that summarise it, in article order.")
    key_points: list[str] = Field(description="Sentences with the article's key points, in article order.")
    method: str = Field(description='"extractive", or the language model that wrote `generated`.')
    generated: str = Field(description="A language model's summary citing `sentences`; empty otherwise.")


class NameOut(_Body):
    key: str = Field(description="The name's stable identity, also its page's slug.")
    name: str
    kind: str = Field(description="person, place, organisation or another kind.")

    @computed_field(description="The site's page of the name: /entity/<key>.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return entity_url(self.key)


class NamesOut(_Body):
    people: list[NameOut]
    places: list[NameOut]
    organisations: list[NameOut]
    other: list[NameOut]


class StoryOut(_Body):
    id: int
    title: str
    article_count: int
    publisher_count: int

    @computed_field(description="The site's page of the story: /story/<id>.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return story_url(self.id)


class TimelineEntryOut(_Body):
    article_id: str
    publisher_name: str
    title: str
    time: UtcTime
    gist: str = Field(description="One sentence saying what the article added to the story.")
    story_id: int | None
    current: bool = Field(description="True for the article the request was about.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return article_url(self.article_id)


class EarlierStoryOut(_Body):
    story_id: int
    title: str
    first_time: UtcTime
    last_time: UtcTime
    article_count: int

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return story_url(self.story_id)


class StorySoFarOut(_Body):
    story_id: int | None
    entries: list[TimelineEntryOut] = Field(description="The story's tellings, oldest first, no reprints.")
    earlier: list[EarlierStoryOut] = Field(description="Linked earlier stories, newest first.")
    since: UtcTime | None = Field(description="The date asked for, if any.")
    new_since: list[TimelineEntryOut] = Field(description="Entries after `since`, oldest first.")


class FactOut(_Body):
    kind: str = Field(description="number, name or quote.")
    text: str
    publishers: list[str] = Field(description="Outlets whose articles contain it.")


class OutletCoverageOut(_Body):
    publisher_id: int
    publisher_name: str
    article_id: str = Field(description="The outlet's first article in the story.")
    title: str
    first_time: UtcTime
    article_count: int = Field(description="The outlet's own tellings.")
    reprints: int = Field(description="The outlet's articles that carry another outlet's text.")
    exclusive: list[FactOut] = Field(description="Facts only this outlet reported.")
    first: bool = Field(description="True for the outlet that reported the story first.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return article_url(self.article_id)


class CoverageOut(_Body):
    story_id: int | None
    outlets: list[OutletCoverageOut] = Field(description="By first report time, first reporter first.")
    shared: list[FactOut] = Field(description="Facts every outlet with its own telling reported.")


class LanguageOut(_Body):
    code: str = Field(description="BCP 47 primary language code, e.g. es.")
    name: str = Field(description="The language's English name.")


class ToolsOut(_Body):
    """Which tools have something to give for this article, so an app shows only those."""

    ask: bool = Field(description="Always true: questions are answered from quotes even without a model.")
    story_so_far: bool = Field(description="The article's story has more than one telling.")
    coverage: bool = Field(description="More than one outlet reported the story.")
    explain: bool = Field(description="A language model can retell the article in plain words.")
    translate: bool = Field(description="A language model can translate the article.")


class PanelOut(_Body):
    article_id: str
    summary: SummaryOut
    names: NamesOut
    story: StoryOut | None
    story_so_far: StorySoFarOut | None = Field(description="Null unless the story has several tellings.")
    coverage: CoverageOut | None = Field(description="Null unless several outlets reported the story.")
    model: str = Field(description='The language model\'s name; "" when the tools are extractive only.')
    languages: list[LanguageOut] = Field(description="Languages a translation can be asked in.")
    tools: ToolsOut

    @classmethod
    def of(cls, panel: Panel) -> PanelOut:
        """The panel's values with what an app needs to lay it out: the article's id, the languages as
        objects and which tools to offer."""
        return cls.model_validate(
            {
                "article_id": panel.article.id,
                "summary": panel.summary,
                "names": panel.names,
                "story": panel.story,
                "story_so_far": panel.story_so_far,
                "coverage": panel.coverage,
                "model": panel.model,
                "languages": [LanguageOut(code=code, name=name) for code, name in panel.languages],
                "tools": ToolsOut(
                    ask=True,
                    story_so_far=panel.story_so_far is not None,
                    coverage=panel.coverage is not None,
                    explain=panel.generative,
                    translate=bool(panel.languages),
                ),
            }
        )


class QuoteOut(_Body):
    article_id: str
    publisher_name: str
    title: str
    time: UtcTime
    text: str = Field(description="The quoted sentence, as the article has it.")
    score: float = Field(description="How well it answers, from 0 to 1.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return article_url(self.article_id)


class AnswerOut(_Body):
    question: str = Field(description="The question as it was answered (on one line, cut to 300 characters).")
    answered: bool = Field(description="False when the sources do not answer it; `message` says so.")
    message: str = Field(description="What to tell the reader above the quotes.")
    generated: str = Field(description="A language model's answer citing quotes as [1], [2]...; or empty.")
    model: str = Field(description="The language model that wrote `generated`; empty when extractive.")
    quotes: list[QuoteOut] = Field(description="Most relevant first.")


class RewriteOut(_Body):
    article_id: str
    kind: str = Field(description="simple or translation.")
    language: str = Field(description="BCP 47 code of the text.")
    title: str
    paragraphs: list[str]
    model: str

    @classmethod
    def of(cls, article_id: str, rewrite: Rewrite) -> RewriteOut:
        """The rewrite with the id of the article it retells, which the tool's value does not carry."""
        return cls.model_validate({"article_id": article_id, **asdict(rewrite)})
