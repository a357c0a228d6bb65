"""Cache (app.freshness) under threads: one computation per missing value, and stale
values served while one thread refreshes (no app context: a plain per-process cache). The
cache's clock is the test's, moved by hand."""
from __future__ import annotations

import threading
import time

from app.freshness import Cache


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _run(threads: int, target) -> list:
    out: list = []
    workers = [threading.Thread(target=lambda: out.append(target())) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    return out


def test_a_missing_value_is_computed_by_one_thread_while_the_others_wait():
    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.2)
        return 42

    cache: Cache[int] = Cache(max_age=3600.0)
    assert _run(8, lambda: cache.get("k", slow)) == [42] * 8
    assert len(calls) == 1


def test_a_too_old_value_is_served_while_one_thread_refreshes_it():
    clock = _Clock()
    version = {"n": 1}
    refreshing, release = threading.Event(), threading.Event()

    def compute() -> int:
        if version["n"] > 1:
            refreshing.set()
            release.wait(5)  # the refresh is slow
        return version["n"]

    cache: Cache[int] = Cache(max_age=60.0, serve_stale=True, clock=clock)
    assert cache.get("k", compute) == 1
    clock.now, version["n"] = 61.0, 2
    refresher = threading.Thread(target=lambda: cache.get("k", compute))
    refresher.start()
    assert refreshing.wait(5)  # the refresher holds the key
    assert _run(4, lambda: cache.get("k", compute)) == [1, 1, 1, 1]  # the old value, at
    release.set()                                                    # once: nobody waited
    refresher.join()
    assert cache.get("k", compute) == 2


def test_without_serve_stale_a_too_old_value_is_never_served():
    clock = _Clock()
    version = {"n": 1}
    cache: Cache[int] = Cache(max_age=60.0, clock=clock)
    assert cache.get("k", lambda: version["n"]) == 1
    clock.now, version["n"] = 59.0, 2
    assert cache.get("k", lambda: version["n"]) == 1
    clock.now = 60.0
    assert _run(3, lambda: cache.get("k", lambda: version["n"])) == [2, 2, 2]
