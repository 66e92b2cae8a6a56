"""The invariants the rest of Herald relies on: enough outlets, events and overlap for clustering, dedup."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import pytest

from herald.samplepack import SECTIONS, Pack
from herald.samplepack._art import MOTIFS
from herald.samplepack._data import _article


def test_pack_is_big_enough_to_fill_a_front_page(pack: Pack) -> None:
    assert len(pack.outlets) >= 7
    assert len(pack.articles) >= 45
    assert len({a.event for a in pack.articles}) >= 12


def test_several_events_are_covered_by_three_or_more_outlets(pack: Pack) -> None:
    outlets_by_event: dict[str, set[str]] = defaultdict(set)
    for article in pack.articles:
        outlets_by_event[article.event].add(article.outlet)
    widely_covered = [event for event, outlets in outlets_by_event.items() if len(outlets) >= 3]
    assert len(widely_covered) >= 3
    assert any(len(outlets) == 1 for outlets in outlets_by_event.values()), "single-outlet stories exist too"


def test_every_section_and_every_feed_format_is_used(pack: Pack) -> None:
    assert {a.section for a in pack.articles} == set(SECTIONS)
    assert {o.feed_format for o in pack.outlets} == {"rss", "atom", "json"}
    assert len({o.lang_family for o in pack.outlets}) >= 2


def test_articles_are_real_length_and_spread_over_five_days(pack: Pack) -> None:
    for article in pack.articles:
        words = sum(len(p.split()) for p in article.paragraphs)
        assert 250 <= words <= 700, (article.key, words)
        assert len(article.paragraphs) >= 4, article.key
        assert 0 < article.hours_ago <= 5 * 24, article.key
    ages = sorted(a.hours_ago for a in pack.articles)
    assert ages[0] < 6 and ages[-1] > 96


def test_the_wire_story_is_reprinted_word_for_word_by_three_outlets(pack: Pack) -> None:
    copies = [a for a in pack.articles if a.syndicated_from]
    originals = {a.syndicated_from for a in copies}
    assert len(originals) == 1
    original = next(a for a in pack.articles if a.key in originals)
    assert len({c.outlet for c in copies} - {original.outlet}) >= 3
    for copy in copies:
        assert copy.paragraphs == original.paragraphs
        assert copy.title != original.title
    assert "(Meridian Wire)" in original.paragraphs[0]


def test_one_page_is_broken_and_its_feed_carries_the_full_text(pack: Pack) -> None:
    broken = [a for a in pack.articles if a.page_status != 200]
    assert len(broken) == 1
    assert pack.outlet(broken[0].outlet).full_content


def test_one_item_is_listed_in_two_feeds(pack: Pack) -> None:
    shared = [a for a in pack.articles if a.also_in]
    assert len(shared) == 1
    assert shared[0] in pack.feed_articles(shared[0].also_in[0])
    assert shared[0] in pack.feed_articles(shared[0].outlet)


def test_every_article_has_its_own_path_and_a_known_picture(pack: Pack) -> None:
    paths = [(a.outlet, pack.article_path(a)) for a in pack.articles]
    assert len(set(paths)) == len(paths)
    assert all(a.image_motif in MOTIFS and a.image_caption for a in pack.articles)


def test_data_files_stay_small() -> None:
    data = Path(__file__).resolve().parents[2] / "herald" / "samplepack" / "data"
    total = sum(path.stat().st_size for path in data.rglob("*") if path.is_file())
    assert total < 1_000_000


def test_a_misspelt_field_is_refused_rather_than_ignored() -> None:
    entry = {"outlet": "x", "slug": "y", "section": "World", "title": "t", "author": "a", "hours_ago": 1,
             "paragraph": ["typo"]}  # fmt: skip
    with pytest.raises(ValueError, match="unknown fields"):
        _article("some-event", entry)
