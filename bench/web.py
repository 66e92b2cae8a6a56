"""Web benchmark: the article page and the home page with 100,000 stored articles, beside a static file served
by the same server in the same run (these machines are shared and noisy: read the ratios).

Needs wrk (Debian: apt-get install wrk). Usage: python bench/web.py [--articles 100000] [--seconds 10]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import insert

from herald.store import Store
from herald.store.schema import ArticleRow, PublisherRow

WORDS = [
    "council",
    "harbour",
    "minister",
    "election",
    "vote",
    "river",
    "bridge",
    "storm",
    "market",
    "shares",
    "inflation",
    "comet",
    "telescope",
    "vaccine",
    "trial",
    "museum",
    "painting",
    "stolen",
    "final",
    "league",
    "striker",
    "rail",
    "inquiry",
    "heat",
    "record",
    "union",
    "strike",
    "port",
    "talks",
    "ceasefire",
    "border",
    "summit",
    "budget",
    "deficit",
    "court",
    "ruling",
    "festival",
    "orchestra",
    "drought",
    "farmers",
    "wheat",
]


def sentence(rng: random.Random, n: int) -> str:
    words = [rng.choice(WORDS) for _ in range(n)]
    return " ".join(words).capitalize() + "."


def populate(store: Store, count: int) -> list[str]:
    rng = random.Random(7)
    now = datetime.now(UTC)
    ids: list[str] = []
    with store.db.write() as session:
        pubs = []
        for i in range(40):
            row = PublisherRow(
                name=f"Bench Publisher {i}",
                slug=f"bench-{i}",
                home_url=f"https://p{i}.example/",
                created_at=now,
            )
            session.add(row)
            pubs.append(row)
        session.flush()
        pub_ids = [p.id for p in pubs]
    sections = ["World", "Politics", "Business", "Technology", "Science", "Health", "Sports", "Culture"]
    batch: list[dict[str, object]] = []
    for n in range(count):
        aid = f"{rng.getrandbits(128):032x}"
        ids.append(aid)
        paragraphs = [" ".join(sentence(rng, rng.randint(12, 24)) for _ in range(3)) for _ in range(8)]
        when = now - timedelta(minutes=n * 3)
        batch.append(
            {
                "id": aid,
                "canonical_url": f"https://p{n % 40}.example/a/{aid}",
                "url": f"https://p{n % 40}.example/a/{aid}",
                "title": sentence(rng, 9)[:-1],
                "body": "\n\n".join(paragraphs),
                "excerpt": paragraphs[0][:300],
                "authors": ["Bench Writer"],
                "published_at": when,
                "fetched_at": when,
                "updated_at": when,
                "sort_time": when,
                "image_url": None,
                "image_caption": None,
                "language": "en",
                "section": sections[n % len(sections)],
                "publisher_id": pub_ids[n % len(pub_ids)],
                "source_id": None,
                "extraction_method": "page",
                "content_hash": aid,
            }
        )
        if len(batch) == 5000:
            with store.db.write() as session:
                session.execute(insert(ArticleRow), batch)
            batch = []
    if batch:
        with store.db.write() as session:
            session.execute(insert(ArticleRow), batch)
    return ids


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wrk(
    url: str, seconds: int, script: Path | None = None, *, timeout_seconds: int = 2, connections: int = 64
) -> tuple[float, float, float, int]:
    """(requests/s, p50 ms, p99 ms, non-2xx or socket errors); an answer slower than ``timeout_seconds`` is a
    timeout error."""
    threads = min(2, connections)
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{seconds}s",
        f"--timeout={timeout_seconds}s",
        "--latency",
    ]
    if script:
        cmd += ["-s", str(script)]
    text = subprocess.run([*cmd, url], capture_output=True, text=True, check=True).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))  # type: ignore[union-attr]

    def pct(label: str) -> float:
        m = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", text)
        assert m, text
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    errors = 0
    for pattern in (
        r"Non-2xx or 3xx responses: (\d+)",
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)",
    ):
        m = re.search(pattern, text)
        if m:
            errors += sum(int(g) for g in m.groups())
    return rps, pct("50"), pct("99"), errors


def start_server(db_url: str, work: Path) -> tuple[subprocess.Popen[bytes], str, str]:
    """``herald serve`` on the database, without a scheduler, once it answers: (the process, its address,
    the site's versioned stylesheet, the static baseline every benchmark compares with)."""
    port = free_port()
    env = {
        **os.environ,
        "HERALD_DATABASE_URL": db_url,
        "HERALD_DATA_DIR": str(work),
        "HERALD_SCHEDULER": "false",
        "HERALD_LOG_LEVEL": "WARNING",
    }
    server = subprocess.Popen(
        [sys.executable, "-m", "herald.cli", "serve", "--no-scheduler", "--port", str(port)], env=env
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(200):
        try:
            if httpx.get(base + "/robots.txt", timeout=2).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.2)
    home = httpx.get(base + "/", timeout=60).text
    static_path = re.search(r'href="(/static/[^"]+\.css[^"]*)"', home).group(1)  # type: ignore[union-attr]
    return server, base, static_path


def print_rows(rows: list[tuple[str, float, float, float, int]], title: str) -> None:
    """The measurements, each with its ratio to the first row (the static baseline of the same run)."""
    baseline = rows[0][1]
    print(f"\n{title}")
    print(f"{'':26} {'req/s':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7} {'vs static':>10}")
    for name, rps, p50, p99, errors in rows:
        print(f"{name:26} {rps:9.0f} {p50:8.1f} {p99:8.1f} {errors:7d} {rps / baseline:10.3f}")


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is not installed (apt-get install wrk)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="herald-bench-web-"))
    db_url = f"sqlite:///{work / 'herald.db'}"
    store = Store(db_url)
    t0 = time.perf_counter()
    ids = populate(store, args.articles)
    print(f"stored {len(ids)} articles in {time.perf_counter() - t0:.1f} s")
    store.close()
    server, base, static_path = start_server(db_url, work)
    try:
        script = work / "articles.lua"
        sample = random.Random(1).sample(ids, 2000)
        script.write_text(
            "ids = {" + ",".join(f'"{i}"' for i in sample) + "}\n"
            "request = function()\n  return wrk.format(nil, '/article/' .. ids[math.random(#ids)])\nend\n"
        )
        rows = []
        for name, url, lua in (
            ("static CSS (baseline)", base + static_path, None),
            ("robots.txt from memory", base + "/robots.txt", None),
            ("article page", base + "/", script),
            ("home page", base + "/", None),
        ):
            httpx.get(url if lua is None else base + "/article/" + sample[0])  # warm up
            rps, p50, p99, errors = wrk(url, args.seconds, lua)
            rows.append((name, rps, p50, p99, errors))
        print_rows(
            rows,
            f"{args.articles} articles, SQLite, one uvicorn process, wrk 64 connections, "
            f"{args.seconds} s each",
        )
    finally:
        server.terminate()
        server.wait(timeout=10)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
