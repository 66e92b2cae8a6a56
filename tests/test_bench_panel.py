"""The panel benchmark (bench/panel.py) runs end to end on the sample pack, with few texts and one round, and
prints every line it measures as a number and a ratio."""

from __future__ import annotations

import re

import pytest

from tests.bench_loader import load_bench

INGEST_LINES = (
    "(a) enrich step, in-process",
    "(b) summary alone, in-process",
    "(a') enrich step, in the 2 workers",
    "(b') summary alone, in the 2 workers",
    "whole ingest",
)
TOOL_LINES = (
    "panel() cold",
    "panel() warm",
    "ask() cold",
    "ask() warm",
    "story_so_far()",
    "coverage()",
    "panel() with no stored summary",
)


def _row(output: str, label: str) -> list[str]:
    """The other cells of the table row whose first cell starts with ``label``."""
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0].startswith(label):
            return cells[1:]
    raise AssertionError(f"no table row {label!r} in:\n{output}")


def test_panel_bench_prints_every_measured_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert load_bench("panel").main(["--articles", "8", "--rounds", "1"]) == 0
    output = capsys.readouterr().out
    assert re.match(r"sample pack: \d+ articles stored, 8 texts enriched", output), output
    for label in INGEST_LINES:
        median, rounds = _row(output, label)
        assert float(median) > 0 and float(rounds) == float(median), label  # one round: it is the median
    for share in (
        r"summary share of the enrich step: b / a (\d+\.\d\d), in the workers b' / a' (\d+\.\d\d)",
        r"summary share of whole ingest: b / whole (\d+\.\d\d), like for like b' / whole (\d+\.\d\d)",
    ):
        found = re.search(share, output)
        assert found is not None and all(float(value) > 0 for value in found.groups()), share
    assert re.search(r"model load \(first load_embedder in this process\): \d+ ms", output)
    assert _row(output, "GET /article/{id} (baseline")[1] == "1.00"
    for label in TOOL_LINES:
        ms, ratio = _row(output, label)
        assert float(ms) > 0 and float(ratio) > 0, label
    # The fragment is measured when the site has it, and the bench says so when it does not.
    fragment = "GET /article/{id}/ai, cold" in output and "GET /article/{id}/ai, warm" in output
    assert fragment != ("GET /article/{id}/ai: skipped" in output)
