"""The herald command end to end on a temporary database, against a local fixture server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from herald.cli import main
from herald.store import Store
from tests.fixture_server import FixtureServer, running_server

FIXTURES = Path(__file__).parent / "pipeline" / "fixtures"

FEED = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>CLI Gazette</title><link>https://cli.example/</link>
<item><title>Amateur astronomer spots new comet</title><link>{base}/news/comet</link>
<pubDate>Fri, 27 Nov 2026 08:30:00 GMT</pubDate><category>Science</category></item>
</channel></rss>"""


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FixtureServer]:
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HERALD_FETCH_ALLOW_PRIVATE_NETWORKS", "true")
    monkeypatch.setenv("HERALD_FETCH_PER_HOST_DELAY_SECONDS", "0")
    monkeypatch.setenv("HERALD_FETCH_TIMEOUT_SECONDS", "2")
    monkeypatch.setenv("HERALD_EXTRACT_WORKERS", "0")
    monkeypatch.setenv("HERALD_LOG_LEVEL", "WARNING")
    with running_server() as server:
        server.add("/robots.txt", "", headers={"Content-Type": "text/plain"})
        server.add("/news/comet", (FIXTURES / "page-comet.html").read_bytes())
        server.add(
            "/feed.xml", FEED.format(base=server.base_url), headers={"Content-Type": "application/rss+xml"}
        )
        yield server


def test_add_fetch_list_export_import(
    env: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "add", env.url("/feed.xml"), "--publisher", "CLI Gazette"]) == 0
    assert main(["sources", "add", env.url("/feed.xml")]) == 0
    assert "Already following" in capsys.readouterr().err
    assert main(["fetch"]) == 0
    err = capsys.readouterr().err
    assert "1 feeds fetched" in err and "1 new articles" in err
    assert main(["sources", "list"]) == 0
    assert "CLI Gazette" in capsys.readouterr().out
    opml = tmp_path / "subs.opml"
    assert main(["sources", "export", str(opml)]) == 0
    assert env.url("/feed.xml") in opml.read_text()

    other = tmp_path / "other"
    other.mkdir()
    assert main(["--data-dir", str(other), "sources", "import", str(opml), "--fetch"]) == 0
    err = capsys.readouterr().err
    assert "1 added" in err and "1 new articles" in err
    store = Store(f"sqlite:///{other / 'herald.db'}")
    assert [a.title for a in store.articles.latest()] == ["Amateur astronomer spots new comet"]
    store.close()


def test_failing_feed_gives_a_summary_and_exit_status(
    env: FixtureServer, capsys: pytest.CaptureFixture[str]
) -> None:
    env.add("/dead.xml", "gone", status=410)
    main(["sources", "add", env.url("/dead.xml"), "--publisher", "Dead Feed"])
    assert main(["fetch"]) == 1
    err = capsys.readouterr().err
    assert "0 ok, 1 failed" in err and "410" in err


def test_bad_input_is_refused_in_words(
    env: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["sources", "add", "ftp://example.org/feed"]) == 2
    assert "http://" in capsys.readouterr().err
    assert main(["sources", "pause", "99"]) == 2
    assert "No source with id 99" in capsys.readouterr().err
    bad = tmp_path / "bad.opml"
    bad.write_text("<opml><body><outline")
    assert main(["sources", "import", str(bad)]) == 1
    assert capsys.readouterr().err.strip()
    assert main(["db", "current"]) == 0


def test_reextract_updates_text_and_keeps_it_when_the_page_fails(
    env: FixtureServer, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    main(["sources", "add", env.url("/feed.xml"), "--publisher", "CLI Gazette"])
    assert main(["fetch"]) == 0
    page = (FIXTURES / "page-comet.html").read_text()
    env.add("/news/comet", page.replace("retired teacher", "retired chemistry teacher"))
    capsys.readouterr()
    assert main(["reextract"]) == 0
    assert "1 updated" in capsys.readouterr().err
    store = Store(f"sqlite:///{tmp_path / 'herald.db'}")
    [article] = store.articles.latest()
    assert "retired chemistry teacher" in article.paragraphs[0]
    assert article.title == "Amateur astronomer spots new comet"

    env.add("/news/comet", "gone", status=410)
    assert main(["reextract", "--publisher", "cli-gazette"]) == 1
    err = capsys.readouterr().err
    assert "1 failed" in err and "410" in err
    [kept] = store.articles.latest()
    assert kept.paragraphs == article.paragraphs
    store.close()
    assert main(["reextract", "--publisher", "nobody"]) == 2


def test_python_dash_m_runs_the_command() -> None:
    """`python -m herald.cli` is the same command (the web benchmark starts servers that way)."""
    import subprocess
    import sys

    command = [sys.executable, "-m", "herald.cli", "--help"]
    done = subprocess.run(command, capture_output=True, text=True, timeout=60, check=False)
    assert done.returncode == 0 and "understand" in done.stdout


def test_config_never_prints_the_language_model_key(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HERALD_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("HERALD_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("HERALD_LLM_MODEL", "llama3.1:8b")
    monkeypatch.setenv("HERALD_LLM_API_KEY", "sk-ZQ9xP7wK")
    assert main(["config"]) == 0
    shown = capsys.readouterr().out
    assert "ZQ9xP7wK" not in shown and "sk-" not in shown and "(set)" in shown and "llama3.1:8b" in shown
