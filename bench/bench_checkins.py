"""A month's check-ins for N workers employed outside their county, sent through the outbox.

Builds N workers, each with an open self-found job in Dongguan (inserted in chunks), then
times one check-in sweep on the month's sending day: the check-ins and their SMS are
inserted set-wise (INSERT … SELECT), so memory stays flat whatever N is. Reports wall and
CPU time, peak RSS and the load average.

    .venv/bin/python bench/bench_checkins.py --workers 1000000 [--database-url URL]
"""
from __future__ import annotations

import argparse
import os
import resource
import sys
import tempfile
import time
from datetime import date, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

CHUNK = 50_000
SEND = date(2025, 11, 5)


def rss_mb() -> float:
    """Peak resident set size of this process in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build(n: int) -> None:
    """N workers with open records outside their county, chunk by chunk."""
    from app.employment.models import EmploymentRecord
    from app.extensions import db
    from app.registry.models import Worker
    from app.sql import table_of

    workers, records = table_of(Worker), table_of(EmploymentRecord)
    now = datetime(2025, 10, 1)
    for start in range(0, n, CHUNK):
        rows = [{"id": i + 1, "name": f"工{i}", "name_pinyin": f"gong{i}", "name_initials": "g",
                 "id_number": f"B{i:017d}", "id_number_rev": f"{i:017d}B"[::-1],
                 "birth_date": date(1990, 1, 1), "sex": "M", "phone": f"139{i:08d}",
                 "phone_rev": f"139{i:08d}"[::-1], "area_code": "520526", "category": "general",
                 "education": "junior", "skills_text": "", "regions_acceptable": [],
                 "job_kinds_wanted": [], "care_duties": False, "health_notes": "",
                 "preferred_language": "zh", "status": "employed", "status_changed_at": now,
                 "created_at": now, "updated_at": now}
                for i in range(start, min(n, start + CHUNK))]
        db.session.execute(workers.insert(), rows)
        db.session.execute(records.insert(), [
            {"worker_id": r["id"], "area_code": "520526", "employer_name": "长安电子厂",
             "place_code": "441900", "province_code": "440000", "city_code": "441900",
             "place_detail": "", "region": "prd", "sector": "电子制造", "end_reason": "",
             "start_month": date(2025, 6, 1), "found_via": "self", "source": "import",
             "created_at": now} for r in rows])
        db.session.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=1_000_000)
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", ""))
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_checkins_"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    os.environ["QIANLU_INSTANCE"] = str(tmp)
    os.environ.setdefault("SECRET_KEY", "bench")
    from app import create_app
    from app.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        db.drop_all()
        db.create_all()
        from app.areas.service import load_areas

        load_areas()
        db.session.commit()
        t0 = time.perf_counter()
        build(args.workers)
        print(f"built {args.workers:,} workers with jobs outside the county in "
              f"{time.perf_counter() - t0:.1f} s")
        from app.employment.checkins import sweep

        rss_before = rss_mb()
        wall, cpu = time.perf_counter(), time.process_time()
        result = sweep(SEND)
        db.session.commit()
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        print(f"check-in sweep, {args.workers:,} workers: {wall:.1f} s wall, {cpu:.1f} s CPU, "
              f"{result}")
        print(f"peak RSS {rss_mb():.0f} MB (before the sweep {rss_before:.0f} MB)")
        again = time.perf_counter()
        second = sweep(SEND)
        db.session.commit()
        print(f"second sweep the same day: {time.perf_counter() - again:.1f} s, {second}")
    load = os.getloadavg()
    print(f"load {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
