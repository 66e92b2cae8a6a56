"""The AI panel on the site: the article page only holds its shell; the fragments and the full tools page show
what ArticleTools computes (with the real embedder), with and without a language model, and every odd input
gets a message, never an error page."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from herald.ai import LanguageModel
from herald.ai.answer import ANSWERED, NO_QUESTION
from herald.config import Settings
from herald.pipeline import ArticleTools, Summary
from herald.pipeline.assist import NO_MODEL, UNKNOWN_LANGUAGE
from herald.store import Store
from herald.web import create_app
from herald.web.pages.tools import BAD_DATE, NO_DATE, preferred_language, renumbered_citations
from tests.web.conftest import COURIER, NOW, Stories, add_article, add_stories, build_newsroom

SETTINGS = Settings(site_name="Herald", base_url="https://herald.test")
UNKNOWN = "0" * 32
KEY_POINTS = ("Crews accepted the offer.", "Ferries run again at dawn.")


class Room:
    """The newsroom with its two stories, an article in no story and an article without text."""

    def __init__(self, store: Store) -> None:
        self.store = store
        newsroom = build_newsroom(store)
        self.stories: Stories = add_stories(newsroom)
        self.lone = newsroom.articles[0]  # "Ferry crews agree to end week-long strike...", in no story
        self.empty = add_article(
            newsroom,
            COURIER,
            url="https://courier.example/world/picture-of-the-day",
            title="Picture of the day",
            paragraphs=(),
            published=NOW - timedelta(minutes=1),
        )
        # A stored summary with key points, as ingest keeps it.
        store.summaries.put(
            self.stories.analysis,
            Summary(
                sentences=("PORT ALDER — What the end of the strike means for islands.",),
                key_points=KEY_POINTS,
                method="extractive",
            ),
        )


@pytest.fixture(scope="module")
def room(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Room]:
    path: Path = tmp_path_factory.mktemp("ai-panel") / "t.db"
    store = Store(f"sqlite:///{path}")
    yield Room(store)
    store.close()


def _client(room: Room, model: LanguageModel | None) -> Iterator[TestClient]:
    tools = ArticleTools(SETTINGS, room.store, model)
    with TestClient(create_app(SETTINGS, room.store, tools)) as client:
        yield client
        client.portal.call(tools.aclose)  # type: ignore[union-attr]


def _fake_model(name: str, reply: Callable[[str], httpx.Response]) -> LanguageModel:
    """A model at a mock endpoint; ``reply`` gets the system prompt, which says which tool is asking."""

    def handler(request: httpx.Request) -> httpx.Response:
        return reply(json.loads(request.content)["messages"][0]["content"])

    return LanguageModel("http://llm.test/v1", name, transport=httpx.MockTransport(handler))


def _completion(text: str) -> httpx.Response:
    return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": text}}]})


def _good_reply(system: str) -> httpx.Response:
    if system.startswith("You summarise"):
        return _completion("Ferry crews ended their strike after overnight talks [1]. Officials spoke [2].")
    if system.startswith("You answer"):
        return _completion("Services resume at dawn [1].")
    if system.startswith("You rewrite"):
        return _completion(
            "The boats were stuck.\n\nNow the workers said yes, and the boats will sail again."
        )
    if system.startswith("You translate"):
        return _completion("La huelga termina\n\nLos transbordadores vuelven a salir al amanecer.")
    return httpx.Response(400)


@pytest.fixture(scope="module")
def client(room: Room) -> Iterator[TestClient]:
    yield from _client(room, None)


@pytest.fixture(scope="module")
def model_client(room: Room) -> Iterator[TestClient]:
    yield from _client(room, _fake_model("fake-good", _good_reply))


@pytest.fixture(scope="module")
def failing_client(room: Room) -> Iterator[TestClient]:
    yield from _client(room, _fake_model("fake-500", lambda _system: httpx.Response(500, text="down")))


@pytest.fixture(scope="module")
def garbage_client(room: Room) -> Iterator[TestClient]:
    yield from _client(room, _fake_model("fake-garbage", lambda _system: _completion("<p>lol</p> ```")))


def _text(html: str) -> str:
    """The visible words, for asserting on sentences that span tags."""
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


# The article page: a shell, fast, with no AI work ------------------------------------------------------


class _RefusingTools(ArticleTools):
    """Tools that must not be asked: every call is recorded and fails."""

    def __init__(self, settings: Settings, store: Store) -> None:
        super().__init__(settings, store)
        self.calls: list[str] = []

    def _refuse(self, name: str) -> Any:
        self.calls.append(name)
        raise AssertionError(f"tools.{name} was called")

    async def panel(self, article_id: str) -> Any:
        return self._refuse("panel")

    async def summary(self, article_id: str) -> Any:
        return self._refuse("summary")

    async def ask(self, article_id: str, question: str) -> Any:
        return self._refuse("ask")

    async def story_so_far(self, article_id: str, since: Any) -> Any:
        return self._refuse("story_so_far")

    async def coverage(self, article_id: str) -> Any:
        return self._refuse("coverage")


def test_the_article_page_has_the_panel_shell_and_never_calls_the_tools(room: Room) -> None:
    tools = _RefusingTools(SETTINGS, room.store)
    app = create_app(SETTINGS, room.store, tools)
    with TestClient(app, raise_server_exceptions=False) as refusing:
        page = refusing.get(f"/article/{room.stories.analysis}")
        fragment = refusing.get(f"/article/{room.stories.analysis}/ai")
    assert page.status_code == 200
    html = page.text
    shell = html[html.index('<section class="ai-panel"') :]
    shell = shell[: shell.index("</section>")]
    assert 'id="ai-tools"' in shell and 'aria-labelledby="ai-tools-heading"' in shell
    assert f'data-ai-panel="/article/{room.stories.analysis}/ai"' in shell
    assert '<h2 id="ai-tools-heading" class="ai-title">AI features</h2>' in shell
    assert f'<a href="/article/{room.stories.analysis}/tools">Open the AI tools</a>' in shell
    assert re.search(r'<script src="/static/panel\.js\?v=[0-9a-f]+" defer></script>', html)
    assert "<script>" not in html  # no inline script: the CSP allows only our own files
    # in the reference page's order: after the way to the original, before the lists of other articles
    assert html.index('class="original"') < html.index('id="ai-tools"') < html.index('id="on-story-heading"')
    assert tools.calls == ["panel"]  # only the fragment asked, and its failure stayed out of the page
    assert fragment.status_code == 500


def test_panel_script_is_served(client: TestClient) -> None:
    response = client.get("/static/panel.js")
    assert response.status_code == 200
    assert "data-ai-panel" in response.text and "The AI tools could not be loaded." in response.text


# The panel fragment -------------------------------------------------------------------------------------


def test_the_fragment_has_the_summary_key_points_names_and_the_question_form(
    client: TestClient, room: Room
) -> None:
    response = client.get(f"/article/{room.stories.analysis}/ai")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "private, max-age=60"
    html = response.text
    assert "<html" not in html  # a fragment, not a page
    assert '<h3 id="ai-summary-heading" class="ai-block-title">Summary</h3>' in html
    assert "What the end of the strike means for islands." in html
    assert "Key points" in html
    for point in KEY_POINTS:
        assert f"<li>{point}</li>" in html
    names = _text(html[html.index('<section class="ai-block ai-names"') :])
    assert names.startswith(
        "People, places, organisations Places Port Alder Organisations Ferry Workers Union"
    )
    assert '<a href="/entity/port-alder">Port Alder</a>' in html
    assert '<a href="/entity/ferry-workers-union">Ferry Workers Union</a>' in html
    assert f'action="/article/{room.stories.analysis}/tools#ask"' in html
    assert 'name="q" maxlength="300"' in html and 'for="ai-question"' in html
    assert 'placeholder="e.g. Who voted against?"' in html
    assert 'id="ai-answer" aria-live="polite"' in html


def test_story_so_far_and_coverage_appear_for_a_story_with_several_outlets(
    client: TestClient, room: Room
) -> None:
    stories = room.stories
    html = client.get(f"/article/{stories.analysis}/ai").text
    assert "The story so far" in html and "Compare coverage" in html
    timeline = html[html.index('<ol class="ai-timeline">') :]
    timeline = timeline[: timeline.index("</ol>")]
    # oldest first, one entry per text: the wire origin, the analysis (here), the French report
    assert timeline.index(stories.wire) < timeline.index(stories.analysis) < timeline.index(stories.local)
    assert stories.wire_ledger not in timeline
    assert "You are here" in timeline
    assert f'<a href="/article/{stories.analysis}" aria-current="page">' in timeline
    coverage = _text(html[html.index("Compare coverage") :])
    assert "The Harbour Courier First to report" in coverage
    assert coverage.count("First to report") == 1
    assert "1 own telling · 1 reprint" in coverage  # Valley Ledger: the analysis and the wire copy
    assert "All outlets agree on: PORT ALDER" in coverage
    assert 'type="date" name="since"' in html


def test_an_article_in_no_story_has_no_timeline_or_comparison(client: TestClient, room: Room) -> None:
    html = client.get(f"/article/{room.lone}/ai").text
    assert "Ferry crews agree to end week-long strike" in html  # its summary
    assert "The story so far" not in html and "Compare coverage" not in html


def test_an_article_without_text_says_so(client: TestClient, room: Room) -> None:
    response = client.get(f"/article/{room.empty}/ai")
    assert response.status_code == 200
    assert "This article has no text to summarise." in response.text


@pytest.mark.parametrize(
    "path", ["/ai", "/ai/ask?q=why", "/ai/since?since=2024-01-01", "/ai/simple", "/tools"]
)
def test_unknown_and_malformed_articles_are_not_found(client: TestClient, path: str) -> None:
    assert client.get(f"/article/{UNKNOWN}{path}").status_code == 404
    assert client.get(f"/article/not-an-id{path}").status_code == 404


# Questions ----------------------------------------------------------------------------------------------


def test_a_good_question_is_answered_with_quotes(client: TestClient, room: Room) -> None:
    response = client.get(
        f"/article/{room.stories.analysis}/ai/ask", params={"q": "When do services resume?"}
    )
    assert response.status_code == 200
    html = response.text
    assert ANSWERED in html
    assert "<blockquote><p>Crews voted late on Monday; services resume at dawn.</p></blockquote>" in html
    quote = html[html.index("<figcaption") :]
    assert re.search(r'<a href="/article/[0-9a-f]{32}">[^<]+</a>', quote)
    assert "hours ago</time>" in quote


@pytest.mark.parametrize(
    "question", ["", "   ", "x" * 5000, "罢工什么时候结束？", "Когда закончилась забастовка?", "<script>"]
)
def test_any_question_gets_a_message_not_an_error(client: TestClient, room: Room, question: str) -> None:
    response = client.get(f"/article/{room.stories.analysis}/ai/ask", params={"q": question})
    assert response.status_code == 200
    html = response.text
    assert '<p class="ai-message' in html
    assert "<script>" not in html
    if not question.strip():
        assert NO_QUESTION in html
    assert "x" * 301 not in html  # a pasted page is cut to a question's length


# What's new since ---------------------------------------------------------------------------------------


def test_whats_new_since_a_date(client: TestClient, room: Room) -> None:
    stories = room.stories
    html = client.get(f"/article/{stories.analysis}/ai/since", params={"since": "2020-01-01"}).text
    assert "What's new since 1 January 2020" in html
    assert stories.wire in html and stories.local in html
    future = (NOW + timedelta(days=3)).date().isoformat()
    later = client.get(f"/article/{stories.analysis}/ai/since", params={"since": future})
    assert "Nothing new since then." in later.text


@pytest.mark.parametrize(
    ("value", "message"), [("yesterday", BAD_DATE), ("2024-02-30", BAD_DATE), ("", NO_DATE)]
)
def test_a_bad_date_gets_a_message(client: TestClient, room: Room, value: str, message: str) -> None:
    response = client.get(f"/article/{room.stories.analysis}/ai/since", params={"since": value})
    assert response.status_code == 200
    assert message in response.text
    assert response.headers["cache-control"] == "no-store"


# Without a language model -------------------------------------------------------------------------------


def test_without_a_model_there_are_no_explain_or_translate_controls(client: TestClient, room: Room) -> None:
    html = client.get(f"/article/{room.stories.analysis}/ai").text
    assert "Explain it simply" not in html and 'name="lang"' not in html and "Translate" not in html
    for path in ("/ai/simple", "/ai/translate?lang=es"):
        response = client.get(f"/article/{room.stories.analysis}{path}")
        assert response.status_code == 200
        assert NO_MODEL in response.text
        assert response.headers["cache-control"] == "no-store"


# With a language model ----------------------------------------------------------------------------------


def test_with_a_model_the_summary_is_written_by_it_and_cites_sentences(
    model_client: TestClient, room: Room
) -> None:
    html = model_client.get(f"/article/{room.lone}/ai").text
    assert "Ferry crews ended their strike after overnight talks [1]. Officials spoke [2]." in html
    assert "Written by fake-good from the article's sentences." in html
    cited = html[html.index('<details class="ai-sources">') :]
    assert (
        "Ferry crews agree to end week-long strike after overnight talks"
        in cited[: cited.index("</details>")]
    )


def test_with_a_model_the_controls_show_and_the_reader_language_is_chosen(
    model_client: TestClient, room: Room
) -> None:
    html = model_client.get(
        f"/article/{room.stories.analysis}/ai", headers={"Accept-Language": "es-ES,es;q=0.9,en;q=0.5"}
    ).text
    assert f'data-ai-fragment="/article/{room.stories.analysis}/ai/simple"' in html
    assert f'href="/article/{room.stories.analysis}/tools?view=simple#retell"' in html
    assert '<option value="es" selected>Spanish</option>' in html
    assert html.count(" selected>") == 1


def test_with_a_model_explain_translate_and_ask_show_its_text(model_client: TestClient, room: Room) -> None:
    article = room.stories.analysis
    simple = model_client.get(f"/article/{article}/ai/simple").text
    assert "<p>Now the workers said yes, and the boats will sail again.</p>" in simple
    assert "Explained simply by fake-good" in simple
    translated = model_client.get(f"/article/{article}/ai/translate", params={"lang": "es-MX"})
    assert translated.headers["cache-control"] == "private, max-age=60"
    assert '<div class="ai-rewrite" lang="es">' in translated.text
    assert '<h4 class="ai-rewrite-title">La huelga termina</h4>' in translated.text
    assert "Translated by fake-good; the original is above." in translated.text
    unknown = model_client.get(f"/article/{article}/ai/translate", params={"lang": "xx"})
    assert unknown.status_code == 200 and UNKNOWN_LANGUAGE in unknown.text
    answer = model_client.get(f"/article/{article}/ai/ask", params={"q": "When do services resume?"}).text
    assert "Services resume at dawn [1]." in answer and "Written by fake-good" in answer
    assert "<blockquote>" in answer


def test_a_failing_model_falls_back_to_the_extractive_summary_and_explains_why(
    failing_client: TestClient, room: Room
) -> None:
    html = failing_client.get(f"/article/{room.lone}/ai").text
    assert "Sentences chosen from the article itself." in html and "Written by" not in html
    assert "Explain it simply" in html  # the model is configured; it is only failing now
    response = failing_client.get(f"/article/{room.lone}/ai/simple")
    assert response.status_code == 200
    assert "The language model answered with an error (HTTP status 500)." in response.text
    assert response.headers["cache-control"] == "no-store"


def test_a_model_writing_garbage_is_not_shown(garbage_client: TestClient, room: Room) -> None:
    html = garbage_client.get(f"/article/{room.lone}/ai").text
    assert "lol" not in html and "Sentences chosen from the article itself." in html
    simple = garbage_client.get(f"/article/{room.lone}/ai/simple").text
    assert "could not be used" in simple and "lol" not in simple


# The full page, without JavaScript ----------------------------------------------------------------------


def test_the_tools_page_shows_the_panel_and_the_answers_asked_for(client: TestClient, room: Room) -> None:
    article = room.stories.analysis
    response = client.get(
        f"/article/{article}/tools",
        params={"q": "When do services resume?", "since": "2020-01-01", "view": "simple"},
    )
    assert response.status_code == 200
    html = response.text
    assert "<!doctype html>" in html and '<meta name="robots" content="noindex">' in html
    assert re.search(rf'<h1 class="ai-page-title"[^>]*><a href="/article/{article}">', html)
    assert '<h2 id="ai-tools-heading" class="ai-title">AI features</h2>' in html
    assert 'value="When do services resume?"' in html
    assert "<blockquote><p>Crews voted late on Monday; services resume at dawn.</p></blockquote>" in html
    assert "What's new since 1 January 2020" in html and 'value="2020-01-01"' in html
    assert NO_MODEL in html  # view=simple asked of a site without a model
    assert "panel.js" not in html  # the page works on its own


def test_the_tools_page_with_a_bad_date_and_a_translation(model_client: TestClient, room: Room) -> None:
    article = room.stories.analysis
    html = model_client.get(f"/article/{article}/tools", params={"since": "31/12/2024", "lang": "es"}).text
    assert BAD_DATE in html
    assert '<option value="es" selected>Spanish</option>' in html
    assert "La huelga termina" in html
    assert f'Translated by fake-good; <a href="/article/{article}">read the original</a>.' in html


# Pure helpers -------------------------------------------------------------------------------------------


def test_preferred_language_follows_the_weights_and_the_offer() -> None:
    offered = (("de", "German"), ("es", "Spanish"), ("fr", "French"))
    assert preferred_language("fr-CH, fr;q=0.9, es;q=0.95", offered) == "fr"
    assert preferred_language("en-GB,es;q=0.4,de;q=0.7", offered) == "de"
    assert preferred_language("de;q=0, es;q=0.2", offered) == "es"
    assert preferred_language("en", offered) == "" and preferred_language("", ()) == ""
    assert preferred_language("es;q=oops", offered) == ""


def test_citations_are_renumbered_to_the_listed_sentences() -> None:
    assert renumbered_citations("A [7]. B [3][12]. C [3, 7].") == "A [2]. B [1][3]. C [1][2]."
    assert renumbered_citations("No citations.") == "No citations."
