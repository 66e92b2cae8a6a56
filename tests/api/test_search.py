"""GET /api/v1/search over the web tests' newsroom: the reply's shape and highlights, paging by cursor, the
filters, the site's languages, errors as problem+json, hostile queries, and the OpenAPI description."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi
from fastapi.testclient import TestClient

from herald.api import create_search_api, install_problem_handlers
from herald.api.paging import BAD_CURSOR
from herald.api.search import DATES_REVERSED, NO_PUBLISHER
from herald.config import Settings
from herald.pipeline.search import SEMANTIC_UNAVAILABLE, Search
from herald.store import Store
from herald.web import create_app
from tests.store.test_search import HOSTILE
from tests.web.conftest import NOW, Stories, add_stories, build_newsroom

PROBLEM = "application/problem+json"


def no_embedding(_texts: Sequence[str]) -> np.ndarray:
    raise OSError("no model in these tests")


class Api:
    def __init__(self, client: TestClient, french: TestClient, store: Store, stories: Stories) -> None:
        self.client, self.french, self.store, self.stories = client, french, store, stories

    def get(self, status: int = 200, **params: Any) -> Any:
        answer = self.client.get("/api/v1/search", params=params)
        assert answer.status_code == status, answer.text
        if status == 200:
            assert answer.headers["content-type"] == "application/json"
            assert answer.headers["cache-control"] == "public, max-age=60"
        else:
            assert answer.headers["content-type"] == PROBLEM
        return answer.json()


def _app(settings: Settings, store: Store, search: Search, **options: Any) -> FastAPI:
    app = create_app(settings, store, search=search)
    app.include_router(create_search_api(search, **options))
    install_problem_handlers(app)
    return app


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    path: Path = tmp_path_factory.mktemp("search-api") / "t.db"
    store = Store(f"sqlite:///{path}")
    stories = add_stories(build_newsroom(store))
    settings = Settings(site_name="Herald", base_url="https://herald.test")
    search = Search(settings, store, embed=no_embedding)
    app = _app(settings, store, search)
    french = _app(settings, store, search, site_languages=lambda: ("fr",))
    with TestClient(app) as client, TestClient(french) as french_client:
        yield Api(client, french_client, store, stories)
    store.close()


def ids(body: dict[str, Any]) -> list[str]:
    return [item["article"]["id"] for item in body["items"]]


def test_the_reply_and_its_highlights(api: Api) -> None:
    body = api.get(q="Ferry  strike", mode="text")
    assert set(body) == {
        "query", "mode", "used", "terms", "total", "total_exact", "note", "items", "next_cursor"
    }  # fmt: skip
    assert (body["query"], body["mode"], body["used"], body["note"]) == ("Ferry strike", "text", "text", "")
    assert body["terms"] == ["ferry", "strike"]
    assert body["total"] == len(body["items"]) and body["total_exact"] and body["next_cursor"] is None
    first = body["items"][0]
    assert first["article"]["id"] == api.stories.wire
    assert first["article"]["url"] == f"/article/{api.stories.wire}"
    assert (
        first["story"]["id"] == api.stories.ferry and first["story"]["url"] == f"/story/{api.stories.ferry}"
    )
    assert first["more_in_story"] == 2  # its two reprints
    title = first["article"]["title"]
    assert [title[a:b] for a, b in first["title_highlights"]] == ["Ferry", "strike"]
    excerpt = first["excerpt"]
    assert [excerpt[a:b].lower() for a, b in first["excerpt_highlights"]] == ["ferry", "strike"]
    lone = [item for item in body["items"] if item["story"] is None]
    assert lone and all(item["more_in_story"] == 0 for item in lone)


def test_paging_by_cursor(api: Api) -> None:
    everything = ids(api.get(q="the", mode="text", limit=100))
    assert len(everything) > 3
    seen: list[str] = []
    cursor = None
    for _ in range(len(everything)):
        page = api.get(q="the", mode="text", limit=2, **({"cursor": cursor} if cursor else {}))
        seen += ids(page)
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything
    bad = api.get(400, q="the", cursor="not-a-cursor")
    assert bad["detail"] == BAD_CURSOR and bad["status"] == 400


def test_filters(api: Api) -> None:
    courier = ids(api.get(q="strike", mode="text", publisher="valley-ledger"))
    assert courier in ([api.stories.wire_ledger], [api.stories.analysis])
    assert ids(api.get(q="greve", mode="text", language="fr")) == [api.stories.local]
    assert ids(api.get(q="greve", mode="text", language="en")) == []
    assert ids(api.get(q="eclipse", mode="text", section="World")) == []
    today = NOW.date().isoformat()
    assert ids(api.get(q="ferry strike", mode="text", **{"from": today})) != []
    assert ids(api.get(q="ferry strike", mode="text", to="2000-01-01")) == []


def test_the_sites_languages_apply(api: Api) -> None:
    answer = api.french.get("/api/v1/search", params={"q": "port alder", "mode": "text"})
    assert answer.status_code == 200
    languages = {item["article"]["language"] for item in answer.json()["items"]}
    assert languages == {"fr"}


@pytest.mark.parametrize(
    ("params", "status", "detail"),
    [
        ({}, 422, "query parameter q: Field required."),
        ({"q": ""}, 422, None),
        ({"q": "x" * 301}, 422, None),
        ({"q": "ferry", "mode": "fuzzy"}, 422, None),
        ({"q": "ferry", "from": "yesterday"}, 422, None),
        ({"q": "ferry", "to": "2024-02-30"}, 422, None),
        ({"q": "ferry", "language": "english"}, 422, None),
        ({"q": "ferry", "limit": "0"}, 422, None),
        ({"q": "ferry", "section": "s" * 51}, 422, None),
        ({"q": "ferry", "from": "2024-05-02", "to": "2024-05-01"}, 400, DATES_REVERSED),
        ({"q": "ferry", "publisher": "no-such-paper"}, 400, NO_PUBLISHER),
    ],
)
def test_errors_are_problems(api: Api, params: dict[str, str], status: int, detail: str | None) -> None:
    body = api.get(status, **params)
    assert body["status"] == status and body["type"] == "about:blank"
    if detail is not None:
        assert body["detail"] == detail


def test_hostile_queries(api: Api) -> None:
    for query in HOSTILE:
        answer = api.client.get("/api/v1/search", params={"q": query})
        assert answer.status_code in (200, 422), (query, answer.status_code)
    assert api.get(q="!!! *** NEAR(")["terms"] == ["near"]  # a word like any other
    punctuation = api.get(q='!?* "" -')
    assert (punctuation["terms"], punctuation["items"], punctuation["total"]) == ([], [], 0)


def test_meaning_unavailable_is_said(api: Api) -> None:
    body = api.get(q="ferry strike")
    assert (body["mode"], body["used"], body["note"]) == ("hybrid", "text", SEMANTIC_UNAVAILABLE)


def test_the_openapi_description(api: Api) -> None:
    router = create_search_api(Search(Settings(), api.store))
    document = get_openapi(title="t", version="1", routes=router.routes)
    operation = document["paths"]["/api/v1/search"]["get"]
    assert operation["operationId"] == "search"
    names = {p["name"] for p in operation["parameters"]}
    assert names == {"q", "mode", "from", "to", "publisher", "section", "language", "limit", "cursor"}
    assert set(operation["responses"]) >= {"200", "400", "422"}
    schema = document["components"]["schemas"]["SearchOut"]
    assert schema["examples"][0]["items"][0]["title_highlights"] == [[0, 5], [6, 12]]
    assert "application/problem+json" in operation["responses"]["400"]["content"]
