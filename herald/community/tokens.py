"""Signed, expiring tokens for links sent by email (password reset, address confirmation).

A token is itsdangerous's URL-safe, timestamped, HMAC-signed JSON: nothing is stored on the server, and a
token made for one purpose is refused for any other because the purpose is the signature's salt. To make
a reset link single-use, put something in ``data`` that the reset changes (a fragment of the password hash)
and compare it when the token comes back.
"""

from __future__ import annotations

import secrets

from itsdangerous import BadData, URLSafeTimedSerializer

MIN_SECRET_KEY_LENGTH = 32
MAX_TOKEN_LENGTH = 2000
_SALT_PREFIX = "herald.community."


def new_secret_key() -> str:
    """A random key for settings: 48 random bytes, URL-safe base64 (64 characters)."""
    return secrets.token_urlsafe(48)


class SignedTokens:
    """Makes and reads tokens with one secret key; changing the key voids every token in circulation."""

    def __init__(self, secret_key: str) -> None:
        if len(secret_key) < MIN_SECRET_KEY_LENGTH:
            raise ValueError(
                f"The secret key must be at least {MIN_SECRET_KEY_LENGTH} characters long; "
                "generate one with herald.community.new_secret_key()."
            )
        self._secret_key = secret_key

    def _serializer(self, purpose: str) -> URLSafeTimedSerializer:
        if not purpose:
            raise ValueError("A token needs a purpose, such as 'password-reset'.")
        return URLSafeTimedSerializer(self._secret_key, salt=_SALT_PREFIX + purpose)

    def make(self, purpose: str, data: dict[str, object]) -> str:
        """A token carrying ``data`` (JSON-serialisable) for ``purpose``, timestamped now."""
        return self._serializer(purpose).dumps(data)

    def read(self, purpose: str, token: str, max_age_seconds: int) -> dict[str, object] | None:
        """The data when the token is ours, for this purpose, and younger than ``max_age_seconds``; else None.

        Tokens arrive from links anyone can edit, so every kind of garbage comes back as None, never an error.
        """
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            return None
        try:
            data = self._serializer(purpose).loads(token, max_age=max_age_seconds)
        except (BadData, ValueError, TypeError, UnicodeError):
            return None
        return data if isinstance(data, dict) else None
