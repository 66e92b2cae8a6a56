"""The admins' pages: only admins get in, the accounts list with roles and bans to change (never the last
admin's), bans that sign out and are logged, invitation links that open, and forged forms refused."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from herald.web.csrf import FORGED
from herald.web.pages.admin import HAS_ACCOUNT, NOT_YOURS
from tests.web.signed_in import ADA, PASSWORD, token_in
from tests.web.test_comments import BOB, MOD, Site, build_site, send

BOSS = "boss@example.org"
PRIVATE = "private, no-store"
NOINDEX = '<meta name="robots" content="noindex">'


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    """Ada and Bob read, Maud moderates, Boss is the only admin."""
    for built in build_site(tmp_path):
        built.accounts.create_user(BOSS, "Boss", PASSWORD, role="admin")
        yield built


def user_id(site: Site, email: str) -> int:
    user = site.store.users.by_email(email)
    assert user is not None
    return user.id


def posts(site: Site) -> list[tuple[str, dict[str, str]]]:
    ada = user_id(site, ADA)
    return [
        (f"/admin/users/{ada}/role", {"role": "admin"}),
        (f"/admin/users/{ada}/ban", {"reason": "no"}),
        (f"/admin/users/{ada}/unban", {"reason": "no"}),
        ("/admin/invitations", {"email": "new@example.org", "role": "admin"}),
    ]


def test_only_admins_get_in(site: Site) -> None:
    anonymous = site.browser()
    for path in ("/admin", "/admin/users"):
        redirect = anonymous.get(path, follow_redirects=False)
        assert redirect.status_code == 303 and redirect.headers["location"] == f"/account/sign-in?next={path}"
    for path, fields in posts(site):
        answer = send(anonymous, path, **fields)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/account/sign-in")
    for email in (BOB, MOD):
        client = site.browser(email)
        for path in ("/admin", "/admin/users", "/admin/users?page=2"):
            answer = client.get(path)
            assert answer.status_code == 403 and NOT_YOURS in answer.text, (email, path)
            assert answer.headers["cache-control"] == PRIVATE
        for path, fields in posts(site):
            answer = send(client, path, **fields)
            assert answer.status_code == 403 and NOT_YOURS in answer.text, (email, path)
            assert "/account/welcome/" not in answer.text
        assert 'href="/admin"' not in client.get("/account").text
    ada = site.store.users.by_email(ADA)
    assert ada is not None and ada.role == "reader" and not ada.banned
    assert site.store.comments.log() == []


def test_an_admin_sees_the_index_and_every_account(site: Site) -> None:
    boss = site.browser(BOSS)
    assert 'href="/admin"' in boss.get("/account").text
    index = boss.get("/admin")
    assert index.status_code == 200 and index.headers["cache-control"] == PRIVATE and NOINDEX in index.text
    for link in ('href="/admin/users"', 'href="/moderation"', 'href="/sources"'):
        assert link in index.text
    page = boss.get("/admin/users")
    assert page.status_code == 200 and page.headers["cache-control"] == PRIVATE and NOINDEX in page.text
    for name, email in (("Ada", ADA), ("Bob", BOB), ("Maud", MOD), ("Boss", BOSS)):
        assert f"<td>{name}</td>" in page.text and f"<td>{email}</td>" in page.text
    maud = user_id(site, MOD)
    row = page.text[page.text.index(f'id="user-{maud}"') :]
    row = row[: row.index("</tr>")]
    assert '<option value="moderator" selected>' in row and "<td>Off</td>" in row
    assert f'action="/admin/users/{maud}/ban"' in row
    assert 'action="/admin/invitations"' in page.text


def test_accounts_come_fifty_to_a_page(site: Site) -> None:
    for n in range(50):
        site.store.users.create(f"u{n}@example.org", f"User {n}", "x")
    boss = site.browser(BOSS)
    first, second = boss.get("/admin/users").text, boss.get("/admin/users?page=2").text
    assert first.count("<tr id=") == 50 and "Page 1 of 2" in first and 'href="/admin/users?page=2"' in first
    assert second.count("<tr id=") == 4 and "u49@example.org" in second and "u49@example.org" not in first
    assert boss.get("/admin/users?page=nonsense").text.count("<tr id=") == 50
    assert "No accounts on this page." in boss.get("/admin/users?page=9").text


def test_changing_roles_keeps_an_admin(site: Site) -> None:
    boss = site.browser(BOSS)
    ada, me = user_id(site, ADA), user_id(site, BOSS)
    changed = send(boss, f"/admin/users/{ada}/role", role="moderator")
    assert changed.status_code == 303 and changed.headers["location"] == "/admin/users?done=role"
    assert site.store.users.get(ada).role == "moderator"  # type: ignore[union-attr]
    assert "The role is changed." in boss.get(changed.headers["location"]).text
    assert send(boss, f"/admin/users/{ada}/role", role="owner").status_code == 400
    assert send(boss, "/admin/users/99999/role", role="reader").status_code == 404
    last = send(boss, f"/admin/users/{me}/role", role="reader")
    assert last.status_code == 400 and "last admin" in last.text
    assert site.store.users.get(me).role == "admin"  # type: ignore[union-attr]
    assert send(boss, f"/admin/users/{ada}/role", role="admin").status_code == 303
    assert send(boss, f"/admin/users/{me}/role", role="reader").status_code == 303
    assert site.store.users.get(me).role == "reader"  # type: ignore[union-attr]


def test_a_ban_signs_out_and_is_logged(site: Site) -> None:
    ada_browser, boss = site.browser(ADA), site.browser(BOSS)
    session = ada_browser.cookies.get("herald_session")
    assert site.accounts.user_for_session(session) is not None
    ada = user_id(site, ADA)
    banned = send(boss, f"/admin/users/{ada}/ban", reason="Spam links")
    assert banned.status_code == 303 and banned.headers["location"] == "/admin/users?done=ban"
    assert site.accounts.user_for_session(session) is None
    assert site.store.users.get(ada).banned  # type: ignore[union-attr]
    row = boss.get("/admin/users").text
    assert f'action="/admin/users/{ada}/unban"' in row
    log = boss.get("/moderation/log").text
    assert "banned" in log and "Ada" in log and "Spam links" in log and "Boss" in log
    assert send(boss, f"/admin/users/{user_id(site, BOSS)}/ban").status_code == 400  # not oneself
    assert send(boss, f"/admin/users/{ada}/unban", reason="Appealed").status_code == 303
    assert not site.store.users.get(ada).banned  # type: ignore[union-attr]
    assert "Appealed" in boss.get("/moderation/log").text


def test_an_invitation_link_opens_the_welcome_page(site: Site) -> None:
    boss = site.browser(BOSS)
    page = send(boss, "/admin/invitations", email="New.Person@example.org", role="moderator")
    assert page.status_code == 200 and page.headers["cache-control"] == PRIVATE and NOINDEX in page.text
    assert "7 days" in page.text and "privately" in page.text
    found = re.search(r'value="https?://[^"/]+(/account/welcome/[^"]+)"', page.text)
    assert found, page.text
    welcome = site.browser().get(found.group(1))
    assert welcome.status_code == 200 and "new.person@example.org" in welcome.text
    bad = send(boss, "/admin/invitations", email="not an address", role="reader")
    assert bad.status_code == 400 and "/account/welcome/" not in bad.text
    taken = send(boss, "/admin/invitations", email=ADA, role="reader")
    assert taken.status_code == 400 and HAS_ACCOUNT in taken.text
    assert send(boss, "/admin/invitations", email="x@example.org", role="owner").status_code == 400


def test_forged_forms_are_refused(site: Site) -> None:
    boss = site.browser(BOSS)
    for path, fields in posts(site):
        for token in (None, "0" * 64):
            data = fields if token is None else fields | {"csrf_token": token}
            answer = boss.post(path, data=data, follow_redirects=False)
            assert answer.status_code == 403 and FORGED in answer.text, path
            assert "/account/welcome/" not in answer.text
        token = token_in(boss.get("/account/sign-in").text)
        crossed = boss.post(
            path, data=fields | {"csrf_token": token}, headers={"Origin": "https://evil.example"}
        )
        assert crossed.status_code == 403, path
    ada = site.store.users.by_email(ADA)
    assert ada is not None and ada.role == "reader" and not ada.banned
    assert site.store.comments.log() == []


def test_names_are_escaped(site: Site) -> None:
    site.store.users.create("evil@example.org", "<script>alert(1)</script>", "x")
    page = site.browser(BOSS).get("/admin/users").text
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
