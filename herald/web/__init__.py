"""Herald's reading site: server-rendered pages over the store, our own CSS, no third-party assets."""

from __future__ import annotations

from herald.web.app import create_app
from herald.web.timefmt import exact_time, iso_time, relative_time

__all__ = ["create_app", "exact_time", "iso_time", "relative_time"]
