"""The API benchmark (bench/api.py) runs end to end on a few hundred articles for a second per request kind:
every kind is measured, answered without an error, and compared with the static file of the same run."""

from __future__ import annotations

import re
import shutil

import pytest

from tests.bench_loader import load_bench

KINDS = (
    "static CSS (baseline)",
    "top stories",
    "article",
    "its related articles",
    "search, words",
    "search, words + meaning",
)


@pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is not installed (apt-get install wrk)")
def test_api_bench_measures_every_kind_without_errors(capsys: pytest.CaptureFixture[str]) -> None:
    bench = load_bench("api")
    assert bench.main(["--articles", "400", "--seconds", "2", "--connections", "4"]) == 0
    output = capsys.readouterr().out
    rows = {}
    for line in output.splitlines():
        found = re.match(r"^(.+?)\s+(\d+)\s+([\d.]+)\s+([\d.]+)\s+(\d+)\s+([\d.]+)$", line)
        if found:
            rows[found.group(1).strip()] = (int(found.group(2)), int(found.group(5)), float(found.group(6)))
    assert tuple(rows) == KINDS, output
    for kind, (rate, errors, ratio) in rows.items():
        assert rate > 0 and errors == 0 and ratio > 0, (kind, output)
