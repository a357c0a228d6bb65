"""Benchmark the public job board on 20,000 open openings; prints timings per request.

Usage: .venv/bin/python bench/bench_board.py [--jobs 20000] [--pg] [--repeat 7]

The database is built once (SQLite in a temporary folder; with --pg a fresh database
derived from TEST_DATABASE_URL), then every board request is sent through the Flask test
client, so the figures include query, template rendering and search-term resolution.
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import sqlalchemy as sa

from app import create_app
from app.clock import utcnow
from app.extensions import db

TITLES = [
    ("电子厂普工", "general_worker"), ("手机装配操作员", "electronics_assembly"),
    ("电焊工", "welder"), ("二保焊焊工", "welder"), ("钢筋工", "rebar_worker"),
    ("叉车司机", "forklift_driver"), ("快递分拣员", "picker"), ("平车车位工", "sewing"),
    ("养老护理员", "elder_care"), ("住家保姆", "housekeeper"), ("中餐厨师", "cook"),
    ("餐厅服务员", "waiter"), ("茶叶加工工", "tea_processing"), ("辣椒加工工", "chili_processing"),
    ("民宿服务员", "homestay_attendant"), ("仓库管理员", "warehouse_keeper"),
    ("品质检验员", "quality_inspector"), ("水电安装工", "plumber_electrician"),
    ("保洁员", "cleaner"), ("数控车床操作工", "cnc_operator"),
]
PLACES = ["441900", "440306", "440307", "442000", "440606", "310117", "310115", "320500",
          "330100", "330200", "520115", "520328", "520526", "522601", "520502"]
WANTED = 20_000


def build(app, n_jobs: int, seed: int = 7) -> dict:
    """Employers and openings straight into the tables (the search text as the service
    builds it); returns a few values the requests use."""
    from app.auth.areas import load_areas
    from app.employers.models import Employer, Job
    from app.employers.search import build_search_text
    from app.employers.service import locate

    rnd = random.Random(seed)
    with app.app_context():
        db.create_all()
        load_areas()
        places = {code: locate(code) for code in PLACES}
        employers = []
        for i in range(400):
            place = places[rnd.choice(PLACES)]
            employers.append({
                "name": f"基准测试{i:03d}号{rnd.choice(['电子', '制衣', '物流', '建设'])}有限公司",
                "credit_code": f"BENCH{i:013d}", "industry": "电子制造",
                "province_code": place.province_code, "city_code": place.city_code,
                "county_code": place.county_code, "region": place.region,
                "status": "suspended" if i % 50 == 0 else "verified",
                "created_at": utcnow(), "labour_coop": False, "arrears_open": False,
                "address": "", "contact_name": "", "contact_phone": "", "status_reason": ""})
        db.session.execute(sa.insert(Employer), employers)
        ids = {e.name: e.id for e in db.session.scalars(sa.select(Employer))}
        names = list(ids)
        today = date.today()
        rows = []
        total = int(n_jobs * 1.15)  # plus drafts, closed and lapsed ones that must not show
        for i in range(total):
            title, occ = rnd.choice(TITLES)
            place = places[rnd.choice(PLACES)]
            name = rnd.choice(names)
            lo = rnd.randrange(2500, 7000, 100)
            roll = rnd.random()
            status = "open" if i < n_jobs else rnd.choice(["draft", "closed", "expired"])
            job = Job(title=title, occupation_code=occ, occupation_text="",
                      required_skills=[{"code": occ, "text": title, "level": 2}])
            rows.append({
                "employer_id": ids[name], "title": title, "occupation_code": occ,
                "occupation_text": "", "description": "", "required_skills":
                job.required_skills, "preferred_skills": [], "required_certificates": [],
                "headcount": rnd.choice([5, 10, 20]), "filled": 0, "wage_min": lo,
                "wage_max": lo + rnd.randrange(500, 3000, 100), "piece_rate": roll < 0.05,
                "wage_note": "", "age_min": 18, "age_max": 50, "min_education": "none",
                "province_code": place.province_code, "city_code": place.city_code,
                "county_code": place.county_code, "region": place.region,
                "housing": roll < 0.6, "meals": roll < 0.7, "shifts": "", "kind":
                "public_welfare" if roll > 0.97 else "market",
                "eligibility_county_code": "520526" if roll > 0.97 else None,
                "status": status, "closing_date": today + timedelta(days=rnd.randint(1, 90)),
                "search_text": build_search_text(job, name), "created_at": utcnow(),
                "updated_at": utcnow(),
                "published_at": utcnow() - timedelta(minutes=rnd.randint(0, 60 * 24 * 60))})
        for start in range(0, len(rows), 2000):
            db.session.execute(sa.insert(Job), rows[start:start + 2000])
        db.session.commit()
        if db.engine.dialect.name == "postgresql":
            # autovacuum analyses a table this size within a minute of loading it
            with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(sa.text("ANALYZE"))
        some_job = db.session.scalar(sa.select(Job.id).where(Job.status == "open").limit(1))
        return {"employer": names[1][:8], "job": some_job}


def main() -> int:
    """Build the data, time every request, print a table."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=WANTED)
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--pg", action="store_true", help="PostgreSQL from TEST_DATABASE_URL")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_board_"))
    os.environ.setdefault("SECRET_KEY", "bench")
    os.environ["QIANLU_INSTANCE"] = str(tmp)
    if args.pg:
        from tests.conftest import pg_database_url

        url = pg_database_url("qianlu_bench_board")
    else:
        url = f"sqlite:///{tmp / 'board.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "TESTING": True})
    t0 = time.perf_counter()
    info = build(app, args.jobs)
    print(f"backend: {sa.make_url(url).get_backend_name()}; built {args.jobs:,} open openings "
          f"(+15% not open) in {time.perf_counter() - t0:.1f}s")
    client = app.test_client()
    requests = [
        ("board, page 1", "/jobs"),
        ("board, page 500", "/jobs?page=500"),
        ("region=prd", "/jobs?region=prd"),
        ("city=441900 & wage>=6000", "/jobs?city=441900&wage=6000"),
        ("kind=public_welfare", "/jobs?kind=public_welfare"),
        ("occupation=welder & housing", "/jobs?occupation=welder&housing=1"),
        ("search 焊工", "/jobs?q=焊工"),
        ("search hangong", "/jobs?q=hangong"),
        ("search 电焊", "/jobs?q=电焊"),
        ("search 汗工 (homophone typo)", "/jobs?q=汗工"),
        ("search employer name", f"/jobs?q={info['employer']}"),
        ("search 普工 & region=yrd", "/jobs?q=普工&region=yrd"),
        ("search with no hit", "/jobs?q=宇航员"),
        ("opening page", f"/jobs/{info['job']}"),
    ]
    with app.app_context():
        client.get("/jobs?q=焊工")  # warm the taxonomy and text index once
        print(f"{'request':<34} {'median ms':>10} {'max ms':>8} {'results':>8}")
        for label, url_ in requests:
            times = []
            for _ in range(args.repeat):
                t = time.perf_counter()
                resp = client.get(url_)
                times.append((time.perf_counter() - t) * 1000)
                assert resp.status_code == 200, (url_, resp.status_code)
            body = resp.get_data(as_text=True)
            marker = "个在招岗位"
            count = body.split(marker)[0].rsplit(">", 1)[-1].strip() if marker in body else "-"
            print(f"{label:<34} {statistics.median(times):>10.1f} {max(times):>8.1f} "
                  f"{count:>8}")
        db.session.remove()
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
