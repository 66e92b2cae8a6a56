"""Readers signed in through the site's own form, as a browser would, for the tests of the pages only a
reader sees (tests/web/conftest.py, near its length limit, holds the newsroom they read)."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

KEY = "k" * 48
PASSWORD = "correct horse battery staple"
ADA = "ada@example.org"


def token_in(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([0-9a-f]{64})"', html)
    assert found, "the page has no CSRF field"
    return found.group(1)


def sign_in(client: TestClient, email: str = ADA, password: str = PASSWORD, **extra: str) -> Any:
    """The sign-in form with the browser's own CSRF token; the answer as it came, not followed."""
    data = {"csrf_token": token_in(client.get("/account/sign-in").text), "email": email, "password": password}
    return client.post("/account/sign-in", data=data | extra, follow_redirects=False)


def browser_for(app: Any, email: str | None = None) -> TestClient:
    """A new browser, signed in as ``email`` when given."""
    client = TestClient(app, base_url="http://testserver")
    if email is not None:
        signed = sign_in(client, email)
        assert signed.status_code == 303, signed.text
    return client
