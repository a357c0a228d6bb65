"""Course recommendations: which courses would unlock openings for a worker, and which
workers a course session should invite.

An opening is *unlocked* by a course when the worker is ruled out of it only for reasons
training fixes (missing or expired certificate, skill gap — the matching service's
``trainable_openings``) and the course supplies every missing certificate and skill.
:func:`rank_courses` is pure; the functions below it read the database.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.scoping import visible
from app.clock import today
from app.extensions import db
from app.matching.profiles import worker_profile, worker_profiles, workers_stmt
from app.matching.service import lang, trainable_openings
from app.registry.models import EDUCATION_RANK, Household, Worker
from app.skills.taxonomy import Taxonomy, default_taxonomy

from .models import ACTIVE_ENROLMENT, Course, CourseSession, Enrolment, EnrolmentStatus
from .service import eligibility_problems


@dataclass(frozen=True)
class Gap:
    """An opening the worker misses only for the certificate/skill codes in ``needs``."""

    job_id: int
    needs: frozenset[str]
    wage_min: int = 0
    wage_max: int = 0


@dataclass(frozen=True)
class Offer:
    """A course as the ranking sees it."""

    course_id: int
    gives: frozenset[str]  # skill codes taught and the certificate awarded
    order: bool = False
    order_places: int = 0  # committed hires still open (order courses)
    interest: float = 0.0  # 0..1 fit with the worker's skills and place


@dataclass(frozen=True)
class Ranked:
    """A course's standing for one worker."""

    course_id: int
    unlocked: tuple[int, ...]
    order_places: int
    wage_min: int
    wage_max: int
    interest: float
    order_first: bool

    @property
    def key(self) -> tuple:
        """Sort key, best first when sorted descending."""
        return (self.order_first, len(self.unlocked), self.order_places, self.wage_max,
                self.interest)


def rank_courses(gaps: list[Gap], offers: list[Offer], *, keep_unhelpful: float = 0.5
                 ) -> list[Ranked]:
    """Rank courses: order courses with committed hires that unlock openings first, then the
    number of unlocked openings and their wages, then fit with the worker's interests.

    Courses that unlock nothing are kept only when their interest reaches ``keep_unhelpful``.
    """
    out = []
    for offer in offers:
        unlocked = [g for g in gaps if g.needs and g.needs <= offer.gives]
        if not unlocked and offer.interest < keep_unhelpful:
            continue
        lows = [g.wage_min for g in unlocked if g.wage_min]
        highs = [g.wage_max or g.wage_min for g in unlocked if g.wage_max or g.wage_min]
        out.append(Ranked(
            offer.course_id, tuple(g.job_id for g in unlocked),
            offer.order_places if offer.order else 0, min(lows, default=0),
            max(highs, default=0), offer.interest,
            offer.order and offer.order_places > 0 and bool(unlocked)))
    return sorted(out, key=lambda r: r.key, reverse=True)


def _money(n: int) -> str:
    return f"{n:,}"


def explain(r: Ranked, course: Course) -> str:
    """'学完可匹配 12 个岗位（订单岗位 5 个），月薪 4,500–6,000 元' and the like."""
    parts = []
    if r.unlocked:
        if r.order_places:
            parts.append(_("Openings you would match after the course: %(n)d (order places: "
                           "%(m)d)", n=len(r.unlocked), m=r.order_places))
        else:
            parts.append(_("Openings you would match after the course: %(n)d",
                           n=len(r.unlocked)))
        if r.wage_max:
            parts.append(_("monthly wage %(low)s–%(high)s CNY",
                           low=_money(r.wage_min or r.wage_max), high=_money(r.wage_max)))
    elif course.is_order and course.committed_hires:
        parts.append(_("Order course: %(m)d trainees are promised jobs", m=course.committed_hires))
    else:
        parts.append(_("Fits the skills you have or want"))
    return _("; ").join(parts) if len(parts) > 1 else parts[0]


# ---- database side ----------------------------------------------------------------------


@dataclass
class CourseSuggestion:
    """A course recommended to a worker, with the session to join and the explanation."""

    course: Course
    session: CourseSession
    ranked: Ranked
    explanation: str
    unlocked_jobs: list = field(default_factory=list)


def worker_skill_codes(worker: Worker) -> set[str]:
    """Canonical skills the worker has (resolved rows, else resolved text)."""
    return {code for code, _ in worker_profile(worker).skills}


def _interest(course: Course, skills: set[str], worker: Worker, tax: Taxonomy) -> float:
    related = max((tax.transfer(a, b) for a in course.skills for b in skills if a in tax
                   and b in tax), default=0.0)
    local = 1.0 if course.county_code == worker.area_code else (
        0.5 if course.county_code[:4] == worker.area_code[:4] else 0.0)
    return round(0.6 * related + 0.4 * local, 3)


def _order_places(course: Course, day: date) -> int:
    if not course.is_order:
        return 0
    if course.job is not None:
        if not course.job.is_open_on(day):
            return 0
        left = course.job.remaining  # None: no fixed head-count (若干)
        return course.committed_hires if left is None else min(course.committed_hires, left)
    return course.committed_hires


def next_session_for(worker: Worker, course: Course, day: date) -> CourseSession | None:
    """The earliest upcoming session of the course the worker is eligible for."""
    for session in course.sessions:
        if session.open_on(day) and not eligibility_problems(worker, course, session.start_date):
            return session
    return None


def gaps_for(worker: Worker, day: date, limit: int = 300) -> tuple[list[Gap], dict]:
    """The worker's trainable openings as gaps, and the Job rows by id."""
    gaps, jobs = [], {}
    for r in trainable_openings(worker, limit, day):
        needs = frozenset(x.subject for x in r.reasons if x.subject)
        if not needs:
            continue
        gaps.append(Gap(r.job.id, needs, r.job.wage_min or 0, r.job.wage_max or 0))
        jobs[r.job.id] = r.job
    return gaps, jobs


def recommend_courses(worker: Worker, k: int = 5, day: date | None = None
                      ) -> list[CourseSuggestion]:
    """The k courses that would unlock the most (and best) openings for the worker."""
    day = day or today()
    tax = default_taxonomy()
    gaps, jobs = gaps_for(worker, day)
    taken = set(db.session.scalars(sa.select(Enrolment.course_id).where(
        Enrolment.worker_id == worker.id,
        Enrolment.status.in_((*ACTIVE_ENROLMENT, EnrolmentStatus.completed.value)))))
    courses = db.session.scalars(sa.select(Course).where(Course.active)).all()
    skills = worker_skill_codes(worker)
    offers, sessions = [], {}
    for course in courses:
        if course.id in taken:
            continue
        session = next_session_for(worker, course, day)
        if session is None:
            continue
        sessions[course.id] = session
        gives = frozenset(course.skills) | ({course.certificate} if course.certificate
                                            else frozenset())
        offers.append(Offer(course.id, gives, course.is_order, _order_places(course, day),
                            _interest(course, skills, worker, tax)))
    by_id = {c.id: c for c in courses}
    out = []
    for r in rank_courses(gaps, offers)[:k]:
        course = by_id[r.course_id]
        out.append(CourseSuggestion(course, sessions[r.course_id], r, explain(r, course),
                                    [jobs[j] for j in r.unlocked]))
    return out


def courses_fixing(codes: set[str], day: date | None = None) -> dict[str, list[Course]]:
    """For each missing certificate/skill code, the active courses with a session ahead that
    supply it (for the matching pages' ruled-out reasons)."""
    day = day or today()
    out: dict[str, list[Course]] = {c: [] for c in codes}
    stmt = (sa.select(Course).where(Course.active, Course.id.in_(
        sa.select(CourseSession.course_id).where(CourseSession.start_date > day))))
    for course in db.session.scalars(stmt):
        for code in codes:
            if code == course.certificate or code in (course.skills or []):
                out[code].append(course)
    for code in out:
        out[code].sort(key=lambda c: (not c.is_order, c.code))
    return out


@dataclass
class Invitee:
    """A worker a session could invite, with why they are suggested."""

    worker: Worker
    score: float
    reasons: list[str]
    unlocks: int | None = None


def candidates_for_session(session: CourseSession, user: User, k: int = 30,
                           day: date | None = None, pool_limit: int = 2000) -> list[Invitee]:
    """Eligible seeking workers in the user's area for a session, best first."""
    day = day or today()
    course = session.course
    tax = default_taxonomy()
    oldest = _years_before(session.start_date, course.age_max + 1)
    youngest = _years_before(session.start_date, course.age_min)
    ranks = [e for e, r in EDUCATION_RANK.items()
             if r >= EDUCATION_RANK.get(course.min_education, 0)]
    already = sa.select(Enrolment.worker_id).where(
        Enrolment.course_id == course.id,
        Enrolment.status.in_((*ACTIVE_ENROLMENT, EnrolmentStatus.completed.value)))
    stmt = (sa.select(Worker, Household.monitored)
            .outerjoin(Household, Worker.household_id == Household.id)
            .where(Worker.status == "seeking", Worker.birth_date > oldest,
                   Worker.birth_date <= youngest, Worker.education.in_(ranks),
                   Worker.id.not_in(already)))
    if course.categories:
        stmt = stmt.where(Worker.category.in_(course.categories))
    stmt = visible(stmt, Worker, user).limit(pool_limit)
    rows = db.session.execute(stmt).all()
    if not rows:
        return []

    profiles = {p.id: p for p in worker_profiles(
        workers_stmt().where(Worker.id.in_([w.id for w, _ in rows])))}
    out = []
    for worker, monitored in rows:
        profile = profiles.get(worker.id)
        held = {c.code for c in profile.certificates} if profile else set()
        skills = {code for code, _ in profile.skills} if profile else set()
        score, reasons = 0.0, []
        if course.certificate and course.certificate not in held:
            score += 2
            reasons.append(_("would gain the %(cert)s", cert=tax.cert_label(
                course.certificate, _lang())))
        related = max((tax.transfer(a, b) for a in course.skills for b in skills
                       if a in tax and b in tax), default=0.0)
        if related:
            score += 1 + related
            reasons.append(_("has related skills"))
        if worker.area_code == session.county_code:
            score += 1
            reasons.append(_("lives in the county of the session"))
        if monitored:
            score += 1
            reasons.append(_("monitored household"))
        if worker.category == "relocated":
            score += 0.5
            reasons.append(_("relocated labourer"))
        out.append(Invitee(worker, score, reasons))
    out.sort(key=lambda i: (i.score, -i.worker.id), reverse=True)
    top = out[:k]
    _count_unlocks(top, course, day)
    top.sort(key=lambda i: (i.unlocks or 0, i.score), reverse=True)
    return top


def _count_unlocks(invitees: list[Invitee], course: Course, day: date) -> None:
    gives = frozenset(course.skills) | ({course.certificate} if course.certificate
                                        else frozenset())
    for inv in invitees[:20]:
        gaps, _jobs = gaps_for(inv.worker, day, limit=200)
        inv.unlocks = sum(1 for g in gaps if g.needs <= gives)
        if inv.unlocks:
            inv.reasons.insert(0, _("the course would unlock %(n)d openings", n=inv.unlocks))


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def _lang() -> str:
    return lang()
