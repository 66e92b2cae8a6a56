"""article_id and content_fingerprint."""

from __future__ import annotations

import hashlib
import re

import pytest

from herald.dedup import article_id, canonical_url, content_fingerprint

HEX32 = re.compile(r"[0-9a-f]{32}")


def test_article_id_is_blake2b_128_of_the_canonical_url() -> None:
    url = "https://example.com/a"
    assert article_id(url) == hashlib.blake2b(url.encode(), digest_size=16).hexdigest()
    assert HEX32.fullmatch(article_id(url))


def test_article_id_is_stable() -> None:
    # a fixed value: changing the hash would orphan every stored article and every /article/<id> link
    assert article_id("https://example.com/a") == "969065efe4e160eb6d90f3b0ab5cc775"
    assert article_id("https://example.com/a") != article_id("https://example.com/b")


def test_links_to_the_same_article_share_an_id() -> None:
    links = [
        "https://Example.com/a?utm_source=rss",
        "https://example.com:443/a#top",
        "https://example.com/a?fbclid=xyz",
    ]
    assert len({article_id(canonical_url(link)) for link in links}) == 1


SAME_TEXT = [
    ("line breaks and spaces", "The storm hit\n\nthe coast.", "The  storm hit the\tcoast. "),
    ("letter case", "The Storm Hit", "the storm hit"),
    ("non-breaking space", "New\u00a0York", "New York"),
    ("full-width letters", "ＡＢＣ news", "ABC news"),
    ("german sharp s folds", "Straße", "STRASSE"),
    ("composed and decomposed accents", "café", "cafe\u0301"),
]

DIFFERENT_TEXT = [
    ("a word changed", "The storm hit the coast.", "The storm hit the city."),
    ("punctuation changed", "It is over.", "It is over?"),
    ("word boundary moved", "news paper", "newspaper"),
]


@pytest.mark.parametrize(("a", "b"), [r[1:] for r in SAME_TEXT], ids=[r[0] for r in SAME_TEXT])
def test_fingerprint_ignores_layout_and_case(a: str, b: str) -> None:
    assert content_fingerprint(a) == content_fingerprint(b)


@pytest.mark.parametrize(("a", "b"), [r[1:] for r in DIFFERENT_TEXT], ids=[r[0] for r in DIFFERENT_TEXT])
def test_fingerprint_tells_different_words_apart(a: str, b: str) -> None:
    assert content_fingerprint(a) != content_fingerprint(b)


def test_fingerprint_shape() -> None:
    assert HEX32.fullmatch(content_fingerprint("anything"))
    assert content_fingerprint("") == content_fingerprint("  \n ")
