"""The site settings page: only admins get in; the name shows on every page at once; the listings keep the
chosen languages; a logo is uploaded, served with its version and removed; bad uploads, bad names and forged
forms are refused with a page that says why, and change nothing."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient
from httpx import Response
from PIL import Image
from sqlalchemy import update

from herald.pipeline.site import BAD_NAME, LOGO_TOO_LARGE, MAX_LOGO_BYTES, NOT_AN_IMAGE, UNKNOWN_LANGUAGE
from herald.store.schema import ArticleRow
from herald.web.csrf import FORGED
from herald.web.pages.admin_site import NOT_YOURS, SVG_POLICY
from tests.web.signed_in import PASSWORD, token_in
from tests.web.test_comments import BOB, MOD, Site, build_site, send

BOSS = "boss@example.org"


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    for built in build_site(tmp_path):
        built.accounts.create_user(BOSS, "Boss", PASSWORD, role="admin")
        yield built


def _png(size: tuple[int, int] = (300, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "navy").save(out, format="PNG")
    return out.getvalue()


def upload(client: TestClient, data: bytes, name: str = "logo.png", token: str | None = None) -> Response:
    token = token if token is not None else token_in(client.get("/admin/site").text)
    return client.post(
        "/admin/site/logo",
        data={"csrf_token": token},
        files={"logo": (name, data, "application/octet-stream")},
        follow_redirects=False,
    )


_FORM = {"content-type": "application/x-www-form-urlencoded"}


def _encoded(pairs: list[tuple[str, str]]) -> str:
    """A form with a name repeated, as a group of checkboxes sends it."""
    return urlencode(pairs)


def brand(html: str) -> tuple[str, str]:
    """The header's logo address and the site's name."""
    found = re.search(r'class="brand-logo" src="([^"]+)".*?class="brand-name">([^<]*)<', html, re.S)
    assert found, "no brand in the header"
    return found.group(1), found.group(2)


def test_only_admins_get_in(site: Site) -> None:
    anonymous = site.browser()
    answer = anonymous.get("/admin/site", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/account/sign-in?next=/admin/site"
    for email in (BOB, MOD):
        client = site.browser(email)
        answer = client.get("/admin/site")
        assert answer.status_code == 403 and NOT_YOURS in answer.text
        assert send(client, "/admin/site", name="Mine").status_code == 403
        assert upload(client, _png(), token=token_in(client.get("/account/sign-in").text)).status_code == 403
    assert site.store.site.settings() == {} and site.store.site.asset_digests() == {}
    assert '<a href="/admin/site">' in site.browser(BOSS).get("/admin").text


def test_a_new_name_shows_on_every_page_at_once(site: Site) -> None:
    boss = site.browser(BOSS)
    saved = send(boss, "/admin/site", name="  The Night Desk ")
    assert saved.status_code == 303 and saved.headers["location"] == "/admin/site?done=saved"
    reader = site.browser()
    for path in ("/latest", "/sources", f"/article/{site.room.articles[0]}"):
        page = reader.get(path).text
        assert brand(page)[1] == "The Night Desk", path
        assert "The Night Desk — self-hosted news, made with Herald" in page
    assert "Saved." in boss.get("/admin/site?done=saved").text


@pytest.mark.parametrize("name", ["", "x" * 61, "Two\nlines"])
def test_a_bad_name_is_refused_and_nothing_changes(site: Site, name: str) -> None:
    answer = send(site.browser(BOSS), "/admin/site", name=name, languages="en")
    assert answer.status_code == 400 and BAD_NAME in answer.text
    assert site.store.site.settings() == {}


def test_a_name_with_markup_is_shown_as_text(site: Site) -> None:
    send(site.browser(BOSS), "/admin/site", name="<script>alert(1)</script>")
    page = site.browser().get("/latest").text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_the_listings_keep_the_chosen_languages(site: Site) -> None:
    french, english, *unknown = site.room.articles[:4]
    with site.store.db.write() as session:
        session.execute(update(ArticleRow).where(ArticleRow.id == french).values(language="fr-FR"))
        session.execute(update(ArticleRow).where(ArticleRow.id == english).values(language="en"))
    reader = site.browser()
    assert f"/article/{french}" in reader.get("/latest").text
    boss = site.browser(BOSS)
    token = token_in(boss.get("/admin/site").text)
    form = [("csrf_token", token), ("name", "Herald"), ("languages", "en"), ("languages", "de")]
    saved = boss.post("/admin/site", content=_encoded(form), headers=_FORM, follow_redirects=False)
    assert saved.status_code == 303
    assert site.store.site.settings() == {"languages": ["de", "en"]}
    listing = reader.get("/latest").text
    assert f"/article/{french}" not in listing
    assert f"/article/{english}" in listing and all(f"/article/{a}" in listing for a in unknown)
    assert reader.get(f"/article/{french}").status_code == 200  # still readable at its address
    page = boss.get("/admin/site").text
    assert re.search(r'value="en" checked', page) and not re.search(r'value="fr" checked', page)
    refused = boss.post(
        "/admin/site",
        content=_encoded([("csrf_token", token), ("name", "Herald"), ("languages", "zz")]),
        headers=_FORM,
    )
    assert refused.status_code == 400 and UNKNOWN_LANGUAGE in refused.text
    assert site.store.site.settings() == {"languages": ["de", "en"]}


def test_a_logo_is_uploaded_served_with_its_version_and_removed(site: Site) -> None:
    boss = site.browser(BOSS)
    answer = upload(boss, _png())
    assert answer.status_code == 303 and answer.headers["location"] == "/admin/site?done=logo"
    reader = site.browser()
    logo_path, _ = brand(reader.get("/latest").text)
    assert logo_path.startswith("/site/logo?v=")
    served = reader.get(logo_path)
    assert served.status_code == 200 and served.headers["content-type"] == "image/png"
    assert served.headers["cache-control"] == "public, max-age=31536000, immutable"
    with Image.open(io.BytesIO(served.content)) as image:
        assert image.size == (300, 300)
    again = reader.get(logo_path, headers={"if-none-match": served.headers["etag"]})
    assert again.status_code == 304 and not again.content
    icon = reader.get("/favicon.ico", follow_redirects=False)
    assert icon.status_code == 302 and icon.headers["location"] == logo_path
    assert send(boss, "/admin/site/logo/remove").headers["location"] == "/admin/site?done=logo-removed"
    assert brand(reader.get("/latest").text)[0].startswith("/static/logo.svg")
    gone = reader.get(logo_path, follow_redirects=False)
    assert gone.status_code == 302 and gone.headers["location"].startswith("/static/logo.svg")


def test_an_svg_logo_is_served_under_a_policy_that_runs_nothing(site: Site) -> None:
    svg = (
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="9" height="9"/></svg>'
    )
    assert upload(site.browser(BOSS), svg, "logo.svg").status_code == 303
    reader = site.browser()
    served = reader.get(brand(reader.get("/latest").text)[0])
    assert served.headers["content-type"].startswith("image/svg+xml")
    assert served.headers["content-security-policy"] == SVG_POLICY


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        (b"%PDF-1.7 not an image", 400, NOT_AN_IMAGE),
        (b"<html><script>alert(1)</script></html>", 400, NOT_AN_IMAGE),
        (b"\x89PNG" + b"\0" * (MAX_LOGO_BYTES + 20_000), 413, LOGO_TOO_LARGE),
    ],
)
def test_a_bad_upload_says_why_and_changes_nothing(
    site: Site, data: bytes, status: int, message: str
) -> None:
    boss = site.browser(BOSS)
    upload(boss, _png())
    before = site.store.site.asset_digests()
    answer = upload(boss, data)
    assert answer.status_code == status and message in answer.text
    assert site.store.site.asset_digests() == before


def test_forged_forms_change_nothing(site: Site) -> None:
    boss = site.browser(BOSS)
    forged = boss.post("/admin/site", data={"csrf_token": "0" * 64, "name": "Forged"})
    assert forged.status_code == 403 and FORGED in forged.text
    assert upload(boss, _png(), token="0" * 64).status_code == 403
    other_site = boss.post(
        "/admin/site",
        data={"csrf_token": token_in(boss.get("/admin/site").text), "name": "Forged"},
        headers={"origin": "https://elsewhere.example"},
    )
    assert other_site.status_code == 403
    assert site.store.site.settings() == {} and site.store.site.asset_digests() == {}
