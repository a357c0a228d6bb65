"""Benchmark matching end to end from the database: profiles, cached index, ranking, batch.

Usage: .venv/bin/python bench/bench_matching_service.py [--jobs 20000] [--workers 5000]
                                                        [--database-url URL]
Without --database-url a fresh SQLite file in a temporary folder is used. Figures go to
bench/README.md by hand.
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
from app.auth.models import Area, User
from app.employers.models import Employer, Job
from app.extensions import db
from app.registry.models import Worker
from app.skills.models import WorkerSkill
from app.skills.taxonomy import default_taxonomy

TODAY = date.today()


def _ms(seconds: float) -> str:
    return f"{1000 * seconds:8.1f} ms"


def timed(fn, repeat: int = 1):
    """(median seconds, last result) of calling fn repeat times."""
    times, out = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), out


def seed(n_jobs: int, n_workers: int, rnd: random.Random) -> None:
    """Employers, open openings and seeking workers, inserted in bulk."""
    tax = default_taxonomy()
    codes = list(tax.codes)
    counties = list(db.session.scalars(sa.select(Area.code).where(
        Area.region == "guizhou", Area.level == "county")))
    far = {r: list(db.session.scalars(sa.select(Area.code).where(
        Area.region == r, Area.level == "county"))) for r in ("yrd", "prd")}
    n_emp = max(1, n_jobs // 20)
    db.session.execute(sa.insert(Employer), [
        {"name": f"企业{i}", "credit_code": f"BENCH{i:013d}", "region": "prd",
         "status": "verified" if i % 50 else "suspended", "arrears_open": i % 37 == 0}
        for i in range(n_emp)])
    emp_ids = list(db.session.scalars(sa.select(Employer.id)))
    jobs = []
    for i in range(n_jobs):
        region = rnd.choices(["guizhou", "yrd", "prd"], [55, 25, 20])[0]
        county = rnd.choice(counties if region == "guizhou" else far[region])
        req = rnd.sample(codes[:60] if rnd.random() < 0.6 else codes, rnd.choice([0, 1, 1, 2]))
        certs = sorted({c for s in req for c in tax.required_certificates(s)})
        wage = rnd.randrange(2500, 9000, 100)
        jobs.append({
            "employer_id": rnd.choice(emp_ids), "title": f"岗位{i}",
            "required_skills": [{"code": c, "text": c, "level": rnd.randint(1, 3)} for c in req],
            "preferred_skills": [], "required_certificates": certs,
            "headcount": rnd.randint(1, 30), "filled": 0, "wage_min": wage,
            "wage_max": wage + 1000, "age_min": 18, "age_max": rnd.choice([40, 50, 60]),
            "province_code": county[:2] + "0000", "county_code": county, "region": region,
            "housing": rnd.random() < 0.5, "meals": rnd.random() < 0.5, "kind": "market",
            "start_date": TODAY + timedelta(days=rnd.randrange(0, 60)),
            "closing_date": TODAY + timedelta(days=90), "status": "open", "search_text": ""})
    for i in range(0, n_jobs, 5000):
        db.session.execute(sa.insert(Job), jobs[i:i + 5000])
    workers = []
    for i in range(n_workers):
        born = date(1970 + rnd.randrange(35), rnd.randint(1, 12), rnd.randint(1, 28))
        workers.append({
            "name": f"工人{i}", "name_pinyin": f"gongren{i}", "name_initials": "gr",
            "id_number": f"B{i:017d}", "id_number_rev": f"B{i:017d}"[::-1],
            "birth_date": born, "sex": "M", "area_code": rnd.choice(counties),
            "category": rnd.choice(["relocated", "general", "graduate", "returnee"]),
            "skills_text": "", "regions_acceptable": rnd.choice(
                [["local", "guizhou"], ["local", "guizhou", "prd", "yrd"], ["any"]]),
            "min_wage": rnd.choice([None, 3000, 4000, 5000]), "job_kinds_wanted": [],
            "status": "seeking"})
    for i in range(0, n_workers, 5000):
        db.session.execute(sa.insert(Worker), workers[i:i + 5000])
    wids = list(db.session.scalars(sa.select(Worker.id)))
    db.session.execute(sa.insert(WorkerSkill), [
        {"worker_id": w, "skill_code": c, "level": rnd.randint(1, 4), "source_text": c,
         "method": "alias", "confidence": 1.0}
        for w in wids for c in rnd.sample(codes[:80], rnd.randint(1, 3))])
    db.session.commit()


def main() -> None:
    """Seed, then time each step and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=5_000)
    parser.add_argument("--database-url", default="")
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="bench_ms_"))
    os.environ["QIANLU_INSTANCE"] = str(tmp)
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench",
                      "SERVER_NAME": "bench.local"})
    from app.matching.profiles import JOB_INDEX, fingerprint
    from app.matching.service import batch_rematch, candidates_for_job, recommend_for_worker

    with app.app_context(), app.test_request_context():
        db.drop_all()
        db.create_all()
        from app.areas.service import load_areas

        load_areas()
        db.session.commit()
        rnd = random.Random(7)
        t, _ = timed(lambda: seed(args.jobs, args.workers, rnd))
        backend = db.engine.dialect.name
        print(f"backend {backend}: seeded {args.jobs} openings, {args.workers} workers "
              f"in {t:.1f}s")
        worker = db.session.scalar(sa.select(Worker).order_by(Worker.id).limit(1))
        officer = User(username="bench", password_hash="x", role="officer", area_code="520000")
        db.session.add(officer)
        db.session.flush()
        officer = db.session.get(User, officer.id)

        t_fp, _ = timed(lambda: fingerprint(TODAY), repeat=20)
        JOB_INDEX.clear()
        t_cold, _ = timed(lambda: JOB_INDEX.get(TODAY))
        t_warm, _ = timed(lambda: JOB_INDEX.get(TODAY), repeat=20)
        t_rec, recs = timed(lambda: recommend_for_worker(worker, k=20, today=TODAY), repeat=20)
        job = db.session.get(Job, recs.matches[0].job.id) if recs.matches else db.session.get(
            Job, 1)
        job.filled = job.filled + 1  # a hire elsewhere: the next call must rebuild
        db.session.flush()
        t_after, _ = timed(lambda: recommend_for_worker(worker, k=20, today=TODAY))
        builds = JOB_INDEX.builds
        db.session.add(Job(employer_id=job.employer_id, title="新岗位", headcount=3,
                           status="open", region="guizhou", wage_min=5000, wage_max=6000,
                           start_date=TODAY, search_text=""))
        db.session.flush()
        t_new, _ = timed(lambda: recommend_for_worker(worker, k=20, today=TODAY))
        assert JOB_INDEX.builds == builds + 1
        t_cand, cands = timed(lambda: candidates_for_job(job, officer, k=20, today=TODAY),
                              repeat=3)
        t_batch, run = timed(lambda: batch_rematch(TODAY, k=10))
        db.session.rollback()
        rows = [
            ("fingerprint check (per call)", _ms(t_fp)),
            ("index build, cold (profiles + JobIndex)", _ms(t_cold)),
            ("index fetch, warm (fingerprint + cache hit)", _ms(t_warm)),
            ("recommend_for_worker, warm, k=20 (end to end)", _ms(t_rec)),
            ("recommend_for_worker after a hire (places left changed)", _ms(t_after)),
            ("recommend_for_worker after a new opening (index rebuilt)", _ms(t_new)),
            (f"candidates_for_job, province officer, pool {cands.considered}", _ms(t_cand)),
            (f"batch_rematch {run.workers} workers x {run.jobs} openings, k=10",
             f"{t_batch:8.1f} s"),
        ]
        print(f"{'step':<58} time")
        for name, value in rows:
            print(f"{name:<58} {value}")
        print(f"matches {len(recs.matches)}, eligible {recs.eligible} of {recs.considered}")


if __name__ == "__main__":
    main()
