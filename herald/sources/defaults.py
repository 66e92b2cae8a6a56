"""The built-in list of public world-news feeds, kept as data in default_sources.toml beside this module."""

from __future__ import annotations

import tomllib
from importlib.resources import files
from typing import Any

from herald.errors import ConfigError
from herald.models import SourceSpec

_DATA_FILE = "default_sources.toml"
_FIELDS = ("feed_url", "title", "publisher", "home_url", "country", "language", "section")


def _spec(entry: dict[str, Any], section: str | None) -> SourceSpec:
    unknown = set(entry) - set(_FIELDS)
    if unknown or "feed_url" not in entry:
        raise ConfigError(f"{_DATA_FILE}: a [[source]] has unknown keys {sorted(unknown)} or no feed_url")
    return SourceSpec(**{"section": section, **entry})


def default_sources() -> list[SourceSpec]:
    """A fresh list on each call, read from the package data (a few milliseconds; called at start-up)."""
    text = files("herald.sources").joinpath(_DATA_FILE).read_text(encoding="utf-8")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # a packaging mistake, not an operator's
        raise ConfigError(f"{_DATA_FILE} is not valid TOML: {exc}") from exc
    section = data.get("section")
    return [_spec(entry, section) for entry in data.get("source", [])]
