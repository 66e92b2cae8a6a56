"""The page-data memo: fresh data within its period, one reload per expiry, stale data while reloading."""

from __future__ import annotations

from typing import Any

import pytest

from herald.web.directory import Memo


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_fresh_entries_are_not_reloaded_and_expired_ones_are() -> None:
    clock = Clock()
    memo = Memo(clock=clock)
    loads: list[int] = []

    def load() -> dict[str, Any]:
        loads.append(1)
        return {"n": len(loads)}

    assert memo.get("home", 5, load) == {"n": 1}
    clock.now = 4.9
    assert memo.get("home", 5, load) == {"n": 1}
    clock.now = 5.1
    assert memo.get("home", 5, load) == {"n": 2}
    assert memo.get("other", 5, load) == {"n": 3}  # keys are separate


def test_others_get_the_previous_data_while_one_reloads() -> None:
    clock = Clock()
    memo = Memo(clock=clock)
    memo.get("home", 5, lambda: {"v": "old"})
    clock.now = 10
    seen_during_reload: list[dict[str, Any]] = []

    def slow_reload() -> dict[str, Any]:
        # another request arriving while this one reloads
        seen_during_reload.append(memo.get("home", 5, lambda: pytest.fail("a second reload started")))
        return {"v": "new"}

    assert memo.get("home", 5, slow_reload) == {"v": "new"}
    assert seen_during_reload == [{"v": "old"}]
    assert memo.get("home", 5, lambda: pytest.fail("reloaded while fresh")) == {"v": "new"}


def test_a_failed_reload_lets_the_next_request_try_again() -> None:
    clock = Clock()
    memo = Memo(clock=clock)
    memo.get("home", 5, lambda: {"v": 1})
    clock.now = 10

    def broken() -> dict[str, Any]:
        raise RuntimeError("database down")

    with pytest.raises(RuntimeError):
        memo.get("home", 5, broken)
    assert memo.get("home", 5, lambda: {"v": 2}) == {"v": 2}


def test_ready_answers_without_loading() -> None:
    clock = Clock()
    memo = Memo(clock=clock)
    assert memo.ready("home") is None
    memo.get("home", 5, lambda: {"v": 1})
    assert memo.ready("home") == {"v": 1}
    clock.now = 6
    assert memo.ready("home") is None  # expired: the caller must load


def test_a_full_memo_drops_expired_entries_first_then_the_soonest_to_expire() -> None:
    clock = Clock()
    memo = Memo(clock=clock, max_entries=4)
    memo.get("old", 1, lambda: {"v": "old"})
    clock.now = 2.0  # "old" has expired
    for key in ("a", "b", "c"):
        memo.get(key, 10 + len(key) + ord(key), lambda: {"v": 1})
    assert len(memo) == 4
    memo.get("d", 500, lambda: {"v": "d"})
    assert len(memo) <= 4
    assert memo.ready("old") is None
    assert memo.ready("d") == {"v": "d"}
    for n in range(50):
        memo.get(f"story:{n}", 100 + n, lambda: {"v": 1})
        assert len(memo) <= 4
    assert memo.ready("story:49") == {"v": 1}
