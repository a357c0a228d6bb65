"""Queries per request for every page of the load mix, against the province database.

    .venv/bin/python bench/province/querycount.py [--db qianlu_province] [-v] [--runs 3]

Requests go through the Flask test client (CSRF off here: this script counts SQL, the load
test keeps CSRF on) as a county, a prefecture and the province officer. SQLAlchemy's
``before/after_cursor_execute`` events count the statements and time each one; ``-v``
prints the slowest statements of each page. The figures of the last run (warm caches) are
printed; the write requests run once each and are rolled back by nothing: they are real
writes, like the load test's.
"""
from __future__ import annotations

import argparse
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="qianlu_province")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("-v", "--verbose", action="store_true")
    ap.add_argument("--password", default="qianlu2025")
    args = ap.parse_args()
    os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{args.db}"
    os.environ.setdefault("SECRET_KEY", "bench-province")
    import sqlalchemy as sa

    from app import create_app
    from app.extensions import db

    app = create_app()
    app.config["WTF_CSRF_ENABLED"] = False
    stats: list[tuple[str, float]] = []
    starts: dict[int, float] = {}
    with app.app_context():
        engine = db.engine

        @sa.event.listens_for(engine, "before_cursor_execute")
        def _before(conn, cursor, statement, params, context, executemany):
            starts[id(cursor)] = time.perf_counter()

        @sa.event.listens_for(engine, "after_cursor_execute")
        def _after(conn, cursor, statement, params, context, executemany):
            stats.append((statement, time.perf_counter() - starts.pop(id(cursor), 0)))

        q = lambda sql, **kw: db.session.execute(sa.text(sql), kw).all()  # noqa: E731
        county = "520526"  # Weining, Bijie: the largest county
        worker = q("SELECT id FROM worker WHERE area_code = :c AND status = 'seeking' "
                   "ORDER BY id LIMIT 1 OFFSET 100", c=county)[0][0]
        followup = q("SELECT id FROM follow_up WHERE area_code = :c AND status IN "
                     "('due', 'overdue') AND due_date < current_date ORDER BY id DESC LIMIT 1",
                     c=county)[0][0]
        tail = q("SELECT right(id_number, 4) FROM worker WHERE id = :w", w=worker)[0][0]
        db.session.remove()

    pages = [
        ("board", "/jobs"),
        ("board region+wage", "/jobs?region=prd&wage=5000"),
        ("board search 焊工", "/jobs?q=焊工"),
        ("board search hangong p3", "/jobs?q=hangong&page=3"),
        ("workers list", "/registry/workers"),
        ("workers status=seeking", "/registry/workers?status=seeking"),
        ("workers pinyin 'wang'", "/registry/workers?q=wang"),
        ("workers initials 'zs'", "/registry/workers?q=zs"),
        ("workers ID tail", f"/registry/workers?q={tail}"),
        ("worker matches", f"/workers/{worker}/matches"),
        ("follow-ups today", "/followups/?tab=today"),
        ("follow-ups week", "/followups/?tab=week"),
        ("follow-ups overdue", "/followups/?tab=overdue"),
        ("follow-up record page", f"/followups/{followup}"),
        ("dashboard", "/"),
    ]
    users = [("county", f"cnty_{county}"), ("prefecture", "pref_520500"),
             ("province", "prov_520000")]
    print(f"{'page':<26} {'user':<10} {'status':>6} {'queries':>7} {'sql ms':>8} "
          f"{'total ms':>9}")
    for scope, username in users:
        client = app.test_client()
        r = client.post("/auth/login", data={"username": username, "password": args.password})
        assert r.status_code == 302, (username, r.status_code)
        for label, url in pages:
            if scope != "county" and label == "follow-up record page":
                continue
            for _ in range(args.runs):
                stats.clear()
                t = time.perf_counter()
                resp = client.get(url)
                total = time.perf_counter() - t
            sql = sum(s for _, s in stats)
            print(f"{label:<26} {scope:<10} {resp.status_code:>6} {len(stats):>7} "
                  f"{1000 * sql:>8.1f} {1000 * total:>9.1f}")
            if args.verbose:
                shapes = defaultdict(lambda: [0, 0.0])
                for statement, secs in stats:
                    key = re.sub(r"\s+", " ", statement)[:160]
                    shapes[key][0] += 1
                    shapes[key][1] += secs
                for key, (n, secs) in sorted(shapes.items(), key=lambda kv: -kv[1][1])[:4]:
                    print(f"      {n:>3}× {1000 * secs:7.1f} ms  {key}")
    # writes, as the county officer
    client = app.test_client()
    client.post("/auth/login", data={"username": f"cnty_{county}", "password": args.password})
    page = client.get(f"/workers/{worker}/matches").get_data(as_text=True)
    job = re.search(r'name="job_id" value="(\d+)"', page)
    writes = []
    if job:
        writes.append(("refer (POST)", f"/workers/{worker}/refer",
                       {"job_id": job.group(1), "note": ""}))
    writes.append(("follow-up outcome (POST)", f"/followups/{followup}",
                   {"method": "phone", "reached": "yes", "employment": "still",
                    "current_wage": "4200", "satisfaction": "4", "note": "bench"}))
    for label, url, data in writes:
        stats.clear()
        t = time.perf_counter()
        resp = client.post(url, data=data)
        total = time.perf_counter() - t
        sql = sum(s for _, s in stats)
        print(f"{label:<26} {'county':<10} {resp.status_code:>6} {len(stats):>7} "
              f"{1000 * sql:>8.1f} {1000 * total:>9.1f}")
        if args.verbose:
            for statement, secs in sorted(stats, key=lambda s: -s[1])[:4]:
                print(f"      {1000 * secs:7.1f} ms  {re.sub(chr(10), ' ', statement)[:160]}")


if __name__ == "__main__":
    main()
