"""Apps signing readers in through the API, over the whole app (the site and the API as ``build_app`` makes
them): tokens, the site's refusals and throttle, two-factor codes, bans, a browser's cookie and an app's token
each refused where the other belongs, the reader's account and apps, and the OpenAPI document."""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from herald.api.auth import BAD_TOKEN, MISSING_TOKEN, NO_SUCH_APP
from herald.app import build_app
from herald.config import Settings
from herald.pipeline import ArticleTools
from herald.pipeline.accounts import (
    BAD_APP_NAME,
    CODE_NEEDED,
    FAILURES_PER_ACCOUNT,
    SUSPENDED,
    THROTTLED,
    WRONG_CODE,
    WRONG_PASSWORD,
    WRONG_SIGN_IN,
    Accounts,
)
from herald.store import Store
from tests.web.conftest import Newsroom, Stories, add_stories, build_newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD, browser_for, token_in

BOB, MOD = "bob@example.org", "mod@example.org"
PROBLEM = "application/problem+json"
PERSONAL = "private, no-store"
NEW_PASSWORD = "seven quiet lanterns by the harbour"
Answer = Any  # the test client's response


@dataclass
class Herald:
    """The newsroom with its stories, three readers (Ada, Bob, and Maud the moderator), and the app."""

    room: Newsroom
    stories: Stories
    accounts: Accounts
    app: FastAPI
    client: TestClient  # an app: it keeps no cookies between tests' requests that matter

    @property
    def store(self) -> Store:
        return self.room.store

    def sign_in(self, email: str = ADA, name: str = "Phone", **fields: str) -> Answer:
        body = {"email": email, "password": PASSWORD, "name": name, **fields}
        return self.client.post("/api/v1/tokens", json=body)

    def token(self, email: str = ADA, name: str = "Phone") -> str:
        signed = self.sign_in(email, name)
        assert signed.status_code == 201, signed.text
        return str(signed.json()["token"])

    def browser(self, email: str | None = None) -> TestClient:
        return browser_for(self.app, email)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def build_herald(tmp_path: Path, **overrides: Any) -> Iterator[Herald]:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    room = build_newsroom(store)
    stories = add_stories(room)
    settings = Settings(data_dir=tmp_path, secret_key=KEY, **overrides)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    accounts.create_user(BOB, "Bob", PASSWORD)
    accounts.create_user(MOD, "Maud", PASSWORD, role="moderator")
    app = build_app(settings, store, ArticleTools(settings, store), accounts)
    try:
        with TestClient(app) as client:
            yield Herald(room, stories, accounts, app, client)
    finally:
        store.close()


@pytest.fixture
def herald(tmp_path: Path) -> Iterator[Herald]:
    yield from build_herald(tmp_path)


def problem_of(answer: Answer, status: int) -> dict[str, Any]:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == PROBLEM
    assert answer.headers["cache-control"] == "no-store"
    body: dict[str, Any] = answer.json()
    assert body["status"] == status and body["type"] == "about:blank" and body["detail"]
    return body


def unauthorized(answer: Answer, detail: str) -> None:
    assert problem_of(answer, 401)["detail"] == detail
    assert answer.headers["www-authenticate"].startswith("Bearer")


def personal(answer: Answer, status: int = 200) -> Any:
    assert answer.status_code == status, answer.text
    assert answer.headers["cache-control"] == PERSONAL
    return answer.json() if status != 204 else None


# Signing in


def test_an_app_signs_in_and_reads_who_it_is(herald: Herald) -> None:
    signed = herald.sign_in(name="Ada's phone")
    body = personal(signed, 201)
    assert body["token_type"] == "bearer" and len(body["token"]) == 43
    assert body["expires_at"].endswith("Z")
    ada = herald.store.users.by_email(ADA)
    assert ada is not None
    assert body["user"] == {
        "id": ada.id,
        "display_name": "Ada",
        "email": ADA,
        "role": "reader",
        "two_factor": False,
    }
    me = personal(herald.client.get("/api/v1/me", headers=bearer(body["token"])))
    assert me == body["user"]
    maud = personal(herald.client.get("/api/v1/me", headers=bearer(herald.token(MOD))))
    assert maud["role"] == "moderator" and maud["display_name"] == "Maud"


def test_wrong_password_and_unknown_address_get_the_site_s_answer(herald: Herald) -> None:
    wrong = herald.client.post("/api/v1/tokens", json={"email": ADA, "password": "nope", "name": "Phone"})
    unknown = herald.sign_in("nobody@example.org")
    for answer in (wrong, unknown):
        body = problem_of(answer, 401)
        assert body["detail"] == WRONG_SIGN_IN and body["code_required"] is False
        assert answer.headers["www-authenticate"] == "Bearer"
        assert "token" not in body


def test_sign_in_is_throttled_with_the_site(herald: Herald) -> None:
    for _ in range(FAILURES_PER_ACCOUNT):
        problem_of(herald.sign_in(password="wrong guess"), 401)
    throttled = herald.sign_in()  # the right password, too late
    assert problem_of(throttled, 429)["detail"] == THROTTLED
    assert throttled.headers["retry-after"] == "900"
    # the same limit holds on the site's form: the API is no way around it
    browser = herald.browser()
    token = token_in(browser.get("/account/sign-in").text)
    form = {"csrf_token": token, "email": ADA, "password": PASSWORD}
    assert browser.post("/account/sign-in", data=form, follow_redirects=False).status_code == 429


def test_two_factor_accounts_need_their_code(herald: Herald) -> None:
    ada = herald.store.users.by_email(ADA)
    assert ada is not None
    setup = herald.accounts.begin_two_factor(ada)
    totp = pyotp.TOTP(setup.secret)
    herald.accounts.enable_two_factor(ada, setup.secret, totp.now())

    needed = problem_of(herald.sign_in(), 401)
    assert needed["code_required"] is True and needed["detail"] == CODE_NEEDED
    wrong = problem_of(herald.sign_in(code="000000" if totp.now() != "000000" else "111111"), 401)
    assert wrong["code_required"] is True and wrong["detail"] == WRONG_CODE
    code = totp.at(time.time() + 30)  # the code that turned it on is spent
    signed = personal(herald.sign_in(code=code), 201)
    assert signed["user"]["two_factor"] is True
    replayed = problem_of(herald.sign_in(code=code), 401)
    assert replayed["detail"] == WRONG_CODE


def test_a_suspended_reader_cannot_sign_in_and_a_ban_ends_their_tokens(herald: Herald) -> None:
    token = herald.token()
    ada = herald.store.users.by_email(ADA)
    assert ada is not None
    # a moderator bans Ada on the site
    maud = herald.browser(MOD)
    csrf = token_in(maud.get("/account").text)
    form = {"csrf_token": csrf, "reason": "spam"}
    banned = maud.post(f"/moderation/users/{ada.id}/ban", data=form, follow_redirects=False)
    assert banned.status_code == 303, banned.text
    unauthorized(herald.client.get("/api/v1/me", headers=bearer(token)), BAD_TOKEN)
    assert problem_of(herald.sign_in(), 403)["detail"] == SUSPENDED


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"email": ADA, "password": PASSWORD}, "body.name: Field required."),
        ({"email": ADA, "password": PASSWORD, "name": "  \n "}, BAD_APP_NAME),
        ({"email": ADA, "password": PASSWORD, "name": "x" * 150}, BAD_APP_NAME),
        ({"email": ADA, "password": PASSWORD, "name": "x" * 201}, None),
        ({"email": ADA, "password": PASSWORD, "name": "Phone", "remember": True}, None),
        ({"email": "a" * 300, "password": PASSWORD, "name": "Phone"}, None),
        ({"email": ADA, "password": "p" * 201, "name": "Phone"}, None),
        ({"email": ADA, "password": PASSWORD, "name": "Phone", "code": "1" * 11}, None),
        ([ADA, PASSWORD], None),
    ],
)
def test_malformed_sign_ins_are_refused_and_not_counted(
    herald: Herald, body: Any, detail: str | None
) -> None:
    refused = problem_of(herald.client.post("/api/v1/tokens", json=body), 422)
    if detail is not None:
        assert refused["detail"] == detail
    assert herald.store.users.count_events(f"email:{ADA}", datetime(2000, 1, 1, tzinfo=UTC)) == 0


# A browser's cookie and an app's token


def test_a_browser_s_cookie_is_no_bearer_token_and_the_api_reads_no_cookie(herald: Herald) -> None:
    browser = herald.browser(ADA)
    cookie = browser.cookies.get("herald_session")
    assert cookie and herald.accounts.user_for_session(cookie) is not None
    unauthorized(herald.client.get("/api/v1/me", headers=bearer(cookie)), BAD_TOKEN)
    # signed in on the site, the same browser is nobody to the API: it never reads the cookie
    unauthorized(browser.get("/api/v1/me"), MISSING_TOKEN)
    post = browser.post(f"/api/v1/articles/{herald.room.articles[0]}/comments", json={"text": "Hello."})
    unauthorized(post, MISSING_TOKEN)
    assert herald.store.comments.counts([herald.room.articles[0]]) == {}


def test_an_app_s_token_is_no_session_cookie(herald: Herald) -> None:
    token = herald.token()
    browser = herald.browser()
    browser.cookies.set("herald_session", token)
    answer = browser.get("/account", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/account/sign-in?next=/account"
    assert "herald_session=" in answer.headers.get("set-cookie", "")  # the browser is told to drop it
    assert herald.accounts.user_for_app_token(token) is not None  # and the app is still signed in


@pytest.mark.parametrize(
    ("headers", "detail"),
    [
        ({}, MISSING_TOKEN),
        ({"Authorization": ""}, MISSING_TOKEN),
        ({"Authorization": "Bearer"}, MISSING_TOKEN),
        ({"Authorization": "Basic YWRhOnBhc3N3b3Jk"}, MISSING_TOKEN),
        ({"Authorization": "Bearer not-a-token"}, BAD_TOKEN),
        ({"Authorization": "Bearer " + "x" * 5000}, BAD_TOKEN),
    ],
)
def test_a_missing_or_bad_token_is_401(herald: Herald, headers: dict[str, str], detail: str) -> None:
    answer = herald.client.get("/api/v1/me", headers=headers)
    unauthorized(answer, detail)
    if detail == BAD_TOKEN:
        assert answer.headers["www-authenticate"] == 'Bearer error="invalid_token"'


# The reader's apps


def test_signing_this_app_out(herald: Herald) -> None:
    phone, tablet = herald.token(name="Phone"), herald.token(name="Tablet")
    assert personal(herald.client.delete("/api/v1/tokens/current", headers=bearer(phone)), 204) is None
    unauthorized(herald.client.get("/api/v1/me", headers=bearer(phone)), BAD_TOKEN)
    unauthorized(herald.client.delete("/api/v1/tokens/current", headers=bearer(phone)), BAD_TOKEN)
    personal(herald.client.get("/api/v1/me", headers=bearer(tablet)))


def test_listing_and_signing_out_apps(herald: Herald) -> None:
    phone, tablet = herald.token(name="Phone"), herald.token(name="<b>Tablet</b>")
    bobs = herald.token(BOB, name="Bob's phone")
    herald.browser(ADA)  # a browser session: not an app
    listed = personal(herald.client.get("/api/v1/me/apps", headers=bearer(phone)))
    assert [a["name"] for a in listed["items"]] == ["<b>Tablet</b>", "Phone"]
    assert [a["current"] for a in listed["items"]] == [False, True]
    assert listed["next_cursor"] is None
    tablet_handle = listed["items"][0]["handle"]

    first = personal(herald.client.get("/api/v1/me/apps?limit=1", headers=bearer(phone)))
    assert [a["name"] for a in first["items"]] == ["<b>Tablet</b>"] and first["next_cursor"]
    rest = herald.client.get(f"/api/v1/me/apps?limit=1&cursor={first['next_cursor']}", headers=bearer(phone))
    assert [a["name"] for a in personal(rest)["items"]] == ["Phone"]

    # Bob cannot sign Ada's tablet out, nor can anyone a handle that is not one
    for handle in (tablet_handle, "0" * 12, "not-a-handle", "%25"):
        gone = herald.client.delete(f"/api/v1/me/apps/{handle}", headers=bearer(bobs))
        assert problem_of(gone, 404)["detail"] == NO_SUCH_APP
    personal(herald.client.get("/api/v1/me", headers=bearer(tablet)))

    personal(herald.client.delete(f"/api/v1/me/apps/{tablet_handle}", headers=bearer(phone)), 204)
    unauthorized(herald.client.get("/api/v1/me", headers=bearer(tablet)), BAD_TOKEN)
    again = herald.client.delete(f"/api/v1/me/apps/{tablet_handle}", headers=bearer(phone))
    assert problem_of(again, 404)["detail"] == NO_SUCH_APP
    left = personal(herald.client.get("/api/v1/me/apps", headers=bearer(phone)))
    assert [a["name"] for a in left["items"]] == ["Phone"]


def test_changing_the_password_keeps_this_app_and_ends_every_other_session(herald: Herald) -> None:
    phone, tablet = herald.token(name="Phone"), herald.token(name="Tablet")
    browser = herald.browser(ADA)
    wrong = herald.client.post(
        "/api/v1/me/password", json={"current": "not it", "new": NEW_PASSWORD}, headers=bearer(phone)
    )
    assert problem_of(wrong, 400)["detail"] == WRONG_PASSWORD
    weak = herald.client.post(
        "/api/v1/me/password", json={"current": PASSWORD, "new": "short"}, headers=bearer(phone)
    )
    assert problem_of(weak, 400)["detail"]
    too_long = herald.client.post(
        "/api/v1/me/password", json={"current": PASSWORD, "new": "x" * 201}, headers=bearer(phone)
    )
    problem_of(too_long, 422)
    assert herald.accounts.user_for_app_token(tablet) is not None  # nothing changed yet

    changed = herald.client.post(
        "/api/v1/me/password", json={"current": PASSWORD, "new": NEW_PASSWORD}, headers=bearer(phone)
    )
    personal(changed, 204)
    personal(herald.client.get("/api/v1/me", headers=bearer(phone)))
    unauthorized(herald.client.get("/api/v1/me", headers=bearer(tablet)), BAD_TOKEN)
    assert browser.get("/account", follow_redirects=False).status_code == 303  # the browser too
    assert herald.sign_in().status_code == 401
    body = {"email": ADA, "password": NEW_PASSWORD, "name": "Laptop"}
    assert herald.client.post("/api/v1/tokens", json=body).status_code == 201


# The document


def test_the_openapi_document_lists_the_reader_s_endpoints_with_the_bearer_scheme(herald: Herald) -> None:
    document = herald.client.get("/api/v1/openapi.json").json()
    scheme = document["components"]["securitySchemes"]["bearer"]
    assert scheme["type"] == "http" and scheme["scheme"] == "bearer"
    paths = document["paths"]
    expected = {
        "/api/v1/tokens": {"post"},
        "/api/v1/tokens/current": {"delete"},
        "/api/v1/me": {"get"},
        "/api/v1/me/apps": {"get"},
        "/api/v1/me/apps/{handle}": {"delete"},
        "/api/v1/me/password": {"post"},
        "/api/v1/articles/{article_id}/comments": {"get", "post"},
        "/api/v1/stories/{story_id}/comments": {"get", "post"},
        "/api/v1/comments/{comment_id}": {"patch", "delete"},
        "/api/v1/comments/{comment_id}/report": {"post"},
        "/api/v1/me/saved": {"get"},
        "/api/v1/me/saved/{article_id}": {"put", "delete"},
        "/api/v1/me/history": {"get", "delete"},
        "/api/v1/me/history/{article_id}": {"put"},
        "/api/v1/me/follows": {"get"},
        "/api/v1/me/follows/{kind}/{key}": {"put", "delete"},
        "/api/v1/me/for-you": {"get"},
    }
    for path, methods in expected.items():
        assert set(paths[path]) == methods, path
        for method in methods:
            operation = paths[path][method]
            security = operation.get("security", [])
            if path == "/api/v1/tokens":
                assert security == [], "signing in needs no token"
            elif method == "get" and path.endswith("/comments"):
                assert security == [{"bearer": []}, {}], "a thread is public; a token shows the reader's"
            else:
                assert security == [{"bearer": []}], (method, path)
            assert "default" in operation["responses"], (method, path)
    assert "/api/v1/articles/{article_id}/ai" in paths  # the AI tools are still there
    assert document["paths"]["/api/v1/me"]["get"]["responses"]["401"]["content"].keys() == {PROBLEM}
