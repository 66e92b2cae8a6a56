"""The sample pack as subscriptions, in the same shape an operator's source list takes."""

from __future__ import annotations

from herald.models import SourceSpec
from herald.samplepack._data import load_pack


def sample_sources(base_url: str) -> list[SourceSpec]:
    """One subscription per outlet, its feed on the sample server at ``base_url``."""
    base = base_url.rstrip("/")
    return [
        SourceSpec(
            feed_url=f"{base}{outlet.feed_path}",
            title=outlet.feed_title,
            publisher=outlet.name,
            home_url=outlet.home_url,
            country=outlet.country,
            language=outlet.language,
            section=None,
        )
        for outlet in load_pack().outlets
    ]
