"""What every command shares: the consoles and the settings built from the command line."""

from __future__ import annotations

import argparse

from rich.console import Console

from herald.config import Settings, load_settings

console = Console(stderr=True)
out = Console()


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {}
    for name in ("host", "port", "database_url", "data_dir"):
        value = getattr(args, name, None)
        if value is not None:
            overrides[name] = value
    if getattr(args, "sample_pack", False):
        overrides["sample_pack"] = True
    return load_settings(args.config, **overrides)
