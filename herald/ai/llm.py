"""The optional language-model backend: one chat call to an OpenAI-compatible endpoint.

Ollama, vLLM, llama.cpp's server and the cloud APIs all answer ``POST /chat/completions`` the same way, so one
small client serves them all. Every failure becomes a LanguageModelError whose message a reader can be shown,
because the caller's only reaction is to fall back to the extractive result. Messages and logs never carry the
API key or the server's response body (a proxy's error page can echo request headers back).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections.abc import Mapping, Sequence
from types import TracebackType
from typing import Any

import httpx

from herald.errors import LanguageModelError

MAX_RESPONSE_BYTES = 2 * 1024 * 1024  # a chat answer is a few KB; anything near this is not one
TEMPERATURE = 0.2  # low: the output must stay close to the quoted text, not be creative

# Reasoning models (DeepSeek-R1, Qwen3...) put their scratch work in <think> blocks before the answer. Some
# chat templates open the block in the prompt, so the answer may hold only the closing tag.
_THINK_BLOCK = re.compile(r"<think>.*?(?:</think>|\Z)", re.DOTALL | re.IGNORECASE)
_THINK_TAIL = re.compile(r"\A.*</think>", re.DOTALL | re.IGNORECASE)

_log = logging.getLogger(__name__)


class _OversizedAnswer(Exception):
    """The body passed MAX_RESPONSE_BYTES (private: turned into a LanguageModelError with a log line)."""


class LanguageModel:
    """An async chat client for one model at one OpenAI-compatible endpoint.

    The HTTP client is created on the first call, so settings code can build a LanguageModel without an
    event loop. ``transport`` replaces the network (tests pass ``httpx.MockTransport``).
    """

    def __init__(
        self,
        base_url: str,
        model: str,
        *,
        api_key: str = "",
        timeout_seconds: float = 30.0,
        max_tokens: int = 700,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        if timeout_seconds <= 0:
            raise ValueError("timeout_seconds must be positive")
        if max_tokens <= 0:
            raise ValueError("max_tokens must be positive")
        self._url = base_url.strip().rstrip("/") + "/chat/completions"
        self._model = model
        self._api_key = api_key
        self._timeout_seconds = timeout_seconds
        self._max_tokens = max_tokens
        self._transport = transport
        self._client: httpx.AsyncClient | None = None
        self._where = _host_of(self._url)  # for logs: the host only, never credentials in a URL

    @property
    def name(self) -> str:
        return self._model

    async def __aenter__(self) -> LanguageModel:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    async def chat(self, messages: Sequence[Mapping[str, str]], *, max_tokens: int | None = None) -> str:
        """The model's reply to ``messages``, without reasoning blocks or surrounding whitespace.

        One deadline covers the whole exchange: httpx's timeouts apply per network operation, and a server
        that trickles a byte every few seconds would otherwise hold a reader's request forever.
        """
        payload = {
            "model": self._model,
            "messages": [dict(message) for message in messages],
            "temperature": TEMPERATURE,
            "max_tokens": max_tokens if max_tokens is not None else self._max_tokens,
            "stream": False,
        }
        try:
            async with asyncio.timeout(self._timeout_seconds):
                status, body = await self._post(payload)
        except (TimeoutError, httpx.TimeoutException) as exc:
            raise self._failure(
                "The language model did not answer in time.", f"no answer within {self._timeout_seconds:g} s"
            ) from exc
        except httpx.ConnectError as exc:
            raise self._failure("The language model could not be reached.", f"connect error: {exc}") from exc
        except httpx.HTTPError as exc:
            raise self._failure(
                "The connection to the language model failed.", f"{type(exc).__name__}: {exc}"
            ) from exc
        except httpx.InvalidURL as exc:
            raise self._failure("The language model's address is not valid.", "invalid base URL") from exc
        except _OversizedAnswer as exc:
            raise self._failure(
                "The language model's answer was too large to use.",
                f"body over {MAX_RESPONSE_BYTES:,} bytes",
            ) from exc
        if not 200 <= status < 300:
            raise self._failure(
                f"The language model answered with an error (HTTP status {status}).", f"HTTP {status}"
            )
        try:
            data = json.loads(body)
        except ValueError as exc:
            raise self._failure("The language model's answer could not be read.", "invalid JSON") from exc
        content = _message_content(data)
        text = _strip_reasoning(content) if content is not None else ""
        if not text:
            raise self._failure("The language model gave an empty answer.", "no message content")
        return text

    async def _post(self, payload: dict[str, Any]) -> tuple[int, bytes]:
        """(status, body); the body is read only for a 2xx answer and never past MAX_RESPONSE_BYTES."""
        client = self._http_client()
        headers = {"Authorization": f"Bearer {self._api_key}"} if self._api_key else {}
        request = client.build_request("POST", self._url, json=payload, headers=headers)
        response = await client.send(request, stream=True)
        try:
            status = response.status_code
            if not 200 <= status < 300:
                return status, b""
            declared = response.headers.get("content-length", "").strip()
            if declared.isdigit() and int(declared) > MAX_RESPONSE_BYTES:
                raise _OversizedAnswer
            chunks: list[bytes] = []
            size = 0
            async for chunk in response.aiter_bytes():
                size += len(chunk)
                if size > MAX_RESPONSE_BYTES:
                    raise _OversizedAnswer
                chunks.append(chunk)
            return status, b"".join(chunks)
        finally:
            await response.aclose()

    def _http_client(self) -> httpx.AsyncClient:
        if self._client is None:
            self._client = httpx.AsyncClient(
                transport=self._transport,
                timeout=httpx.Timeout(self._timeout_seconds),
                # Uncompressed: the size cap then bounds memory too (httpx inflates a whole chunk at once).
                headers={"Accept": "application/json", "Accept-Encoding": "identity"},
                trust_env=False,  # like the fetcher: no proxy taken from the environment behind the operator
            )
        return self._client

    def _failure(self, reader_message: str, detail: str) -> LanguageModelError:
        _log.warning("language model %s at %s failed: %s", self._model, self._where, detail)
        return LanguageModelError(reader_message)


def _message_content(data: Any) -> str | None:
    try:
        content = data["choices"][0]["message"]["content"]
    except (KeyError, IndexError, TypeError):
        return None
    return content if isinstance(content, str) else None


def _strip_reasoning(text: str) -> str:
    text = _THINK_BLOCK.sub("", text)
    text = _THINK_TAIL.sub("", text)
    return text.strip()


def _host_of(url: str) -> str:
    try:
        return httpx.URL(url).host or "?"
    except (httpx.InvalidURL, TypeError):
        return "?"
