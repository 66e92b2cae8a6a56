"""Reading a response body without ever holding more than the cap, compressed or not.

httpx decodes gzip as it streams, but one 64 KiB network chunk of a gzip bomb inflates to ~64 MB in a single
call before anyone can count it. Decoding here with zlib's ``max_length`` keeps memory near the cap however
the body is compressed.
"""

from __future__ import annotations

import zlib

import httpx

from herald.errors import FetchError, ResponseTooLargeError, UnsupportedContentError

ACCEPT_ENCODING = "gzip, deflate"  # only what _Inflater can bound; sent explicitly so httpx adds nothing


def too_large(url: str, limit: int) -> ResponseTooLargeError:
    return ResponseTooLargeError(
        f"The answer from {url} is larger than {limit:,} bytes (fetch_max_bytes), so it was not read"
    )


class _Inflater:
    def __init__(self, encoding: str) -> None:
        self._raw_deflate_tried = encoding != "deflate"
        self._object = zlib.decompressobj(zlib.MAX_WBITS | 16 if encoding != "deflate" else zlib.MAX_WBITS)
        self._started = False

    def feed(self, data: bytes, room: int) -> bytes:
        """At most ``room`` bytes of output; the rest of the input waits in ``unconsumed_tail``."""
        try:
            out = self._object.decompress(data, room)
        except zlib.error:
            # "deflate" is zlib-wrapped by the standard and raw in practice; like browsers, accept both.
            if self._started or self._raw_deflate_tried:
                raise
            self._raw_deflate_tried = True
            self._object = zlib.decompressobj(-zlib.MAX_WBITS)
            out = self._object.decompress(data, room)
        self._started = True
        return out

    @property
    def pending(self) -> bytes:
        return self._object.unconsumed_tail

    @property
    def done(self) -> bool:
        return self._object.eof


async def read_capped(response: httpx.Response, url: str, limit: int) -> bytes:
    """The decoded body, or ResponseTooLargeError as soon as it passes ``limit`` bytes."""
    declared = response.headers.get("content-length", "").strip()
    if declared.isdigit() and int(declared) > limit:
        raise too_large(url, limit)
    try:
        # Already in memory: httpx reads bodies given as bytes eagerly (MockTransport, never a network).
        ready = response.content
    except httpx.ResponseNotRead:
        pass
    else:
        if len(ready) > limit:
            raise too_large(url, limit)
        return ready
    encodings = [
        e.strip().lower() for e in response.headers.get("content-encoding", "").split(",") if e.strip()
    ]
    encodings = [e for e in encodings if e != "identity"]
    if not encodings:
        return await _read_plain(response, url, limit)
    if len(encodings) > 1 or encodings[0] not in ("gzip", "x-gzip", "deflate"):
        raise UnsupportedContentError(
            f"The answer from {url} is compressed with {', '.join(encodings)}, which Herald does not read "
            f"(it asked for {ACCEPT_ENCODING})"
        )
    return await _read_inflated(response, url, limit, _Inflater(encodings[0]))


async def _read_plain(response: httpx.Response, url: str, limit: int) -> bytes:
    body = bytearray()
    async for chunk in response.aiter_raw():
        body += chunk
        if len(body) > limit:
            raise too_large(url, limit)
    return bytes(body)


async def _read_inflated(response: httpx.Response, url: str, limit: int, inflater: _Inflater) -> bytes:
    body = bytearray()
    try:
        async for chunk in response.aiter_raw():
            data = chunk
            while data and not inflater.done:
                body += inflater.feed(data, limit - len(body) + 1)
                if len(body) > limit:
                    raise too_large(url, limit)
                data = inflater.pending
            if inflater.done:
                break  # anything after the end of the compressed stream is padding or junk
    except zlib.error as exc:
        raise FetchError(
            f"The answer from {url} is damaged: its compressed body cannot be read ({exc})"
        ) from (exc)
    return bytes(body)
