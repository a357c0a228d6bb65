"""Referral → placement: refer, respond, confirm a hire without ever passing head-count."""
from __future__ import annotations

from collections.abc import Callable
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.audit import audit
from app.auth.models import User
from app.employers.jobs import take_place
from app.employers.models import Job
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.notifications.service import tell_employer
from app.registry.models import Worker
from app.registry.service import set_worker_status
from app.registry.timeline import add_event
from app.signals import placement_created
from app.sql import affected, lock_row

from .followups import schedule_followups
from .models import ACTIVE_REFERRAL, Placement, Referral, ReferralStatus


def _event(worker: Worker, kind: str, by: User | None, **detail: object) -> None:
    add_event(worker, kind, detail, by=by)


Vet = Callable[[Worker, Job, date], float]
"""Checks a referral before it is made and returns its score, or raises a ``DomainError``
(``app.matching.service.referral_score``: the engine's hard rules)."""


def _check_standing(job: Job) -> None:
    """Every step from referral to hire needs an employer in good standing: verified, not
    suspended (e.g. for wage arrears) and not waiting to be verified again after a rename."""
    if job.employer.status != "verified":
        raise ConflictError(
            _("%(employer)s cannot take on workers at the moment (suspended or awaiting "
              "verification).", employer=job.employer.name), code="employer_not_verified")


def refer(worker: Worker, job: Job, *, by: User | None, source: str = "officer",
          score: float | None = None, note: str = "", today: date | None = None,
          vet: Vet | None = None) -> Referral:
    """Put a worker forward for an open opening (flushes). With ``vet`` the referral is
    checked first and stored with the score it returns."""
    today = today or clock.today()
    if vet is not None:
        score = vet(worker, job, today)
    if not job.is_open_on(today):
        raise ConflictError(_("This opening is not open for referrals."), code="job_not_open")
    _check_standing(job)
    # Two clicks (or two officers) referring the same worker at once: the second waits here
    # and then finds the first's referral, instead of failing on the unique key.
    lock_row(Worker, worker.id)
    if worker.status not in ("seeking", "training"):
        raise ConflictError(_("Only workers who are seeking work or in training can be referred."),
                            code="worker_not_seeking")
    existing = db.session.scalar(
        sa.select(Referral).where(Referral.worker_id == worker.id, Referral.job_id == job.id))
    if existing is not None:
        if existing.status in ACTIVE_REFERRAL or existing.status == ReferralStatus.hired.value:
            raise ConflictError(_("This worker has already been referred to this opening."),
                                code="already_referred")
        existing.status = ReferralStatus.referred.value  # a declined or withdrawn one, again
        existing.decline_reason = ""
        existing.source, existing.score, existing.note = source, score, note
        referral = existing
    else:
        referral = Referral(worker_id=worker.id, job_id=job.id, employer_id=job.employer_id,
                            area_code=worker.area_code, source=source, score=score, note=note,
                            created_by_id=by.id if by else None)
        db.session.add(referral)
    db.session.flush()
    _event(worker, "referral", by, job_id=job.id, job_title=job.title,
           employer=job.employer.name, referral_id=referral.id)
    audit("referral_create", referral, user=by, detail={"worker": worker.id, "job": job.id})

    tell_employer(job.employer, "candidate_referred",
                  f"referred:{referral.id}:{clock.utcnow():%Y%m%d%H%M%S}",
                  link="/referrals", worker=worker.name, job=job.title)
    return referral


def record_hire(worker: Worker, job: Job, *, start_date: date, monthly_wage: int | None,
                contract_months: int | None = None, by: User | None,
                today: date | None = None, vet: Vet | None = None) -> Placement:
    """An officer records a hire directly: refer (vetted) when not yet referred, then
    confirm the hire (flushes)."""
    today = today or clock.today()
    existing = db.session.scalar(sa.select(Referral).where(
        Referral.worker_id == worker.id, Referral.job_id == job.id,
        Referral.status.in_(ACTIVE_REFERRAL)))
    referral = existing or refer(worker, job, by=by, today=today, vet=vet)
    return confirm_hire(referral, start_date=start_date, monthly_wage=monthly_wage,
                        contract_months=contract_months, by=by, today=today)


def _set_status(referral: Referral, new: str, allowed_from: tuple[str, ...], **values) -> None:
    """Move a referral between states with a conditional UPDATE (safe against races)."""
    moved = affected(
        sa.update(Referral)
        .where(Referral.id == referral.id, Referral.status.in_(allowed_from))
        .values(status=new, updated_at=clock.utcnow(), **values)
        .execution_options(synchronize_session=False)
    )
    if moved != 1:
        raise ConflictError(_("This referral has already been decided."),
                            code="referral_decided")
    db.session.refresh(referral)


def respond(referral: Referral, *, accept: bool, by: User | None, reason: str = "") -> Referral:
    """The employer invites the candidate to interview, or declines with a reason."""
    if not accept and not reason.strip():
        raise DomainError(_("Please give a reason for declining."), field="reason")
    if accept:
        _check_standing(referral.job)
        _set_status(referral, ReferralStatus.interview.value, (ReferralStatus.referred.value,))
    else:
        _set_status(referral, ReferralStatus.declined.value, ACTIVE_REFERRAL,
                    decline_reason=reason.strip()[:256])
    _event(referral.worker, "referral_" + referral.status, by, job_id=referral.job_id,
           job_title=referral.job.title, reason=referral.decline_reason)
    audit("referral_" + referral.status, referral, user=by)
    return referral


def undo_decline(referral: Referral, *, status: str, by: User | None) -> Referral:
    """Undo a decline (the Undo button after it): the referral is open again at ``status``
    (referred or interview), its reason cleared; refused when it moved on since."""
    if status not in ACTIVE_REFERRAL:
        raise DomainError(_("This referral cannot be reopened."))
    _set_status(referral, status, (ReferralStatus.declined.value,), decline_reason="")
    _event(referral.worker, "referral_undeclined", by, job_id=referral.job_id,
           job_title=referral.job.title)
    return referral


def withdraw(referral: Referral, *, by: User | None, reason: str = "") -> Referral:
    """The officer or the worker withdraws an open referral."""
    _set_status(referral, ReferralStatus.withdrawn.value, ACTIVE_REFERRAL,
                decline_reason=reason.strip()[:256])
    _event(referral.worker, "referral_withdrawn", by, job_id=referral.job_id,
           job_title=referral.job.title, reason=referral.decline_reason)
    audit("referral_withdrawn", referral, user=by)
    return referral


def confirm_hire(referral: Referral, *, start_date: date, monthly_wage: int | None,
                 contract_months: int | None = None, by: User | None,
                 today: date | None = None) -> Placement:
    """Turn a referral into a placement, taking one place of the opening (flushes)."""
    today = today or clock.today()
    if monthly_wage is not None and monthly_wage < 0:
        raise DomainError(_("The wage cannot be negative."), field="monthly_wage")
    _check_standing(referral.job)
    # One active placement per worker: two employers confirming the same person at once
    # take turns here, and the second is told to record a job change instead.
    lock_row(Worker, referral.worker_id)
    active = db.session.scalar(sa.select(Placement.id).where(
        Placement.worker_id == referral.worker_id, Placement.status == "active").limit(1))
    if active is not None:
        raise ConflictError(
            _("This worker already holds a job. If they are changing jobs, record the change "
              "on the current job's follow-up first."), code="already_employed")
    _set_status(referral, ReferralStatus.hired.value, ACTIVE_REFERRAL)
    job = take_place(referral.job_id, today)
    worker = referral.worker
    placement = Placement(
        worker_id=worker.id, job_id=job.id, employer_id=job.employer_id,
        referral_id=referral.id, area_code=worker.area_code, region=job.region,
        local=job.county_code == worker.area_code, start_date=start_date,
        monthly_wage=monthly_wage if monthly_wage is not None else job.wage_min,
        contract_months=contract_months or job.contract_months,
        created_by_id=by.id if by else None,
    )
    db.session.add(placement)
    db.session.flush()
    set_worker_status(worker, "employed", reason=_l("Hired: %(job)s", job=job.title), by=by)
    _event(worker, "placement", by, job_id=job.id, job_title=job.title,
           employer=job.employer.name, start_date=start_date.isoformat(),
           placement_id=placement.id)
    audit("placement_create", placement, user=by,
          detail={"worker": worker.id, "job": job.id, "referral": referral.id})
    placement_created.send(placement)
    schedule_followups(placement, today=today)
    return placement

