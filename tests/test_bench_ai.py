"""The AI benchmarks (bench/summaries.py, bench/ask.py) run end to end on a few CNN/DM articles and print
their tables, and the question builder turns a highlight into the cloze question the ask bench scores."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.bench_loader import load_bench


@pytest.fixture(scope="module")
def data(shared_dir: Path) -> Path:
    return shared_dir / "eval" / "summaries" / "cnndm-frank.jsonl"


def _row(output: str, label: str) -> list[str]:
    for line in output.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if line.startswith("|") and cells[0] == label:
            return cells[1:]
    raise AssertionError(f"no table row {label!r} in:\n{output}")


def test_summaries_bench_prints_every_system(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_bench("summaries").main(["--data", str(data), "--limit", "3"]) == 0
    output = capsys.readouterr().out
    assert output.startswith("3 CNN/DM articles")
    for system in ("Herald", "lead-3", "TextRank (TF-IDF)"):
        cells = _row(output, system)
        scores = [float(cell) for cell in cells[:4]]
        assert all(0.0 < score <= 100.0 for score in scores), (system, cells)
        assert float(cells[4]) > 0  # words per summary
    assert _row(output, "lead-3")[-1] == "1.000"  # lead-3 against itself
    assert re.search(r"\| lead-3 \| R-1 \| [01]\.\d{3} \|", output)
    assert "split alone:" in output


def test_ask_bench_prints_every_system(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_bench("ask").main(["--data", str(data), "--limit", "3"]) == 0
    output = capsys.readouterr().out
    counts = re.match(
        r"3 CNN/DM articles, (\d+) highlights: (\d+) questions, (\d+) highlights skipped", output
    )
    assert counts is not None, output
    highlights, questions, skipped = (int(group) for group in counts.groups())
    assert questions > 0 and questions + skipped == highlights
    for system in ("Herald", "embedding cosine", "TF-IDF cosine", "lead-3", "random 3"):
        hit_rate = float(_row(output, system)[0])
        assert 0.0 <= hit_rate <= 1.0
    assert _row(output, "Herald")[-1] == "1.00"
    assert "refused" in output and output.count("- Q: ") == 3


def test_highlights_become_cloze_questions() -> None:
    ask = load_bench("ask")
    record = ask.Record(
        id="dm-test-1",
        url="https://example.org/news/story.html",
        article=(
            "Gary Locke will be confirmed as Kilmarnock's permanent manager on Friday. The club said 2,000 "
            "fans watched the game. Gary Locke thanked the players."
        ),
        highlights=(
            "Gary Locke will be confirmed as Kilmarnock boss on Friday",
            "More than 2,000 fans watched the game at Rugby Park",
            "It rained all day long in the town",
        ),
    )
    questions, skipped = ask.build_questions(0, record)
    assert skipped == 1
    named, numbered = questions
    assert (named.text, named.answer, named.kind) == (
        "Who will be confirmed as Kilmarnock boss on Friday?",
        "Gary Locke",
        "person",
    )
    assert numbered.text == "More than how many fans watched the game at Rugby Park?"
    assert ask.contains_answer("Some 2000 fans came.", numbered)
    assert not ask.contains_answer("Some 20,000 fans came, 200 left by 2.000 pm.", numbered)
    assert ask.contains_answer("Then gary locke spoke.", named)
