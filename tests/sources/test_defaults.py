"""The built-in world-news list: its shape (the feeds themselves cannot be checked offline)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from herald.models import SourceSpec
from herald.sources import default_sources, parse_opml, render_opml

REGIONS = {
    "europe": {"GB", "DE", "FR", "IE", "ES", "IT", "NL"},
    "americas": {"US", "CA", "AR", "BR", "MX", "UY", "CL"},
    "asia": {"IN", "HK", "JP", "SG", "PK", "KR", "CN"},
    "middle east": {"QA", "IL", "AE", "TR"},
    "africa": {"ZA", "NG", "CG", "KE", "EG"},
    "oceania": {"AU", "NZ"},
}


def test_enough_distinct_publishers() -> None:
    sources = default_sources()
    assert len(sources) >= 15
    publishers = [s.publisher for s in sources]
    assert all(publishers)
    assert len(set(publishers)) == len(publishers)
    feed_urls = [s.feed_url for s in sources]
    assert len(set(feed_urls)) == len(feed_urls)


def test_every_entry_is_complete() -> None:
    for spec in default_sources():
        assert isinstance(spec, SourceSpec)
        for url in (spec.feed_url, spec.home_url):
            assert url is not None
            parts = urlsplit(url)
            assert parts.scheme == "https" and parts.netloc, url
        assert spec.title
        assert spec.section == "World"
        assert spec.country is not None and re.fullmatch(r"[A-Z]{2}", spec.country), spec
        assert spec.language is not None and re.fullmatch(r"[a-z]{2}(-[A-Z]{2})?", spec.language), spec


def test_spread_over_regions() -> None:
    countries = {spec.country for spec in default_sources()}
    covered = {region for region, codes in REGIONS.items() if countries & codes}
    assert len(covered) >= 5, covered
    assert len(countries) >= 12


def test_defaults_survive_an_opml_round_trip() -> None:
    sources = default_sources()
    assert parse_opml(render_opml(sources, title="Defaults").encode()) == sources


def test_each_call_returns_a_fresh_list() -> None:
    first = default_sources()
    first.clear()
    assert default_sources()
