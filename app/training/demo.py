"""Demo training data: the catalogue, order-course employers and openings, enrolments,
a past session with graduates (certificates, referrals), a waiting list, and the demo
trainee enrolled in a course."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app.clock import today, utcnow
from app.demo.seed import SeedContext
from app.employers.models import Employer, Job
from app.extensions import db
from app.registry.models import Worker

from .catalog import load_catalog, resolve_order_links
from .models import Course, CourseSession, Enrolment
from .service import complete, eligibility_problems, enrol

# The catalogue's trades → the employer sectors the pages name in both languages.
_INDUSTRY = {"制造业": "机械制造", "电子信息制造": "电子制造", "建筑业": "建筑施工",
             "家政服务": "家政服务", "养老服务": "养老护理", "电子商务": "零售",
             "乡村电商": "零售", "餐饮服务": "餐饮", "食品加工": "食品加工"}


def _order_employer(course: Course) -> Employer:
    employer = db.session.scalar(
        sa.select(Employer).where(Employer.credit_code == course.order_credit_code))
    if employer is not None:
        return employer
    from app.auth.models import Area
    from app.employers.service import locate

    if not course.order_credit_code:
        raise ValueError(f"order course {course.code} names no employer credit code")
    area = course.order_credit_code[2:8]
    place = locate(area if db.session.get(Area, area) else area[:2] + "0000")
    employer = Employer(name=course.order_employer_name, credit_code=course.order_credit_code,
                        industry=_INDUSTRY.get(course.target_industry, "其他"),
                        province_code=place.province_code,
                        city_code=place.city_code, county_code=place.county_code,
                        region=place.region, contact_name="人事部", status="verified",
                        verified_at=utcnow())
    db.session.add(employer)
    db.session.flush()
    return employer


def _order_job(course: Course, employer: Employer) -> None:
    exists = db.session.scalar(sa.select(Job.id).where(
        Job.employer_id == employer.id, Job.title == course.order_job_title))
    if exists:
        return
    from app.employers.search import refresh_search_text

    last = max((s.end_date for s in course.sessions), default=today())
    job = Job(
        employer_id=employer.id, title=course.order_job_title,
        description=f"订单培训「{course.name}」结业学员定向录用。",
        required_skills=[{"code": course.skills[0], "level": 1}],
        county_code=employer.county_code,
        required_certificates=[course.certificate] if course.certificate else [],
        headcount=course.committed_hires, wage_min=course.wage_min, wage_max=course.wage_max,
        age_min=course.age_min, age_max=course.age_max, province_code=employer.province_code,
        city_code=employer.city_code, region=employer.region, housing=True, meals=True,
        start_date=today() + timedelta(days=14), closing_date=last + timedelta(days=60),
        status="open", published_at=utcnow())
    job.employer = employer
    db.session.add(job)
    db.session.flush()
    refresh_search_text(job)


def _eligible(worker: Worker, session: CourseSession) -> bool:
    return not eligibility_problems(worker, session.course, session.start_date)


def seed_training(ctx: SeedContext) -> None:
    """Catalogue, order links, enrolments, graduates and a waiting list."""
    if db.session.scalar(sa.select(sa.func.count(Course.id))) == 0:
        load_catalog()
    for course in db.session.scalars(sa.select(Course).where(Course.mode == "order")):
        _order_job(course, _order_employer(course))
    resolve_order_links()
    officer = ctx.officers.get("county")
    day = today()
    trainee = ctx.trainee_worker
    seekers = [w for w in db.session.scalars(
        sa.select(Worker).where(Worker.status == "seeking").order_by(Worker.id))
        if w is not trainee]
    ctx.rng.shuffle(seekers)

    # A past session of the Dongguan order class: graduates with certificates and referrals.
    eas = db.session.scalar(sa.select(Course).where(Course.code == "GZ-EAS-01"))
    if eas is not None:
        start = day - timedelta(days=40)
        past = CourseSession(course_id=eas.id, start_date=start,
                             end_date=start + timedelta(days=11), places=12,
                             county_code=eas.county_code)
        db.session.add(past)
        db.session.flush()
        graduates = [w for w in seekers if _eligible(w, past)][:8]
        for i, worker in enumerate(graduates):
            e = enrol(worker, past, by=officer, source="officer", day=start - timedelta(days=7))
            complete(e, passed=i != 7, assessment=str(ctx.rng.randint(62, 95)) if i != 7
                     else "55", by=officer, day=past.end_date)
        seekers = [w for w in seekers if w not in graduates]

    # The demo trainee: enrolled in the maternity-nurse order class.
    if trainee is not None:
        for code in ("GZ-MAT-01", "GZ-HK-02", "GZ-HK-01"):
            found = db.session.scalar(sa.select(Course).where(Course.code == code))
            session = None if found is None else next(
                (s for s in found.sessions if s.open_on(day) and _eligible(trainee, s)), None)
            if session is not None:
                enrol(trainee, session, by=officer, source="officer", day=day)
                break

    # Enrolments across upcoming sessions, and a full small class with a waiting list.
    small = db.session.scalar(sa.select(CourseSession).join(Course).where(
        Course.code == "GZ-ELEC-LV-02", CourseSession.places <= 5))
    if small is not None:
        for worker in [w for w in seekers if _eligible(w, small)][:small.places + 2]:
            enrol(worker, small, by=officer, source="officer", day=day)
            seekers.remove(worker)
    sessions = db.session.scalars(sa.select(CourseSession).where(
        CourseSession.start_date > day, CourseSession.places > 5)).all()
    for worker in seekers[:30]:
        options = [s for s in sessions if _eligible(worker, s)]
        if options and not db.session.scalar(sa.select(Enrolment.id).where(
                Enrolment.worker_id == worker.id).limit(1)):
            enrol(worker, ctx.rng.choice(options), by=officer, source="officer", day=day)
    ctx.echo("training: catalogue loaded, order courses linked, demo enrolments made")
