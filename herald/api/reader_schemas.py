"""The bodies of the reader's endpoints: signing an app in, the reader's account, comments, the reading
list, the history, follows and "For you".

Requests are checked here only for shape and size; what a value may be (a name, a password, a comment's
text) is the services' decision, so an app and the site are refused with the same sentences. Replies are built
from the services' plain values with ``of`` and carry the site's addresses, as the AI tools' replies do.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, computed_field

from herald.api.schemas import UtcTime, article_url, story_url
from herald.models import Article, Comment, Follow, User
from herald.pipeline.reading import ForYouItem, StoryNews
from herald.store.users import SessionInfo

LARGEST_ID = 2**63 - 1  # past this a database integer overflows: no such row

ReportReason = Literal["spam", "abuse", "off-topic", "other"]  # the site's report form's choices


class _In(BaseModel):
    # A field an app misspells is an error, not silently nothing.
    model_config = ConfigDict(extra="forbid", frozen=True)


class _Out(BaseModel):
    model_config = ConfigDict(frozen=True)


class Page(_Out):
    next_cursor: str | None = Field(
        description="Pass as `cursor` for the next page; null on the last page. Opaque: do not build one."
    )


# Signing in and the account ----------------------------------------------------------------------------


class TokenIn(_In):
    email: str = Field(max_length=254, examples=["ada@example.org"])
    password: str = Field(max_length=200)
    code: str = Field(
        default="", max_length=10, description="The 6-digit code, for an account with two-factor sign-in."
    )
    name: str = Field(
        max_length=200,
        description="What to call this app on the reader's account page, e.g. “Herald for Android on my "
        "phone”: 1 to 100 characters.",
        examples=["Herald for Android"],
    )


class UserOut(_Out):
    id: int
    display_name: str
    email: str
    role: str = Field(description="reader, moderator or admin.")
    two_factor: bool = Field(description="Whether signing in asks for a code from an authenticator app.")

    @classmethod
    def of(cls, user: User) -> UserOut:
        return cls(
            id=user.id,
            display_name=user.display_name,
            email=user.email,
            role=user.role,
            two_factor=user.totp_enabled,
        )


class TokenOut(_Out):
    token: str = Field(description="Send it as `Authorization: Bearer <token>`. Shown this once only.")
    token_type: Literal["bearer"] = "bearer"
    expires_at: UtcTime
    user: UserOut


class AppOut(_Out):
    handle: str = Field(description="Names this app session in DELETE /api/v1/me/apps/{handle}.")
    name: str = Field(description="The name given when the app signed in.")
    signed_in_at: UtcTime
    expires_at: UtcTime
    current: bool = Field(description="True for the token this request was made with.")

    @classmethod
    def of(cls, app: SessionInfo, current_handle: str) -> AppOut:
        return cls(
            handle=app.handle,
            name=app.label,
            signed_in_at=app.created_at,
            expires_at=app.expires_at,
            current=app.handle == current_handle,
        )


class AppsOut(Page):
    items: list[AppOut] = Field(description="Newest first.")


class PasswordIn(_In):
    current: str = Field(max_length=200)
    new: str = Field(max_length=200)


# Comments ----------------------------------------------------------------------------------------------


class CommentIn(_In):
    # No length limit here: the comments service counts the text as the site does and says so in its words.
    # The API's body limit keeps what arrives small.
    text: str
    parent_id: int | None = Field(default=None, gt=0, le=LARGEST_ID, description="The comment replied to.")


class CommentEditIn(_In):
    text: str


class ReportIn(_In):
    reason: ReportReason = "other"


class ReportOut(_Out):
    reported: bool = Field(description="False when this reader had reported the comment already.")


class CommentOut(_Out):
    """A comment as the site shows it to this reader. One they may not read (hidden, deleted, another
    reader's held one) is only a placeholder, kept so the replies below it stay in place: no text."""

    id: int
    article_id: str | None
    story_id: int | None
    parent_id: int | None
    depth: int | None = Field(
        description="0 for a comment on the page, 1 for a reply, and so on; null for a comment on its own."
    )
    author_name: str
    status: str = Field(
        description="visible; held (waiting for a moderator: only its author sees it); hidden (by a "
        "moderator) or deleted (by its author), shown only as a placeholder."
    )
    text: str = Field(description="What the author wrote, as plain text.")
    html: str = Field(description="The text rendered to safe HTML (links, emphasis, quotes, paragraphs).")
    created_at: UtcTime
    edited_at: UtcTime | None
    mine: bool = Field(description="The reader wrote it: they may edit and delete it.")

    @classmethod
    def of(cls, comment: Comment, *, depth: int | None, mine: bool) -> CommentOut:
        readable = comment.status == "visible" or (comment.status == "held" and mine)
        return cls(
            id=comment.id,
            article_id=comment.article_id,
            story_id=comment.story_id,
            parent_id=comment.parent_id,
            depth=depth,
            author_name=comment.author_name,
            status=comment.status,
            text=comment.body_text if readable else "",
            html=comment.body_html if readable else "",
            created_at=comment.created_at,
            edited_at=comment.edited_at,
            mine=mine,
        )


class ThreadOut(Page):
    count: int = Field(description="Visible comments in the whole thread, as the site counts them.")
    items: list[CommentOut] = Field(description="In reading order: depth first, oldest first at each level.")


# Reading -----------------------------------------------------------------------------------------------


class ArticleOut(_Out):
    id: str
    title: str
    publisher_id: int
    publisher_name: str
    published_at: UtcTime | None
    fetched_at: UtcTime
    excerpt: str
    section: str | None
    language: str | None
    image_url: str | None
    original_url: str = Field(description="The article on its publisher's site.")
    story_id: int | None

    @computed_field(description="The article's page on this site.")  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return article_url(self.id)

    @classmethod
    def of(cls, article: Article) -> ArticleOut:
        return cls(
            id=article.id,
            title=article.title,
            publisher_id=article.publisher_id,
            publisher_name=article.publisher_name,
            published_at=article.published_at,
            fetched_at=article.fetched_at,
            excerpt=article.excerpt,
            section=article.section,
            language=article.language,
            image_url=article.image_url,
            original_url=article.canonical_url,
            story_id=article.story_id,
        )


class SavedOut(Page):
    items: list[ArticleOut] = Field(description="Newest saved first.")


class ReadOut(_Out):
    article: ArticleOut
    read_at: UtcTime


class HistoryOut(Page):
    items: list[ReadOut] = Field(description="Last read first.")


class FollowIn(_In):
    muted: bool = Field(default=False, description="True to mute it: it never shows in For you.")


class FollowOut(_Out):
    kind: str = Field(description="publisher, story, entity or section.")
    key: str = Field(description="The publisher's or story's id, the name's key, or the section's name.")
    label: str = Field(description="What to call it, from Herald's records.")
    muted: bool
    created_at: UtcTime

    @classmethod
    def of(cls, follow: Follow) -> FollowOut:
        return cls(
            kind=follow.kind,
            key=follow.key,
            label=follow.label,
            muted=follow.muted,
            created_at=follow.created_at,
        )


class FollowsOut(Page):
    items: list[FollowOut] = Field(description="Follows first, then mutes, each by name.")


class ForYouItemOut(_Out):
    article: ArticleOut
    reasons: list[str] = Field(description="Why it is here, strongest first: “You follow Port Alder”.")
    score: float

    @classmethod
    def of(cls, item: ForYouItem) -> ForYouItemOut:
        return cls(article=ArticleOut.of(item.article), reasons=list(item.reasons), score=item.score)


class StoryNewsOut(_Out):
    story_id: int
    title: str
    new_articles: int = Field(description="Articles the story gained since the last visit.")

    @computed_field  # type: ignore[prop-decorator]
    @property
    def url(self) -> str:
        return story_url(self.story_id)

    @classmethod
    def of(cls, news: StoryNews) -> StoryNewsOut:
        return cls(story_id=news.story_id, title=news.title, new_articles=news.new_articles)


class ForYouOut(Page):
    items: list[ForYouItemOut] = Field(description="Best match first.")
    since_last_visit: list[StoryNewsOut] = Field(
        description="Followed stories that grew since the visit before this one; first page only."
    )
    last_visit: UtcTime | None = Field(description="The visit before this one; first page only.")
    follows: int = Field(description="How many things the reader follows (not mutes); 0: nothing to rank.")
