"""One table of settings, built once at start-up and passed down.

Each setting is a dataclass field with its help text; ``HERALD_<NAME>`` in the environment overrides the TOML
file (``HERALD_CONFIG`` or ``--config``), which overrides the default. The README's configuration table is
checked against this list by a test, so a setting cannot go undocumented.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from herald.errors import ConfigError


def _setting(default: Any, help: str) -> Any:
    return field(default=default, metadata={"help": help})


@dataclass(frozen=True)
class Settings:
    site_name: str = _setting(
        "Herald",
        "Name shown in the site header, page titles and feeds, until an admin sets one on /admin/site.",
    )
    data_dir: Path = _setting(Path("data"), "Folder for the SQLite database and other local state.")
    database_url: str = _setting(
        "", "SQLAlchemy URL; empty means SQLite at <data_dir>/herald.db. PostgreSQL: postgresql+psycopg://..."
    )
    host: str = _setting("127.0.0.1", "Address the web server listens on.")
    port: int = _setting(8000, "Port the web server listens on.")
    base_url: str = _setting(
        "", "Public address of the site (for canonical links); empty means http://host:port."
    )
    user_agent: str = _setting(
        "Herald/0.1 (self-hosted news aggregator; +https://github.com/herald-news/herald)",
        "User-Agent sent with every request; say who runs the instance and how to reach them.",
    )
    fetch_timeout_seconds: float = _setting(20.0, "Connect and read timeout for one request.")
    fetch_max_bytes: int = _setting(5_000_000, "Largest response body accepted; bigger ones are refused.")
    fetch_max_redirects: int = _setting(5, "Redirects followed before a request fails.")
    fetch_concurrency: int = _setting(16, "Requests in flight at once across all hosts.")
    fetch_per_host_concurrency: int = _setting(2, "Requests in flight at once to one host.")
    fetch_per_host_delay_seconds: float = _setting(1.0, "Pause between two requests to the same host.")
    fetch_respect_robots: bool = _setting(True, "Obey robots.txt for article pages.")
    fetch_allow_private_networks: bool = _setting(
        False, "Allow feeds and pages on loopback and private addresses (off: guards against SSRF)."
    )
    fetch_allowed_hosts: tuple[str, ...] = _setting(
        (), "host:port pairs reachable even when private networks are not allowed (the sample pack)."
    )
    refresh_interval_minutes: int = _setting(30, "Default time between two checks of a feed.")
    refresh_min_interval_minutes: int = _setting(10, "Never check a feed more often than this.")
    refresh_max_interval_minutes: int = _setting(1440, "Never wait longer than this between checks.")
    refresh_items_per_feed: int = _setting(50, "Newest items taken from one feed per refresh.")
    extract_workers: int = _setting(
        2,
        "Worker processes for extraction and embedding (each loads the model once); 0 runs them in a thread.",
    )
    sample_pack: bool = _setting(
        False, "Serve the built-in sample pack over local HTTP and follow its feeds (used by make run)."
    )
    sample_port: int = _setting(8731, "Port of the in-process sample pack server (0 picks a free one).")
    default_sources: bool = _setting(False, "Subscribe to the built-in list of public world-news feeds.")
    scheduler: bool = _setting(True, "Refresh due feeds in the background while serving.")
    log_level: str = _setting("INFO", "Logging level: DEBUG, INFO, WARNING or ERROR.")
    understanding: bool = _setting(
        True, "Embed new articles, find copies, group them into stories and rank related articles."
    )
    embedding_precision: str = _setting(
        "auto",
        "auto, bf16 or fp32; auto takes bf16 where the CPU has bf16 instructions (same ranking, faster).",
    )
    embedding_max_tokens: int = _setting(
        128, "Word pieces of headline, lead and body the embedding reads (the model handles up to 256)."
    )
    embedding_batch_size: int = _setting(16, "Articles embedded together by one worker.")
    related_articles: int = _setting(8, "Related articles kept for each article.")
    llm_base_url: str = _setting(
        "",
        "OpenAI-compatible endpoint for the AI tools, e.g. http://127.0.0.1:11434/v1 (Ollama); empty: "
        "the tools stay extractive and offline.",
    )
    llm_model: str = _setting(
        "", "Model name the endpoint serves, e.g. llama3.1:8b; required with llm_base_url."
    )
    llm_api_key: str = _setting("", "Bearer key for the endpoint, if it wants one (never shown or logged).")
    llm_timeout_seconds: float = _setting(
        30.0, "Longest wait for one answer from the language model before falling back to extractive results."
    )
    llm_max_tokens: int = _setting(700, "Longest reply asked of the language model, in tokens.")
    secret_key: str = _setting(
        "",
        "Signs reset links, invitations and form tokens; empty: made once into <data_dir>/secret.key. Give "
        "every process of a site the same value.",
    )
    signup: str = _setting(
        "auto",
        "auto, email or closed. email: readers sign up through a link mailed to them (needs SMTP); closed: "
        "accounts come from `herald users create` and invitations; auto: email when smtp_host is set.",
    )
    session_days: int = _setting(30, "Days a signed-in browser stays signed in.")
    smtp_host: str = _setting("", "SMTP server for sign-up and password-reset mail; empty: no mail is sent.")
    smtp_port: int = _setting(587, "SMTP port.")
    smtp_username: str = _setting("", "SMTP user name, if the server wants one.")
    smtp_password: str = _setting("", "SMTP password (never shown or logged).")
    smtp_from: str = _setting("", "From address of the site's mail, e.g. Herald <news@example.org>.")
    smtp_starttls: bool = _setting(True, "Upgrade the SMTP connection with STARTTLS.")
    comment_hold_first: int = _setting(
        1, "The first N comments of an account wait for a moderator before they show (0: none wait)."
    )
    comment_max_links: int = _setting(2, "A comment with more links than this waits for a moderator.")
    comment_blocked_words: str = _setting(
        "", "Comma-separated words; a comment holding one as a whole word waits for a moderator."
    )
    comment_posts_per_minute: int = _setting(5, "Comments one account may post in a minute.")
    comment_posts_per_hour: int = _setting(30, "Comments one account may post in an hour.")
    comment_posts_per_minute_per_address: int = _setting(
        10, "Comments one client address may post in a minute, whatever the accounts."
    )

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'herald.db').as_posix()}"

    @property
    def public_base_url(self) -> str:
        return (self.base_url or f"http://{self.host}:{self.port}").rstrip("/")

    @property
    def signup_by_email(self) -> bool:
        """Readers may sign up themselves (through a mailed link); otherwise accounts are made for them."""
        return self.signup == "email" or (self.signup == "auto" and bool(self.smtp_host))

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


# Shown as "(set)" by `herald config`, never their value.
SECRET_SETTINGS = frozenset({"llm_api_key", "smtp_password", "secret_key"})


def setting_docs() -> list[tuple[str, str, str]]:
    """(name, default, help) for each setting, for the README and ``herald config``."""
    rows = []
    for f in fields(Settings):
        default = f.default if f.default is not MISSING else ""
        if isinstance(default, bool):
            shown = "true" if default else "false"
        elif isinstance(default, tuple):
            shown = ",".join(default)
        else:
            shown = str(default)
        rows.append((f.name, shown, f.metadata["help"]))
    return rows


def _coerce(name: str, kind: Any, raw: Any) -> Any:
    kind_name = kind if isinstance(kind, str) else getattr(kind, "__name__", str(kind))
    try:
        if kind_name == "bool":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("1", "true", "yes", "on"):
                return True
            if text in ("0", "false", "no", "off", ""):
                return False
            raise ValueError(f"not a yes/no value: {raw!r}")
        if kind_name == "int":
            return int(raw)
        if kind_name == "float":
            return float(raw)
        if kind_name == "Path":
            return Path(str(raw))
        if kind_name.startswith("tuple"):
            if isinstance(raw, list | tuple):
                return tuple(str(x) for x in raw)
            return tuple(part.strip() for part in str(raw).split(",") if part.strip())
        return str(raw)
    except ValueError as exc:
        raise ConfigError(f"Setting {name} has a bad value {raw!r}: {exc}") from exc


def load_settings(
    config_file: Path | None = None,
    environ: Mapping[str, str] | None = None,
    **overrides: Any,
) -> Settings:
    """Defaults, then the TOML file, then HERALD_* variables, then explicit overrides (command-line flags)."""
    env = os.environ if environ is None else environ
    values: dict[str, Any] = {}
    path = config_file or (Path(env["HERALD_CONFIG"]) if env.get("HERALD_CONFIG") else None)
    known = {f.name: f for f in fields(Settings)}
    if path is not None:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"Config file {path} does not exist") from exc
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"Config file {path} is not valid TOML: {exc}") from exc
        table = data.get("herald", data)
        for key, raw in table.items():
            if key not in known:
                raise ConfigError(f"Config file {path} names an unknown setting {key!r}")
            values[key] = _coerce(key, known[key].type, raw)
    for name, f in known.items():
        env_name = f"HERALD_{name.upper()}"
        if env_name in env:
            values[name] = _coerce(name, f.type, env[env_name])
    for name, raw in overrides.items():
        if raw is None:
            continue
        if name not in known:
            raise ConfigError(f"Unknown setting {name!r}")
        values[name] = _coerce(name, known[name].type, raw)
    settings = Settings(**values)
    if settings.fetch_max_bytes <= 0 or settings.fetch_timeout_seconds <= 0:
        raise ConfigError("fetch_max_bytes and fetch_timeout_seconds must be positive")
    if settings.embedding_precision not in ("auto", "bf16", "fp32"):
        raise ConfigError(
            f"embedding_precision must be auto, bf16 or fp32, not {settings.embedding_precision!r}"
        )
    if settings.llm_base_url and not settings.llm_model:
        raise ConfigError("llm_model must name the model when llm_base_url is set")
    if settings.llm_base_url and not settings.llm_base_url.startswith(("http://", "https://")):
        raise ConfigError(f"llm_base_url must be an http(s) address, not {settings.llm_base_url!r}")
    if settings.signup not in ("auto", "email", "closed"):
        raise ConfigError(f"signup must be auto, email or closed, not {settings.signup!r}")
    if settings.signup == "email" and not settings.smtp_host:
        raise ConfigError("signup = email needs smtp_host: the sign-up link is sent by mail")
    if settings.secret_key and len(settings.secret_key) < 32:
        raise ConfigError("secret_key must be at least 32 characters long")
    if (
        min(
            settings.comment_posts_per_minute,
            settings.comment_posts_per_hour,
            settings.comment_posts_per_minute_per_address,
        )
        < 1
    ):
        raise ConfigError("the comment rate limits must be at least 1")
    if settings.comment_hold_first < 0 or settings.comment_max_links < 0:
        raise ConfigError("comment_hold_first and comment_max_links cannot be negative")
    if settings.session_days <= 0:
        raise ConfigError("session_days must be positive")
    if settings.llm_timeout_seconds <= 0 or settings.llm_max_tokens <= 0:
        raise ConfigError("llm_timeout_seconds and llm_max_tokens must be positive")
    if not 16 <= settings.embedding_max_tokens <= 256:
        raise ConfigError("embedding_max_tokens must be between 16 and 256 (the model reads at most 256)")
    return settings
