"""Settings: defaults, TOML, HERALD_* variables, overrides, clear errors; every setting documented."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest

from herald.config import Settings, load_settings, setting_docs
from herald.errors import ConfigError
from tests.conftest import REPO_ROOT


def test_precedence_file_then_env_then_flags(tmp_path: Path) -> None:
    toml = tmp_path / "herald.toml"
    toml.write_text('[herald]\nport = 9001\nsite_name = "Desk"\nfetch_allowed_hosts = ["a:1"]\n')
    settings = load_settings(toml, environ={"HERALD_PORT": "9002"})
    assert (settings.port, settings.site_name, settings.fetch_allowed_hosts) == (9002, "Desk", ("a:1",))
    assert load_settings(toml, environ={"HERALD_PORT": "9002"}, port=9003).port == 9003


def test_env_values_are_typed() -> None:
    env = {
        "HERALD_SAMPLE_PACK": "yes",
        "HERALD_FETCH_TIMEOUT_SECONDS": "2.5",
        "HERALD_FETCH_ALLOWED_HOSTS": "x:1, y:2",
    }
    settings = load_settings(environ=env)
    assert settings.sample_pack is True and settings.fetch_timeout_seconds == 2.5
    assert settings.fetch_allowed_hosts == ("x:1", "y:2")


@pytest.mark.parametrize(
    ("env", "words"),
    [
        ({"HERALD_PORT": "eighty"}, "port"),
        ({"HERALD_SAMPLE_PACK": "maybe"}, "sample_pack"),
        ({"HERALD_FETCH_MAX_BYTES": "0"}, "positive"),
    ],
)
def test_bad_values_are_refused_in_words(env: dict[str, str], words: str) -> None:
    with pytest.raises(ConfigError, match=words):
        load_settings(environ=env)


def test_unknown_setting_in_file_is_refused(tmp_path: Path) -> None:
    toml = tmp_path / "herald.toml"
    toml.write_text("prot = 1\n")
    with pytest.raises(ConfigError, match="unknown setting 'prot'"):
        load_settings(toml, environ={})


def test_sqlite_is_the_default_database(tmp_path: Path) -> None:
    assert Settings(data_dir=tmp_path).resolved_database_url == f"sqlite:///{tmp_path.as_posix()}/herald.db"


def test_every_setting_is_documented_in_the_readme() -> None:
    readme = (REPO_ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f.name for f in fields(Settings) if f"`HERALD_{f.name.upper()}`" not in readme]
    assert not missing, f"settings missing from the README's configuration table: {missing}"
    assert len(setting_docs()) == len(fields(Settings))
