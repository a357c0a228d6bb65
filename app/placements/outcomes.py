"""Recording a follow-up's outcome and what follows from it (job loss, job change,
escalation after failed attempts, wage arrears). Services flush; the caller commits."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cache

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.attributes import set_committed_value

from app import clock
from app.auth.audit import audit
from app.auth.models import User
from app.employers.models import Employer
from app.employers.service import clean_credit_code
from app.errors_domain import ConflictError, DomainError, Problems
from app.extensions import db
from app.notifications.service import notify_user
from app.registry.models import Household, HouseholdPlanEntry, Worker
from app.registry.service import set_worker_status
from app.registry.timeline import add_event
from app.signals import job_lost as job_lost_signal
from app.sql import affected, get_locked, table_of

from .arrears import open_case
from .followup_models import (
    EMPLOYMENT,
    ESCALATE_AFTER,
    ISSUES,
    METHODS,
    OPEN_STATUSES,
    FollowUp,
    FollowUpAttempt,
    FollowUpStatus,
)
from .followups import schedule_followups
from .models import Placement
from .people import officers_for_area, supervisor_of, worker_link


@dataclass
class Outcome:
    """What the officer learnt on one attempt to reach the worker."""

    method: str
    reached: bool
    employment: str | None = None  # still | changed | left
    new_employer_name: str = ""
    new_employer_credit_code: str = ""  # links the new job to a registered employer
    new_wage: int | None = None
    left_date: date | None = None  # the day the worker left (or changed) the job
    left_reason: str = ""
    current_wage: int | None = None
    issues: list[str] = field(default_factory=list)
    satisfaction: int | None = None
    note: str = ""


def _validate(o: Outcome, placement: Placement, today: date) -> None:
    """Refuse an outcome with every problem at once (a FieldErrors when several)."""
    problems = Problems()
    if o.method not in METHODS:
        problems.add(DomainError(_("Choose how you contacted the worker."), field="method"))
    if o.reached:
        _check_reached(o, placement, today, problems)
    problems.raise_any()


def _check_reached(o: Outcome, placement: Placement, today: date, problems: Problems) -> None:
    def refuse(message: str, name: str) -> None:
        problems.add(DomainError(message, field=name))

    if o.employment not in EMPLOYMENT:
        refuse(_("Say whether the worker is still in the job."), "employment")
    if any(i not in ISSUES for i in o.issues):
        refuse(_("Unknown issue."), "issues")
    if o.satisfaction is not None and not 1 <= o.satisfaction <= 5:
        refuse(_("Satisfaction is from 1 to 5."), "satisfaction")
    for name in ("current_wage", "new_wage"):
        value = getattr(o, name)
        if value is not None and not 0 <= value <= 200_000:
            refuse(_("Enter a monthly wage in yuan."), name)
    if o.employment == "changed" and not (o.new_employer_name.strip()
                                          or o.new_employer_credit_code.strip()):
        refuse(_("Enter the new employer."), "new_employer_name")
    if o.employment == "changed" and o.new_employer_credit_code.strip():
        try:
            clean_credit_code(o.new_employer_credit_code)
        except DomainError as exc:
            refuse(exc.message, "new_employer_credit_code")
    if o.employment in ("changed", "left"):
        if o.left_date is None:
            refuse(_("Enter the date the worker left the job."), "left_date")
        elif not placement.start_date <= o.left_date <= today:
            refuse(_("The date must lie between the start of the job and today."),
                   "left_date")
    if o.employment == "left" and not o.left_reason.strip():
        refuse(_("Give the reason for leaving."), "left_reason")


def _event(worker: Worker, kind: str, by: User | None, **detail: object) -> None:
    add_event(worker, kind, detail, by=by)


def record_outcome(fu: FollowUp, o: Outcome, *, by: User | None,
                   today: date | None = None) -> FollowUp:
    """Record one attempt; when the worker was reached, the outcome and its effects."""
    today = today or clock.today()
    if not fu.is_open:
        raise ConflictError(_("This follow-up has already been recorded."),
                            code="followup_done")
    # Two follow-ups of one placement recorded at once (day 7 and day 30, both "left") each
    # held their own row and then waited for the other's to cancel it: a deadlock. The
    # placement is held first (and read as held), so recordings of one placement take turns.
    placement = get_locked(Placement, fu.placement_id) or fu.placement
    _validate(o, placement, today)
    # Joined to the follow-up's attempts without reading the ones already there.
    db.session.add(FollowUpAttempt(follow_up=fu, method=o.method, reached=o.reached,
                                   note=o.note.strip()[:512],
                                   by_user_id=by.id if by else None))
    if not o.reached:
        fu.method = o.method
        fu.failed_attempts += 1
        db.session.flush()
        if fu.failed_attempts >= ESCALATE_AFTER and fu.escalated_to_id is None:
            escalate(fu, by)
        audit("followup_attempt_failed", fu, user=by, detail={"attempts": fu.failed_attempts})
        return fu
    # conditional UPDATE: two officers recording at once cannot both close it; it writes
    # the outcome too (one UPDATE), and the follow-up takes the values without reading them
    recorded = {
        "status": FollowUpStatus.done.value, "done_at": clock.utcnow(),
        "recorded_by_id": by.id if by else None, "method": o.method,
        "employment": o.employment, "current_wage": o.current_wage,
        "issues": sorted(set(o.issues)), "satisfaction": o.satisfaction,
        "note": o.note.strip(), "new_employer_name": o.new_employer_name.strip()[:128],
        "new_wage": o.new_wage, "left_date": o.left_date, "left_reason": o.left_reason[:256]}
    db.session.flush()  # the attempt
    closed = affected(_close_stmt(), {"follow_up_id": fu.id, **{
        f"new_{name}": value for name, value in recorded.items()}})
    if closed != 1:
        raise ConflictError(_("This follow-up has already been recorded."),
                            code="followup_done")
    for name, value in recorded.items():
        set_committed_value(fu, name, value)
    worker = fu.worker
    _event(worker, "follow_up", by, follow_up_id=fu.id, followup_kind=fu.kind, slot=fu.slot,
           employment=o.employment,
           issues=fu.issues, wage=o.current_wage, satisfaction=o.satisfaction)
    if "wage_arrears" in fu.issues:
        open_case(worker=worker, placement=placement, follow_up=fu, by=by, note=fu.note)
    left = o.left_date  # required (and checked above) when the worker left or changed
    if o.employment == "left" and placement.status == "active" and left is not None:
        job_lost(placement, left, o.left_reason.strip(), by=by)
    elif o.employment == "changed" and placement.status == "active" and left is not None:
        successor = job_changed(placement, left, fu.new_employer_name, o.new_wage, by=by,
                                today=today, credit_code=o.new_employer_credit_code)
        fu.new_employer_name = successor.employer.name if successor.employer \
            else fu.new_employer_name
    audit("followup_record", fu, user=by,
          detail={"employment": o.employment, "issues": fu.issues})
    db.session.flush()
    return fu


_RECORDED = ("status", "done_at", "recorded_by_id", "method", "employment", "current_wage",
             "issues", "satisfaction", "note", "new_employer_name", "new_wage", "left_date",
             "left_reason")


@cache
def _close_stmt() -> sa.Update:
    """UPDATE an open follow-up (``follow_up_id``) to the outcome's values (``new_<column>``)
    — built once: the outcome form posts it for every follow-up."""
    table = table_of(FollowUp)
    return (sa.update(table)
            .where(table.c.id == sa.bindparam("follow_up_id"),
                   table.c.status.in_(OPEN_STATUSES))
            .values({name: sa.bindparam(f"new_{name}") for name in _RECORDED}))


def escalate(fu: FollowUp, by: User | None) -> User | None:
    """Hand the follow-up to the supervising officer (or the parent area's) and tell them."""
    target = supervisor_of(by) if by is not None else None
    if target is None:
        officers = officers_for_area(fu.area_code, exclude=by)
        target = officers[0] if officers else None
    if target is None:
        return None
    fu.escalated_to_id, fu.escalated_at = target.id, clock.utcnow()
    db.session.flush()
    notify_user(target, "followup_escalated", f"escalated:{fu.id}", link=f"/followups/{fu.id}",
                subject=fu, name=fu.worker.name, attempts=fu.failed_attempts)
    audit("followup_escalate", fu, user=by, detail={"to": target.username})
    return target


def _end(placement: Placement, end_date: date, kind: str, reason: str) -> None:
    placement.status, placement.end_date = "ended", end_date
    placement.end_kind, placement.end_reason = kind, reason[:256]
    # the remaining follow-ups of an ended placement are moot
    db.session.execute(
        sa.update(FollowUp)
        .where(FollowUp.placement_id == placement.id, FollowUp.status.in_(OPEN_STATUSES))
        .values(status=FollowUpStatus.cancelled.value)
        .execution_options(synchronize_session=False))


def job_lost(placement: Placement, end_date: date, reason: str, *, by: User | None) -> None:
    """The worker left the job: placement ends, worker seeks again, officers are alerted,
    a monitored household is flagged at risk (zero-employment is derived, so it follows)."""
    _end(placement, end_date, "left", reason)
    worker = placement.worker
    employer = placement.employer.name if placement.employer else placement.employer_name
    set_worker_status(worker, "seeking", reason=_l("Left the job: %(reason)s", reason=reason),
                      by=by)
    _event(worker, "job_loss", by, placement_id=placement.id, employer=employer,
           end_date=end_date.isoformat(), reason=reason)
    audit("placement_end", placement, user=by, detail={"kind": "left", "reason": reason})
    link = worker_link(worker.id)
    jobs = "、".join(text for _receiver, text in job_lost_signal.send(
        placement, worker=worker, day=end_date) if text)
    for officer in officers_for_area(worker.area_code):
        notify_user(officer, "job_lost", f"job-lost:{placement.id}:{officer.id}", link=link,
                    subject=worker, name=worker.name, employer=employer, reason=reason,
                    jobs=jobs)
    flag_household_at_risk(worker, end_date, _(
        "%(name)s left the job at %(employer)s (%(reason)s). Household flagged at risk: find "
        "new work quickly.", name=worker.name, employer=employer, reason=reason),
        by=by, key=f"{placement.id}")


def flag_household_at_risk(worker: Worker, day: date, text: str, *, by: User | None,
                           key: str) -> Household | None:
    """A member of a monitored household lost their work: the household is flagged at risk
    with a plan entry, and its officers are told (``key`` tells one loss from another)."""
    household = db.session.get(Household, worker.household_id) if worker.household_id else None
    if household is None or not household.monitored or household.at_risk:
        return None
    household.at_risk = True
    db.session.add(HouseholdPlanEntry(household_id=household.id, entry_date=day,
                                      author_id=by.id if by else None, text=text))
    for officer in officers_for_area(household.area_code):
        notify_user(officer, "household_at_risk", f"at-risk:{household.id}:{key}:"
                    f"{officer.id}", link=worker_link(worker.id), subject=household,
                    number=household.number)
    return household


def job_changed(placement: Placement, change_date: date, employer_name: str,
                wage: int | None, *, by: User | None, today: date,
                credit_code: str = "") -> Placement:
    """The worker moved to another job: the placement ends as ``changed`` and a successor
    placement (with its own follow-ups) keeps the worker in view. The worker stays employed.

    The new job is linked to a registered employer only by its credit code: a name alone
    is kept as text, since any employer may call itself anything.
    """
    employer = None
    if credit_code.strip():
        employer = db.session.scalar(sa.select(Employer).where(
            Employer.credit_code == clean_credit_code(credit_code)))
    employer_name = employer.name if employer else employer_name.strip()[:128]
    _end(placement, change_date, "changed",
         _("Changed job: %(employer)s", employer=employer_name))
    successor = Placement(
        worker_id=placement.worker_id, employer_id=employer.id if employer else None,
        employer_name="" if employer else employer_name, area_code=placement.area_code,
        region=employer.region if employer else "other", start_date=change_date,
        monthly_wage=wage, previous_id=placement.id, created_by_id=by.id if by else None,
        course_id=placement.course_id)
    db.session.add(successor)
    db.session.flush()
    schedule_followups(successor, today=today)
    _event(placement.worker, "job_change", by, placement_id=successor.id,
           previous_placement_id=placement.id, employer=employer_name, wage=wage)
    audit("placement_change", successor, user=by, detail={"previous": placement.id})
    return successor
