"""Signed links: round trip, expiry, tampering, purpose, and garbage of every shape."""

from __future__ import annotations

import secrets

import itsdangerous.timed
import pytest

from herald.community.tokens import SignedTokens, new_secret_key

_KEY = "k" * 16 + "0123456789abcdef"  # exactly 32 characters
_DATA: dict[str, object] = {"user": 42, "hash_tail": "Xy7", "nested": {"a": [1, 2]}}


@pytest.fixture
def tokens() -> SignedTokens:
    return SignedTokens(new_secret_key())


def test_new_secret_key_is_long_and_random() -> None:
    keys = {new_secret_key() for _ in range(10)}
    assert len(keys) == 10
    assert all(len(key) == 64 for key in keys)


@pytest.mark.parametrize(
    ("key", "accepted"),
    [
        pytest.param("", False, id="empty"),
        pytest.param(_KEY[:-1], False, id="31 characters"),
        pytest.param(_KEY, True, id="32 characters"),
    ],
)
def test_key_length(key: str, accepted: bool) -> None:
    if accepted:
        SignedTokens(key)
    else:
        with pytest.raises(ValueError, match="at least 32"):
            SignedTokens(key)


def test_round_trip(tokens: SignedTokens) -> None:
    token = tokens.make("password-reset", _DATA)
    assert isinstance(token, str) and len(token) < 2000
    assert all(char.isalnum() or char in "-_." for char in token)  # safe in a URL as it is
    assert tokens.read("password-reset", token, max_age_seconds=3600) == _DATA


def test_other_purpose_refused(tokens: SignedTokens) -> None:
    token = tokens.make("password-reset", _DATA)
    assert tokens.read("confirm-email", token, max_age_seconds=3600) is None
    assert tokens.read("password-rese", token, max_age_seconds=3600) is None


def test_other_key_refused() -> None:
    token = SignedTokens(new_secret_key()).make("password-reset", _DATA)
    assert SignedTokens(new_secret_key()).read("password-reset", token, max_age_seconds=3600) is None


def _at(monkeypatch: pytest.MonkeyPatch, unix_time: int) -> None:
    monkeypatch.setattr(itsdangerous.timed.TimestampSigner, "get_timestamp", lambda self: unix_time)


@pytest.mark.parametrize(
    ("age", "max_age", "readable"),
    [
        pytest.param(0, 3600, True, id="fresh"),
        pytest.param(3600, 3600, True, id="exactly the limit"),
        pytest.param(3601, 3600, False, id="one second late"),
        pytest.param(86_400 * 30, 3600, False, id="a month old"),
        pytest.param(1, 0, False, id="max age zero"),
        pytest.param(-120, 3600, False, id="from the future"),
    ],
)
def test_expiry(monkeypatch: pytest.MonkeyPatch, age: int, max_age: int, readable: bool) -> None:
    tokens = SignedTokens(_KEY)
    made_at = 1_700_000_000
    _at(monkeypatch, made_at)
    token = tokens.make("password-reset", _DATA)
    _at(monkeypatch, made_at + age)
    assert (tokens.read("password-reset", token, max_age_seconds=max_age) == _DATA) is readable


def _flip(text: str, index: int) -> str:
    replacement = "A" if text[index] != "A" else "B"
    return text[:index] + replacement + text[index + 1 :]


def test_tampering_anywhere_refused(tokens: SignedTokens) -> None:
    token = tokens.make("password-reset", {"user": 42})
    refused = 0
    for index in range(len(token)):
        if token[index] == ".":
            continue
        result = tokens.read("password-reset", _flip(token, index), max_age_seconds=3600)
        # Flipping the spare low bits of a base64 group's last character can decode to the same bytes.
        assert result in (None, {"user": 42}), index
        refused += result is None
    assert refused >= len(token) - 5
    _, _, rest = token.partition(".")
    forged_payload = tokens.make("password-reset", {"user": 1}).partition(".")[0]
    assert tokens.read("password-reset", f"{forged_payload}.{rest}", max_age_seconds=3600) is None


def test_non_dict_payload_refused(tokens: SignedTokens) -> None:
    from itsdangerous import URLSafeTimedSerializer

    # Signed with the same key and salt, so only the type check stands between it and the caller.
    serializer = URLSafeTimedSerializer(tokens._secret_key, salt="herald.community.password-reset")
    for payload in ([1, 2], "text", 42, None):
        token = serializer.dumps(payload)
        assert tokens.read("password-reset", token, max_age_seconds=3600) is None


@pytest.mark.parametrize(
    "garbage",
    [
        pytest.param("", id="empty"),
        pytest.param(".", id="dot"),
        pytest.param("...", id="dots"),
        pytest.param("abc", id="short"),
        pytest.param("a.b.c", id="three parts"),
        pytest.param("eyJ1c2VyIjo0Mn0.ZZZZZZ.notasignature", id="looks like a token"),
        pytest.param("!!!.@@@.###", id="not base64"),
        pytest.param("é" * 50, id="non ascii"),
        pytest.param("\x00\x01\x02", id="control characters"),
        pytest.param("\ud800", id="lone surrogate"),
        pytest.param("a" * 2001, id="over the cap"),
        pytest.param("a." * 100_000, id="huge"),
    ],
)
def test_garbage_is_none(tokens: SignedTokens, garbage: str) -> None:
    assert tokens.read("password-reset", garbage, max_age_seconds=3600) is None


def test_garbage_over_the_cap_is_refused_even_when_signed(tokens: SignedTokens) -> None:
    big = tokens.make("password-reset", {"padding": secrets.token_hex(1500)})  # random: no compression
    assert len(big) > 2000
    assert tokens.read("password-reset", big, max_age_seconds=3600) is None


def test_empty_purpose_is_a_programming_error(tokens: SignedTokens) -> None:
    with pytest.raises(ValueError):
        tokens.make("", _DATA)
