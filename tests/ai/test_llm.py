"""The language-model client against httpx.MockTransport: what it sends, and how every failure reads."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from typing import Any

import httpx
import pytest

from herald.ai.llm import MAX_RESPONSE_BYTES, LanguageModel
from herald.errors import AssistantError, LanguageModelError

SECRET = "sk-test-0123456789abcdef"
MESSAGES = [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Hello"}]

Handler = (
    Callable[[httpx.Request], httpx.Response] | Callable[[httpx.Request], Coroutine[Any, Any, httpx.Response]]
)


def completion(content: object) -> httpx.Response:
    return httpx.Response(
        200, json={"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]}
    )


def model_with(
    handler: Handler,
    *,
    base_url: str = "http://llm.test/v1",
    api_key: str = SECRET,
    timeout_seconds: float = 5.0,
    max_tokens: int = 700,
) -> LanguageModel:
    return LanguageModel(
        base_url,
        "tiny-model",
        api_key=api_key,
        timeout_seconds=timeout_seconds,
        max_tokens=max_tokens,
        transport=httpx.MockTransport(handler),
    )


async def failure_of(handler: Handler, timeout_seconds: float = 5.0) -> str:
    async with model_with(handler, timeout_seconds=timeout_seconds) as model:
        with pytest.raises(LanguageModelError) as caught:
            await model.chat(MESSAGES)
    message = str(caught.value)
    assert SECRET not in message
    return message


async def test_success_sends_the_openai_request_and_returns_the_content() -> None:
    seen: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return completion("  The answer [1].\n")

    async with model_with(handler, max_tokens=321) as model:
        assert model.name == "tiny-model"
        assert await model.chat(MESSAGES) == "The answer [1]."
        await model.chat(MESSAGES, max_tokens=50)

    first, second = (json.loads(request.content) for request in seen)
    assert seen[0].method == "POST"
    assert first == {
        "model": "tiny-model",
        "messages": MESSAGES,
        "temperature": 0.2,
        "max_tokens": 321,
        "stream": False,
    }
    assert second["max_tokens"] == 50


async def test_bearer_header_is_sent_only_with_a_key() -> None:
    headers: list[httpx.Headers] = []

    def handler(request: httpx.Request) -> httpx.Response:
        headers.append(request.headers)
        return completion("ok")

    async with model_with(handler) as model:
        await model.chat(MESSAGES)
    async with model_with(handler, api_key="") as model:
        await model.chat(MESSAGES)

    assert headers[0]["authorization"] == f"Bearer {SECRET}"
    assert "authorization" not in headers[1]


@pytest.mark.parametrize(
    ("base_url", "expected"),
    [
        ("http://localhost:11434/v1", "http://localhost:11434/v1/chat/completions"),
        ("http://localhost:11434/v1/", "http://localhost:11434/v1/chat/completions"),
        ("https://api.example.com/openai/v1//", "https://api.example.com/openai/v1/chat/completions"),
    ],
)
async def test_url_is_joined_with_or_without_a_trailing_slash(base_url: str, expected: str) -> None:
    urls: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        urls.append(str(request.url))
        return completion("ok")

    async with model_with(handler, base_url=base_url) as model:
        await model.chat(MESSAGES)
    assert urls == [expected]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("<think>Let me reason about this.</think>\n\nThe answer [2].", "The answer [2]."),
        ("<THINK>\nstep one\nstep two\n</THINK>The answer.", "The answer."),
        ("First.<think>aside</think> Second.", "First. Second."),
        ("opened in the prompt, so only the end shows</think>\nThe answer.", "The answer."),
    ],
)
async def test_reasoning_blocks_are_stripped(content: str, expected: str) -> None:
    async with model_with(lambda request: completion(content)) as model:
        assert await model.chat(MESSAGES) == expected


async def test_server_error_names_the_status_but_not_the_body_or_key(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(500, text=f"internal failure, your header was Bearer {SECRET}")

    with caplog.at_level(logging.WARNING, logger="herald.ai.llm"):
        message = await failure_of(handler)
    assert "500" in message
    assert "internal failure" not in message
    assert caplog.records, "a failure is logged"
    assert all(SECRET not in record.getMessage() for record in caplog.records)


async def test_unauthorized_is_an_error_too() -> None:
    assert "401" in await failure_of(lambda request: httpx.Response(401, json={"error": "bad key"}))


async def test_a_slow_server_times_out() -> None:
    async def handler(request: httpx.Request) -> httpx.Response:
        await asyncio.sleep(5)
        return completion("too late")

    message = await failure_of(handler, timeout_seconds=0.05)
    assert message == "The language model did not answer in time."


async def test_a_server_trickling_its_body_hits_the_overall_deadline() -> None:
    async def trickle() -> AsyncIterator[bytes]:
        yield b'{"choices": ['
        for _ in range(100):
            # Each piece comes quickly, so only a deadline on the whole exchange stops it.
            await asyncio.sleep(0.02)
            yield b" "
        yield b"]}"

    message = await failure_of(lambda request: httpx.Response(200, content=trickle()), timeout_seconds=0.1)
    assert message == "The language model did not answer in time."


async def test_httpx_timeout_is_reported_as_a_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    assert await failure_of(handler) == "The language model did not answer in time."


async def test_connect_error() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    assert await failure_of(handler) == "The language model could not be reached."


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(httpx.Response(200, text="<html>not json</html>"), id="invalid-json"),
        pytest.param(httpx.Response(200, content=b"\xff\xfe\x00garbage"), id="undecodable"),
    ],
)
async def test_invalid_json(response: httpx.Response) -> None:
    assert await failure_of(lambda request: response) == "The language model's answer could not be read."


@pytest.mark.parametrize(
    "response",
    [
        pytest.param(completion(""), id="empty-content"),
        pytest.param(completion("   \n "), id="blank-content"),
        pytest.param(completion(None), id="null-content"),
        pytest.param(completion("<think>only thinking, cut off by max_tokens"), id="only-reasoning"),
        pytest.param(httpx.Response(200, json={"choices": []}), id="no-choices"),
        pytest.param(httpx.Response(200, json={"error": {"message": "model not found"}}), id="error-object"),
        pytest.param(httpx.Response(200, json=["not", "an", "object"]), id="list"),
    ],
)
async def test_missing_or_empty_content(response: httpx.Response) -> None:
    assert await failure_of(lambda request: response) == "The language model gave an empty answer."


async def test_oversized_body_is_refused() -> None:
    padding = "x" * (MAX_RESPONSE_BYTES + 1)
    message = await failure_of(lambda request: completion(padding))
    assert message == "The language model's answer was too large to use."


async def test_oversized_streamed_body_without_a_length_is_refused() -> None:
    async def endless() -> AsyncIterator[bytes]:
        for _ in range(MAX_RESPONSE_BYTES // 65536 + 2):
            yield b" " * 65536

    message = await failure_of(lambda request: httpx.Response(200, content=endless()))
    assert message == "The language model's answer was too large to use."


async def test_errors_are_assistant_errors_for_callers_that_catch_broadly() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(503)

    async with model_with(handler) as model:
        with pytest.raises(AssistantError):
            await model.chat(MESSAGES)


def test_constructing_without_an_event_loop_is_fine() -> None:
    model = LanguageModel("http://localhost:11434/v1", "llama3.2")
    assert model.name == "llama3.2"


async def test_aclose_without_use_and_twice_is_harmless() -> None:
    model = model_with(lambda request: completion("ok"))
    await model.aclose()
    assert await model.chat(MESSAGES) == "ok"
    await model.aclose()
    await model.aclose()
