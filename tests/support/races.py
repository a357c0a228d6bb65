"""Real races: many threads, each with its own connection, released at the same moment."""
from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from app.areas.service import load_areas
from app.errors_domain import DomainError
from app.extensions import db
from tests.conftest import backend_url, make_app


def race_app(backend: str, tmp_path: Any, name: str, pool: int) -> Any:
    """An app on its own database (real commits) with a connection for every thread."""
    app = make_app(backend_url(backend, tmp_path, name), tmp_path,
                   SQLALCHEMY_ENGINE_OPTIONS={"pool_size": pool, "max_overflow": 5,
                                              "pool_timeout": 120})
    with app.app_context():
        db.create_all()
        load_areas()
        db.session.commit()
        db.session.remove()
    return app


def dispose(app: Any) -> None:
    """Close an app's own database connections (its database is dropped at session end)."""
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def at_once(n: int, fn: Callable[[int], Any]) -> list[Any]:
    """``fn(i)`` for i in 0…n-1, each in its own thread, all released together (the wait
    comes before any query: on SQLite a transaction begun IMMEDIATE would block the rest)."""
    barrier = threading.Barrier(n)
    results: list[Any] = []
    lock = threading.Lock()

    def run(i: int) -> None:
        barrier.wait(timeout=60)
        result = fn(i)
        with lock:
            results.append(result)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    return results


def outcome(app: Any, action: Callable[[], Any]) -> Any:
    """Run a service ``action`` in its own transaction: what it returned (or "ok") after
    the commit, or the refusal's code after the rollback."""
    with app.app_context():
        try:
            result = action()
            db.session.commit()
            return "ok" if result is None else result
        except DomainError as exc:
            db.session.rollback()
            return exc.code
        finally:
            db.session.remove()


def second_while_first_holds(monkeypatch: Any, module: Any, step: str,
                             run: Callable[[], Any]) -> tuple[Any, Any]:
    """Two instances of a scheduled task, the second started while the first is inside
    ``module.step`` (patched to wait there until the second has finished trying: no timing
    guesswork under load). Returns what ``run()`` returned in the first and the second."""
    original = getattr(module, step)
    inside, second_tried = threading.Event(), threading.Event()

    def held(*args: Any, **kwargs: Any) -> Any:
        result = original(*args, **kwargs)  # done, not yet committed
        inside.set()
        assert second_tried.wait(timeout=60)  # the other instance tries meanwhile
        return result

    monkeypatch.setattr(module, step, held)
    results: dict[str, Any] = {}

    def instance(tag: str) -> None:
        results[tag] = run()
        if tag == "second":
            second_tried.set()

    first = threading.Thread(target=instance, args=("first",))
    first.start()
    assert inside.wait(timeout=30)
    second = threading.Thread(target=instance, args=("second",))
    second.start()
    for t in (first, second):
        t.join(timeout=90)
    monkeypatch.setattr(module, step, original)
    return results.get("first"), results.get("second")
