"""Enrolment: enrol (eligibility, places, waiting list), withdraw, complete.

Places are taken by a conditional UPDATE (``enrolled < places``) so concurrent enrolments
never pass a session's capacity; whoever finds it full is waitlisted. A withdrawal hands its
place to the first person on the waiting list in the same transaction. Services flush and
never commit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.audit import audit
from app.auth.models import User
from app.clock import today, utcnow
from app.employers.models import Job
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.matching.service import recommend_for_worker
from app.notifications.messages import LANGUAGES
from app.notifications.service import tell_worker
from app.placements.models import Placement
from app.placements.service import refer
from app.registry.models import (
    EDUCATION_RANK,
    Worker,
    WorkerCertificate,
)
from app.registry.models import (
    LABELS as REGISTRY_LABELS,
)
from app.registry.service import add_certificate, set_worker_status
from app.registry.timeline import add_event
from app.skills.models import WorkerSkill
from app.skills.service import resolve_worker_skills, worker_skills
from app.skills.taxonomy import default_taxonomy
from app.sql import affected, lock_row

from .models import ACTIVE_ENROLMENT, Course, CourseSession, Enrolment, EnrolmentStatus

ENROLLED = EnrolmentStatus.enrolled.value
WAITLISTED = EnrolmentStatus.waitlisted.value


def event(worker: Worker, kind: str, by: User | None, **detail: object) -> None:
    """Add a line to the worker's timeline."""
    add_event(worker, kind, detail, by=by)


def set_status(worker: Worker, status: str, reason: object, by: User | None) -> None:
    """Change a worker's status through the register's service (history and timeline)."""
    set_worker_status(worker, status, reason=reason, by=by)


# ---- eligibility --------------------------------------------------------------------------


def eligibility_problems(worker: Worker, course: Course, start: date) -> list[str]:
    """Why a worker may not take a course starting on ``start`` (empty list: eligible)."""
    problems = []
    age = worker.age_on(start)
    if not course.age_min <= age <= course.age_max:
        problems.append(_("Aged %(age)d when the course starts; the course is for ages "
                          "%(low)d–%(high)d.", age=age, low=course.age_min, high=course.age_max))
    need = EDUCATION_RANK.get(course.min_education, 0)
    if EDUCATION_RANK.get(worker.education, 0) < need:
        problems.append(_("The course needs at least %(level)s.",
                          level=REGISTRY_LABELS["education"][course.min_education]))
    if course.categories and worker.category not in course.categories:
        names = "、".join(str(REGISTRY_LABELS["category"][c]) for c in course.categories)
        problems.append(_("The course is only for: %(groups)s.", groups=names))
    return problems


# ---- places ----------------------------------------------------------------------------


def _take_place(session_id: int) -> bool:
    """Atomically take a place if one is left (never passes ``places``)."""
    return affected(
        sa.update(CourseSession)
        .where(CourseSession.id == session_id, CourseSession.enrolled < CourseSession.places)
        .values(enrolled=CourseSession.enrolled + 1)
        .execution_options(synchronize_session=False)) == 1


def _release_place(session_id: int) -> None:
    db.session.execute(
        sa.update(CourseSession)
        .where(CourseSession.id == session_id, CourseSession.enrolled > 0)
        .values(enrolled=CourseSession.enrolled - 1)
        .execution_options(synchronize_session=False))


def _move(enrolment_id: int, old: str, new: str, **values: object) -> bool:
    """Conditional state change: True when this call made it."""
    return affected(
        sa.update(Enrolment)
        .where(Enrolment.id == enrolment_id, Enrolment.status == old)
        .values(status=new, updated_at=utcnow(), **values)
        .execution_options(synchronize_session=False)) == 1


def _waitlist(session_id: int, limit: int = 20) -> list[int]:
    return list(db.session.scalars(
        sa.select(Enrolment.id)
        .where(Enrolment.session_id == session_id, Enrolment.status == WAITLISTED)
        .order_by(Enrolment.created_at, Enrolment.id).limit(limit)))


def _promoted(enrolment_id: int, by: User | None) -> Enrolment:
    enrolment = db.session.get_one(Enrolment, enrolment_id)
    db.session.refresh(enrolment)
    worker = enrolment.worker
    if worker.status == "seeking":
        set_status(worker, "training", _l("Enrolled in a course"), by)
    event(worker, "course_promoted", by, course=enrolment.course.name,
          session_id=enrolment.session_id, enrolment_id=enrolment.id)
    audit("enrolment_promoted", enrolment, user=by)
    tell_trainee(enrolment, "course_promoted")
    return enrolment


def tell_trainee(enrolment: Enrolment, kind: str, **params: object) -> None:
    """Tell the worker about their enrolment: on their page and by SMS (flushes)."""

    session, worker = enrolment.session, enrolment.worker
    # names in each language: the SMS is written in the worker's, the page says it again
    # in the language the trainee reads it in
    county, course = session.county, enrolment.course
    place = {lang: county.label(lang) for lang in LANGUAGES} if county is not None \
        else session.county_code
    tell_worker(worker, kind, f"{kind}:{enrolment.id}:{utcnow():%Y%m%d%H%M%S}",
                link=f"/training/courses/{enrolment.course_id}",
                course={lang: course.label(lang) for lang in LANGUAGES},
                start=session.start_date.isoformat(), end=session.end_date.isoformat(),
                place=place, **params)


def promote_waitlisted(session_id: int, by: User | None = None) -> list[Enrolment]:
    """Fill free places from the waiting list, first come first served (flushes)."""
    promoted = []
    for candidate in _waitlist(session_id):
        if not _take_place(session_id):
            break
        if _move(candidate, WAITLISTED, ENROLLED):
            promoted.append(_promoted(candidate, by))
        else:  # withdrawn or promoted by someone else meanwhile: give the place back
            _release_place(session_id)
    db.session.flush()
    return promoted


def waitlist_position(enrolment: Enrolment) -> int | None:
    """1 for the first person waiting; None when not waitlisted."""
    if enrolment.status != WAITLISTED:
        return None
    ahead = db.session.scalar(
        sa.select(sa.func.count(Enrolment.id)).where(
            Enrolment.session_id == enrolment.session_id, Enrolment.status == WAITLISTED,
            sa.or_(Enrolment.created_at < enrolment.created_at,
                   sa.and_(Enrolment.created_at == enrolment.created_at,
                           Enrolment.id < enrolment.id))))
    return (ahead or 0) + 1


# ---- enrol / withdraw / complete ----------------------------------------------------------


def invite(worker: Worker, session: CourseSession, *, by: User | None) -> None:
    """Invite a worker to a session: the invitation appears on their page and timeline."""
    event(worker, "course_invite", by, course=session.course.name, course_id=session.course_id,
          session_id=session.id, start=session.start_date.isoformat())
    audit("course_invite", worker, user=by, detail={"session": session.id})


def enrol(worker: Worker, session: CourseSession, *, by: User | None, source: str = "self",
          day: date | None = None) -> Enrolment:
    """Enrol a worker in a session, or waitlist them when it is full (flushes).

    Refusals raise DomainError with the reason: not eligible, already started, already
    enrolled in this course, or in another course at the same time.
    """
    day = day or today()
    course = session.course
    if not course.active:
        raise ConflictError(_("This course is no longer offered."), code="course_retired")
    if not session.open_on(day):
        raise ConflictError(_("This session has already started; enrolment is closed."),
                            code="session_started")
    problems = eligibility_problems(worker, course, session.start_date)
    if problems:
        raise DomainError(" ".join(problems), code="not_eligible")
    # A double click, or two sessions chosen at once: the second waits, then sees the first.
    lock_row(Worker, worker.id)
    active = list(db.session.scalars(
        sa.select(Enrolment).join(CourseSession)
        .where(Enrolment.worker_id == worker.id, Enrolment.status.in_(ACTIVE_ENROLMENT))))
    for other in active:
        if other.course_id == course.id:
            raise ConflictError(_("Already enrolled in this course."), code="already_enrolled")
        s = other.session
        if s.start_date <= session.end_date and session.start_date <= s.end_date:
            raise ConflictError(
                _("Already enrolled in %(course)s at the same time (%(start)s – %(end)s).",
                  course=other.course.name, start=s.start_date, end=s.end_date),
                code="overlapping_enrolment")
    enrolment = db.session.scalar(sa.select(Enrolment).where(
        Enrolment.worker_id == worker.id, Enrolment.session_id == session.id))
    if enrolment is not None and enrolment.status in ACTIVE_ENROLMENT:
        raise ConflictError(_("Already enrolled in this course."), code="already_enrolled")
    status = ENROLLED if _take_place(session.id) else WAITLISTED
    if enrolment is None:
        enrolment = Enrolment(worker_id=worker.id, session_id=session.id, course_id=course.id,
                              area_code=worker.area_code, status=status, source=source,
                              created_by_id=by.id if by else None)
        db.session.add(enrolment)
    else:  # enrolling again after withdrawing: back of the queue
        enrolment.status, enrolment.source, enrolment.created_at = status, source, utcnow()
        enrolment.withdrawn_at, enrolment.note = None, ""
    db.session.flush()
    if status == ENROLLED and worker.status == "seeking":
        set_status(worker, "training", _l("Enrolled in a course"), by)
    event(worker, "course_" + status, by, course=course.name, course_id=course.id,
          session_id=session.id, start=session.start_date.isoformat(), enrolment_id=enrolment.id)
    audit("enrolment_" + status, enrolment, user=by,
          detail={"worker": worker.id, "session": session.id, "source": source})
    tell_trainee(enrolment, "course_" + status,
                 position=waitlist_position(enrolment) if status == WAITLISTED else "")
    return enrolment


def withdraw(enrolment: Enrolment, *, by: User | None, reason: str = "") -> Enrolment | None:
    """Withdraw; a freed place goes to the first person waiting. Returns who moved up."""
    values = {"withdrawn_at": utcnow(), "note": reason.strip()[:256]}
    promoted = None
    if _move(enrolment.id, ENROLLED, EnrolmentStatus.withdrawn.value, **values):
        for candidate in _waitlist(enrolment.session_id):
            if _move(candidate, WAITLISTED, ENROLLED):  # the place passes on, count unchanged
                promoted = _promoted(candidate, by)
                break
        else:
            _release_place(enrolment.session_id)
    elif not _move(enrolment.id, WAITLISTED, EnrolmentStatus.withdrawn.value, **values):
        raise ConflictError(_("This enrolment is no longer active."), code="enrolment_closed")
    db.session.refresh(enrolment)
    worker = enrolment.worker
    _back_to_seeking(worker, by, _l("Withdrew from a course"))
    event(worker, "course_withdrawn", by, course=enrolment.course.name,
          session_id=enrolment.session_id, reason=values["note"])
    audit("enrolment_withdrawn", enrolment, user=by, detail={"reason": values["note"]})
    db.session.flush()
    return promoted


def _back_to_seeking(worker: Worker, by: User | None, reason: object) -> None:
    still = db.session.scalar(sa.select(sa.func.count(Enrolment.id)).where(
        Enrolment.worker_id == worker.id, Enrolment.status == ENROLLED))
    if not still and worker.status == "training":
        set_status(worker, "seeking", reason, by)


@dataclass
class Completion:
    """What completing a course did."""

    enrolment: Enrolment
    certificate: WorkerCertificate | None = None
    skills_added: tuple[str, ...] = ()
    referral: object | None = None  # the order course's referral, when one was made
    referral_problem: str = ""
    matches: int | None = None  # openings matched after re-running matching


def complete(enrolment: Enrolment, *, passed: bool, assessment: str = "",
             certificate_number: str = "", by: User | None,
             day: date | None = None) -> Completion:
    """Record the assessment; a pass adds the certificate and skills to the worker, re-runs
    matching, and refers order-course graduates to the ordering employer's opening."""
    day = day or today()
    session = enrolment.session
    course = enrolment.course
    certificate_number = certificate_number.strip()
    if day < session.start_date:
        raise DomainError(_("The session has not started yet."), code="not_started")
    if passed and course.certificate and not certificate_number:
        raise DomainError(_("Enter the certificate number."), field="certificate_number")
    new = EnrolmentStatus.completed.value if passed else EnrolmentStatus.failed.value
    if not _move(enrolment.id, ENROLLED, new, completed_at=utcnow(),
                 assessment=assessment.strip()[:64], certificate_number=certificate_number[:64]):
        raise ConflictError(_("Only an enrolled trainee can be assessed."),
                            code="not_enrolled")
    db.session.refresh(enrolment)
    worker = enrolment.worker
    result = Completion(enrolment)
    _back_to_seeking(worker, by, _l("Finished a course"))
    if passed:
        result.certificate = _add_certificate(worker, course, certificate_number, day)
        result.skills_added = _add_skills(worker, course)
    event(worker, "course_" + new, by, course=course.name, course_id=course.id,
          certificate=course.certificate if passed else None, number=certificate_number,
          skills=list(result.skills_added))
    audit("enrolment_" + new, enrolment, user=by,
          detail={"assessment": enrolment.assessment, "certificate": certificate_number})
    db.session.flush()
    if passed:
        result.matches = rematch(worker)
        if course.is_order and course.job_id:
            _refer_graduate(result, worker, course, by, day)
    db.session.flush()
    return result


def _add_certificate(worker: Worker, course: Course, number: str,
                     day: date) -> WorkerCertificate | None:
    if not course.certificate:
        return None
    cert = default_taxonomy().get_certificate(course.certificate)
    years = cert.validity_years if cert else 0
    expires = None
    if years:
        try:
            expires = day.replace(year=day.year + years)
        except ValueError:  # 29 February
            expires = day.replace(year=day.year + years, day=28)
    return add_certificate(worker, course.certificate, number, issued_on=day,
                           expires_on=expires)


def _add_skills(worker: Worker, course: Course) -> tuple[str, ...]:
    """Add the course's skills as resolved skills (level 2) and to the skills text.

    A worker without resolved rows is matched from their text; their text is resolved
    first so that adding rows does not hide what the text said.
    """
    tax = default_taxonomy()
    rows = worker_skills(worker)
    if not rows and (worker.skills_text or "").strip():
        rows = resolve_worker_skills(worker)
    have = {r.skill_code for r in rows if r.skill_code}
    text = worker.skills_text or ""
    added = []
    for code in course.skills:
        name = tax.skill_label(code)
        if name not in text:
            text = f"{text}、{name}" if text else name
        if code not in have:
            db.session.add(WorkerSkill(worker_id=worker.id, skill_code=code, level=2,
                                       source_text=course.name[:128], method="course",
                                       confidence=1.0))
            added.append(code)
    worker.skills_text = text
    db.session.flush()
    return tuple(added)


def rematch(worker: Worker) -> int:
    """Re-run matching for the worker; the number of openings that now match."""
    return len(recommend_for_worker(worker, 10).matches)


def _refer_graduate(result: Completion, worker: Worker, course: Course, by: User | None,
                    day: date) -> None:
    job = db.session.get_one(Job, course.job_id)
    try:
        with db.session.begin_nested():
            result.referral = refer(worker, job, by=by, source="course",
                                    note=_("Graduate of order course %(code)s",
                                           code=course.code), today=day)
    except ConflictError as exc:
        result.referral_problem = exc.message
        event(worker, "course_referral_failed", by, course=course.name, job_id=job.id,
              reason=exc.message)


# ---- placements that came from a course ----------------------------------------------------


def link_placement_to_course(placement: Placement) -> None:
    """On ``signals.placement_created``: credit the course that led to this job (the order
    course of the opening, else the worker's course completed within the last 90 days)."""
    if placement.course_id is not None:
        return
    order = db.session.scalar(sa.select(Course.id).join(
        Enrolment, Enrolment.course_id == Course.id).where(
        Course.job_id == placement.job_id, Enrolment.worker_id == placement.worker_id,
        Enrolment.status == EnrolmentStatus.completed.value).limit(1))
    if order is None:
        since = utcnow() - timedelta(days=90)
        order = db.session.scalar(
            sa.select(Enrolment.course_id).where(
                Enrolment.worker_id == placement.worker_id,
                Enrolment.status == EnrolmentStatus.completed.value,
                Enrolment.completed_at >= since)
            .order_by(Enrolment.completed_at.desc()).limit(1))
    placement.course_id = order

