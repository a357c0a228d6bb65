"""Concurrency soak: many clients enrol, hire, lower head-counts, record follow-ups and import
rosters at once, then the invariants are checked.

    python bench/soak_integrity.py --seconds 60 --clients 50 \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/test

Each client is a thread with its own connection and transactions, calling the same services
the views call (the roster import goes through the web upload). Expected refusals (a full
session, an employed worker, a closed follow-up) are counted; anything else is an error.
At the end it prints what each client did, the errors and every broken invariant:
places never below zero or above capacity, counters equal to the rows they count, one
active placement per worker, no duplicate follow-ups or messages. Exit code 1 when any.
``--database-url`` names a server whose database ``qianlu_soak_<pid>`` is created and
dropped; without it, a SQLite file in a temporary folder.
"""
from __future__ import annotations

import argparse
import csv
import io
import os
import random
import sys
import tempfile
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app import create_app  # noqa: E402
from app.extensions import db  # noqa: E402

PASSWORD = "soak-pass-123"
ROSTER_HEAD = ["姓名", "身份证号", "手机号", "户编号", "安置点", "所在县", "人员类别", "文化程度",
               "技能", "意向地区", "最低月薪", "可到岗日期", "照顾家庭", "就业状态"]


def make_database(server_url: str | None, folder: Path) -> tuple[str, object]:
    """A fresh database URL and a function that drops it afterwards."""
    if not server_url:
        return f"sqlite:///{folder / 'soak.db'}", lambda: None
    base = sa.make_url(server_url).set(drivername="postgresql+psycopg")
    name = f"qianlu_soak_{os.getpid()}"
    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}"'))
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return base.set(database=name).render_as_string(hide_password=False), drop


def build_app(url: str, folder: Path, clients: int):
    os.environ["QIANLU_INSTANCE"] = str(folder)
    return create_app({
        "TESTING": True, "SECRET_KEY": "soak", "WTF_CSRF_ENABLED": False,
        "SQLALCHEMY_DATABASE_URI": url, "FIGURES_CACHE_SECONDS": 0,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": clients + 5, "max_overflow": 10,
                                      "pool_timeout": 120},
    })


def seed(app, workers: int = 300, jobs: int = 25, sessions: int = 8) -> dict:
    """Workers, verified employers with small openings, course sessions and an officer."""
    from app.auth.areas import load_areas
    from app.auth.service import create_user
    from app.employers.models import Employer, Job
    from app.registry.demo import demo_id_number
    from app.registry.households import save_site
    from app.registry.models import Worker
    from app.training.models import Course, CourseSession

    with app.app_context():
        db.create_all()
        load_areas()
        officer = create_user("soak_officer", PASSWORD, "officer", area_code="520526")
        save_site({"name": "五里岗安置点", "county_code": "520526"}, officer)
        today = date.today()
        worker_ids = []
        for i in range(workers):
            born = date(1990, 1, 1) + timedelta(days=i // 400)
            id_number = demo_id_number("520526", born, 2 * (i % 400), "M")
            phone = f"1390000{i:04d}"
            w = Worker(name=f"浸泡{i}", name_pinyin=f"jinpao{i}", name_initials="jp",
                       id_number=id_number, id_number_rev=id_number[::-1], birth_date=born,
                       sex="M", area_code="520526", phone=phone, phone_rev=phone[::-1],
                       regions_acceptable=["local", "prd", "yrd"])
            db.session.add(w)
            db.session.flush()
            worker_ids.append(w.id)
        job_ids = []
        for i in range(jobs):
            employer = Employer(name=f"浸泡企业{i}", credit_code=f"SOAK{i:014d}",
                                province_code="440000", city_code="441900", region="prd",
                                status="verified")
            db.session.add(employer)
            db.session.flush()
            job = Job(employer_id=employer.id, title="普工",
                      headcount=random.Random(i).randint(2, 6), status="open",
                      province_code="440000", city_code="441900", region="prd",
                      start_date=today, closing_date=today + timedelta(days=60))
            db.session.add(job)
            db.session.flush()
            job_ids.append(job.id)
        session_ids = []
        for i in range(sessions):
            course = Course(code=f"SOAK-{i}", name=f"浸泡课程{i}", name_en=f"Soak {i}",
                            mode="general", skills=[], provider="测试学校", county_code="520526",
                            days=10, hours=80, cost=0, subsidy=0, age_min=16, age_max=60,
                            min_education="none", categories=[])
            db.session.add(course)
            db.session.flush()
            for k in range(2):  # two sessions of each course, at different times
                start = today + timedelta(days=10 + 40 * k)
                s = CourseSession(course_id=course.id, start_date=start,
                                  end_date=start + timedelta(days=13), places=5 + i,
                                  county_code="520526")
                db.session.add(s)
                db.session.flush()
                session_ids.append(s.id)
        db.session.commit()
        db.session.remove()
    return {"workers": worker_ids, "jobs": job_ids, "sessions": session_ids}


class Client(threading.Thread):
    """One client: a loop of random actions until the deadline, each in its own transaction."""

    def __init__(self, app, ids: dict, number: int, deadline: float) -> None:
        super().__init__(name=f"client-{number}")
        self.app, self.ids, self.deadline = app, ids, deadline
        self.rng = random.Random(number)
        self.number = number
        self.done: Counter = Counter()
        self.errors: list[str] = []

    def run(self) -> None:
        actions = [(self.enrol, 30), (self.withdraw, 8), (self.refer_and_hire, 25),
                   (self.lower_headcount, 7), (self.record_followup, 20), (self.import_roster, 3)]
        population = [a for a, weight in actions for _ in range(weight)]
        while time.monotonic() < self.deadline:
            action = self.rng.choice(population)
            with self.app.app_context():
                try:
                    outcome = action()
                    db.session.commit()
                except Exception as exc:  # noqa: BLE001 - sorted below: refusal or error
                    db.session.rollback()
                    outcome = self._refusal(exc)
                finally:
                    db.session.remove()
            self.done[f"{action.__name__}:{outcome}"] += 1

    def _refusal(self, exc: Exception) -> str:
        from app.errors_domain import DomainError

        if isinstance(exc, DomainError):
            return exc.code or "refused"
        self.errors.append(f"{type(exc).__name__}: {str(exc)[:800]}")
        return "ERROR"

    def enrol(self) -> str:
        from app.registry.models import Worker
        from app.training.models import CourseSession
        from app.training.service import enrol

        worker = db.session.get(Worker, self.rng.choice(self.ids["workers"]))
        session = db.session.get(CourseSession, self.rng.choice(self.ids["sessions"]))
        return enrol(worker, session, by=None).status

    def withdraw(self) -> str:
        from app.training.models import Enrolment
        from app.training.service import withdraw

        enrolment = db.session.scalar(sa.select(Enrolment).where(
            Enrolment.status.in_(("enrolled", "waitlisted"))).order_by(sa.func.random())
            .limit(1))
        if enrolment is None:
            return "none"
        withdraw(enrolment, by=None, reason="soak")
        return "withdrawn"

    def refer_and_hire(self) -> str:
        from app.employers.models import Job
        from app.placements.service import confirm_hire, refer
        from app.registry.models import Worker

        worker = db.session.get(Worker, self.rng.choice(self.ids["workers"]))
        job = db.session.get(Job, self.rng.choice(self.ids["jobs"]))
        referral = refer(worker, job, by=None)
        db.session.commit()
        confirm_hire(referral, start_date=date.today(), monthly_wage=5000, by=None)
        return "hired"

    def lower_headcount(self) -> str:
        from app.employers.jobs import JobData, update_job
        from app.employers.models import Job

        job = db.session.get(Job, self.rng.choice(self.ids["jobs"]))
        data = JobData.from_job(job)
        data.headcount = max(1, job.filled or 1)
        update_job(job, data, None)
        return "lowered"

    def record_followup(self) -> str:
        from app.placements.followup_models import FollowUp
        from app.placements.outcomes import Outcome, record_outcome

        fu = db.session.scalar(sa.select(FollowUp).where(FollowUp.status.in_(("due",)))
                               .order_by(sa.func.random()).limit(1))
        if fu is None:
            return "none"
        left = self.rng.random() < 0.3
        outcome = Outcome("phone", True, "left" if left else "still",
                          left_date=fu.placement.start_date if left else None,
                          left_reason="soak" if left else "")
        record_outcome(fu, outcome, by=None, today=fu.placement.start_date)
        return "left" if left else "still"

    def import_roster(self) -> str:
        from app.registry.demo import demo_id_number

        client = self.app.test_client()
        client.post("/auth/login", data={"username": "soak_officer", "password": PASSWORD})
        text = io.StringIO()
        writer = csv.writer(text)
        writer.writerow(ROSTER_HEAD)
        base = 100_000 + self.number * 10_000 + self.rng.randrange(9_000)
        for i in range(5):
            n = base + i
            born = date(1970, 1, 1) + timedelta(days=n // 400)
            writer.writerow([f"导入{n}", demo_id_number("520526", born, 2 * (n % 400), "M"),
                             "", "", "五里岗安置点", "", "易地搬迁", "初中", "电焊", "省内",
                             "4000", "", "否", "求职中"])
        response = client.post("/registry/import", content_type="multipart/form-data", data={
            "file": (io.BytesIO(text.getvalue().encode("utf-8-sig")), "soak.csv")})
        if response.status_code >= 500:
            raise RuntimeError(f"roster import answered {response.status_code}")
        return str(response.status_code)


def invariants(app) -> list[str]:
    """Every broken invariant, in words (empty when all hold)."""
    checks = {
        "a session's places below zero or above capacity":
            "SELECT id FROM course_session WHERE enrolled < 0 OR enrolled > places",
        "a session's counter differs from its enrolled rows":
            "SELECT s.id FROM course_session s WHERE s.enrolled <> (SELECT count(*) FROM "
            "enrolment e WHERE e.session_id = s.id AND e.status = 'enrolled')",
        "a worker active in two sessions of one course":
            "SELECT worker_id FROM enrolment WHERE status IN ('enrolled', 'waitlisted') "
            "GROUP BY worker_id, course_id HAVING count(*) > 1",
        "an opening filled below zero or above its head-count":
            "SELECT id FROM job WHERE filled < 0 OR filled > headcount",
        "an opening's filled count differs from its placements":
            "SELECT j.id FROM job j WHERE j.filled <> (SELECT count(*) FROM placement p "
            "WHERE p.job_id = j.id)",
        "a worker with two active placements":
            "SELECT worker_id FROM placement WHERE status = 'active' GROUP BY worker_id "
            "HAVING count(*) > 1",
        "an employed worker without an active placement":
            "SELECT w.id FROM worker w WHERE w.status = 'employed' AND NOT EXISTS (SELECT 1 "
            "FROM placement p WHERE p.worker_id = w.id AND p.status = 'active')",
        "a duplicate follow-up":
            "SELECT placement_id FROM follow_up GROUP BY placement_id, kind, slot "
            "HAVING count(*) > 1",
        "a placement without follow-ups":
            "SELECT p.id FROM placement p WHERE NOT EXISTS (SELECT 1 FROM follow_up f "
            "WHERE f.placement_id = p.id)",
        "a duplicate message":
            "SELECT dedupe_key FROM notification GROUP BY dedupe_key HAVING count(*) > 1",
        "a referral hired twice for one worker and opening":
            "SELECT worker_id FROM referral GROUP BY worker_id, job_id HAVING count(*) > 1",
    }
    broken = []
    with app.app_context():
        for words, sql in checks.items():
            rows = db.session.execute(sa.text(sql)).scalars().all()
            if rows:
                broken.append(f"{words}: {sorted(rows)[:10]}")
        db.session.remove()
    return broken


def soak(server_url: str | None, seconds: float, clients: int) -> dict:
    """Run the soak; returns counts, errors and broken invariants."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        url, drop = make_database(server_url, folder)
        app = build_app(url, folder, clients)
        try:
            ids = seed(app)
            deadline = time.monotonic() + seconds
            threads = [Client(app, ids, n, deadline) for n in range(clients)]
            cpu0, wall0 = time.process_time(), time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(timeout=seconds + 300)
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            done: Counter = Counter()
            for t in threads:
                done.update(t.done)
            result = {"done": done, "errors": [e for t in threads for e in t.errors],
                      "broken": invariants(app), "wall": wall, "cpu": cpu,
                      "backend": sa.make_url(url).get_backend_name()}
        finally:
            with app.app_context():
                db.engine.dispose()
            drop()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--database-url", default=os.environ.get("TEST_DATABASE_URL", ""))
    args = parser.parse_args()
    load = os.getloadavg()
    result = soak(args.database_url or None, args.seconds, args.clients)
    total = sum(result["done"].values())
    print(f"soak: {args.clients} clients × {args.seconds:.0f} s on {result['backend']}; "
          f"load average at start {load[0]:.2f}")
    print(f"actions: {total} in {result['wall']:.1f} s ({total / result['wall']:.0f}/s), "
          f"soak process CPU {result['cpu']:.1f} s")
    for key, n in sorted(result["done"].items()):
        print(f"  {key:40s} {n}")
    print(f"errors: {len(result['errors'])}")
    for line in result["errors"][:20]:
        print("  " + line)
    print(f"broken invariants: {len(result['broken'])}")
    for line in result["broken"]:
        print("  " + line)
    return 1 if result["errors"] or result["broken"] else 0


if __name__ == "__main__":
    sys.exit(main())
