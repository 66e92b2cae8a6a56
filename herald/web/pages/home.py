"""The front page: the top stories as groups (a lead headline, how many publishers tell it, other outlets'
headlines), then one group per section. An archive stored before stories existed gets the newest articles
first instead, and sections fall back to their newest articles."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from fastapi import APIRouter
from starlette.requests import Request
from starlette.responses import HTMLResponse

from herald.models import Article, Story
from herald.pipeline.coverage import other_outlets
from herald.translation import N_
from herald.web.language import language_of
from herald.web.pages.common import Web
from herald.web.pages.story import cached_story
from herald.web.render import section_path
from herald.web.seo import http_url

TOP_STORIES = 8
OUTLETS = 3
LATEST_COUNT = 7
SECTION_STORIES = 4
SECTION_COUNT = 5
HOME_SECTIONS = 10
FRESH_SECONDS = 5.0

LATEST = N_("Latest")  # the front page's group when no story is on top yet


@dataclass(frozen=True, slots=True)
class Teaser:
    """An article on the front page, with the story it leads when there is one (for "N publishers")."""

    article: Article
    story: Story | None = None


@dataclass(frozen=True, slots=True)
class TopStory:
    story: Story
    lead: Article
    outlets: list[Article]  # other publishers' headlines


@dataclass(frozen=True, slots=True)
class Group:
    name: str
    href: str | None  # where "more" leads
    lead: Teaser
    others: list[Teaser]


@dataclass(slots=True)
class _Shown:
    """What the page already holds, so a later group does not repeat it."""

    articles: set[str] = field(default_factory=set)
    stories: set[int] = field(default_factory=set)

    def add(self, teasers: Sequence[Teaser]) -> None:
        for t in teasers:
            self.articles.add(t.article.id)
            if t.article.story_id is not None:
                self.stories.add(t.article.story_id)
            if t.story is not None:
                self.stories.add(t.story.id)


def _group(name: str, href: str | None, teasers: list[Teaser]) -> Group:
    """A picture sells the lead: the first of the first three with an image leads, others follow in order."""
    lead = next((t for t in teasers[:3] if http_url(t.article.image_url)), teasers[0])
    return Group(name, href, lead, [t for t in teasers if t is not lead])


def top_stories(web: Web, stories: Sequence[Story]) -> list[TopStory]:
    """Each story with its lead article and other outlets' headlines; members come from the story memo,
    which the story's page and its articles' pages share."""
    views = {s.id: cached_story(web, s.id) for s in stories}
    members = {sid: (v.articles if v is not None else []) for sid, v in views.items()}
    by_id = {a.id: a for articles in members.values() for a in articles}
    missing = [s.lead_article_id for s in stories if s.lead_article_id and s.lead_article_id not in by_id]
    by_id.update((a.id, a) for a in web.store.articles.many(missing))
    found = []
    for story in stories:
        lead = by_id.get(story.lead_article_id or "")
        if lead is None and members[story.id]:
            lead = members[story.id][-1]
        if lead is not None:
            found.append(TopStory(story, lead, other_outlets(members[story.id], lead, OUTLETS)))
    return found


def _section(web: Web, name: str, shown: _Shown) -> list[Teaser]:
    """The section's top stories not shown above, filled up with its newest articles that no story shown
    covers (articles not yet placed in a story, or from an archive older than stories)."""
    store = web.store
    languages = web.languages
    stories = store.stories.top(
        SECTION_STORIES, section=name, exclude_ids=tuple(shown.stories), languages=languages
    )
    leads = {a.id: a for a in store.articles.many([s.lead_article_id for s in stories if s.lead_article_id])}
    teasers = [Teaser(leads[s.lead_article_id], s) for s in stories if s.lead_article_id in leads]
    taken = _Shown(set(shown.articles), set(shown.stories))
    taken.add(teasers)
    if len(teasers) < SECTION_COUNT:
        more = store.articles.latest(
            SECTION_COUNT * 2, section=name, exclude_ids=tuple(shown.articles), languages=languages
        )
        for a in more:
            if a.id in taken.articles or a.story_id in taken.stories or a.copy_of in taken.articles:
                continue
            teasers.append(Teaser(a))
            taken.add(teasers[-1:])
            if len(teasers) == SECTION_COUNT:
                break
    if not teasers:
        # A small section whose articles all made the groups above still gets its group, or it would vanish.
        teasers = [Teaser(a) for a in store.articles.latest(SECTION_COUNT, section=name, languages=languages)]
    return teasers


def router(web: Web) -> APIRouter:
    routes = APIRouter()

    def load() -> dict[str, Any]:
        top = top_stories(web, web.store.stories.top(TOP_STORIES, languages=web.languages))
        shown = _Shown()
        for t in top:
            shown.add([Teaser(t.lead, t.story), *(Teaser(a) for a in t.outlets)])
        groups = []
        if not top:
            latest = [Teaser(a) for a in web.store.articles.latest(LATEST_COUNT, languages=web.languages)]
            if latest:
                groups.append(_group(LATEST, "/latest", latest))
                shown.add(latest)
        for name, _count in web.directory.sections()[:HOME_SECTIONS]:
            teasers = _section(web, name, shown)
            if teasers:
                groups.append(_group(name, section_path(name), teasers))
                shown.add(teasers)
        every = [a for t in top for a in (t.lead, *t.outlets)]
        every.extend(t.article for g in groups for t in (g.lead, *g.others))
        return {
            "top": top,
            "groups": groups,
            "slugs": web.slugs_for(every),
            # the same for every reader, like the rest of this page
            "comment_counts": web.comments.counts([a.id for a in every]),
        }

    @routes.get("/", response_class=HTMLResponse)
    async def home(request: Request) -> HTMLResponse:
        return await web.shared_page(
            "home", FRESH_SECONDS, "home.html", load, current="home", language=language_of(request)
        )

    return routes
