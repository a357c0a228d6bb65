"""Training outcomes: per course and session — enrolled, completed, certified, placed within
90 days, still in work at 90 and 180 days — and per order contract, committed vs hired.

"Still in work at N days" counts placements whose start is at least N days ago and that had
not ended before day N (placements are ended by follow-ups that find a job lost); younger
placements are not yet due and are left out of the denominator rather than counted as losses.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.models import User
from app.auth.scoping import visible
from app.extensions import db
from app.placements.models import Placement

from .models import Course, CourseSession, Enrolment, EnrolmentStatus

PLACED_WITHIN = 90
EVER_ENROLLED = (EnrolmentStatus.enrolled.value, EnrolmentStatus.completed.value,
                 EnrolmentStatus.failed.value)


@dataclass
class Figures:
    """Outcome counts for one course or session."""

    enrolled: int = 0
    waitlisted: int = 0
    completed: int = 0
    certified: int = 0
    placed_90: int = 0
    due_90: int = 0  # placements at least 90 days old
    kept_90: int = 0
    due_180: int = 0
    kept_180: int = 0

    def add(self, other: Figures) -> None:
        """Sum another set of figures into this one."""
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def share(part: int, whole: int) -> str:
        """'7/9 (78%)', or '–' with nothing due."""
        return f"{part}/{whole} ({round(100 * part / whole)}%)" if whole else "–"


@dataclass
class CourseOutcome:
    """A course, its figures, and its sessions' figures."""

    course: Course
    total: Figures
    sessions: list[tuple[CourseSession, Figures]] = field(default_factory=list)
    hired: int = 0  # order contract: placements at the ordering employer's opening


def _kept(p: Placement, days: int) -> bool:
    return p.end_date is None or p.end_date >= p.start_date + timedelta(days=days)


def outcomes(user: User, day: date, course_ids: list[int] | None = None) -> list[CourseOutcome]:
    """Figures for every course with enrolments the user may see."""
    stmt = visible(sa.select(Enrolment), Enrolment, user)
    if course_ids:
        stmt = stmt.where(Enrolment.course_id.in_(course_ids))
    enrolments = list(db.session.scalars(stmt))
    worker_ids = {e.worker_id for e in enrolments
                  if e.status == EnrolmentStatus.completed.value}
    placements: dict[int, list[Placement]] = defaultdict(list)
    ids = sorted(worker_ids)
    for i in range(0, len(ids), 900):
        for p in db.session.scalars(sa.select(Placement).where(
                Placement.worker_id.in_(ids[i:i + 900]))):
            placements[p.worker_id].append(p)
    by_session: dict[int, Figures] = defaultdict(Figures)
    for e in enrolments:
        f = by_session[e.session_id]
        if e.status == EnrolmentStatus.waitlisted.value:
            f.waitlisted += 1
        if e.status not in EVER_ENROLLED:
            continue
        f.enrolled += 1
        if e.status != EnrolmentStatus.completed.value:
            continue
        f.completed += 1
        f.certified += bool(e.certificate_number)
        finished = (e.completed_at.date() if e.completed_at else day)
        after = sorted((p for p in placements[e.worker_id]
                        if finished <= p.start_date <= finished + timedelta(PLACED_WITHIN)),
                       key=lambda p: p.start_date)
        if not after:
            continue
        f.placed_90 += 1
        first = after[0]
        for days, due, kept in ((90, "due_90", "kept_90"), (180, "due_180", "kept_180")):
            if first.start_date + timedelta(days) <= day:
                setattr(f, due, getattr(f, due) + 1)
                setattr(f, kept, getattr(f, kept) + _kept(first, days))
    if not by_session:
        return []
    sessions = db.session.scalars(sa.select(CourseSession).where(
        CourseSession.id.in_(list(by_session))).order_by(CourseSession.start_date)).all()
    out: dict[int, CourseOutcome] = {}
    for s in sessions:
        co = out.setdefault(s.course_id, CourseOutcome(s.course, Figures()))
        co.sessions.append((s, by_session[s.id]))
        co.total.add(by_session[s.id])
    for co in out.values():
        if co.course.is_order and co.course.job_id:
            co.hired = db.session.scalar(sa.select(sa.func.count(Placement.id)).where(
                Placement.course_id == co.course.id, Placement.job_id == co.course.job_id)) or 0
    return sorted(out.values(), key=lambda c: c.course.code)


def export_rows(rows: list[CourseOutcome]) -> tuple[list[str], list[list]]:
    """Headers and rows for the .xlsx export (one row per session, then the course total)."""
    headers = [_("Course code"), _("Course"), _("Mode"), _("Session start"), _("County"),
               _("Places"), _("Enrolled"), _("Waiting list"), _("Completed"),
               _("Certified"), _("Placed within 90 days"), _("In work at 90 days"),
               _("Due at 90 days"), _("In work at 180 days"), _("Due at 180 days"),
               _("Committed hires"), _("Hired")]
    out = []
    for co in rows:
        c = co.course
        for s, f in co.sessions:
            out.append([c.code, c.name, c.mode, s.start_date, s.county_code, s.places,
                        f.enrolled, f.waitlisted, f.completed, f.certified, f.placed_90,
                        f.kept_90, f.due_90, f.kept_180, f.due_180, None, None])
        t = co.total
        out.append([c.code, c.name, c.mode, _("Total"), c.county_code,
                    sum(s.places for s, _f in co.sessions), t.enrolled, t.waitlisted,
                    t.completed, t.certified, t.placed_90, t.kept_90, t.due_90, t.kept_180,
                    t.due_180, c.committed_hires if c.is_order else None,
                    co.hired if c.is_order else None])
    return headers, out
