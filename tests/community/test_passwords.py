"""Hashing round trips, and the rules a new password must meet."""

from __future__ import annotations

import pytest

from herald.community import passwords
from herald.community.passwords import (
    dummy_hash,
    hash_password,
    needs_rehash,
    password_problem,
    verify_password,
)

# One hash for the whole module: each costs ~0.1 s.
_PASSWORD = "plum tree at dusk 42"


@pytest.fixture(scope="module")
def stored_hash() -> str:
    return hash_password(_PASSWORD)


def test_hash_is_argon2id_with_a_salt(stored_hash: str) -> None:
    assert stored_hash.startswith("$argon2id$")
    assert _PASSWORD not in stored_hash
    assert hash_password(_PASSWORD) != stored_hash  # a fresh salt each time


@pytest.mark.parametrize(
    ("attempt", "expected"),
    [
        pytest.param(_PASSWORD, True, id="right"),
        pytest.param(_PASSWORD.upper(), False, id="case matters"),
        pytest.param(_PASSWORD + " ", False, id="trailing space matters"),
        pytest.param("", False, id="empty"),
        pytest.param("\ud800 lone surrogate", False, id="unencodable"),
    ],
)
def test_verify(stored_hash: str, attempt: str, expected: bool) -> None:
    assert verify_password(stored_hash, attempt) is expected


def test_verify_accepts_the_same_password_composed_or_decomposed() -> None:
    composed = "Crème brûlée 2024"
    decomposed = "Cre\u0300me bru\u0302le\u0301e 2024"
    assert composed != decomposed
    assert verify_password(hash_password(composed), decomposed)


@pytest.mark.parametrize(
    "bad_hash",
    [
        pytest.param("", id="empty"),
        pytest.param("not a hash", id="text"),
        pytest.param("$argon2id$v=19$m=65536,t=2,p=4$broken", id="truncated"),
        pytest.param("$2b$12$abcdefghijklmnopqrstuuJ7k0c2mZ3B1p4l1O7tXz8s9a0b1c2d3", id="bcrypt"),
        pytest.param("x" * 10_000, id="long garbage"),
    ],
)
def test_unreadable_hash_verifies_false_and_needs_rehash(bad_hash: str) -> None:
    assert verify_password(bad_hash, _PASSWORD) is False
    assert needs_rehash(bad_hash) is True


def test_needs_rehash_only_for_other_costs(stored_hash: str) -> None:
    from argon2 import PasswordHasher

    assert needs_rehash(stored_hash) is False
    cheaper = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash(_PASSWORD)
    assert needs_rehash(cheaper) is True
    assert verify_password(cheaper, _PASSWORD)  # old hashes still verify, so sign-in can upgrade them


def test_dummy_hash_is_made_once_at_todays_cost_and_matches_nothing_obvious() -> None:
    first = dummy_hash()
    assert first is dummy_hash()
    assert passwords.DUMMY_HASH is first
    assert needs_rehash(first) is False
    for guess in ("", _PASSWORD, "password"):
        assert verify_password(first, guess) is False


def test_module_has_no_other_lazy_attributes() -> None:
    with pytest.raises(AttributeError):
        _ = passwords.NOT_A_THING


_TOO_SHORT = "at least 10 characters"
_TOO_LONG = "at most 200 characters"
_REPEATED = "one repeated character"
_COMMON = "most common"
_HAS_EMAIL = "email address"
_HAS_NAME = "display name"


@pytest.mark.parametrize(
    ("password", "email", "display_name", "expected"),
    [
        pytest.param("plum tree at dusk", "", "", None, id="fine"),
        pytest.param("correct horse battery staple", "reader@example.com", "Reader One", None, id="long"),
        pytest.param("ünïcödé-pässwörd", "", "", None, id="fine unicode"),
        pytest.param("x" * 200 + "", "", "", _REPEATED, id="200 of one character"),
        pytest.param("ab" * 100, "", "", None, id="exactly 200"),
        pytest.param("ab" * 100 + "c", "", "", _TOO_LONG, id="201"),
        pytest.param("short", "", "", _TOO_SHORT, id="short"),
        pytest.param("nine char", "", "", _TOO_SHORT, id="9 characters"),
        pytest.param("tenchars!!", "", "", None, id="exactly 10"),
        pytest.param("", "", "", _TOO_SHORT, id="empty"),
        pytest.param("aaaaaaaaaaaa", "", "", _REPEATED, id="repeated"),
        pytest.param("AaAaAaAaAaAa", "", "", _REPEATED, id="repeated in two cases"),
        pytest.param("            ", "", "", _REPEATED, id="spaces"),
        pytest.param("1234567890", "", "", _COMMON, id="digits in a row"),
        pytest.param("QwertyUiop", "", "", _COMMON, id="keyboard row any case"),
        pytest.param("Password2024!", "", "", _COMMON, id="common stem with a suffix"),
        pytest.param("iloveyou!!!!", "", "", _COMMON, id="common stem with punctuation"),
        pytest.param("password is long enough", "", "", None, id="common word inside a phrase"),
        pytest.param("my-jsmith-secret", "JSmith@example.com", "", _HAS_EMAIL, id="local part any case"),
        pytest.param("bob-is-my-password", "bob@example.com", "", None, id="local part under 4 ignored"),
        pytest.param("hello ada lovelace", "x@example.com", "Ada Lovelace", _HAS_NAME, id="display name"),
        pytest.param("hello ada lovelace", "", "  Ada   Lovelace ", _HAS_NAME, id="name spacing collapsed"),
        pytest.param("call me al please", "", "Al", None, id="name under 4 ignored"),
        pytest.param("example.com is nice", "reader@example.com", "", None, id="domain allowed"),
        pytest.param("bad \ud800 surrogate", "", "", "cannot be stored", id="lone surrogate"),
    ],
)
def test_password_problem(password: str, email: str, display_name: str, expected: str | None) -> None:
    problem = password_problem(password, email=email, display_name=display_name)
    if expected is None:
        assert problem is None
    else:
        assert problem is not None and expected in problem
        assert problem.endswith(".")


def test_every_entry_of_the_common_list_is_refused_as_it_is_or_with_digits() -> None:
    for common in passwords._COMMON_PASSWORDS:
        padded = common if len(common) >= 10 else common + "1" * (10 - len(common))
        assert password_problem(padded) is not None, common
