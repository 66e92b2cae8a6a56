"""Reader accounts through the service the site, the API and the CLI share, on SQLite and PostgreSQL: nothing
says whether an address has an account, sign-in is throttled and costs the same for unknown addresses,
two-factor codes work once, links work once, and the operator's commands do what they say."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pyotp
import pytest

from herald.cli import main
from herald.config import Settings
from herald.errors import AccountError, CodeRequired, SignInThrottled
from herald.pipeline import accounts as accounts_module
from herald.pipeline.accounts import (
    CHECK_INBOX,
    FAILURES_PER_ACCOUNT,
    SIGN_UP_CLOSED,
    WRONG_SIGN_IN,
    Accounts,
    resolve_secret_key,
)
from herald.store import Store

PASSWORD = "correct horse battery staple"
KEY = "k" * 48


@pytest.fixture
def accounts(database_url: str, tmp_path: Path) -> Iterator[Accounts]:
    store = Store(database_url)
    yield Accounts(Settings(data_dir=tmp_path, base_url="https://news.test"), store, KEY)
    store.close()


@pytest.fixture
def mailbox(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, str]]:
    sent: list[tuple[str, str, str]] = []
    monkeypatch.setattr(
        accounts_module, "send_mail", lambda _s, to, subject, body: sent.append((to, subject, body))
    )
    return sent


def with_mail(accounts: Accounts) -> Accounts:
    settings = accounts.settings.with_overrides(smtp_host="smtp.test")
    return Accounts(settings, accounts.store, KEY)


def test_sign_in_out_and_one_message_for_every_wrong_case(accounts: Accounts) -> None:
    user = accounts.create_user("Ada@Example.org", "Ada", PASSWORD)
    assert user.email == "ada@example.org" and user.role == "reader"
    signed = accounts.sign_in("ADA@example.org ", PASSWORD, client="10.0.0.1")
    assert accounts.user_for_session(signed.session_token) == user
    with pytest.raises(AccountError) as wrong:
        accounts.sign_in("ada@example.org", "not the password")
    with pytest.raises(AccountError) as unknown:
        accounts.sign_in("nobody@example.org", PASSWORD)
    assert str(wrong.value) == str(unknown.value) == WRONG_SIGN_IN
    accounts.sign_out(signed.session_token)
    assert accounts.user_for_session(signed.session_token) is None


def test_sign_in_is_throttled_per_account_and_a_success_clears_it(accounts: Accounts) -> None:
    accounts.create_user("bob@example.org", "Bob", PASSWORD)
    for _ in range(FAILURES_PER_ACCOUNT):
        with pytest.raises(AccountError):
            accounts.sign_in("bob@example.org", "guess", client="10.0.0.2")
    with pytest.raises(SignInThrottled):
        accounts.sign_in("bob@example.org", PASSWORD, client="10.0.0.3")  # even the right password waits
    link = accounts.reset_link("bob@example.org")
    assert link is not None
    accounts.reset_password(link.rsplit("/", 1)[1], PASSWORD + "!")  # a reset lifts the block
    assert accounts.sign_in("bob@example.org", PASSWORD + "!").user.email == "bob@example.org"


def test_two_factor_codes_work_once(accounts: Accounts) -> None:
    user = accounts.create_user("cy@example.org", "Cy", PASSWORD)
    setup = accounts.begin_two_factor(user)
    assert setup.qr_svg.lstrip().startswith("<svg") and "otpauth://" in setup.uri
    totp = pyotp.TOTP(setup.secret)
    with pytest.raises(AccountError):
        accounts.enable_two_factor(user, setup.secret, "000000" if totp.now() != "000000" else "111111")
    enabling = totp.now()
    accounts.enable_two_factor(user, setup.secret, enabling)
    with pytest.raises(CodeRequired):
        accounts.sign_in("cy@example.org", PASSWORD)
    with pytest.raises(AccountError):
        accounts.sign_in("cy@example.org", PASSWORD, code=enabling)  # spent turning two-factor on
    code = totp.at(time.time() + 30)  # the next step's code: accepted once, within the drift allowed
    assert accounts.sign_in("cy@example.org", PASSWORD, code=code).user.id == user.id
    with pytest.raises(AccountError):
        accounts.sign_in("cy@example.org", PASSWORD, code=code)  # replayed
    with pytest.raises(AccountError):
        accounts.disable_two_factor(user, "wrong password")
    accounts.disable_two_factor(user, PASSWORD)
    assert accounts.sign_in("cy@example.org", PASSWORD).user.id == user.id


def test_sign_up_says_the_same_for_new_and_known_addresses(
    accounts: Accounts, mailbox: list[tuple[str, str, str]]
) -> None:
    with pytest.raises(AccountError, match="invitation"):
        accounts.request_sign_up("new@example.org")  # no mail server: sign-up is by invitation
    assert SIGN_UP_CLOSED
    mailing = with_mail(accounts)
    mailing.create_user("known@example.org", "Known", PASSWORD)
    assert (
        mailing.request_sign_up("new@example.org")
        == mailing.request_sign_up("known@example.org")
        == CHECK_INBOX
    )
    (to_new, _, body_new), (to_known, _, body_known) = mailbox
    assert (to_new, to_known) == ("new@example.org", "known@example.org")
    assert "/account/welcome/" not in body_known and "already has an account" in body_known
    token = body_new.split("/account/welcome/", 1)[1].split()[0]
    assert mailing.welcome_email(token) == "new@example.org"
    with pytest.raises(AccountError):
        mailing.complete_sign_up(token, "New reader", "short")  # the password rules apply
    signed = mailing.complete_sign_up(token, "New reader", PASSWORD)
    assert signed.user.display_name == "New reader" and signed.user.role == "reader"
    with pytest.raises(AccountError):
        mailing.complete_sign_up(token, "Again", PASSWORD)  # a link makes one account
    assert mailing.welcome_email(token) is None


def test_reset_links_work_once_and_end_every_session(
    accounts: Accounts, mailbox: list[tuple[str, str, str]]
) -> None:
    mailing = with_mail(accounts)
    mailing.create_user("dee@example.org", "Dee", PASSWORD)
    session = mailing.sign_in("dee@example.org", PASSWORD).session_token
    assert mailing.request_reset("dee@example.org") == mailing.request_reset("nobody@example.org")
    assert [to for to, _, _ in mailbox] == ["dee@example.org"]  # the unknown address got nothing
    token = mailbox[0][2].split("/account/reset/", 1)[1].split()[0]
    assert mailing.reset_user(token) is not None
    mailing.reset_password(token, "a brand new passphrase")
    assert mailing.user_for_session(session) is None
    with pytest.raises(AccountError):
        mailing.reset_password(token, "another new passphrase")  # used: the password it was for is gone
    with pytest.raises(AccountError):
        mailing.reset_password("garbage" * 400, "another new passphrase")


def test_changing_the_password_ends_the_other_sessions(accounts: Accounts) -> None:
    user = accounts.create_user("eve@example.org", "Eve", PASSWORD)
    here = accounts.sign_in("eve@example.org", PASSWORD).session_token
    there = accounts.sign_in("eve@example.org", PASSWORD).session_token
    with pytest.raises(AccountError):
        accounts.change_password(user, "wrong", "a brand new passphrase", keep_token=here)
    accounts.change_password(user, PASSWORD, "a brand new passphrase", keep_token=here)
    assert accounts.user_for_session(here) is not None and accounts.user_for_session(there) is None


def test_roles_bans_and_the_last_admin(accounts: Accounts) -> None:
    accounts.create_user("root@example.org", "Root", PASSWORD, "admin")
    accounts.create_user("fay@example.org", "Fay", PASSWORD)
    session = accounts.sign_in("fay@example.org", PASSWORD).session_token
    assert accounts.set_role("fay@example.org", "moderator").is_moderator
    with pytest.raises(AccountError, match="last admin"):
        accounts.set_role("root@example.org", "reader")
    assert accounts.set_banned("fay@example.org", True).banned
    assert accounts.user_for_session(session) is None
    with pytest.raises(AccountError, match="suspended"):
        accounts.sign_in("fay@example.org", PASSWORD)
    with pytest.raises(AccountError):
        accounts.create_user("fay@example.org", "Fay again", PASSWORD)


def test_secret_key_is_made_once_and_kept(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    first = resolve_secret_key(settings)
    assert len(first) >= 32 and resolve_secret_key(settings) == first
    assert (tmp_path / "secret.key").stat().st_mode & 0o077 == 0
    assert resolve_secret_key(settings.with_overrides(secret_key=KEY)) == KEY


def test_users_commands(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HERALD_BASE_URL", "https://news.test")
    monkeypatch.setattr("sys.stdin", _Stdin(PASSWORD + "\n"))
    assert (
        main(["users", "create", "boss@example.org", "--name", "The Boss", "--admin", "--password-stdin"])
        == 0
    )
    assert main(["users", "invite", "mod@example.org", "--role", "moderator"]) == 0
    assert "https://news.test/account/welcome/" in capsys.readouterr().out
    assert main(["users", "reset-link", "boss@example.org"]) == 0
    assert "https://news.test/account/reset/" in capsys.readouterr().out
    assert main(["users", "reset-link", "nobody@example.org"]) == 1
    assert main(["users", "role", "boss@example.org", "reader"]) == 1  # the last admin stays
    assert main(["users", "list"]) == 0
    assert "boss@example.org" in capsys.readouterr().out
    monkeypatch.setattr("sys.stdin", _Stdin("short\n"))
    assert main(["users", "create", "weak@example.org", "--name", "Weak", "--password-stdin"]) == 1


class _Stdin:
    def __init__(self, text: str) -> None:
        self._lines = text.splitlines(keepends=True)

    def readline(self) -> str:
        return self._lines.pop(0) if self._lines else ""

    def isatty(self) -> bool:
        return False


def test_mail_requests_are_limited_per_address_and_per_client(
    accounts: Accounts, mailbox: list[tuple[str, str, str]]
) -> None:
    mailing = with_mail(accounts)
    mailing.create_user("gil@example.org", "Gil", PASSWORD)
    for _ in range(3):
        mailing.request_reset("gil@example.org", client="10.0.0.9")
    with pytest.raises(SignInThrottled):
        mailing.request_reset("gil@example.org", client="10.0.0.10")  # the same inbox, from anywhere
    for _ in range(3):
        mailing.request_reset("nobody@example.org", client="10.0.0.12")
    with pytest.raises(SignInThrottled):
        mailing.request_reset("nobody@example.org", client="10.0.0.12")  # unknown addresses count alike
    assert len(mailbox) == 3
    for n in range(10):
        mailing.request_reset(f"someone{n}@example.org", client="10.0.0.11")
    with pytest.raises(SignInThrottled):
        mailing.request_reset("one-more@example.org", client="10.0.0.11")  # one client, many addresses
