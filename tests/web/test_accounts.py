"""Reader accounts through the site: signing in and out, the session and CSRF cookies, sign-up and reset
links, two-factor sign-in, and every kind of bad input answered with a page, never a crash."""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyotp
import pytest
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.pipeline import accounts as accounts_module
from herald.pipeline.accounts import (
    BAD_LINK,
    CHECK_INBOX,
    SIGN_UP_CLOSED,
    THROTTLED,
    WRONG_CODE,
    WRONG_SIGN_IN,
    Accounts,
)
from herald.store import Store
from herald.web import create_app
from herald.web.csrf import FORGED
from herald.web.pages.accounts import NOT_THE_SAME, PASSWORD_CHANGED, SETUP_EXPIRED
from tests.web.signed_in import ADA, KEY, PASSWORD, sign_in, token_in

EMAIL = ADA
NEW_PASSWORD = "seven quiet lanterns by the harbour"
Mail = list[tuple[str, str, str]]
Answer = Any  # the test client's response: httpx2's or httpx's, whichever Starlette found


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    opened = Store(f"sqlite:///{tmp_path}/t.db")
    yield opened
    opened.close()


def make_site(store: Store, tmp_path: Path, **overrides: Any) -> tuple[TestClient, Accounts]:
    settings = Settings(data_dir=tmp_path, secret_key=KEY, **overrides)
    accounts = Accounts(settings, store, KEY)
    scheme = "https" if settings.public_base_url.startswith("https") else "http"
    return TestClient(
        create_app(settings, store, accounts=accounts), base_url=f"{scheme}://testserver"
    ), accounts


@pytest.fixture
def site(store: Store, tmp_path: Path) -> Iterator[tuple[TestClient, Accounts]]:
    client, accounts = make_site(store, tmp_path)
    accounts.create_user(EMAIL, "Ada", PASSWORD)
    with client:
        yield client, accounts


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> Mail:
    sent: Mail = []
    monkeypatch.setattr(
        accounts_module, "send_mail", lambda _settings, to, subject, body: sent.append((to, subject, body))
    )
    return sent


def form_token(client: TestClient, path: str = "/account/sign-in") -> str:
    return token_in(client.get(path).text)


def main_of(html: str) -> str:
    """The page's own content, without the per-browser CSRF field."""
    main = html[html.index("<main") : html.index("</main>")]
    return re.sub(r'name="csrf_token" value="[0-9a-f]+"', "", main)


def set_cookies(response: Answer) -> dict[str, str]:
    """Each Set-Cookie header by cookie name."""
    return {h.split("=", 1)[0]: h for h in response.headers.get_list("set-cookie")}


def session_of(client: TestClient) -> str | None:
    return client.cookies.get("herald_session")


# Signing in and out


def test_sign_in_and_out(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    assert client.get("/account", follow_redirects=False).headers["location"] == (
        "/account/sign-in?next=/account"
    )
    signed = sign_in(client)
    assert signed.status_code == 303 and signed.headers["location"] == "/account"
    token = session_of(client)
    assert token and accounts.user_for_session(token) is not None
    page = client.get("/account")
    assert page.status_code == 200
    assert "Ada" in page.text and EMAIL in page.text and "Reader" in page.text and "Turn on" in page.text

    out = client.post("/account/sign-out", data={"csrf_token": token_in(page.text)}, follow_redirects=False)
    assert out.status_code == 303 and out.headers["location"] == "/"
    assert "Max-Age=0" in set_cookies(out)["herald_session"]
    assert session_of(client) is None
    assert accounts.user_for_session(token) is None  # ended on the server, not only in the browser
    client.cookies.set("herald_session", token, domain="testserver.local")
    again = client.get("/account", follow_redirects=False)
    assert again.status_code == 303
    assert "Max-Age=0" in set_cookies(again)["herald_session"]  # a dead session's cookie is cleared


def test_wrong_password_and_unknown_address_get_the_same_answer(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    wrong = sign_in(client, password="not the password at all")
    unknown = sign_in(client, email="nobody@example.org", password="not the password at all")
    assert wrong.status_code == unknown.status_code == 400
    assert WRONG_SIGN_IN in wrong.text and WRONG_SIGN_IN in unknown.text
    assert main_of(wrong.text).replace(EMAIL, "") == main_of(unknown.text).replace("nobody@example.org", "")
    assert f'value="{EMAIL}"' in wrong.text  # the address is kept for another try
    assert "not the password at all" not in wrong.text  # the password never is
    assert "herald_session" not in set_cookies(wrong)


def test_sign_in_is_throttled_after_five_failures(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    for _ in range(5):
        assert sign_in(client, password="wrong guess number").status_code == 400
    throttled = sign_in(client)  # even the right password now
    assert throttled.status_code == 429
    assert THROTTLED in throttled.text
    assert session_of(client) is None


def test_next_leads_only_to_this_site(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    for target in (
        "//evil.example",
        "https://evil.example/",
        "/\\evil.example",
        "/\r\nSet-Cookie: x=1",
        "evil",
    ):
        page = client.get("/account/sign-in", params={"next": target})
        assert 'name="next" value="/account"' in page.text
        assert sign_in(client, next=target).headers["location"] == "/account"
        client.cookies.clear()
    page = client.get("/account/sign-in", params={"next": "/latest?page=2"})
    assert 'name="next" value="/latest?page=2"' in page.text
    assert sign_in(client, next="/latest?page=2").headers["location"] == "/latest?page=2"


# Two-factor sign-in


def turn_on_two_factor(client: TestClient) -> str:
    page = client.get("/account/two-factor")
    assert page.status_code == 200 and "<svg" in page.text
    setup = re.search(r'name="setup" value="([^"]+)"', page.text)
    shown = re.search(r'class="account-secret">([A-Z2-7 ]+)<', page.text)
    assert setup and shown
    secret = shown.group(1).replace(" ", "")
    done = client.post(
        "/account/two-factor",
        data={"csrf_token": token_in(page.text), "setup": setup.group(1), "code": pyotp.TOTP(secret).now()},
        follow_redirects=False,
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?done=two-factor-on"
    return secret


def test_two_factor_sign_in_with_a_code_used_once(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    sign_in(client)
    secret = turn_on_two_factor(client)
    account = client.get("/account")
    assert "Turn off" in account.text
    client.post("/account/sign-out", data={"csrf_token": token_in(account.text)})

    needed = sign_in(client)
    assert needed.status_code == 400 and "6-digit code" in needed.text
    assert session_of(client) is None
    code = pyotp.TOTP(secret).at(time.time() + 30)  # the code that turned it on is spent; the next one works
    assert sign_in(client, code=code).status_code == 303
    token = session_of(client)
    assert token and accounts.user_for_session(token) is not None

    client.cookies.clear()
    replayed = sign_in(client, code=code)
    assert replayed.status_code == 400 and WRONG_CODE in replayed.text
    assert session_of(client) is None


def test_the_two_factor_secret_is_never_taken_from_the_browser(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    other = accounts.create_user("bo@example.org", "Bo", PASSWORD)
    sign_in(client)
    page = client.get("/account/two-factor")
    chosen = pyotp.random_base32()
    forged = accounts.tokens.make("totp-setup", {"secret": chosen, "user": other.id})  # another account's
    for setup in ("", chosen, forged):
        refused = client.post(
            "/account/two-factor",
            data={"csrf_token": token_in(page.text), "setup": setup, "code": pyotp.TOTP(chosen).now()},
        )
        assert refused.status_code == 400 and SETUP_EXPIRED in refused.text
    user = accounts.store.users.by_email(EMAIL)
    assert user is not None and not user.totp_enabled


def test_two_factor_turns_off_with_the_password(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    sign_in(client)
    turn_on_two_factor(client)
    token = token_in(client.get("/account").text)
    wrong = client.post("/account/two-factor/off", data={"csrf_token": token, "password": "not my password"})
    assert wrong.status_code == 400 and "current password is not right" in wrong.text
    off = client.post("/account/two-factor/off", data={"csrf_token": token, "password": PASSWORD})
    assert off.status_code == 200 and "Two-factor sign-in is off." in off.text
    user = accounts.store.users.by_email(EMAIL)
    assert user is not None and not user.totp_enabled


# Passwords


def test_changing_the_password_keeps_this_session_and_ends_the_others(
    site: tuple[TestClient, Accounts],
) -> None:
    client, accounts = site
    sign_in(client)
    elsewhere = accounts.sign_in(EMAIL, PASSWORD).session_token
    token = token_in(client.get("/account").text)
    fields = {"csrf_token": token, "current": PASSWORD, "new": NEW_PASSWORD}
    mismatch = client.post("/account/password", data={**fields, "repeat": NEW_PASSWORD + "!"})
    assert mismatch.status_code == 400 and NOT_THE_SAME in mismatch.text
    changed = client.post("/account/password", data={**fields, "repeat": NEW_PASSWORD})
    assert changed.status_code == 200 and "Your password is changed" in changed.text
    assert accounts.user_for_session(session_of(client)) is not None
    assert accounts.user_for_session(elsewhere) is None
    accounts.sign_in(EMAIL, NEW_PASSWORD)


# CSRF


def forged_posts(client: TestClient, stranger: TestClient) -> list[Answer]:
    """Password changes that must all be refused: no token, a wrong one, one made for another browser's
    cookie, the right one from a foreign page, and the right one without its cookie."""
    token = form_token(client, "/account")
    change = {"current": PASSWORD, "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    theirs = form_token(stranger)
    answers = [
        client.post("/account/password", data=change),
        client.post("/account/password", data={**change, "csrf_token": "0" * 64}),
        client.post("/account/password", data={**change, "csrf_token": theirs}),
        client.post("/account/password", data={**change, "csrf_token": "é"}),
        client.post(
            "/account/password",
            data={**change, "csrf_token": token},
            headers={"Origin": "https://evil.example"},
        ),
        client.post("/account/password", data={**change, "csrf_token": token}, headers={"Origin": "null"}),
    ]
    csrf_cookie = client.cookies.get("herald_csrf")
    client.cookies.delete("herald_csrf")
    answers.append(client.post("/account/password", data={**change, "csrf_token": token}))
    assert csrf_cookie
    client.cookies.set("herald_csrf", csrf_cookie, domain="testserver.local")
    return answers


def test_forged_forms_are_refused_and_change_nothing(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    sign_in(client)
    with TestClient(client.app) as stranger:
        answers = forged_posts(client, stranger)
    for answer in answers:
        assert answer.status_code == 403
        assert FORGED in answer.text
    assert client.get("/account").status_code == 200  # still signed in
    accounts.sign_in(EMAIL, PASSWORD)  # the password is unchanged
    # The site's own origin passes: as the request reached it, or as configured (behind a proxy).
    for origin, current, new in (
        ("http://testserver", PASSWORD, NEW_PASSWORD),
        ("http://127.0.0.1:8000", NEW_PASSWORD, PASSWORD),
    ):
        token = form_token(client, "/account")
        ours = client.post(
            "/account/password",
            data={"csrf_token": token, "current": current, "new": new, "repeat": new},
            headers={"Origin": origin},
            follow_redirects=False,
        )
        assert ours.status_code == 303, origin


def test_sign_out_needs_the_token_too(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    sign_in(client)
    token = session_of(client)
    assert client.post("/account/sign-out", data={}).status_code == 403
    assert accounts.user_for_session(token) is not None


# Cookies and the session


def test_cookie_flags(store: Store, tmp_path: Path) -> None:
    for base, secure in (("", False), ("https://news.example", True)):
        client, accounts = make_site(store, tmp_path, base_url=base)
        if accounts.store.users.by_email(EMAIL) is None:
            accounts.create_user(EMAIL, "Ada", PASSWORD)
        with client:
            first = client.get("/account/sign-in")
            signed = sign_in(client)
        csrf_cookie = set_cookies(first)["herald_csrf"]
        session = set_cookies(signed)["herald_session"]
        assert "herald_csrf" in set_cookies(signed)  # a new CSRF cookie at sign-in
        for header in (csrf_cookie, session):
            assert "HttpOnly" in header and "SameSite=lax" in header and "Path=/" in header
            assert ("Secure" in header) == secure
        assert f"Max-Age={30 * 24 * 3600}" in session


def test_a_planted_session_cookie_is_never_the_session(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    accounts.create_user("mallory@example.org", "Mallory", PASSWORD)
    planted = accounts.sign_in("mallory@example.org", PASSWORD).session_token
    client.cookies.set("herald_session", planted, domain="testserver.local")
    assert "Mallory" in client.get("/account").text  # the planted session works until sign-in
    assert sign_in(client).status_code == 303
    mine = session_of(client)
    assert mine and mine != planted
    user = accounts.user_for_session(mine)
    assert user is not None and user.email == EMAIL
    assert accounts.user_for_session(planted) is None  # the planted value is useless now

    client.cookies.clear()
    client.cookies.set("herald_session", "x" * 43, domain="testserver.local")
    assert sign_in(client).status_code == 303
    assert session_of(client) != "x" * 43


# Signing up


def test_sign_up_is_closed_without_mail(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    page = client.get("/account/sign-up")
    assert page.status_code == 200 and SIGN_UP_CLOSED in page.text
    assert 'action="/account/sign-up"' not in page.text
    posted = client.post(
        "/account/sign-up", data={"csrf_token": form_token(client), "email": "new@example.org"}
    )
    assert SIGN_UP_CLOSED in posted.text


def test_sign_up_by_mail(store: Store, tmp_path: Path, mailbox: Mail) -> None:
    client, accounts = make_site(store, tmp_path, smtp_host="smtp.test")
    accounts.create_user(EMAIL, "Ada", PASSWORD)
    with client:
        token = form_token(client, "/account/sign-up")
        new = client.post("/account/sign-up", data={"csrf_token": token, "email": "new@example.org"})
        known = client.post("/account/sign-up", data={"csrf_token": token, "email": EMAIL})
        assert new.status_code == known.status_code == 200
        assert CHECK_INBOX in new.text and main_of(new.text) == main_of(known.text)
        (to_new, _, body_new), (to_known, _, body_known) = mailbox
        assert (to_new, to_known) == ("new@example.org", EMAIL)
        assert "already has an account" in body_known and "/account/welcome/" not in body_known
        link = re.search(r"https?://\S+(/account/welcome/\S+)", body_new)
        assert link
        welcome = client.get(link.group(1))
        assert welcome.status_code == 200 and "new@example.org" in welcome.text
        name = "<script>alert(1)</script>"
        fields = {"csrf_token": token_in(welcome.text), "name": name, "password": NEW_PASSWORD}
        mismatch = client.post(link.group(1), data={**fields, "repeat": "something else entirely"})
        assert mismatch.status_code == 400 and NOT_THE_SAME in mismatch.text
        done = client.post(link.group(1), data={**fields, "repeat": NEW_PASSWORD}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/account?done=welcome"
        account = client.get("/account")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in account.text and name not in account.text
        used = client.get(link.group(1))  # the address has an account now: the link is spent
        assert used.status_code == 400 and BAD_LINK in used.text


def test_a_broken_welcome_link(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    for token in ("nonsense", "x" * 5000):
        page = client.get(f"/account/welcome/{token}")
        assert page.status_code == 400 and BAD_LINK in page.text


# Resetting a password


def test_reset_by_mail(store: Store, tmp_path: Path, mailbox: Mail) -> None:
    client, accounts = make_site(store, tmp_path, smtp_host="smtp.test")
    accounts.create_user(EMAIL, "Ada", PASSWORD)
    old_session = accounts.sign_in(EMAIL, PASSWORD).session_token
    with client:
        token = form_token(client, "/account/reset")
        known = client.post("/account/reset", data={"csrf_token": token, "email": EMAIL})
        unknown = client.post("/account/reset", data={"csrf_token": token, "email": "nobody@example.org"})
        assert known.status_code == unknown.status_code == 200
        assert CHECK_INBOX in known.text and main_of(known.text) == main_of(unknown.text)
        [(to, _, body)] = mailbox
        link = re.search(r"https?://\S+(/account/reset/\S+)", body)
        assert to == EMAIL and link
        form = client.get(link.group(1))
        assert form.status_code == 200 and EMAIL in form.text
        fields = {"csrf_token": token_in(form.text), "new": NEW_PASSWORD, "repeat": NEW_PASSWORD}
        done = client.post(link.group(1), data=fields)
        assert done.status_code == 200 and PASSWORD_CHANGED in done.text
        assert accounts.user_for_session(old_session) is None
        again = client.post(link.group(1), data=fields)
        assert again.status_code == 400 and BAD_LINK in again.text
        assert client.get(link.group(1)).status_code == 400
        assert sign_in(client, password=NEW_PASSWORD).status_code == 303


def test_a_failed_reset_mail_looks_like_any_other_answer(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from herald.errors import AccountError

    def fail(*_args: object) -> None:
        raise AccountError("The email could not be sent; try again later.")

    monkeypatch.setattr(accounts_module, "send_mail", fail)
    client, accounts = make_site(store, tmp_path, smtp_host="smtp.test")
    accounts.create_user(EMAIL, "Ada", PASSWORD)
    with client:
        token = form_token(client, "/account/reset")
        known = client.post("/account/reset", data={"csrf_token": token, "email": EMAIL})
        unknown = client.post("/account/reset", data={"csrf_token": token, "email": "nobody@example.org"})
    assert known.status_code == unknown.status_code == 200
    assert main_of(known.text) == main_of(unknown.text)


# Bad input: a page with a clear message, never a crash


def test_bad_input_gets_a_page_not_a_crash(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    token = form_token(client)
    huge = client.post("/account/sign-in", data={"csrf_token": token, "email": "a" * 20_000})
    assert huge.status_code == 413 and "far longer" in huge.text

    def stream() -> Iterator[bytes]:  # no Content-Length: counted while read
        for _ in range(40):
            yield b"email=" + b"a" * 1000 + b"&"

    streamed = client.post(
        "/account/sign-in", content=stream(), headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert streamed.status_code == 413

    long_email = client.post(
        "/account/sign-in", data={"csrf_token": token, "email": "a" * 290 + "@example.org", "password": "x"}
    )
    assert long_email.status_code == 400 and "too long" in long_email.text

    form = "application/x-www-form-urlencoded"
    malformed = [
        (b'{"email": "a"}', "application/json"),
        (b"csrf_token=" + token.encode() + b"&email=\xff\xfe", form),
        (f"csrf_token={token}&email=%ff%fe".encode(), form),
        (f"csrf_token={token}&email=ada%00@example.org".encode(), form),
        (b"--nope\r\n", "multipart/form-data"),
        (b"anything", ""),
    ]
    for body, kind in malformed:
        answer = client.post("/account/sign-in", content=body, headers={"Content-Type": kind})
        assert answer.status_code == 400, (body, kind)
        assert "not a form we can read" in answer.text
    bad_length = client.post("/account/sign-in", content=b"a=b", headers={"Content-Length": "x"})
    assert bad_length.status_code == 400

    multipart = client.post(
        "/account/sign-in",
        files={"csrf_token": (None, token), "email": (None, EMAIL), "password": (None, PASSWORD)},
    )
    assert multipart.status_code == 200 and "Your account" in multipart.text  # signed in, then redirected
    assert client.get("/account/sign-out").status_code == 405


def test_account_pages_carry_the_security_headers(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site
    sign_in(client)
    for path in ("/account", "/account/sign-in", "/account/sign-up", "/account/reset", "/account/two-factor"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert page.headers["cache-control"] == "no-store"
        assert "default-src 'self'" in page.headers["content-security-policy"]
        assert "form-action 'self'" in page.headers["content-security-policy"]
        assert page.headers["x-frame-options"] == "DENY"
        assert page.headers["x-content-type-options"] == "nosniff"
        assert '<meta name="robots" content="noindex">' in page.text
        assert '<a class="masthead-account" href="/account"' in page.text
    refused = client.post("/account/password", data={})
    assert refused.status_code == 403 and refused.headers["cache-control"] == "no-store"
    assert "content-security-policy" in refused.headers


def test_the_front_page_header_is_the_same_for_everyone(site: tuple[TestClient, Accounts]) -> None:
    client, _ = site

    def header(html: str) -> str:
        return html[html.index("<header") : html.index("</header>")]

    anonymous = client.get("/")
    sign_in(client)
    signed_in = client.get("/")
    assert '<a class="masthead-account" href="/account">Account</a>' in header(anonymous.text)
    assert header(signed_in.text) == header(anonymous.text)
    assert EMAIL not in signed_in.text and "set-cookie" not in signed_in.headers


# Apps signed in


def apps_section(html: str) -> str:
    start = html.index('aria-labelledby="apps-heading"')
    return html[start : html.index("</section>", start)]


def test_the_account_page_lists_the_apps_signed_in_and_signs_one_out(
    site: tuple[TestClient, Accounts],
) -> None:
    client, accounts = site
    sign_in(client)
    assert "No apps are signed in to your account." in apps_section(client.get("/account").text)
    phone = accounts.sign_in_app(EMAIL, PASSWORD, label="Ada's <b>phone</b>")
    tablet = accounts.sign_in_app(EMAIL, PASSWORD, label="Kitchen tablet")
    page = client.get("/account")
    section = apps_section(page.text)
    assert '<h2 id="apps-heading">Apps signed in</h2>' in page.text
    assert "Ada&#39;s &lt;b&gt;phone&lt;/b&gt;" in section and "<b>phone</b>" not in section
    assert section.index("Kitchen tablet") < section.index("phone")  # newest first
    assert section.count("Signed in <time datetime=") == 2 and "just now" in section
    ada = accounts.user_for_app_token(phone.session_token)
    assert ada is not None
    handles = [a.handle for a in accounts.apps(ada)]
    for handle in handles:
        assert f'action="/account/apps/{handle}/sign-out"' in section
    assert section.count('name="csrf_token"') == 2
    assert 'class="account-button account-button-quiet" type="submit">Sign out' in section
    assert session_of(client) not in section  # no token is ever shown

    tablet_handle = handles[0]
    forged = client.post(f"/account/apps/{tablet_handle}/sign-out", data={})
    assert forged.status_code == 403 and FORGED in forged.text
    assert accounts.user_for_app_token(tablet.session_token) is not None

    token = token_in(page.text)
    done = client.post(
        f"/account/apps/{tablet_handle}/sign-out", data={"csrf_token": token}, follow_redirects=False
    )
    assert done.status_code == 303 and done.headers["location"] == "/account?done=app"
    assert accounts.user_for_app_token(tablet.session_token) is None
    assert accounts.user_for_app_token(phone.session_token) is not None
    assert session_of(client) and accounts.user_for_session(session_of(client)) is not None  # still signed in
    after = client.get("/account?done=app")
    assert "That app is signed out." in after.text and "Kitchen tablet" not in apps_section(after.text)

    again = client.post(f"/account/apps/{tablet_handle}/sign-out", data={"csrf_token": token_in(after.text)})
    assert again.status_code == 404 and "That app is signed out already." in again.text


def test_a_reader_cannot_sign_out_another_reader_s_app(site: tuple[TestClient, Accounts]) -> None:
    client, accounts = site
    accounts.create_user("bob@example.org", "Bob", PASSWORD)
    bobs = accounts.sign_in_app("bob@example.org", PASSWORD, label="Bob's phone")
    bob = accounts.user_for_app_token(bobs.session_token)
    assert bob is not None
    [handle] = [a.handle for a in accounts.apps(bob)]
    sign_in(client)
    assert "Bob's phone" not in client.get("/account").text
    answer = client.post(
        f"/account/apps/{handle}/sign-out", data={"csrf_token": form_token(client, "/account")}
    )
    assert answer.status_code == 404
    assert accounts.user_for_app_token(bobs.session_token) == bob
    # signed out, the form leads to signing in and ends nothing
    with TestClient(client.app) as stranger:
        token = form_token(stranger)
        anonymous = stranger.post(
            f"/account/apps/{handle}/sign-out", data={"csrf_token": token}, follow_redirects=False
        )
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/account/sign-in")
    assert accounts.user_for_app_token(bobs.session_token) == bob
