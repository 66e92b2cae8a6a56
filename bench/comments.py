"""Comments under load on SQLite: reading threads and posting comments with 64 signed-in clients while ingest
writes to the same database, beside a static answer (GET /robots.txt, served from memory) measured by the same
generator in the same run (these machines are shared and noisy: read the ratios).

Preparation, in a temporary data folder: the sample pack (served on loopback by a separate process, as
bench/ingest.py does) is fetched once through the real pipeline (fetch, parse, extract, store, understanding)
into a fresh SQLite database; one account per client is made with ``Accounts.create_user`` and signed in with
``Accounts.sign_in`` (its session token is the client's cookie); the threads of the 5 newest articles (the
"popular" ones the readers read) get 40 comments each. Posts go to the other articles' threads, so that the
threads read are the same size in every phase and the phases compare.

Then one ``herald serve --no-scheduler`` process (one uvicorn worker) serves that database, with the comment
rate limits raised and ``comment_hold_first = 0`` through HERALD_* variables (the bench measures the site's
work, not its refusals); every client GETs one thread's fragment once for its CSRF cookie and token. While
the first phases run, the ingest is ``herald reextract`` run again and again (each run fetches every stored
article's page from the sample pack server again, extracts it in 2 worker processes and writes the article's
row in its own write transaction), in the same data folder, so its writes queue for the same SQLite file.

The load generator is a separate process (asyncio, httpx, one keep-alive connection per client, each client
on its own loopback address so that per-address limits see 64 readers): it shares the 2 cores with the
server, the ingest and the sample pack server, so req/s are a floor and the baseline row says how far the
generator itself goes. Latencies are per request, from sending to the last byte. Phases, measured one by one:
the baseline; reading (GET a popular thread's comments fragment); posting (POST /comments/post, expecting
303); mixed (9 reads to 1 post per client); then the ingest is stopped and the baseline and posting are
measured again without it.

Usage: python bench/comments.py [--clients 64] [--seconds 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from ingest import SERVE, free_port, wait_until_up  # bench/ is on the path when a bench runs

from herald.app import make_extract_executor
from herald.config import Settings, load_settings
from herald.fetch import Fetcher
from herald.pipeline import Pipeline
from herald.pipeline.accounts import Accounts
from herald.pipeline.comments import Comments
from herald.samplepack import sample_sources
from herald.store import Store

SECRET_KEY = "comments-bench-secret-key-0123456789abcdef"
PASSWORD = "quiet harbour lanterns 42"
POPULAR = 5  # threads the readers read: the newest articles
SEED_COMMENTS = 40  # comments on each popular thread before the run
NO_LIMIT = 1_000_000
LIMITS = {
    "HERALD_COMMENT_POSTS_PER_MINUTE": str(NO_LIMIT),
    "HERALD_COMMENT_POSTS_PER_HOUR": str(NO_LIMIT),
    "HERALD_COMMENT_POSTS_PER_MINUTE_PER_ADDRESS": str(NO_LIMIT),
    "HERALD_COMMENT_HOLD_FIRST": "0",
}
MAX_INGEST_RUNS = 500  # bounds the ingest loop; a run takes seconds
INGEST_RUN_TIMEOUT = 300.0
REQUEST_TIMEOUT = 30.0
WORDS = ("harbour", "council", "bridge", "storm", "vote", "market", "comet", "museum", "league", "rail")
# reextract's summary and its first failure, if any
SUMMARY = re.compile(r"\d+ articles: [^\n]*failed[^\n]*(\n {2}\S+: [^\n]*)?")
TOKEN_FIELD = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass(frozen=True, slots=True)
class Phase:
    label: str
    kind: str  # "baseline", "read", "post" or "mixed"
    ingest: bool


PHASES = (
    Phase("GET /robots.txt (baseline)", "baseline", True),
    Phase("read: GET comments fragment", "read", True),
    Phase("post: POST /comments/post", "post", True),
    Phase("mixed: 9 reads : 1 post", "mixed", True),
    Phase("GET /robots.txt (baseline)", "baseline", False),
    Phase("post: POST /comments/post", "post", False),
)


@dataclass
class Measured:
    phase: Phase
    elapsed: float
    latencies: dict[str, list[float]]  # ms by request kind: "robots", "read", "post"
    errors: Counter[str]
    rows_rewritten: int  # article rows the ingest wrote during the phase


# ---------------------------------------------------------------------------------------------- preparation
async def _ingest(settings: Settings, store: Store) -> int:
    executor = make_extract_executor(settings)
    try:
        async with Fetcher(settings) as fetcher:
            pipeline = Pipeline(settings, store, fetcher, executor)
            reports = await pipeline.refresh_many(store.sources.list())
            await asyncio.to_thread(pipeline.understanding.save_index)
    finally:
        executor.shutdown()
    return sum(r.new for r in reports)


def _prepare(settings: Settings, sample_url: str, clients: int) -> tuple[list[str], list[str]]:
    """(article ids, session tokens, one per client) in a fresh database holding the sample pack."""
    store = Store(settings.resolved_database_url)
    try:
        for spec in sample_sources(sample_url):
            store.sources.add(spec)
        started = time.perf_counter()
        new = asyncio.run(_ingest(settings, store))
        took = time.perf_counter() - started
        print(f"sample pack ingested through the pipeline: {new} articles in {took:.1f} s")
        article_ids = store.articles.ids()
        accounts = Accounts(settings, store, SECRET_KEY)
        started = time.perf_counter()
        users, tokens = [], []
        for n in range(clients):
            users.append(accounts.create_user(f"reader{n}@bench.example", f"Reader {n}", PASSWORD))
            tokens.append(
                accounts.sign_in(users[-1].email, PASSWORD, client="bench", user_agent="bench").session_token
            )
        comments = Comments(settings, store)
        for article_id in article_ids[:POPULAR]:
            for n in range(SEED_COMMENTS):
                comments.post(users[n % clients], _text(random.Random(n), n), article_id=article_id)
        print(
            f"{clients} accounts created and signed in, {SEED_COMMENTS} comments on each of {POPULAR} "
            f"threads: {time.perf_counter() - started:.1f} s"
        )
        return article_ids, tokens
    finally:
        store.close()


def _text(rng: random.Random, n: int) -> str:
    words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(4, 16)))
    return f"{words.capitalize()}, says comment {n}."


def _forms(base: str, tokens: list[str], article_id: str) -> list[dict[str, str]]:
    """Each client's cookies and CSRF token, as a browser gets them: from a thread it was shown."""
    clients = []
    with httpx.Client(base_url=base, timeout=REQUEST_TIMEOUT) as http:
        for token in tokens:
            http.cookies.clear()
            http.cookies.set("herald_session", token)
            page = http.get(f"/article/{article_id}/comments", params={"fragment": "1"})
            found = TOKEN_FIELD.search(page.text)
            csrf = page.cookies.get("herald_csrf")
            if page.status_code != 200 or found is None or csrf is None:
                raise SystemExit(f"no comment form for a signed-in client (HTTP {page.status_code})")
            clients.append({"session": token, "csrf": csrf, "token": found.group(1)})
    return clients


# ---------------------------------------------------------------------------------------------- processes
def _start(command: list[str], env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """A process in its own group, so that stopping it stops the worker processes it spawned too."""
    with log.open("ab") as out:
        return subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    for sent in (signal.SIGTERM, signal.SIGKILL):
        try:
            os.killpg(process.pid, sent)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
            return
        except subprocess.TimeoutExpired:
            continue


class IngestLoop:
    """``herald reextract`` again and again in a thread, until stopped (or MAX_INGEST_RUNS)."""

    def __init__(self, command: list[str], env: dict[str, str], log: Path) -> None:
        self.command, self.env, self.log = command, env, log
        self.runs: list[tuple[float, int, str]] = []  # (seconds, exit code, summary line)
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._thread = threading.Thread(target=self._loop, name="ingest-loop", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def _loop(self) -> None:
        for _ in range(MAX_INGEST_RUNS):
            with self._lock:
                if self._stopping.is_set():
                    return
                offset = self.log.stat().st_size if self.log.exists() else 0
                started = time.perf_counter()
                self._process = process = _start(self.command, self.env, self.log)
            try:
                code = process.wait(timeout=INGEST_RUN_TIMEOUT)
            except subprocess.TimeoutExpired:
                _stop(process)
                code = -1
            with self.log.open("rb") as text:
                text.seek(offset)
                summary = SUMMARY.search(text.read().decode("utf-8", "replace"))
            said = " ".join(summary.group(0).split())[:240] if summary else ""
            self.runs.append((time.perf_counter() - started, code, said))

    def stop(self) -> None:
        with self._lock:
            self._stopping.set()
            if self._process is not None:
                _stop(self._process)
        self._thread.join(timeout=30)


def _article_versions(db_path: Path) -> dict[str, str]:
    """Each article's updated_at, which every re-extraction writes: compared before and after a phase."""
    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
        return {row[0]: str(row[1]) for row in db.execute("SELECT id, updated_at FROM articles")}


def _rewritten(before: dict[str, str], after: dict[str, str]) -> int:
    return sum(1 for key, value in after.items() if before.get(key) != value)


# ---------------------------------------------------------------------------------------------- generator
async def _client(
    spec: dict[str, Any], n: int, clock: dict[str, float], out: dict[str, Any], go: asyncio.Event
) -> None:
    """One reader: its own connection, address, cookies and token; requests back to back until the end."""
    me = spec["clients"][n]
    rng = random.Random(n)
    transport = httpx.AsyncHTTPTransport(local_address=f"127.0.{1 + n // 250}.{1 + n % 250}")
    cookies = {"herald_session": me["session"], "herald_csrf": me["csrf"]}
    async with httpx.AsyncClient(
        base_url=spec["base"], transport=transport, cookies=cookies, timeout=REQUEST_TIMEOUT
    ) as http:
        await http.get("/robots.txt")  # opens the connection before the clock starts
        out["ready"] += 1
        await go.wait()
        for count in range(10_000_000):
            if time.perf_counter() >= clock["end"]:
                return
            kind = {"baseline": "robots", "read": "read", "post": "post"}.get(spec["kind"], "")
            kind = kind or ("post" if count % 10 == 9 else "read")
            started = time.perf_counter()
            try:
                if kind == "robots":
                    response, expected = await http.get("/robots.txt"), 200
                elif kind == "read":
                    article = rng.choice(spec["read_ids"])
                    response = await http.get(f"/article/{article}/comments", params={"fragment": "1"})
                    expected = 200
                else:
                    form = {"article_id": rng.choice(spec["post_ids"]), "text": _text(rng, count)}
                    response = await http.post("/comments/post", data=form | {"csrf_token": me["token"]})
                    expected = 303
                error = "" if response.status_code == expected else f"{kind}: HTTP {response.status_code}"
            except httpx.HTTPError as exc:
                error = f"{kind}: {type(exc).__name__}"
            out["latencies"].setdefault(kind, []).append((time.perf_counter() - started) * 1000)
            if error:
                out["errors"][error] += 1
            out["last"] = time.perf_counter()


async def _generate(spec: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {"latencies": {}, "errors": Counter[str](), "ready": 0, "last": 0.0}
    clock = {"end": math.inf}
    go = asyncio.Event()
    tasks = [asyncio.create_task(_client(spec, n, clock, out, go)) for n in range(len(spec["clients"]))]
    for _ in range(6000):  # every client connected, at most a minute
        if out["ready"] == len(tasks) or any(t.done() for t in tasks):
            break
        await asyncio.sleep(0.01)
    started = time.perf_counter()
    clock["end"] = started + spec["seconds"]
    go.set()
    await asyncio.gather(*tasks)
    return {
        "elapsed": max(out["last"], clock["end"]) - started,
        "latencies": out["latencies"],
        "errors": dict(out["errors"]),
    }


def _run_generator(spec: dict[str, Any], work: Path, db_path: Path) -> tuple[dict[str, Any], int]:
    """The generator's result, from its own process (its own interpreter lock), and the article rows the
    ingest wrote meanwhile: polled twice a second, faster than one run re-extracts the same article twice."""
    spec_path, result_path = work / "phase.json", work / "result.json"
    spec_path.write_text(json.dumps(spec))
    command = [sys.executable, str(Path(__file__).resolve()), "--generate", str(spec_path), str(result_path)]
    generator = _start(command, dict(os.environ), work / "generator.log")
    deadline = time.monotonic() + spec["seconds"] + 120
    versions, writes = _article_versions(db_path), 0
    try:
        while generator.poll() is None:
            if time.monotonic() > deadline:
                raise SystemExit("the load generator did not finish in time")
            time.sleep(0.5)
            latest = _article_versions(db_path)
            writes, versions = writes + _rewritten(versions, latest), latest
    finally:
        _stop(generator)
    if generator.returncode != 0:
        raise SystemExit(
            "the load generator failed:\n" + (work / "generator.log").read_text(errors="replace")
        )
    result: dict[str, Any] = json.loads(result_path.read_text())
    return result, writes


# ---------------------------------------------------------------------------------------------- report
def _pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)] if ordered else math.nan


def _row(
    label: str,
    ingest: bool,
    values: Sequence[float],
    elapsed: float,
    errors: int,
    baseline: float,
    rows: int | str,
) -> str:
    rate = len(values) / elapsed
    return (
        f"| {label} | {'running' if ingest else 'stopped'} | {len(values)} | {rate:.0f} "
        f"| {_pct(values, 0.5):.1f} | {_pct(values, 0.99):.1f} | {errors} | {rate / baseline:.2f} | {rows} |"
    )


def _report(measured: list[Measured], clients: int, seconds: int, ingest: IngestLoop, articles: int) -> None:
    print(
        f"\nComments on SQLite, {articles} articles, one `herald serve` process (one uvicorn worker), "
        f"{clients} clients, {seconds} s per phase. The generator (1 process) shares the 2 cores with the "
        "server, the ingest and the sample pack server. Server settings for the bench: "
        f"HERALD_COMMENT_POSTS_PER_MINUTE, HERALD_COMMENT_POSTS_PER_HOUR and "
        f"HERALD_COMMENT_POSTS_PER_MINUTE_PER_ADDRESS = {NO_LIMIT}, HERALD_COMMENT_HOLD_FIRST = 0."
    )
    print(
        "Ingest: `herald reextract` run in a loop in the same data folder (every stored article's page "
        "fetched again from the sample pack server, extracted in 2 worker processes, its row written in a "
        f"write transaction on the same SQLite file). Reads: the comment fragments of the {POPULAR} newest "
        f"articles, {SEED_COMMENTS} comments each; posts: to the other articles' threads (the threads read "
        "stay the same size). Latency: per request, send to last byte, as the generator saw it.\n"
    )
    print(
        "| phase | ingest | requests | req/s | p50 ms | p99 ms | errors | vs robots.txt "
        "| article rows the ingest wrote |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    baseline = {True: math.nan, False: math.nan}
    for m in measured:
        every = [ms for values in m.latencies.values() for ms in values]
        if m.phase.kind == "baseline":
            baseline[m.phase.ingest] = len(every) / m.elapsed
        base, state = baseline[m.phase.ingest], m.phase.ingest
        print(_row(m.phase.label, state, every, m.elapsed, sum(m.errors.values()), base, m.rows_rewritten))
        for kind in ("read", "post") if m.phase.kind == "mixed" else ():
            errors = sum(v for k, v in m.errors.items() if k.startswith(f"{kind}:"))
            values = m.latencies.get(kind, [])
            print(_row(f"  mixed, its {kind}s", state, values, m.elapsed, errors, base, "(above)"))
    kinds = Counter[str]()
    for m in measured:
        kinds.update(m.errors)
    print("\nerrors by kind: " + (", ".join(f"{k} x{v}" for k, v in kinds.most_common()) or "none"))
    codes = Counter(str(run[1]) for run in ingest.runs)
    took = sum(run[0] for run in ingest.runs)
    print(
        f"ingest: {len(ingest.runs)} `herald reextract` runs, {took:.0f} s in all, "
        f"exit codes {dict(codes.most_common())} (1: some article failed; negative: stopped by a signal when "
        "the ingest phases ended); the first runs:"
    )
    for taken, code, summary in ingest.runs[:3]:
        print(f"  {taken:.1f} s, exit {code}: {summary or '(no summary: stopped)'}")


# ---------------------------------------------------------------------------------------------- main
def _environment(work: Path, sample_url: str) -> dict[str, str]:
    """The server's and the ingest's environment: this run's data folder, key and limits, nothing inherited
    from the caller's HERALD_* variables."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("HERALD_")}
    return (
        env
        | LIMITS
        | {
            "HERALD_DATA_DIR": str(work),
            "HERALD_DATABASE_URL": f"sqlite:///{work / 'herald.db'}",
            "HERALD_SECRET_KEY": SECRET_KEY,
            "HERALD_SCHEDULER": "false",
            "HERALD_LOG_LEVEL": "WARNING",
            "HERALD_FETCH_ALLOWED_HOSTS": sample_url.split("//", 1)[1],
            "HERALD_FETCH_PER_HOST_DELAY_SECONDS": "0",
            "HERALD_FETCH_PER_HOST_CONCURRENCY": "8",
            "COLUMNS": "200",  # the CLI's one-line summary is not wrapped
        }
    )


def _wait_for_server(base: str, server: subprocess.Popen[bytes], log: Path) -> None:
    for _ in range(600):
        if server.poll() is not None:
            raise SystemExit("herald serve exited:\n" + log.read_text(errors="replace")[-3000:])
        try:
            if httpx.get(base + "/robots.txt", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise SystemExit("herald serve did not answer within a minute")


def _wait_for_first_write(db_path: Path, before: dict[str, str], ingest: IngestLoop) -> None:
    """The ingest is writing (not still starting up) before the first phase begins."""
    for _ in range(1200):
        if _rewritten(before, _article_versions(db_path)):
            return
        if ingest.runs:  # a whole run ended and wrote nothing
            raise SystemExit(
                "herald reextract wrote nothing:\n" + ingest.log.read_text(errors="replace")[-3000:]
            )
        time.sleep(0.1)
    raise SystemExit("herald reextract wrote nothing within two minutes")


def _measure(
    phases: Sequence[Phase], spec: dict[str, Any], work: Path, db_path: Path, ingest: IngestLoop
) -> list[Measured]:
    measured = []
    for phase in phases:
        if not phase.ingest:
            ingest.stop()
        result, rows = _run_generator(spec | {"kind": phase.kind}, work, db_path)
        errors = Counter[str](result["errors"])
        measured.append(Measured(phase, result["elapsed"], result["latencies"], errors, rows))
    return measured


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--generate", nargs=2, metavar=("SPEC", "RESULT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:  # the load generator's own process
        spec = json.loads(Path(args.generate[0]).read_text())
        Path(args.generate[1]).write_text(json.dumps(asyncio.run(_generate(spec))))
        return 0
    if not 1 <= args.clients <= 1000 or args.seconds < 1:
        parser.error("--clients is 1 to 1000 and --seconds at least 1")
    work = Path(tempfile.mkdtemp(prefix="herald-bench-comments-"))
    db_path = work / "herald.db"
    processes: list[subprocess.Popen[bytes]] = []
    ingest: IngestLoop | None = None
    try:
        sample_port = free_port()
        serve_pack = [sys.executable, "-c", SERVE.format(port=sample_port)]
        processes.append(_start(serve_pack, dict(os.environ), work / "samplepack.log"))
        sample_url = f"http://127.0.0.1:{sample_port}"
        wait_until_up(sample_url)
        env = _environment(work, sample_url)
        # The preparation runs with the server's own settings: the same database, key and limits.
        article_ids, tokens = _prepare(load_settings(environ=env), sample_url, args.clients)
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server_log = work / "server.log"
        command = [sys.executable, "-m", "herald.cli", "serve", "--no-scheduler", "--port", str(port)]
        processes.append(_start(command, env, server_log))
        _wait_for_server(base, processes[-1], server_log)
        popular = article_ids[:POPULAR]
        spec = {
            "base": base,
            "seconds": args.seconds,
            "clients": _forms(base, tokens, popular[0]),
            "read_ids": popular,
            "post_ids": article_ids[POPULAR:] or article_ids,
        }
        ingest = IngestLoop([sys.executable, "-m", "herald.cli", "reextract"], env, work / "ingest.log")
        before = _article_versions(db_path)
        ingest.start()
        _wait_for_first_write(db_path, before, ingest)
        measured = _measure(PHASES, spec, work, db_path, ingest)
        ingest.stop()
        _report(measured, args.clients, args.seconds, ingest, len(article_ids))
        with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True, timeout=30) as db:
            stored = dict(db.execute("SELECT status, count(*) FROM comments GROUP BY status").fetchall())
        print(f"comments stored at the end, by status (seeded ones included): {stored}")
        if processes[-1].poll() is not None:
            print("herald serve exited during the run:\n" + server_log.read_text(errors="replace")[-3000:])
            return 1
    finally:
        if ingest is not None:
            ingest.stop()
        for process in reversed(processes):
            _stop(process)
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
