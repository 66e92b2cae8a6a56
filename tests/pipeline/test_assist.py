"""The AI tools through the real pipeline: three outlets' feeds on a local server (a wire story, its reprint,
another outlet's own report, an unrelated report), the real model, the real store on SQLite and PostgreSQL.
Summaries are chosen at ingest; questions are answered from the story's articles, or plainly not; the story so
far folds the reprint; the comparison credits the wire; a language model's texts are kept per article and
model, and a model that fails, stalls or answers garbage falls back to the extractive result."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import delete

from herald.ai import LanguageModel, split_sentences
from herald.config import Settings
from herald.errors import AssistantError
from herald.models import Article
from herald.pipeline import ArticleTools
from herald.pipeline.understand import Understanding
from herald.store import Store
from herald.store.schema import ArticleSummaryRow
from tests.fixture_server import FixtureServer
from tests.pipeline.test_understanding import feeds, refresh_all, server, settings

__all__ = ["server", "settings"]  # fixtures this module borrows


def by_path(store: Store) -> dict[str, Article]:
    return {a.url.rsplit("/", 2)[-2] + "/" + a.url.rsplit("/", 1)[-1]: a for a in store.articles.latest(10)}


def test_tools_work_offline_on_understood_articles(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    refresh_all(settings, store, feeds(server))
    articles = by_path(store)
    wire, own, library = articles["wire/gull"], articles["times/gull"], articles["times/library"]

    # every article got its summary at ingest: sentences of its own text, in its order
    assert store.summaries.count() == 4
    summary = store.summaries.get(wire.id)
    assert summary is not None and summary.method == "extractive"
    texts = [s.text for s in split_sentences(wire.paragraphs)]
    assert summary.sentences and all(s in texts for s in summary.sentences)
    assert [texts.index(s) for s in summary.sentences] == sorted(texts.index(s) for s in summary.sentences)
    assert not set(summary.sentences) & set(summary.key_points)

    tools = ArticleTools(settings, store)

    async def go() -> None:
        panel = await tools.panel(own.id)
        assert panel is not None and not panel.generative and panel.languages == ()
        assert panel.summary == store.summaries.get(own.id)
        assert any(e.name == "Aksel Brenner" for e in panel.names.people)

        # the story so far: the wire, then this report; the reprint is folded into the wire's entry
        timeline = panel.story_so_far
        assert timeline is not None
        assert [e.article_id for e in timeline.entries] == [wire.id, own.id]
        assert [e.current for e in timeline.entries] == [False, True]
        since = await tools.story_so_far(own.id, datetime(2026, 11, 26, 9, 0, tzinfo=UTC))
        assert since is not None and [e.article_id for e in since.new_since] == [own.id]

        # the comparison: three outlets, the wire first, the reprinter counted as such
        coverage = panel.coverage
        assert coverage is not None
        assert (coverage.outlets[0].publisher_name, coverage.outlets[0].first) == ("Northwire", True)
        reprinter = next(o for o in coverage.outlets if o.publisher_name == "Coast Daily")
        assert (reprinter.article_count, reprinter.reprints) == (0, 1)

        # a question the story answers, quoted with its sources; one it does not, said plainly
        answer = await tools.ask(own.id, "Who is the mayor of Torvik?")
        assert answer is not None and answer.answered
        assert "Aksel Brenner" in answer.quotes[0].text
        assert {q.article_id for q in answer.quotes} <= {wire.id, own.id}
        unanswered = await tools.ask(own.id, "What did the central bank do with interest rates?")
        assert unanswered is not None and not unanswered.answered
        assert "do not answer" in unanswered.message
        # the other story's text is not the story's: the library is never quoted for the rescue
        assert all(q.article_id != library.id for q in unanswered.quotes)
        empty = await tools.ask(own.id, "   ")
        assert empty is not None and not empty.answered and empty.quotes == ()
        assert await tools.ask("0" * 32, "Who?") is None

        # the tools that need a language model say so
        with pytest.raises(AssistantError, match="needs a language model"):
            await tools.explain(own.id)

    asyncio.run(go())


def test_summary_is_chosen_on_first_request_and_by_backfill(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    refresh_all(settings, store, feeds(server))
    wire = by_path(store)["wire/gull"]
    kept = store.summaries.get(wire.id)
    with store.db.write() as session:
        session.execute(delete(ArticleSummaryRow))
    assert store.summaries.count() == 0 and store.summaries.without_summary(10)

    panel = asyncio.run(ArticleTools(settings, store).panel(wire.id))
    assert panel is not None and panel.summary == kept  # the same choice, made now and kept
    assert store.summaries.get(wire.id) == kept

    async def backfill() -> int:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(max_workers=1) as pool:
            return await Understanding(settings, store, pool).backfill_summaries()

    assert asyncio.run(backfill()) == 3
    assert store.summaries.count() == 4 and store.summaries.without_summary(10) == []


def chat_reply(content: str) -> httpx.Response:
    return httpx.Response(200, json={"choices": [{"message": {"role": "assistant", "content": content}}]})


def fake_model(handler: Callable[[dict[str, object]], httpx.Response], calls: list[str]) -> LanguageModel:
    def respond(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        calls.append(body["messages"][0]["content"])
        return handler(body)

    return LanguageModel("http://llm.test/v1", "test-model", transport=httpx.MockTransport(respond))


def test_language_model_texts_are_grounded_kept_and_fall_back(
    server: FixtureServer, settings: Settings, store: Store
) -> None:
    refresh_all(settings, store, feeds(server))
    own = by_path(store)["times/gull"]
    calls: list[str] = []

    def good(body: dict[str, object]) -> httpx.Response:
        system = str(body["messages"][0]["content"]).lower()  # type: ignore[index]
        if "translat" in system:
            return chat_reply("Once hombres vivos\n\nUn bote salvavidas salió en la tormenta.")
        if "question" in system:
            return chat_reply("The mayor is Aksel Brenner [1].")
        if "simple" in system or "12-year-old" in system:
            return chat_reply("A boat tipped over in a storm.\n\nHelpers saved all eleven men.")
        return chat_reply(
            "Eleven men were saved by a Torvik lifeboat crew after their boat rolled over [1][2]."
        )

    tools = ArticleTools(settings, store, fake_model(good, calls))

    async def go() -> None:
        summary = await tools.summary(own.id)
        assert summary is not None and summary.method == "test-model"
        assert summary.generated.startswith("Eleven men were saved")
        assert len(summary.sentences) == 2  # the two sentences it cited
        again = await tools.summary(own.id)
        assert again == summary and len(calls) == 1  # kept: the second reader costs nothing
        panel = await tools.panel(own.id)
        assert panel is not None and panel.generative and panel.summary.generated == summary.generated
        assert ("es", "Spanish") in panel.languages

        answer = await tools.ask(own.id, "Who is the mayor of Torvik?")
        assert answer is not None and answer.answered and answer.model == "test-model"
        assert answer.generated == "The mayor is Aksel Brenner [1]." and answer.quotes

        simple = await tools.explain(own.id)
        assert simple is not None and simple.paragraphs[1] == "Helpers saved all eleven men."
        spanish = await tools.translate(own.id, "es-ES")
        assert spanish is not None and spanish.language == "es" and spanish.title == "Once hombres vivos"
        with pytest.raises(AssistantError, match="cannot translate"):
            await tools.translate(own.id, "xx")

    asyncio.run(go())
    cached = len(calls)
    asyncio.run(ArticleTools(settings, store, fake_model(good, calls)).explain(own.id))
    assert len(calls) == cached  # another process reads the stored text


def refuse(body: dict[str, object]) -> httpx.Response:
    raise httpx.ConnectError("refused")


@pytest.mark.parametrize(
    ("failure", "rewrites_fail"),
    [
        pytest.param(lambda body: httpx.Response(500, text="boom"), True, id="server-error"),
        pytest.param(lambda body: chat_reply("<script>alert(1)</script>"), True, id="garbage"),
        pytest.param(refuse, True, id="down"),
        # plain text is a fine retelling, but no summary or answer without citations
        pytest.param(
            lambda body: chat_reply("Some words, long enough to pass as a summary."), False, id="uncited"
        ),
    ],
)
def test_a_failing_language_model_falls_back(
    failure: Callable[[dict[str, object]], httpx.Response],
    rewrites_fail: bool,
    server: FixtureServer,
    settings: Settings,
    store: Store,
) -> None:
    refresh_all(settings, store, feeds(server))
    own = by_path(store)["times/gull"]
    calls: list[str] = []
    tools = ArticleTools(settings, store, fake_model(failure, calls))

    async def go() -> None:
        summary = await tools.summary(own.id)
        assert summary == store.summaries.get(own.id)  # the extractive one, untouched
        answer = await tools.ask(own.id, "Who is the mayor of Torvik?")
        assert answer is not None and answer.answered and answer.generated == "" and answer.quotes
        if rewrites_fail:
            with pytest.raises(AssistantError):
                await tools.explain(own.id)
        else:
            assert await tools.explain(own.id) is not None
        # nothing was kept: the next reader tries the model again
        before = len(calls)
        await tools.summary(own.id)
        assert len(calls) == before + 1

    asyncio.run(go())
