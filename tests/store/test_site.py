"""The site's own settings and files as the store keeps them, and the listings kept to the site's languages,
on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from herald.models import EntityRef, SourceSpec
from herald.store import Store
from tests.store.builders import save_article
from tests.store.test_stories import _place

T0 = datetime(2026, 11, 20, 12, tzinfo=UTC)


def test_settings_are_saved_replaced_and_forgotten(store: Store) -> None:
    assert store.site.settings() == {}
    store.site.put("name", "The Desk", by_user_id=None)
    store.site.put("languages", ["en", "fr"], by_user_id=None)
    store.site.put("name", "The Night Desk", by_user_id=None)
    assert store.site.settings() == {"name": "The Night Desk", "languages": ["en", "fr"]}
    store.site.forget("name")
    store.site.forget("never saved")
    assert store.site.settings() == {"languages": ["en", "fr"]}


def test_an_asset_is_kept_whole_with_its_digest_and_replaced(store: Store) -> None:
    assert store.site.asset("logo") is None and store.site.asset_digests() == {}
    data = bytes(range(256)) * 10  # every byte value: nothing is decoded as text on the way
    digest = store.site.put_asset("logo", "image/png", data)
    kept = store.site.asset("logo")
    assert kept is not None and (kept.media_type, kept.data, kept.digest) == ("image/png", data, digest)
    second = store.site.put_asset("logo", "image/svg+xml", b"<svg/>")
    assert second != digest and store.site.asset_digests() == {"logo": second}
    assert store.site.delete_asset("logo") and not store.site.delete_asset("logo")
    assert store.site.asset("logo") is None


def _publisher(store: Store, n: int = 0) -> int:
    source, _ = store.sources.add(SourceSpec(feed_url=f"http://p{n}.example/feed", publisher=f"Paper {n}"))
    return source.publisher_id


def test_listings_keep_the_chosen_languages_in_any_regional_form_and_unknown_ones(store: Store) -> None:
    p = _publisher(store)
    languages = {1: "en", 2: "en-GB", 3: "fr", 4: None, 5: "de", 6: "EN-us", 7: "eng"}
    ids = {
        n: save_article(store, n, publisher_id=p, published=T0 + timedelta(hours=n), language=language)
        for n, language in languages.items()
    }
    every = {a.id for a in store.articles.latest(20)}
    assert every == set(ids.values())
    english = {a.id for a in store.articles.latest(20, languages=("en",))}
    assert english == {ids[1], ids[2], ids[4], ids[6]}  # "eng" is another code, not a regional English
    assert {a.id for a in store.articles.latest(20, languages=("en", "fr"))} == english | {ids[3]}
    assert {a.id for a in store.articles.latest(20, publisher_id=p, languages=("de",))} == {ids[4], ids[5]}
    assert store.articles.language_counts() == [("en", 3), ("de", 1), ("eng", 1), ("fr", 1)]


def test_stories_and_names_keep_the_chosen_languages(store: Store) -> None:
    p = _publisher(store)
    english = save_article(store, 1, publisher_id=p, published=T0, language="en")
    french = save_article(store, 2, publisher_id=p, published=T0, language="fr")
    english_story = _place(store, english, p, 1)
    french_story = _place(store, french, p, 2)
    now = T0 + timedelta(hours=1)
    assert {s.id for s in store.stories.top(10, now=now)} == {english_story, french_story}
    assert [s.id for s in store.stories.top(10, now=now, languages=("fr",))] == [french_story]
    port = EntityRef("place:port-alder", "Port Alder", "place")
    with store.db.write() as session:
        store.entities.record_in(session, english, [(port, 2)])
        store.entities.record_in(session, french, [(port, 1)])
    assert {a.id for a in store.entities.articles(port.key, languages=("en",))} == {english}
    assert [s.id for s in store.stories.for_entity(port.key, languages=("fr",))] == [french_story]
    assert len(store.stories.for_entity(port.key)) == 2
