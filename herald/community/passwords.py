"""Password hashing (argon2id) and the rules a new password must meet.

The cost is argon2-cffi's RFC 9106 low-memory profile (64 MiB, 4 lanes) with two passes instead of three:
on the 2-core machines Herald is measured on, three took 105-145 ms a hash (idle to busy), two take 70-100 ms,
which keeps a burst of sign-ins from starving the web server while still costing a guesser 64 MiB a try.
:func:`needs_rehash` lets sign-in upgrade old hashes when these numbers change.

Passwords are NFKC-normalised before hashing, so the same password typed on a phone and a laptop (composed
or decomposed accents, full-width digits) verifies either way.
"""

from __future__ import annotations

import secrets
import unicodedata
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from herald.translation import N_

MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 200

_TIME_COST = 2
_MEMORY_COST_KIB = 64 * 1024
_PARALLELISM = 4

# Common passwords, lower case. Anything shorter than MIN_PASSWORD_LENGTH is already refused for its length,
# so short entries matter as stems: "password2024!" is refused because "password" is here.
_COMMON_PASSWORD_TEXT = """
    password passw0rd p@ssw0rd p@ssword pass secret letmein welcome admin administrator root login qwerty
    qwertz azerty asdf asdfgh zxcvbn abc iloveyou trustno1 dragon monkey master shadow sunshine princess
    football baseball soccer hockey basketball superman batman starwars pokemon computer internet michael
    jennifer jordan charlie freedom whatever hello hellokitty flower cookie summer winter spring autumn
    changeme default guest test testing herald news 1234567890 0987654321 12345678910 123456789a a123456789
    1234567890a 1234512345 1231231234 1111111111 0000000000 1122334455 1q2w3e4r5t 1q2w3e4r5t6y q1w2e3r4t5
    qwertyuiop qwertyuiop123 asdfghjkl asdfghjkl; zxcvbnm123 1qaz2wsx3edc qazwsxedc qazwsxedcrfv zaq12wsx
    zaq1zaq1 !qaz2wsx abcdefghij abcd1234abcd abc123abc123 password1234 password12345 passwordpassword
    iloveyou123 iloveyou1234 letmein123 welcome123 welcome1234 admin12345 administrator1 qwerty123456
    qwerty12345 football123 baseball123 princess123 sunshine123 superman123 michael123 starwars123
    monkey123456 dragon123456 myspace123 facebook123 google1234 samsung123 pokemon123 lovelove12 loveyou123
"""
_COMMON_PASSWORDS = frozenset(_COMMON_PASSWORD_TEXT.split())


@cache
def _hasher() -> PasswordHasher:
    return PasswordHasher(time_cost=_TIME_COST, memory_cost=_MEMORY_COST_KIB, parallelism=_PARALLELISM)


def _normalised(password: str) -> str:
    return unicodedata.normalize("NFKC", password)


def hash_password(password: str) -> str:
    """An argon2id hash string carrying its own salt and cost, ready to store."""
    return _hasher().hash(_normalised(password))


def verify_password(stored_hash: str, password: str) -> bool:
    """False for a wrong password and for a hash we cannot read: sign-in treats both as "no"."""
    try:
        return _hasher().verify(stored_hash, _normalised(password))
    except (VerificationError, InvalidHashError, ValueError, TypeError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    """True when the hash was made with other costs than today's or cannot be read: hash again."""
    try:
        return _hasher().check_needs_rehash(stored_hash)
    except (InvalidHashError, ValueError, TypeError):
        return True


@cache
def dummy_hash() -> str:
    """A hash of a random string nobody knows, made once, at today's cost.

    Sign-in verifies against it when no account has the address, so "no such account" takes as long as
    "wrong password" and the timing does not tell which emails are registered.
    """
    return hash_password(secrets.token_urlsafe(32))


_TACKED_ON = frozenset("0123456789!@#$%^&*()-_=+.,;:?~ ")


def _is_common(folded: str) -> bool:
    """A common password as it is, or with digits and symbols tacked on the end ("Summer2024!")."""
    end = len(folded)
    while True:
        if folded[:end] in _COMMON_PASSWORDS:
            return True
        if end == 0 or folded[end - 1] not in _TACKED_ON:
            return False
        end -= 1


def password_problem(password: str, *, email: str = "", display_name: str = "") -> str | None:
    """What is wrong with a new password, as a sentence for the reader; None when it will do."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Use at least {MIN_PASSWORD_LENGTH} characters for your password."
    if len(password) > MAX_PASSWORD_LENGTH:
        return f"Use at most {MAX_PASSWORD_LENGTH} characters for your password."
    try:
        password.encode("utf-8")
    except UnicodeEncodeError:
        return N_("Your password contains characters that cannot be stored; choose another.")
    folded = _normalised(password).casefold()
    if len(set(folded)) == 1:
        return N_("A password made of one repeated character is too easy to guess; choose another.")
    if _is_common(folded):
        return N_("That password is one of the most common ones and easy to guess; choose another.")
    local_part = email.rpartition("@")[0] if "@" in email else email
    local_part = _normalised(local_part.strip()).casefold()
    if len(local_part) >= 4 and local_part in folded:
        return N_("Your password must not contain your email address.")
    name = _normalised(" ".join(display_name.split())).casefold()
    if len(name) >= 4 and name in folded:
        return N_("Your password must not contain your display name.")
    return None


DUMMY_HASH: str  # made on first use by dummy_hash(), through the module's __getattr__ below


def __getattr__(name: str) -> str:
    """Makes DUMMY_HASH on first use: hashing costs ~0.1 s, too much to pay at import."""
    if name == "DUMMY_HASH":
        return dummy_hash()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
