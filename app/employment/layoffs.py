"""Layoff and closure alerts from destinations: who of ours works there (placements and
self-found jobs), their counties' officers told with the list (a to-do item each county),
and matches proposed for each worker — in the destination region first, then at home."""
from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.auth.audit import audit
from app.auth.models import Role, User
from app.auth.scoping import visible
from app.employers.models import Employer
from app.errors_domain import DomainError
from app.extensions import db
from app.i18n import each_language
from app.matching.service import recommend_for_worker
from app.notifications.service import notify_user
from app.placements.models import Placement
from app.placements.people import officers_for_area
from app.registry.models import Worker
from app.registry.timeline import add_event
from app.todo.kinds import TodoKind
from app.todo.service import open_item

from .models import (
    LABELS,
    LAYOFF_KINDS,
    EmploymentRecord,
    LayoffAffected,
    LayoffAlert,
    PartnerEmployer,
)

log = logging.getLogger("qianlu.employment")
PROPOSALS = 3
HOME = ("guizhou", "local")


def partner_employer_ids(user: User) -> set[int]:
    """The employers a partner account works with."""
    if user.partner_id is None:
        return set()
    return set(db.session.scalars(sa.select(PartnerEmployer.employer_id).where(
        PartnerEmployer.partner_id == user.partner_id)))


def affected_workers(employer_id: int) -> list[tuple[Worker, str]]:
    """Guizhou workers recorded at the employer now: (worker, "qianlu" | "self")."""
    placed = db.session.scalars(sa.select(Worker).join(
        Placement, Placement.worker_id == Worker.id).where(
        Placement.employer_id == employer_id, Placement.status == "active",
        Worker.area_code.like("52%"), Worker.merged_into_id.is_(None)))
    found = db.session.scalars(sa.select(Worker).join(
        EmploymentRecord, EmploymentRecord.worker_id == Worker.id).where(
        EmploymentRecord.employer_id == employer_id, EmploymentRecord.end_month.is_(None),
        Worker.area_code.like("52%"), Worker.merged_into_id.is_(None)))
    out: dict[int, tuple[Worker, str]] = {}
    for worker in placed:
        out[worker.id] = (worker, "qianlu")
    for worker in found:
        out.setdefault(worker.id, (worker, "self"))
    return sorted(out.values(), key=lambda pair: (pair[0].area_code, pair[0].id))


def order_proposals(jobs: list[Any], destination_region: str) -> list[Any]:
    """Openings in the destination region first, then at home (Guizhou), then the rest;
    the matching order kept within each."""
    def rank(job: Any) -> int:
        if job.region == destination_region and destination_region not in HOME:
            return 0
        return 1 if job.region in HOME else 2
    return sorted(jobs, key=rank)


def propose(worker: Worker, employer: Employer, day: date) -> list[int]:
    """Ids of the openings proposed to an affected worker (the matching service's best,
    ordered destination first, then home; never the closing employer's own)."""
    try:
        recs = recommend_for_worker(worker, k=20, today=max(day, clock.today()))
    except Exception:  # the alert goes out with the list regardless
        log.exception("proposals for worker %s failed", worker.id)
        return []
    jobs = [m.job for m in recs.matches if m.job.employer_id != employer.id]
    return [job.id for job in order_proposals(jobs, employer.region)[:PROPOSALS]]


def record_alert(employer: Employer, kind: str, day: date, workers_affected: int | None, *,
                 by: User, note: str = "") -> LayoffAlert:
    """Record an alert, find who of ours works there, tell their counties (flushes)."""
    if kind not in LAYOFF_KINDS:
        raise DomainError(_("Choose layoff or closure."), field="kind")
    if workers_affected is not None and not 0 <= workers_affected <= 1_000_000:
        raise DomainError(_("Enter how many workers are affected."), field="workers_affected")
    if by.role == Role.partner.value and employer.id not in partner_employer_ids(by):
        raise DomainError(_("You can report only the employers your office works with."),
                          field="employer_id")
    alert = LayoffAlert(employer_id=employer.id, kind=kind, date=day,
                        workers_affected=workers_affected, note=note.strip()[:1000],
                        created_by_id=by.id)
    db.session.add(alert)
    db.session.flush()
    by_county: dict[str, list[Worker]] = defaultdict(list)
    for worker, source in affected_workers(employer.id):
        db.session.add(LayoffAffected(alert_id=alert.id, worker_id=worker.id,
                                      area_code=worker.area_code, source=source,
                                      proposed_job_ids=propose(worker, employer, day)))
        by_county[worker.area_code].append(worker)
        add_event(worker, "layoff_alert", {"alert_id": alert.id, "employer": employer.name,
                                           "kind": kind, "date": day.isoformat()}, by=by)
    db.session.flush()
    kind_label = each_language(lambda: LABELS["layoff_kind"][kind])
    link = f"/layoffs/{alert.id}"
    for county, workers in by_county.items():
        names = "、".join(w.name for w in workers[:30]) + ("…" if len(workers) > 30 else "")
        open_item(TodoKind.layoff_alert, county, subject=alert, link=link,
                  within_days=1,
                  detail=each_language(_l(
                      "%(employer)s: %(kind)s on %(date)s, %(n)s of your workers: %(names)s",
                      employer=employer.name, kind=LABELS["layoff_kind"][kind],
                      date=day.isoformat(), n=len(workers), names=names)),
                  dedupe_key=f"layoff:{alert.id}:{county}", by=by)
        for officer in officers_for_area(county):
            notify_user(officer, "layoff_alert", f"layoff:{alert.id}:{officer.id}", link=link,
                        subject=alert, employer=employer.name, what=kind_label,
                        date=day.isoformat(), names=names)
    audit("layoff_alert_create", alert, user=by,
          detail={"employer": employer.id, "kind": kind, "affected": sum(
              len(w) for w in by_county.values())})
    return alert


def counties_of(alert: LayoffAlert, user: User) -> list[tuple[str, int]]:
    """(county code, workers) of an alert, within what the user may see; a partner sees
    the counts of every county (no names)."""
    stmt = sa.select(LayoffAffected.area_code, sa.func.count(LayoffAffected.id)).where(
        LayoffAffected.alert_id == alert.id).group_by(LayoffAffected.area_code).order_by(
        LayoffAffected.area_code)
    if user.role != Role.partner.value:
        stmt = visible(stmt, LayoffAffected, user)
    return [(code, int(n)) for code, n in db.session.execute(stmt)]


def affected_of(alert: LayoffAlert, user: User) -> list[LayoffAffected]:
    """The affected workers of an alert the user may see (officers: their area)."""
    if user.role == Role.partner.value:
        return []
    return list(db.session.scalars(visible(sa.select(LayoffAffected).where(
        LayoffAffected.alert_id == alert.id), LayoffAffected, user)
        .order_by(LayoffAffected.area_code, LayoffAffected.worker_id)))
