"""The comments benchmark (bench/comments.py) runs end to end with a few clients for a second per phase: every
phase is measured, signed-in clients read threads and post comments without an error (so the cookies, CSRF
tokens and raised limits it sets up work), and the ingest really wrote to the database while it ran."""

from __future__ import annotations

import re

import pytest

from tests.bench_loader import load_bench

PHASES = (
    ("GET /robots.txt (baseline)", "running"),
    ("read: GET comments fragment", "running"),
    ("post: POST /comments/post", "running"),
    ("mixed: 9 reads : 1 post", "running"),
    ("mixed, its reads", "running"),
    ("mixed, its posts", "running"),
    ("GET /robots.txt (baseline)", "stopped"),
    ("post: POST /comments/post", "stopped"),
)


def _rows(output: str) -> list[list[str]]:
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in output.splitlines()
        if line.startswith("| ") and not line.startswith("| phase")
    ]


def test_comments_bench_measures_every_phase_without_errors(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench("comments")
    assert bench.main(["--clients", "3", "--seconds", "1"]) == 0
    output = capsys.readouterr().out
    rows = _rows(output)
    assert [(row[0], row[1]) for row in rows] == list(PHASES), output
    for label, _ingest, requests, rate, p50, p99, errors, ratio, _writes in rows:
        assert int(requests) > 0 and float(rate) > 0, label
        assert 0 < float(p50) <= float(p99), label
        assert errors == "0", label
        assert float(ratio) > 0, label
    assert rows[0][7] == "1.00" and rows[6][7] == "1.00"  # each baseline against itself
    assert "errors by kind: none" in output
    # The ingest wrote article rows while the load ran, and not once it was stopped.
    assert sum(int(row[8]) for row in rows[:4]) > 0
    assert rows[6][8] == "0" and rows[7][8] == "0"
    assert re.search(r"ingest: \d+ `herald reextract` runs", output)
    # Every post answered 303 was stored, and shown at once (hold_first = 0): seeded ones plus the posts.
    stored = re.search(
        r"comments stored at the end, by status \(seeded ones included\): \{'visible': (\d+)\}", output
    )
    assert stored is not None, output
    posts = int(rows[2][2]) + int(rows[5][2]) + int(rows[7][2])
    assert int(stored.group(1)) == posts + bench.POPULAR * bench.SEED_COMMENTS
