"""Signing an app in through the accounts service, on SQLite and PostgreSQL: the site's checks, refusals and
throttle, a longer-lived token that works only as a bearer token, and the reader's list of apps."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
import pytest

from herald.config import Settings
from herald.errors import AccountError, CodeRequired, SignInThrottled
from herald.models import User
from herald.pipeline.accounts import (
    APP_SESSION_DAYS,
    BAD_APP_NAME,
    FAILURES_PER_ACCOUNT,
    SUSPENDED,
    THROTTLED,
    WRONG_CODE,
    WRONG_SIGN_IN,
    Accounts,
    clean_app_name,
)
from herald.store import Store
from herald.store.users import session_handle

PASSWORD = "correct horse battery staple"
KEY = "k" * 48
EMAIL = "ada@example.org"


@pytest.fixture
def accounts(database_url: str, tmp_path: Path) -> Iterator[Accounts]:
    store = Store(database_url)
    yield Accounts(Settings(data_dir=tmp_path, base_url="https://news.test"), store, KEY)
    store.close()


@pytest.fixture
def ada(accounts: Accounts) -> User:
    return accounts.create_user(EMAIL, "Ada", PASSWORD)


def test_an_app_token_is_a_bearer_token_only_and_lives_longer(accounts: Accounts, ada: User) -> None:
    before = datetime.now(UTC)
    signed = accounts.sign_in_app(" ADA@example.org", PASSWORD, label="  My   phone\n", user_agent="Herald/1")
    assert signed.user == ada
    assert accounts.user_for_app_token(signed.session_token) == ada
    assert accounts.user_for_session(signed.session_token) is None  # never a browser's cookie
    days = (signed.expires_at - before) / timedelta(days=1)
    assert APP_SESSION_DAYS - 0.01 < days < APP_SESSION_DAYS + 0.01
    browser = accounts.sign_in(EMAIL, PASSWORD)
    assert accounts.user_for_app_token(browser.session_token) is None
    assert (browser.expires_at - before).days in (
        accounts.settings.session_days - 1,
        accounts.settings.session_days,
    )
    assert accounts.user_for_app_token(None) is None and accounts.user_for_app_token("") is None

    [listed] = accounts.apps(ada)
    assert (listed.label, listed.handle) == ("My phone", session_handle(signed.session_token))

    assert not accounts.sign_out_app(browser.session_token)  # an app's sign-out ends no browser
    assert accounts.user_for_session(browser.session_token) == ada
    assert accounts.sign_out_app(signed.session_token)
    assert accounts.user_for_app_token(signed.session_token) is None and accounts.apps(ada) == []
    assert not accounts.sign_out_app(None)


def test_the_site_s_refusals_and_one_throttle_for_both(accounts: Accounts, ada: User) -> None:
    with pytest.raises(AccountError) as wrong:
        accounts.sign_in_app(EMAIL, "not the password", label="Phone")
    with pytest.raises(AccountError) as unknown:
        accounts.sign_in_app("nobody@example.org", PASSWORD, label="Phone")
    assert str(wrong.value) == str(unknown.value) == WRONG_SIGN_IN
    for _ in range(FAILURES_PER_ACCOUNT - 1):
        with pytest.raises(AccountError):
            accounts.sign_in_app(EMAIL, "still wrong", label="Phone")
    # the failures through the API count against the site's sign-in too, and the other way round
    with pytest.raises(SignInThrottled) as throttled:
        accounts.sign_in(EMAIL, PASSWORD)
    assert str(throttled.value) == THROTTLED
    with pytest.raises(SignInThrottled):
        accounts.sign_in_app(EMAIL, PASSWORD, label="Phone")


def test_a_bad_app_name_is_refused_before_the_password_is_tried(accounts: Accounts, ada: User) -> None:
    for label in ("", "   ", "\n\t", "x" * 101):
        with pytest.raises(AccountError) as refused:
            accounts.sign_in_app(EMAIL, "a wrong password", label=label)
        assert str(refused.value) == BAD_APP_NAME
    # none of those counted as a failed sign-in
    assert accounts.sign_in_app(EMAIL, PASSWORD, label="Phone").user == ada
    assert clean_app_name("Tablet\x00 in the\u2028kitchen") == "Tablet in the kitchen"
    assert clean_app_name("x" * 100) == "x" * 100


def test_two_factor_and_suspended_accounts(accounts: Accounts, ada: User) -> None:
    setup = accounts.begin_two_factor(ada)
    totp = pyotp.TOTP(setup.secret)
    accounts.enable_two_factor(ada, setup.secret, totp.now())
    with pytest.raises(CodeRequired):
        accounts.sign_in_app(EMAIL, PASSWORD, label="Phone")
    with pytest.raises(AccountError) as wrong:
        accounts.sign_in_app(
            EMAIL, PASSWORD, code="000000" if totp.now() != "000000" else "111111", label="P"
        )
    assert str(wrong.value) == WRONG_CODE
    code = totp.at(time.time() + 30)  # the code that turned it on is spent; the next one works, once
    signed = accounts.sign_in_app(EMAIL, PASSWORD, code=code, label="Phone")
    assert accounts.user_for_app_token(signed.session_token) is not None
    with pytest.raises(AccountError):
        accounts.sign_in_app(EMAIL, PASSWORD, code=code, label="Phone")

    accounts.set_banned(EMAIL, True)
    assert accounts.user_for_app_token(signed.session_token) is None  # a ban ends the app's session
    with pytest.raises(AccountError) as suspended:
        accounts.sign_in_app(EMAIL, PASSWORD, code=totp.at(time.time() + 60), label="Phone")
    assert str(suspended.value) == SUSPENDED


def test_revoking_an_app_and_changing_the_password(accounts: Accounts, ada: User) -> None:
    bob = accounts.create_user("bob@example.org", "Bob", PASSWORD)
    phone = accounts.sign_in_app(EMAIL, PASSWORD, label="Phone")
    tablet = accounts.sign_in_app(EMAIL, PASSWORD, label="Tablet")
    browser = accounts.sign_in(EMAIL, PASSWORD)
    bobs = accounts.sign_in_app("bob@example.org", PASSWORD, label="Bob's")
    assert [a.label for a in accounts.apps(ada)] == ["Tablet", "Phone"]

    assert not accounts.revoke_app(bob, session_handle(phone.session_token))  # not Bob's to end
    assert not accounts.revoke_app(ada, session_handle(browser.session_token))  # a browser is no app
    assert accounts.revoke_app(ada, session_handle(phone.session_token))
    assert accounts.user_for_app_token(phone.session_token) is None
    assert accounts.user_for_app_token(tablet.session_token) == ada

    new = "seven quiet lanterns by the harbour"
    accounts.change_password(ada, PASSWORD, new, keep_token=tablet.session_token)
    assert accounts.user_for_app_token(tablet.session_token) == ada  # the app that changed it
    assert accounts.user_for_session(browser.session_token) is None
    assert accounts.user_for_app_token(bobs.session_token) == bob
