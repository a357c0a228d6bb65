"""Trainee accounts and self-service: activation codes, activation by phone and ID number,
and change reports (found a job, left a job, moved) for the officer to confirm.

Failed activations are rate-limited with the login attempt records (``LoginAttempt``,
same window and limits as logging in), keyed ``activate:<phone or code>``.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import Area, LoginAttempt, Role, User
from app.auth.service import AccountError, _recent_failures, create_user, password_problem
from app.clock import utcnow
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.registry.models import Worker
from app.registry.timeline import add_event
from app.sql import affected
from app.training.models import ChangeReport, TraineeCode

CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # no 0/O, 1/I/L: read out over the phone
CODE_LENGTH = 8
CODE_DAYS = 14
CHANGE_KINDS = ("found_job", "left_job", "moved")


class Locked(DomainError):
    """Too many failed activations from this phone/code or address."""

    status = 429


def _hash(code: str) -> str:
    return hashlib.sha256(code.strip().upper().replace("-", "").replace(" ", "")
                          .encode()).hexdigest()


def trainee_user(worker: Worker) -> User | None:
    """The worker's trainee account, if one exists."""
    return db.session.scalar(sa.select(User).where(User.worker_id == worker.id,
                                                   User.role == Role.trainee.value))


def issue_code(worker: Worker, *, by: User | None) -> str:
    """A new one-time activation code for the worker (earlier unused ones stop working).

    Only the hash is stored; the code is shown to the officer once.
    """
    if trainee_user(worker) is not None:
        raise ConflictError(_("This worker already has an account."), code="has_account")
    now = utcnow()
    db.session.execute(sa.update(TraineeCode).where(
        TraineeCode.worker_id == worker.id, TraineeCode.used_at.is_(None)).values(
        expires_at=now).execution_options(synchronize_session=False))
    code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
    db.session.add(TraineeCode(worker_id=worker.id, code_hash=_hash(code),
                               expires_at=now + timedelta(days=CODE_DAYS),
                               created_by_id=by.id if by else None))
    db.session.flush()
    audit("trainee_code_issued", worker, user=by)
    return f"{code[:4]}-{code[4:]}"


def _check_rate(key: str, ip: str) -> None:
    window = timedelta(seconds=current_app.config["LOGIN_WINDOW_SECONDS"])
    max_failures = current_app.config["LOGIN_MAX_FAILURES"]
    by_key, by_ip = _recent_failures(key, ip, utcnow() - window)
    if by_key >= max_failures or by_ip >= max_failures * 4:
        audit("activation_locked", target_type="Worker", target_id=key, detail={"ip": ip})
        raise Locked(_("Too many failed attempts. Please try again in %(minutes)d minutes.",
                       minutes=max(1, int(window.total_seconds()) // 60)), code="locked")


def _attempt(key: str, ip: str, ok: bool) -> None:
    db.session.add(LoginAttempt(username=key[:64], ip=ip, success=ok, at=utcnow()))
    db.session.flush()


def _username_for(worker: Worker) -> str:
    if worker.phone and db.session.scalar(
            sa.select(User.id).where(User.username == worker.phone)) is None:
        return worker.phone
    return f"trainee{worker.id}"


def _create_account(worker: Worker, password: str) -> User:
    if trainee_user(worker) is not None:
        raise ConflictError(_("This worker already has an account: log in, or ask your "
                              "officer to reset the password."), code="has_account")
    try:
        user = create_user(_username_for(worker), password, Role.trainee.value,
                           worker_id=worker.id, display_name=worker.name)
    except AccountError as exc:
        raise DomainError(str(exc), field="password") from exc
    add_event(worker, "account_activated", {"username": user.username})
    audit("trainee_activated", worker, user=user)
    return user


@dataclass(frozen=True)
class Activation:
    """A new trainee account and the worker it belongs to."""

    user: User
    worker: Worker


def _check_password(password: str) -> None:
    problem = password_problem(password)
    if problem:
        raise DomainError(problem, field="password", code="weak_password")


def activate_with_code(code: str, password: str, ip: str) -> Activation:
    """Create the trainee account from a one-time code (flushes; the caller commits,
    failed attempts included, so that the rate limit sees them)."""
    key = "activate:" + _hash(code)[:16]
    _check_rate(key, ip)
    _check_password(password)
    row = db.session.scalar(sa.select(TraineeCode).where(TraineeCode.code_hash == _hash(code)))
    now = utcnow()
    if row is None or row.used_at is not None or row.expires_at < now:
        _attempt(key, ip, False)
        raise DomainError(_("This code is not valid or has expired. Ask your officer for "
                            "a new one."), field="code", code="bad_code")
    worker = db.session.get_one(Worker, row.worker_id)
    if trainee_user(worker) is not None:
        raise ConflictError(_("This worker already has an account: log in, or ask your "
                              "officer to reset the password."), code="has_account")
    used = affected(sa.update(TraineeCode).where(
        TraineeCode.id == row.id, TraineeCode.used_at.is_(None)).values(used_at=now)
        .execution_options(synchronize_session=False))
    if used != 1:
        raise DomainError(_("This code is not valid or has expired. Ask your officer for "
                            "a new one."), field="code", code="bad_code")
    user = _create_account(worker, password)
    _attempt(key, ip, True)
    return Activation(user, worker)


def _clean_id(number: str) -> str:
    return (number or "").strip().upper().replace(" ", "")


def activate_with_identity(phone: str, id_number: str, password: str, ip: str) -> Activation:
    """Create the trainee account when phone and ID number both match one worker."""
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    key = "activate:" + phone[:40]
    _check_rate(key, ip)
    _check_password(password)
    worker = db.session.scalar(sa.select(Worker).where(
        Worker.id_number == _clean_id(id_number), Worker.phone == phone)) if phone else None
    if worker is None:
        _attempt(key, ip, False)
        raise DomainError(_("No record matches this phone number and ID number. Check both, "
                            "or ask your officer for an activation code."),
                          field="id_number", code="no_match")
    user = _create_account(worker, password)
    _attempt(key, ip, True)
    return Activation(user, worker)


# ---- change reports ------------------------------------------------------------------------


def report_change(worker: Worker, kind: str, *, by: User | None, employer_name: str = "",
                  job_title: str = "", on_date: date | None = None,
                  new_area_code: str | None = None, note: str = "") -> ChangeReport:
    """Record the worker's own report and put it on the timeline for the officer (flushes).

    Nothing about placements changes here: the officer confirms and acts.
    """
    if kind not in CHANGE_KINDS:
        raise DomainError(_("Choose what changed."), field="kind")
    if kind == "found_job" and not employer_name.strip():
        raise DomainError(_("Enter the employer's name."), field="employer_name")
    if kind == "moved":
        area = db.session.get(Area, new_area_code) if new_area_code else None
        if area is None:
            raise DomainError(_("Choose where you moved to."), field="new_area_code")
    report = ChangeReport(worker_id=worker.id, area_code=worker.area_code, kind=kind,
                          employer_name=employer_name.strip()[:128],
                          job_title=job_title.strip()[:128], on_date=on_date,
                          new_area_code=new_area_code if kind == "moved" else None,
                          note=note.strip()[:512])
    db.session.add(report)
    db.session.flush()
    add_event(worker, "trainee_report",
              {"report_id": report.id, "kind": kind, "employer": report.employer_name,
               "job_title": report.job_title,
               "on_date": on_date.isoformat() if on_date else None,
               "new_area_code": report.new_area_code}, by=by)
    audit("trainee_report", report, user=by, detail={"kind": kind})
    return report


def handle_report(report: ChangeReport, *, confirmed: bool, by: User) -> ChangeReport:
    """The officer marks a report confirmed (and acts on it in the register) or dismissed."""
    handled = affected(sa.update(ChangeReport).where(
        ChangeReport.id == report.id, ChangeReport.status == "new").values(
        status="confirmed" if confirmed else "dismissed", handled_by_id=by.id,
        handled_at=utcnow()).execution_options(synchronize_session=False))
    if handled != 1:
        raise ConflictError(_("This report has already been handled."), code="handled")
    db.session.refresh(report)
    audit("trainee_report_" + report.status, report, user=by)
    return report
