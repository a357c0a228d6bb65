"""RecentCache (app.freshness) under threads: one computation per missing value, and stale
values served while one thread refreshes (no app context: a plain per-process cache)."""
from __future__ import annotations

import threading
import time

from app.freshness import RecentCache


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

    cache: RecentCache[int] = RecentCache((), lambda: 3600.0)
    assert _run(8, lambda: cache.get("k", slow)) == [42] * 8
    assert len(calls) == 1


def test_a_too_old_value_is_served_while_one_thread_refreshes_it():
    age = {"max": 3600.0}
    version = {"n": 1}
    release = threading.Event()

    def compute() -> int:
        if version["n"] > 1:
            release.wait(5)  # the refresh is slow
        return version["n"]

    cache: RecentCache[int] = RecentCache((), lambda: age["max"], serve_stale=True)
    assert cache.get("k", compute) == 1
    age["max"], version["n"] = 0.0, 2
    refresher = threading.Thread(target=lambda: cache.get("k", compute))
    refresher.start()
    time.sleep(0.05)  # the refresher holds the key
    started = time.monotonic()
    assert _run(4, lambda: cache.get("k", compute)) == [1, 1, 1, 1]  # the old value…
    assert time.monotonic() - started < 1  # …at once, nobody waits for the refresh
    release.set()
    refresher.join()
    age["max"] = 3600.0
    assert cache.get("k", compute) == 2


def test_without_serve_stale_a_too_old_value_is_never_served():
    age = {"max": 3600.0}
    version = {"n": 1}
    cache: RecentCache[int] = RecentCache((), lambda: age["max"])
    assert cache.get("k", lambda: version["n"]) == 1
    age["max"], version["n"] = 0.0, 2
    assert _run(3, lambda: cache.get("k", lambda: version["n"])) == [2, 2, 2]
