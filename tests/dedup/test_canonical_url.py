# ruff: noqa: E501  (one case per line reads best as a table)
"""canonical_url: table-driven, one rule per row."""

from __future__ import annotations

import pytest

from herald.dedup import canonical_url

NORMALISATION = [
    ("lower-case scheme and host", "HTTPS://WWW.Example.COM/News/Story", "https://www.example.com/News/Story"),
    ("default https port dropped", "https://example.com:443/a", "https://example.com/a"),
    ("default http port dropped", "http://example.com:80/a", "http://example.com/a"),
    ("other port kept", "http://127.0.0.1:8731/a", "http://127.0.0.1:8731/a"),
    ("https on port 80 keeps it", "https://example.com:80/a", "https://example.com:80/a"),
    ("fragment dropped", "https://example.com/a#comments", "https://example.com/a"),
    ("empty path becomes slash", "https://example.com", "https://example.com/"),
    ("empty path with query", "https://example.com?id=3", "https://example.com/?id=3"),
    ("trailing slash kept", "https://example.com/a/", "https://example.com/a/"),
    ("no trailing slash kept", "https://example.com/a", "https://example.com/a"),
    ("utm parameters removed", "https://example.com/a?utm_source=rss&utm_medium=feed&UTM_Campaign=x", "https://example.com/a"),
    ("click ids removed", "https://example.com/a?fbclid=1&gclid=2&msclkid=3&yclid=4&igshid=5", "https://example.com/a"),
    ("mailchimp and misc removed", "https://example.com/a?mc_cid=1&mc_eid=2&ocid=3&cmpid=4&ref=5&src=6&_ga=7", "https://example.com/a"),
    ("guardian CMP removed", "https://www.theguardian.com/world/2024/x?CMP=share_btn_tw", "https://www.theguardian.com/world/2024/x"),
    ("tracking mixed with real params", "https://example.com/article.php?utm_source=x&id=42&page=2", "https://example.com/article.php?id=42&page=2"),
    ("remaining params sorted", "https://example.com/s?b=2&a=1&c=3", "https://example.com/s?a=1&b=2&c=3"),
    ("repeated keys keep their order", "https://example.com/s?t=z&a=1&t=y", "https://example.com/s?a=1&t=z&t=y"),
    ("blank values kept", "https://example.com/s?q=&a=1", "https://example.com/s?a=1&q="),
    ("id-like params are not trackers", "https://example.com/s?uid=7&source=ap&cid=9&session=2", "https://example.com/s?cid=9&session=2&source=ap&uid=7"),
    ("lone question mark dropped", "https://example.com/a?", "https://example.com/a"),
    ("plus and %20 agree", "https://example.com/s?q=a+b", "https://example.com/s?q=a%20b"),
    ("percent escapes upper-cased", "https://example.com/caf%c3%a9", "https://example.com/caf%C3%A9"),
    ("unicode path escaped", "https://example.com/café", "https://example.com/caf%C3%A9"),
    ("unicode host to punycode", "https://bücher.example/a", "https://xn--bcher-kva.example/a"),
    ("trailing dot of host dropped", "https://example.com./a", "https://example.com/a"),
    ("whitespace around trimmed", "  https://example.com/a \n", "https://example.com/a"),
    ("path case kept", "https://example.com/World/Europe", "https://example.com/World/Europe"),
    ("ipv6 literal", "http://[::1]:8080/a", "http://[::1]:8080/a"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "expected"), [r[1:] for r in NORMALISATION], ids=[r[0] for r in NORMALISATION]
)
def test_normalisation(url: str, expected: str) -> None:
    assert canonical_url(url) == expected


PAGE_CANONICAL = [
    ("page canonical wins", "https://m.example.com/a?utm_source=x", "https://www.example.com/a", "https://www.example.com/a"),
    ("relative canonical resolved", "https://example.com/news/a?page=1", "/news/a", "https://example.com/news/a"),
    ("canonical is normalised too", "https://example.com/a", "HTTPS://Example.com/b?utm_campaign=x#top", "https://example.com/b"),
    ("canonical to home page ignored", "https://example.com/news/2024/story", "https://example.com/", "https://example.com/news/2024/story"),
    ("canonical to bare host ignored", "https://example.com/news/story", "https://example.com", "https://example.com/news/story"),
    ("home canonical fine for the home page", "https://example.com/?utm_source=x", "https://example.com/", "https://example.com/"),
    ("other scheme ignored", "https://example.com/a", "ftp://example.com/a", "https://example.com/a"),
    ("javascript ignored", "https://example.com/a", "javascript:alert(1)", "https://example.com/a"),
    ("garbage host ignored", "https://example.com/a", "https://exa mple.com/b", "https://example.com/a"),
    ("underscore host ignored", "https://example.com/a", "https://bad_host!/b", "https://example.com/a"),
    ("empty canonical ignored", "https://example.com/a", "   ", "https://example.com/a"),
    ("syndicated copy points to the original", "https://partner.example/wire/123", "https://origin.example/story/123", "https://origin.example/story/123"),
    ("protocol-relative canonical", "https://example.com/a", "//www.example.com/a", "https://www.example.com/a"),
    ("bad port ignored", "https://example.com/a", "https://example.com:99999/b", "https://example.com/a"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("url", "page_canonical", "expected"), [r[1:] for r in PAGE_CANONICAL], ids=[r[0] for r in PAGE_CANONICAL]
)
def test_page_canonical(url: str, page_canonical: str, expected: str) -> None:
    assert canonical_url(url, page_canonical=page_canonical) == expected


def test_idempotent_and_deterministic() -> None:
    for _, url, _expected in NORMALISATION:
        once = canonical_url(url)
        assert canonical_url(once) == once
        assert canonical_url(url) == once
