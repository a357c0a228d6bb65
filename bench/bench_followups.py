"""Benchmark: the follow-up sweep over 1,000,000 follow-ups on PostgreSQL.

    TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test \
        .venv/bin/python bench/bench_followups.py [--followups 1000000]

Builds a fresh database ``qianlu_bench_followups`` (dropped first): 50,000 workers,
250,000 placements started over the past 400 days and four follow-ups each, generated
set-wise in SQL. Then times the sweep on a day inside the Spring Festival window (the
worst case: every placement active before the festival gets its back-to-work row), and
a second, steady-state sweep the same day. Figures go in bench/README.md.
"""
from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import sqlalchemy as sa  # noqa: E402

TODAY = date(2026, 1, 12)  # an ordinary Monday, before the Spring Festival window opens
FESTIVAL_DAY = date(2026, 1, 19)  # first weekday of the window (2026 Spring Festival 17 Feb)


def _setup(url: str, n_followups: int):
    from app.auth.areas import load_areas
    from app.extensions import db
    from app.registry.models import Worker
    from tests.conftest import make_app

    app = make_app(url, Path(tempfile.mkdtemp()))
    n_placements = n_followups // 4
    n_workers = max(1, n_placements // 5)
    with app.app_context():
        db.create_all()
        load_areas()
        db.session.commit()
        t = time.perf_counter()
        counties = ["520526", "520115", "520102", "520324", "522701"]
        rows = [{"name": f"工{i}", "name_pinyin": f"gong{i}", "name_initials": "g",
                 "id_number": f"B{i:017d}", "id_number_rev": f"{i:017d}B"[::-1],
                 "birth_date": date(1990, 1, 1), "sex": "M", "phone": f"139{i:08d}",
                 "phone_rev": f"139{i:08d}"[::-1], "area_code": counties[i % 5],
                 "status": "employed"} for i in range(n_workers)]
        db.session.execute(sa.insert(Worker), rows)
        db.session.commit()
        print(f"workers: {n_workers:,} in {time.perf_counter() - t:.1f} s")
        t = time.perf_counter()
        db.session.execute(sa.text(f"""
            INSERT INTO placement (worker_id, area_code, region, local, start_date, status,
                                   end_reason, end_kind, employer_name, created_at)
            SELECT w.id, w.area_code, 'prd', false,
                   CAST(:today AS date) - ((g * 7919) % 400), 'active', '', '', '', now()
            FROM generate_series(1, {n_placements}) AS g
            JOIN worker w ON w.id = 1 + (g % {n_workers})
        """), {"today": TODAY})
        db.session.execute(sa.text("""
            INSERT INTO follow_up (placement_id, worker_id, area_code, kind, slot, due_date,
                                   status, failed_attempts, new_employer_name, left_reason,
                                   issues, note, created_at)
            SELECT p.id, p.worker_id, p.area_code, 'day', o.offset_days,
                   p.start_date + o.offset_days, 'due', 0, '', '', '[]', '', now()
            FROM placement p CROSS JOIN (VALUES (7), (30), (90), (180)) AS o(offset_days)
        """))
        # what a running office looks like: older follow-ups were recorded or marked overdue
        db.session.execute(sa.text("""
            UPDATE follow_up SET status = CASE WHEN id % 10 < 8 THEN 'done' ELSE 'overdue' END
            WHERE due_date < CAST(:yesterday AS date)
        """), {"yesterday": TODAY - timedelta(days=1)})
        db.session.commit()
        print(f"placements: {n_placements:,}, follow-ups: {n_followups:,} "
              f"in {time.perf_counter() - t:.1f} s")
    with app.app_context():
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE"))
    return app


def _timed_sweep(app, label: str, today: date) -> float:
    from app.extensions import db
    from app.placements import followups

    with app.app_context():
        parts = {}
        t0 = time.perf_counter()
        for name, fn in (("festival_created", followups.create_festival_followups),
                         ("marked_overdue", followups.mark_overdue),
                         ("worker_reminders", followups.queue_worker_reminders),
                         ("officer_digests", followups.queue_officer_digests)):
            t = time.perf_counter()
            rows = fn(today)
            parts[name] = (rows, time.perf_counter() - t)
        db.session.commit()
        total = time.perf_counter() - t0
        db.session.remove()
    print(f"\n{label}: {total:.2f} s (including commit)")
    for name, (rows, seconds) in parts.items():
        print(f"  {name:<18} {rows:>9,} rows  {seconds:6.2f} s")
    return total


def main() -> int:
    """Build the data, sweep twice, print the figures."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--followups", type=int, default=1_000_000)
    args = parser.parse_args()
    base = os.environ.get("TEST_DATABASE_URL") or os.environ.get("BENCH_DATABASE_URL")
    if not base or not base.startswith("postgresql"):
        print("set TEST_DATABASE_URL to a PostgreSQL URL")
        return 2
    os.environ["TEST_DATABASE_URL"] = base
    from tests.conftest import pg_database_url

    app = _setup(pg_database_url("qianlu_bench_followups"), args.followups)
    daily = _timed_sweep(app, f"ordinary day {TODAY}: the day's follow-ups fall due", TODAY)
    again = _timed_sweep(app, "the next sweep 15 minutes later (nothing to do)", TODAY)
    window = _timed_sweep(app, f"{FESTIVAL_DAY}: a week down + the festival window opens",
                          FESTIVAL_DAY)
    from app.extensions import db

    with app.app_context():  # worst case: nothing was ever marked (an imported backlog)
        db.session.execute(sa.text("UPDATE follow_up SET status = 'due' "
                                   "WHERE status IN ('overdue', 'done')"))
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(sa.text("VACUUM ANALYZE follow_up"))
    runs = []
    while True:  # each run is bounded; repeat as the scheduler would, every 15 minutes
        seconds = _timed_sweep(app, f"backlog run {len(runs) + 1}", FESTIVAL_DAY)
        runs.append(seconds)
        with app.app_context():
            left = db.session.scalar(sa.text(
                "SELECT count(*) FROM follow_up WHERE status = 'due' AND due_date < :d"),
                {"d": FESTIVAL_DAY})
            db.session.remove()
        if not left or len(runs) > 20:
            break
    ok = max([daily, window, *runs]) < 10.0
    print(f"\nsweep over {args.followups:,} follow-ups: ordinary day {daily:.2f} s, "
          f"idle {again:.2f} s, festival window + catch-up {window:.2f} s; an untouched "
          f"backlog clears in {len(runs)} runs, longest {max(runs):.2f} s, "
          f"total {sum(runs):.2f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
