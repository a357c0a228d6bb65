"""Answering a check-in (from the phone page, or an officer after a call): what the answer
changes — the employment record or placement, the worker's status, the risk side — and a
rights report (unpaid wages, injury, dispute) into the wage-arrears flow."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.audit import audit
from app.auth.models import User
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.i18n import each_language, in_language
from app.matching.service import fresh_openings_text
from app.notifications.service import notify_user
from app.placements.arrears import open_case
from app.placements.outcomes import flag_household_at_risk, job_changed, job_lost
from app.placements.people import officers_for_area, worker_link
from app.registry.models import Worker
from app.registry.service import set_worker_status
from app.registry.timeline import add_event
from app.signals import worker_not_working
from app.sql import affected
from app.todo.kinds import TodoKind
from app.todo.service import close_by_key, open_item

from .checkins import call_key
from .models import (
    ANSWERS,
    ISSUES,
    LABELS,
    CheckIn,
    CheckInStatus,
    EmploymentRecord,
    LabourPartner,
    PartnerEmployer,
)
from .records import MAX_WAGE, add_months, clean_record, end_record, record_job

NOT_WORKING_REASONS = {
    "laid_off": _l("Laid off / the workplace closed"),
    "contract_ended": _l("The contract ended"),
    "illness": _l("Illness or injury"),
    "family": _l("Family reasons"),
    "other": _l("Other reasons"),
}


@dataclass
class CheckInAnswer:
    """What a worker answered."""

    answer: str
    wage: int | None = None
    employer_name: str = ""
    place: str = ""
    reason: str = ""
    issue: str = ""
    note: str = ""


def _validate(a: CheckInAnswer) -> None:
    if a.answer not in ANSWERS:
        raise DomainError(_("Choose one of the three answers."), field="answer")
    if a.wage is not None and not 0 <= a.wage <= MAX_WAGE:
        raise DomainError(_("Enter a monthly wage in yuan."), field="wage")
    if a.answer == "changed" and not (a.employer_name.strip() and a.place.strip()):
        raise DomainError(_("Tell us the new employer and the city."), field="place")
    if a.answer == "not_working" and a.reason not in NOT_WORKING_REASONS:
        raise DomainError(_("Tell us why."), field="reason")
    if a.issue and a.issue not in ISSUES:
        raise DomainError(_("Unknown problem."), field="issue")


def partner_office(*, employer_id: int | None, place_codes: tuple[str | None, ...]
                   ) -> LabourPartner | None:
    """The partner office to contact in the destination: the employer's own partner, else
    one whose area holds the place (city before province)."""
    if employer_id:
        partner = db.session.scalar(sa.select(LabourPartner).join(
            PartnerEmployer, PartnerEmployer.partner_id == LabourPartner.id).where(
            PartnerEmployer.employer_id == employer_id).order_by(LabourPartner.id))
        if partner is not None:
            return partner
    for code in place_codes:
        if code:
            partner = db.session.scalar(sa.select(LabourPartner).where(
                LabourPartner.area_code == code).order_by(LabourPartner.id))
            if partner is not None:
                return partner
    return None


def _current_job(ci: CheckIn) -> tuple[int | None, str, tuple[str | None, ...]]:
    """(employer id, employer name, place codes city-first) of the check-in's job."""
    if ci.record is not None:
        r = ci.record
        return r.employer_id, r.employer_name, (r.city_code, r.province_code)
    p = ci.placement
    if p is None:
        return None, "", ()
    emp = p.employer
    codes = ((p.job.city_code, p.job.province_code) if p.job is not None
             else (emp.city_code, emp.province_code) if emp is not None else ())
    return p.employer_id, emp.name if emp else p.employer_name, codes


def report_issue(ci: CheckIn, issue: str, note: str = "", *, by: User | None):
    """A rights or hardship report (权益保障): the wage-arrears case flow (the employer is
    flagged for matching until resolved), noting the destination's partner office."""
    employer_id, employer_name, codes = _current_job(ci)
    partner = partner_office(employer_id=employer_id, place_codes=codes)
    lines = [str(LABELS["issue"][issue]), note.strip()]
    if partner is not None:
        lines.append(_("Partner office to contact: %(name)s, %(phone)s, %(address)s",
                       name=partner.name, phone=partner.contact_phone,
                       address=partner.office_address))
    case = open_case(worker=ci.worker, placement=ci.placement, by=by,
                     note="\n".join(x for x in lines if x), employer_id=employer_id,
                     employer_name=employer_name)
    add_event(ci.worker, "rights_report", {"issue": issue, "case_id": case.id}, by=by)
    return case, partner


def not_working(worker: Worker, reason: str, day: date, *, by: User | None,
                checkin: CheckIn | None = None, reason_code: str = "") -> None:
    """The worker is out of work now: the county's queue gets a to-do item with fresh
    matches, officers are told, a monitored household is flagged at risk, and the risk side
    hears ``worker_not_working`` — at once, not at the next nightly run. With the
    ``reason_code`` of a listed reason, officers read the reason in their own language."""
    jobs = fresh_openings_text(worker, day)
    said = each_language(NOT_WORKING_REASONS[reason_code]) \
        if reason_code in NOT_WORKING_REASONS else reason
    key = f"checkin-{checkin.id}" if checkin is not None else f"worker-{worker.id}-{day}"
    open_item(TodoKind.checkin_not_working, worker.area_code, worker=worker, subject=checkin,
              link=worker_link(worker.id),
              detail=each_language(lambda: f"{in_language(said, str(get_locale()))}. {jobs}"
                                   .strip()),
              dedupe_key=f"not-working:{key}", within_days=2, by=by)
    for officer in officers_for_area(worker.area_code):
        notify_user(officer, "checkin_not_working", f"not-working:{key}:{officer.id}",
                    link=worker_link(worker.id), subject=worker, name=worker.name,
                    reason=said, jobs=jobs)
    flag_household_at_risk(worker, day, _(
        "%(name)s is out of work (%(reason)s, monthly check-in). Household flagged at risk: "
        "find new work quickly.", name=worker.name, reason=reason), by=by, key=key)
    worker_not_working.send(worker, reason=reason, day=day, source="checkin")


def answer_checkin(ci: CheckIn, a: CheckInAnswer, *, by: User | None = None,
                   today: date | None = None) -> CheckIn:
    """Record a check-in's answer and what follows from it (flushes)."""
    today = today or clock.today()
    _validate(a)
    new_values = None
    if a.answer == "changed":  # the new job is checked before anything changes
        new_values = clean_record({"employer_name": a.employer_name, "place": a.place,
                                   "start_month": ci.month, "monthly_wage": a.wage,
                                   "found_via": "self"}, today=today)
    answered = affected(
        sa.update(CheckIn).where(CheckIn.id == ci.id,
                                 CheckIn.status != CheckInStatus.answered.value)
        .values(status=CheckInStatus.answered.value, answered_at=clock.utcnow(),
                answered_by_id=by.id if by else None)
        .execution_options(synchronize_session=False))
    if answered != 1:
        raise ConflictError(_("This check-in has already been answered."),
                            code="checkin_answered")
    db.session.refresh(ci)
    ci.answer, ci.wage, ci.issue = a.answer, a.wage, a.issue
    ci.new_employer_name, ci.new_place = a.employer_name.strip()[:128], a.place.strip()[:128]
    # the listed reason as a lazy label: the status history reads it in each reader's language
    reason_label = NOT_WORKING_REASONS.get(a.reason, "") if a.reason else ""
    reason_text = str(reason_label)
    ci.reason = (reason_text + (f": {a.note.strip()}" if a.note.strip() else ""))[:256]
    worker, record, placement = ci.worker, ci.record, ci.placement
    active_record = record is not None and record.end_month is None
    active_placement = placement is not None and placement.status == "active"
    last_month = add_months(ci.month, -1)
    if a.answer == "same":
        if active_record and record is not None and a.wage is not None:
            record.monthly_wage = a.wage
    elif a.answer == "changed" and new_values is not None:
        if active_placement and placement is not None:
            job_changed(placement, max(ci.month, placement.start_date), a.employer_name,
                        a.wage, by=by, today=today)
        else:
            if active_record and record is not None and record.start_month >= ci.month:
                end_record(record, record.start_month, _("Changed job"), by=by, seeking=False)
            record_job(worker, new_values, by=by, source="checkin")
    elif a.answer == "not_working":
        if active_placement and placement is not None:
            job_lost(placement, max(today, placement.start_date), reason_text, by=by)
        elif active_record and record is not None:
            end_record(record, max(last_month, record.start_month), reason_label, by=by)
        elif worker.status == "employed":
            set_worker_status(worker, "seeking", reason=reason_label, by=by)
        not_working(worker, reason_text, today, by=by, checkin=ci, reason_code=a.reason)
    add_event(worker, "check_in", {"checkin_id": ci.id, "answer": a.answer, "wage": a.wage,
                                   "month": ci.month.isoformat()}, by=by)
    audit("checkin_answer", ci, user=by, detail={"answer": a.answer, "issue": a.issue})
    if a.issue:
        report_issue(ci, a.issue, a.note, by=by)
    _close_call(ci, by=by)
    db.session.flush()
    return ci


def _close_call(ci: CheckIn, *, by: User | None) -> None:
    """An answer after the officer was asked to call: the call item is done, with the
    answer as its outcome."""


    details = [str(LABELS["answer"][ci.answer or ""]), ci.new_employer_name, ci.new_place,
               ci.reason, _("%(wage)s CNY", wage=ci.wage) if ci.wage else ""]
    who = _("answered by the officer") if by is not None else _("answered by the worker")
    close_by_key(call_key(ci.id), by=by, outcome=_(
        "Check-in %(month)s %(who)s: %(answer)s", month=f"{ci.month:%Y-%m}", who=who,
        answer=" ".join(x for x in details if x)))


def current_record_for(ci: CheckIn) -> EmploymentRecord | None:
    """The open record the check-in asks about, if it is still open."""
    return ci.record if ci.record is not None and ci.record.end_month is None else None
