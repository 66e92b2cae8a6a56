"""The interface in the reader's language: complete catalogs, the choice of language, French pages, and
listings narrowed to one language of their articles."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.pofile import read_po
from fastapi.testclient import TestClient

from herald.config import Settings
from herald.pipeline.accounts import WRONG_SIGN_IN, Accounts
from herald.store import Store
from herald.web import create_app
from herald.web.language import LANGUAGE_COOKIE, Catalogs, chosen_language
from herald.web.render import counted_in
from herald.web.timefmt import calendar_date, relative_time
from tests.web.conftest import Newsroom
from tests.web.signed_in import ADA, KEY, PASSWORD, token_in

ROOT = Path(__file__).resolve().parents[2]
LOCALE = ROOT / "herald" / "web" / "locale"
PLACEHOLDER = re.compile(r"%\((\w+)\)s")
FRENCH_FRONT = "Les articles appartiennent à leurs éditeurs"


def po_files() -> list[Path]:
    return sorted(LOCALE.glob("*/LC_MESSAGES/messages.po"))


def extracted_ids() -> set[str]:
    """What `make messages` extracts from the code now, singular ids (plural pairs by their singular)."""
    with (ROOT / "babel.cfg").open() as cfg:
        method_map, options_map = parse_mapping_cfg(cfg)
    keywords = dict(DEFAULT_KEYWORDS) | {"N_": None}
    found = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "herald"), method_map, options_map, keywords=keywords
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_there_is_a_french_catalog() -> None:
    assert [p.parent.parent.name for p in po_files()] == ["fr"]


@pytest.mark.parametrize("po", po_files(), ids=lambda p: p.parent.parent.name)
def test_every_catalog_is_complete(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    for message in catalog:
        if not message.id:
            continue
        assert not message.fuzzy, message.id
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(strings), f"untranslated: {message.id!r}"
        # The same placeholders, or a page would fail to render (or lose a value) in that language.
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        wanted = set(PLACEHOLDER.findall(ids[-1]))
        for text in strings:
            assert set(PLACEHOLDER.findall(text)) == wanted, message.id
            assert "%" not in PLACEHOLDER.sub("", text).replace("%%", ""), message.id


@pytest.mark.parametrize("po", po_files(), ids=lambda p: p.parent.parent.name)
def test_every_marked_sentence_is_in_the_catalog(po: Path) -> None:
    with po.open("rb") as handle:
        catalog = read_po(handle)
    known = {m.id[0] if isinstance(m.id, tuple) else m.id for m in catalog if m.id}
    missing = sorted(extracted_ids() - known)
    assert not missing, f"run `make messages` and translate: {missing[:10]}"


def test_french_times_come_from_cldr() -> None:
    french = Catalogs.load().get("fr")
    now = datetime(2026, 11, 29, 14, 5, tzinfo=UTC)
    assert relative_time(now - timedelta(days=3, hours=2), now, "fr", french.gettext) == "il y a 3 jours"
    assert relative_time(now + timedelta(minutes=12), now, "fr", french.gettext) == "dans 12 minutes"
    assert relative_time(now - timedelta(seconds=5), now, "fr", french.gettext) == "à l’instant"
    assert relative_time(now - timedelta(days=270), now, "fr", french.gettext) == "le 4 mars 2026"
    assert calendar_date(datetime(2026, 11, 30, tzinfo=UTC), "fr") == "30 novembre 2026"
    # English stays as it was
    assert relative_time(now - timedelta(days=3), now) == "3 days ago"


def test_plurals_follow_the_language() -> None:
    catalogs = Catalogs.load()
    assert counted_in(catalogs.get("en"), "en", 1, "article") == "1 article"
    assert counted_in(catalogs.get("en"), "en", 3, "article") == "3 articles"
    assert counted_in(catalogs.get("en"), "en", 1234, "publisher") == "1,234 publishers"
    assert counted_in(catalogs.get("fr"), "fr", 1, "comment") == "1 commentaire"
    assert counted_in(catalogs.get("fr"), "fr", 3, "comment") == "3 commentaires"
    assert counted_in(catalogs.get("fr"), "fr", 2, "new article") == "2 nouveaux articles"


@pytest.mark.parametrize(
    ("cookie", "header", "expected"),
    [
        (None, "", "en"),
        (None, "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        (None, "de-DE,de;q=0.9", "en"),
        (None, "de;q=0.9,fr;q=0.5", "fr"),
        (None, "fr;q=0", "en"),
        ("en", "fr", "en"),
        ("fr", "en", "fr"),
        ("xx", "fr", "fr"),
        (None, "<script>,,;q=abc", "en"),
    ],
)
def test_choosing_the_language(cookie: str | None, header: str, expected: str) -> None:
    assert chosen_language(cookie, header, ("en", "fr")) == expected


def test_the_language_link_sets_a_cookie_and_goes_back(newsroom: Newsroom) -> None:
    app = create_app(Settings(site_name="Herald", base_url="https://herald.test"), newsroom.store)
    with TestClient(app, base_url="https://testserver") as client:
        answer = client.get(
            "/language?lang=fr", headers={"referer": "https://testserver/latest"}, follow_redirects=False
        )
        assert answer.status_code == 303
        assert answer.headers["location"] == "/latest"
        assert answer.headers["cache-control"] == "no-store"
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"{LANGUAGE_COOKIE}=fr;")
        assert "Max-Age=31536000" in cookie and "SameSite=lax" in cookie and "Secure" in cookie
        page = client.get("/latest").text
        assert '<html lang="fr">' in page
        assert ">Accueil</a>" in page and ">Dernières nouvelles</a>" in page and FRENCH_FRONT in page
        # another site's page is not "back"; a language we do not have sets nothing
        away = client.get(
            "/language?lang=en", headers={"referer": "https://evil.example/x"}, follow_redirects=False
        )
        assert away.headers["location"] == "/"
        assert client.get("/language?lang=xx", follow_redirects=False).headers.get("set-cookie") is None
        assert '<html lang="en">' in client.get("/").text


def test_browser_language_picks_french_or_english(client: TestClient) -> None:
    french = client.get("/", headers={"accept-language": "fr-FR,fr;q=0.9"})
    assert '<html lang="fr">' in french.text and FRENCH_FRONT in french.text
    assert "À la une" in french.text or "Dernières nouvelles" in french.text
    german = client.get("/", headers={"accept-language": "de"})
    assert '<html lang="en">' in german.text and "Articles belong to their publishers" in german.text


def test_shared_pages_vary_with_the_language(client: TestClient) -> None:
    for path in ("/", "/latest", "/topics", "/sources"):
        answer = client.get(path)
        assert answer.headers["cache-control"].startswith("public")
        assert answer.headers["vary"] == "Cookie, Accept-Language", path


def test_the_front_page_is_kept_per_language(client: TestClient) -> None:
    for _ in range(2):
        for header, tag in (("fr", "fr"), ("en", "en"), ("fr", "fr"), ("de", "en")):
            page = client.get("/", headers={"accept-language": header}).text
            assert f'<html lang="{tag}">' in page
            assert (FRENCH_FRONT in page) == (tag == "fr")


def test_article_text_keeps_its_language_in_a_french_interface(
    client: TestClient, newsroom: Newsroom
) -> None:
    english = next(i for i in newsroom.articles if "Le port" not in client.get(f"/article/{i}").text)
    page = client.get(f"/article/{english}", headers={"accept-language": "fr"}).text
    assert '<html lang="fr">' in page
    assert '<div class="story-body" lang="en">' in page
    assert "Lire l’original chez" in page


def test_an_error_page_in_french(client: TestClient) -> None:
    answer = client.get("/story/999999", headers={"accept-language": "fr"})
    assert answer.status_code == 404
    assert "Page introuvable" in answer.text and "Aller à la une" in answer.text


@pytest.fixture
def accounts_site(tmp_path: Path) -> Iterator[TestClient]:
    store = Store(f"sqlite:///{tmp_path}/t.db")
    settings = Settings(data_dir=tmp_path, secret_key=KEY)
    accounts = Accounts(settings, store, KEY)
    accounts.create_user(ADA, "Ada", PASSWORD)
    with TestClient(create_app(settings, store, accounts=accounts)) as client:
        yield client
    store.close()


def test_a_refusal_from_the_pipeline_in_french(accounts_site: TestClient) -> None:
    client = accounts_site
    client.cookies.set(LANGUAGE_COOKIE, "fr")
    token = token_in(client.get("/account/sign-in").text)
    answer = client.post(
        "/account/sign-in", data={"email": ADA, "password": "not the password", "csrf_token": token}
    )
    assert answer.status_code == 400
    assert WRONG_SIGN_IN not in answer.text
    assert "L’adresse e-mail ou le mot de passe n’est pas correct." in answer.text
    assert "<title>Se connecter ·" in answer.text


def test_a_listing_narrowed_to_one_language(client: TestClient) -> None:
    everything = client.get("/latest").text
    assert 'href="/latest?language=fr"' in everything and 'href="/latest?language=en"' in everything
    assert "Le port" in everything or "Le Quotidien du Port" in everything
    french = client.get("/latest?language=fr").text
    assert "Le Quotidien du Port" in french
    assert "The Harbour Courier" not in french and "Valley Ledger" not in french
    assert 'aria-current="page" hreflang="fr"' in french
    english = client.get("/latest?language=en").text
    assert "Le Quotidien du Port" not in english.split('<main id="main"')[1]


@pytest.mark.parametrize("bogus", ["<script>alert(1)</script>", "xx", "FRENCH", ""])
def test_a_bogus_language_is_ignored(client: TestClient, bogus: str) -> None:
    answer = client.get("/latest", params={"language": bogus})
    assert answer.status_code == 200
    assert "<script>alert" not in answer.text
    assert "Le Quotidien du Port" in answer.text and "The Harbour Courier" in answer.text


def test_paging_keeps_the_language(client: TestClient) -> None:
    """An older page (here, before a moment after every article) links back to the newest in the same
    language."""
    page = client.get("/latest", params={"language": "en", "before": "2999-01-01T00:00:00Z"}).text
    assert '<a href="?language=en">' in page
    unfiltered = client.get("/latest", params={"before": "2999-01-01T00:00:00Z"}).text
    assert '<a href="?">' in unfiltered
