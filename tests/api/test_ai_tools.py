"""The JSON API of an article's AI tools, over the web tests' newsroom with its ferry story: each endpoint's
shape and values, errors as problem+json, and a fake language model (working, then failing) behind it."""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Any, Protocol, cast

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from herald.ai import LanguageModel
from herald.api import create_api, install_problem_handlers
from herald.config import Settings
from herald.pipeline import ArticleTools
from herald.pipeline.assist import NO_MODEL
from herald.store import Store
from herald.web import create_app
from tests.web.conftest import (
    COURIER,
    LEDGER,
    NOW,
    NSR,
    QUOTIDIEN,
    STORY_ARTICLES,
    WIRE_TITLE,
    Stories,
    add_stories,
    build_newsroom,
)

PROBLEM = "application/problem+json"
UNKNOWN_ID = "0123456789abcdef0123456789abcdef"
RESUME_SENTENCE = "Crews voted late on Monday; services resume at dawn."
FAKE_SUMMARY = "The ferry strike is over and crews voted to accept the offer late on Monday [1][2]."
FAKE_ANSWER = "Services resume at dawn [1]."
SIMPLE_TEXT = "The ferry workers stopped their strike.\n\nThe boats sail again in the morning."
SPANISH_TEXT = "Termina la huelga de los transbordadores\n\nLos servicios se reanudan al amanecer."
LLM_URL = "http://llm.test/v1"
ASK_CACHE = "private, max-age=300"
WHEN = {"q": "When do services resume?"}
BROKEN_DETAIL = "The language model answered with an error (HTTP status 500)."


def fake_completion(request: httpx.Request) -> httpx.Response:
    """An OpenAI-compatible server that answers each of Herald's prompts the way a good model would."""
    system = json.loads(request.content)["messages"][0]["content"]
    if system.startswith("You summarise"):
        reply = FAKE_SUMMARY
    elif system.startswith("You answer"):
        reply = FAKE_ANSWER
    elif system.startswith("You rewrite"):
        reply = SIMPLE_TEXT
    elif system.startswith("You translate news articles into Spanish"):
        reply = SPANISH_TEXT
    else:
        return httpx.Response(400)
    return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": reply}}]})


def broken_server(_request: httpx.Request) -> httpx.Response:
    return httpx.Response(500, text="upstream exploded")


@dataclass
class World:
    store: Store
    stories: Stories
    plain: TestClient  # no language model
    talking: TestClient  # a language model that answers well
    broken: TestClient  # a language model whose server always fails


def api_app(tools: ArticleTools) -> FastAPI:
    app = FastAPI()
    app.include_router(create_api(tools))
    install_problem_handlers(app)
    return app


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    store = Store(f"sqlite:///{tmp_path_factory.mktemp('api')}/t.db")
    stories = add_stories(build_newsroom(store))
    settings = Settings()
    # Generated results are kept per model name, so the two models must not share one.
    talking = LanguageModel(
        "http://llm.test/v1", "fake-model", transport=httpx.MockTransport(fake_completion)
    )
    broken = LanguageModel("http://llm.test/v1", "broken-model", transport=httpx.MockTransport(broken_server))
    with (
        TestClient(api_app(ArticleTools(settings, store))) as plain,
        TestClient(api_app(ArticleTools(settings, store, talking))) as talking_client,
        TestClient(api_app(ArticleTools(settings, store, broken))) as broken_client,
    ):
        yield World(store, stories, plain, talking_client, broken_client)
    store.close()


def url(article_id: str, tool: str) -> str:
    return f"/api/v1/articles/{article_id}/{tool}"


class Reply(Protocol):
    """What the tests read of a TestClient response (Starlette's client is built on httpx2, not httpx)."""

    @property
    def status_code(self) -> int: ...
    @property
    def headers(self) -> Mapping[str, str]: ...
    @property
    def text(self) -> str: ...
    def json(self) -> Any: ...


def ok(response: Reply, cache: str = "public, max-age=60") -> Any:
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["cache-control"] == cache
    return response.json()


def problem_of(response: Reply, status: int, title: str) -> dict[str, Any]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["cache-control"] == "no-store"
    body = cast(dict[str, Any], response.json())
    assert {k: body[k] for k in ("type", "title", "status")} == {
        "type": "about:blank",
        "title": title,
        "status": status,
    }
    assert isinstance(body["detail"], str) and body["detail"]
    return body


def at(name: str) -> datetime:
    return NOW - timedelta(hours=STORY_ARTICLES[name][3])


def utc(text: str) -> datetime:
    assert text.endswith("Z"), text
    return datetime.fromisoformat(text)


# The panel --------------------------------------------------------------------------------------------------


def test_panel_of_a_story_article_has_every_part(world: World) -> None:
    s = world.stories
    body = ok(world.plain.get(url(s.wire, "ai")))
    assert body["article_id"] == s.wire
    assert body["summary"]["method"] == "extractive"
    assert body["summary"]["generated"] == ""
    assert body["summary"]["sentences"] and all(isinstance(t, str) for t in body["summary"]["sentences"])
    assert body["names"] == {
        "people": [],
        "places": [{"key": "port-alder", "name": "Port Alder", "kind": "place", "url": "/entity/port-alder"}],
        "organisations": [
            {
                "key": "ferry-workers-union",
                "name": "Ferry Workers Union",
                "kind": "organisation",
                "url": "/entity/ferry-workers-union",
            }
        ],
        "other": [],
    }
    story = world.store.stories.get(s.ferry)
    assert story is not None
    assert body["story"] == {
        "id": s.ferry,
        "title": WIRE_TITLE,
        "article_count": story.article_count,
        "publisher_count": story.publisher_count,
        "url": f"/story/{s.ferry}",
    }
    assert story.publisher_count == 4
    timeline = body["story_so_far"]
    assert timeline["story_id"] == s.ferry
    # One entry per text, oldest first: the wire's reprints are not tellings of their own.
    assert [e["article_id"] for e in timeline["entries"]] == [s.wire, s.analysis, s.local]
    assert [e["current"] for e in timeline["entries"]] == [True, False, False]
    assert [utc(e["time"]) for e in timeline["entries"]] == [at("wire"), at("analysis"), at("local")]
    assert timeline["entries"][0]["url"] == f"/article/{s.wire}"
    assert timeline["since"] is None and timeline["new_since"] == []
    assert [o["publisher_name"] for o in body["coverage"]["outlets"]] == [COURIER, LEDGER, NSR, QUOTIDIEN]
    assert body["model"] == ""
    assert body["languages"] == []
    assert body["tools"] == {
        "ask": True,
        "story_so_far": True,
        "coverage": True,
        "explain": False,
        "translate": False,
    }


def test_panel_of_an_article_in_no_story_has_no_story_tools(world: World) -> None:
    body = ok(world.plain.get(url(world.stories.unrelated, "ai")))
    assert body["story"] is None
    assert body["story_so_far"] is None
    assert body["coverage"] is None
    assert body["summary"]["sentences"][0].startswith("PORT ALDER — Coastal towns prepare")
    assert body["names"] == {"people": [], "places": [], "organisations": [], "other": []}
    assert body["tools"] == {
        "ask": True,
        "story_so_far": False,
        "coverage": False,
        "explain": False,
        "translate": False,
    }


def test_summary_without_a_model_is_the_panels_extractive_one(world: World) -> None:
    article = world.stories.unrelated
    summary = ok(world.plain.get(url(article, "summary")))
    assert summary == ok(world.plain.get(url(article, "ai")))["summary"]
    assert summary["method"] == "extractive"
    assert set(summary) == {"sentences", "key_points", "method", "generated"}


# Questions --------------------------------------------------------------------------------------------------


def test_ask_quotes_the_sentence_that_answers(world: World) -> None:
    s = world.stories
    body = ok(
        world.plain.get(url(s.wire, "ask"), params={"q": "When do services resume?"}), "private, max-age=300"
    )
    assert body["question"] == "When do services resume?"
    assert body["answered"] is True
    assert body["message"]
    assert body["generated"] == "" and body["model"] == ""
    first = body["quotes"][0]
    assert first["text"] == RESUME_SENTENCE
    assert first["article_id"] == s.wire
    assert first["publisher_name"] == COURIER
    assert first["title"] == WIRE_TITLE
    assert first["url"] == f"/article/{s.wire}"
    assert utc(first["time"]) == at("wire")
    assert 0 < first["score"] <= 1


def test_ask_accepts_a_long_question_and_the_tool_cuts_it(world: World) -> None:
    question = ("When do the ferry services resume after the strike " * 60)[:2000]
    body = ok(world.plain.get(url(world.stories.wire, "ask"), params={"q": question}), ASK_CACHE)
    assert 0 < len(body["question"]) <= 300
    assert question.startswith(body["question"])


def test_ask_needs_a_question_of_at_most_2000_characters(world: World) -> None:
    wire = world.stories.wire
    missing = problem_of(world.plain.get(url(wire, "ask")), 422, "Unprocessable Entity")
    assert [e["location"] for e in missing["errors"]] == ["query parameter q"]
    assert "q" in missing["detail"]
    problem_of(world.plain.get(url(wire, "ask"), params={"q": "x" * 2001}), 422, "Unprocessable Entity")


# The story so far and the coverage --------------------------------------------------------------------------


def test_story_so_far_since_a_date_and_since_a_time_with_an_offset(world: World) -> None:
    s = world.stories
    by_date = ok(world.plain.get(url(s.analysis, "story-so-far"), params={"since": "2000-01-01"}))
    assert by_date["since"] == "2000-01-01T00:00:00Z"
    assert [e["article_id"] for e in by_date["entries"]] == [s.wire, s.analysis, s.local]
    assert [e["current"] for e in by_date["entries"]] == [False, True, False]
    assert by_date["new_since"] == by_date["entries"]

    three_hours_ago = (NOW - timedelta(hours=3)).astimezone(timezone(timedelta(hours=2)))
    by_time = ok(
        world.plain.get(url(s.analysis, "story-so-far"), params={"since": three_hours_ago.isoformat()})
    )
    # Given at +02:00, answered in UTC with a Z; a time without an offset is taken as UTC.
    assert by_time["since"] == (NOW - timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert [e["article_id"] for e in by_time["new_since"]] == [s.analysis, s.local]
    naive = {"since": (NOW - timedelta(hours=3)).replace(tzinfo=None).isoformat()}
    assert ok(world.plain.get(url(s.analysis, "story-so-far"), params=naive)) == by_time

    without = ok(world.plain.get(url(s.analysis, "story-so-far")))
    assert without["since"] is None and without["new_since"] == []
    assert without["entries"] == by_date["entries"]


@pytest.mark.parametrize("since", ["yesterday", "2024-13-01", "2024-05-01T25:00", "1"])
def test_story_so_far_with_a_bad_date_is_a_400_problem(world: World, since: str) -> None:
    response = world.plain.get(url(world.stories.wire, "story-so-far"), params={"since": since})
    assert "since" in problem_of(response, 400, "Bad Request")["detail"]


def test_coverage_compares_the_outlets(world: World) -> None:
    s = world.stories
    body = ok(world.plain.get(url(s.analysis, "coverage")))
    assert body["story_id"] == s.ferry
    outlets = {o["publisher_name"]: o for o in body["outlets"]}
    assert [o["first"] for o in body["outlets"]] == [True, False, False, False]
    courier = outlets[COURIER]
    assert (courier["article_id"], courier["url"], courier["title"]) == (
        s.wire,
        f"/article/{s.wire}",
        WIRE_TITLE,
    )
    assert utc(courier["first_time"]) == at("wire")
    # Valley Ledger reprinted the wire text and wrote its own analysis; the science review only reprinted.
    assert (outlets[LEDGER]["article_count"], outlets[LEDGER]["reprints"]) == (1, 1)
    assert (outlets[NSR]["article_count"], outlets[NSR]["reprints"]) == (0, 1)
    for fact in body["shared"]:
        assert set(fact) == {"kind", "text", "publishers"}


def test_coverage_of_an_article_in_no_story_is_its_own_outlet(world: World) -> None:
    body = ok(world.plain.get(url(world.stories.unrelated, "coverage")))
    assert body["story_id"] is None
    assert [o["article_id"] for o in body["outlets"]] == [world.stories.unrelated]


# Tools that need a language model ---------------------------------------------------------------------------


@pytest.mark.parametrize("tool", ["simple", "translate?lang=es"])
def test_without_a_model_the_generative_tools_are_503_problems(world: World, tool: str) -> None:
    body = problem_of(world.plain.get(url(world.stories.wire, tool)), 503, "Service Unavailable")
    assert body["detail"] == NO_MODEL


def test_with_a_model_the_panel_offers_explain_and_translate(world: World) -> None:
    body = ok(world.talking.get(url(world.stories.wire, "ai")))
    assert body["model"] == "fake-model"
    assert {"code": "es", "name": "Spanish"} in body["languages"]
    assert body["tools"]["explain"] is True and body["tools"]["translate"] is True


def test_with_a_model_the_summary_is_generated_and_cites_the_article(world: World) -> None:
    s = world.stories
    summary = ok(world.talking.get(url(s.analysis, "summary")))
    assert summary["generated"] == FAKE_SUMMARY
    assert summary["method"] == "fake-model"
    assert summary["sentences"][1] == RESUME_SENTENCE  # [2] of the article's sentences
    # Kept, so the panel shows it too.
    assert ok(world.talking.get(url(s.analysis, "ai")))["summary"] == summary


def test_with_a_model_an_answer_is_written_from_the_quotes(world: World) -> None:
    body = ok(world.talking.get(url(world.stories.wire, "ask"), params=WHEN), ASK_CACHE)
    assert (body["generated"], body["model"], body["answered"]) == (FAKE_ANSWER, "fake-model", True)
    assert body["quotes"][0]["text"] == RESUME_SENTENCE


def test_with_a_model_the_article_is_explained_and_translated(world: World) -> None:
    wire = world.stories.wire
    simple = ok(world.talking.get(url(wire, "simple")))
    assert simple == {
        "article_id": wire,
        "kind": "simple",
        "language": "en",
        "title": WIRE_TITLE,
        "paragraphs": ["The ferry workers stopped their strike.", "The boats sail again in the morning."],
        "model": "fake-model",
    }
    spanish = ok(world.talking.get(url(wire, "translate"), params={"lang": "es-MX"}))
    assert spanish == {
        "article_id": wire,
        "kind": "translation",
        "language": "es",
        "title": "Termina la huelga de los transbordadores",
        "paragraphs": ["Los servicios se reanudan al amanecer."],
        "model": "fake-model",
    }


def test_a_language_not_offered_is_a_400_and_a_malformed_one_a_422(world: World) -> None:
    wire = world.stories.wire
    problem_of(world.talking.get(url(wire, "translate"), params={"lang": "xx"}), 400, "Bad Request")
    problem_of(
        world.talking.get(url(wire, "translate"), params={"lang": "<es>"}), 422, "Unprocessable Entity"
    )
    problem_of(world.talking.get(url(wire, "translate")), 422, "Unprocessable Entity")


def test_a_failing_model_gives_503_for_its_tools_and_extractive_results_elsewhere(world: World) -> None:
    s = world.stories
    for tool in ("simple", "translate?lang=es"):
        body = problem_of(world.broken.get(url(s.local, tool)), 503, "Service Unavailable")
        assert body["detail"] == BROKEN_DETAIL
    summary = ok(world.broken.get(url(s.local, "summary")))
    assert summary["method"] == "extractive" and summary["generated"] == ""
    assert summary == ok(world.plain.get(url(s.local, "summary")))
    answer = ok(
        world.broken.get(url(s.wire, "ask"), params={"q": "When do services resume?"}), "private, max-age=300"
    )
    assert (answer["generated"], answer["model"]) == ("", "")
    assert answer["quotes"][0]["text"] == RESUME_SENTENCE
    assert ok(world.broken.get(url(s.local, "ai")))["model"] == "broken-model"


# Ids --------------------------------------------------------------------------------------------------------

TOOLS = ["ai", "summary", "ask?q=why", "story-so-far", "coverage", "simple", "translate?lang=es"]


@pytest.mark.parametrize("tool", TOOLS)
def test_an_unknown_article_is_a_404_problem(world: World, tool: str) -> None:
    for client in (world.plain, world.talking):
        body = problem_of(client.get(url(UNKNOWN_ID, tool)), 404, "Not Found")
        assert body["detail"] == "No article has that id."


class NoDatabase:
    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"store.{name} used")


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize("article_id", ["xyz", UNKNOWN_ID.upper(), UNKNOWN_ID + "0", "%2e%2e"])
def test_a_malformed_id_is_a_404_problem_that_never_reaches_the_store(tool: str, article_id: str) -> None:
    tools = ArticleTools(Settings(), cast(Store, NoDatabase()))
    with TestClient(api_app(tools), raise_server_exceptions=False) as client:
        problem_of(client.get(url(article_id, tool)), 404, "Not Found")


def test_an_error_inside_a_tool_is_a_500_problem_without_a_trace() -> None:
    tools = ArticleTools(Settings(), cast(Store, NoDatabase()))
    with TestClient(api_app(tools), raise_server_exceptions=False) as client:
        response = client.get(url(UNKNOWN_ID, "ai"))  # well formed, so the (missing) store is asked
    body = problem_of(response, 500, "Internal Server Error")
    assert "store" not in body["detail"] and "Assertion" not in response.text


# The API inside the site ------------------------------------------------------------------------------------


def test_inside_the_site_api_errors_are_problems_and_the_sites_stay_html(world: World) -> None:
    app = create_app(Settings(base_url="https://herald.test"), world.store)

    @app.get("/needs-a-number")
    async def needs_a_number(n: int) -> dict[str, int]:
        return {"n": n}

    app.include_router(create_api(ArticleTools(Settings(), world.store)))
    install_problem_handlers(app)
    with TestClient(app) as client:
        assert ok(client.get(url(world.stories.wire, "ai")))["story"]["id"] == world.stories.ferry
        problem_of(client.get(url("xyz", "ai")), 404, "Not Found")
        problem_of(client.get("/api/v1/no-such-thing"), 404, "Not Found")
        problem_of(client.get(url(world.stories.wire, "ask")), 422, "Unprocessable Entity")
        problem_of(client.post(url(world.stories.wire, "ai")), 405, "Method Not Allowed")
        for path, status in (("/no-such-page", 404), ("/needs-a-number?n=x", 400), ("/latest?before=x", 400)):
            page = client.get(path)
            assert page.status_code == status
            assert page.headers["content-type"].startswith("text/html")
            assert "<html" in page.text.lower()


def test_outside_api_paths_a_plain_app_keeps_fastapis_default_errors(world: World) -> None:
    response = world.plain.get("/elsewhere")
    assert response.status_code == 404
    assert response.headers["content-type"] == "application/json"
    assert response.json() == {"detail": "Not Found"}


# The OpenAPI document ---------------------------------------------------------------------------------------


def test_openapi_documents_every_endpoint_with_its_models_and_problems(world: World) -> None:
    document = world.plain.get("/openapi.json").json()
    base = "/api/v1/articles/{article_id}"
    expected = {
        "/ai": ("PanelOut", {"404"}),
        "/summary": ("SummaryOut", {"404"}),
        "/ask": ("AnswerOut", {"404", "422"}),
        "/story-so-far": ("StorySoFarOut", {"400", "404"}),
        "/coverage": ("CoverageOut", {"404"}),
        "/simple": ("RewriteOut", {"404", "503"}),
        "/translate": ("RewriteOut", {"400", "404", "422", "503"}),
    }
    assert set(document["paths"]) == {base + tail for tail in expected}
    for tail, (model, problems) in expected.items():
        operation = document["paths"][base + tail]["get"]
        assert operation["tags"] == ["articles"]
        assert operation["summary"] and operation["description"]
        ok_schema = operation["responses"]["200"]["content"]["application/json"]["schema"]
        assert ok_schema == {"$ref": f"#/components/schemas/{model}"}
        assert set(operation["responses"]) == {"200", "default", *problems}
        for status in (*problems, "default"):
            content = operation["responses"][status]["content"]
            assert list(content) == [PROBLEM]
            assert set(content[PROBLEM]["schema"]["required"]) == {"title", "status", "detail"}
        article_id = next(p for p in operation["parameters"] if p["name"] == "article_id")
        assert article_id["schema"]["pattern"] == "^[0-9a-f]{32}$"
    time_schema = document["components"]["schemas"]["QuoteOut"]["properties"]["time"]
    assert time_schema["format"] == "date-time"
