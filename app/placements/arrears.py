"""权益保障: wage-arrears cases. An open case flags the employer (Employer.arrears_open),
which matching reads to demote or exclude its openings, until an officer resolves it."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import User
from app.clock import utcnow
from app.employers.models import Employer
from app.errors_domain import ConflictError, DomainError
from app.extensions import db
from app.registry.models import Worker
from app.registry.timeline import add_event
from app.sql import affected

from .followup_models import WageArrearsCase
from .people import officers_for_area


def open_case(*, worker: Worker, placement, follow_up=None, by: User | None,
              note: str = "", employer_id: int | None = None,
              employer_name: str = "") -> WageArrearsCase:
    """Open a case (or return the one already open for this worker and employer); flushes.
    Without a placement (a job found elsewhere) the employer is given by id and/or name."""
    from app.notifications.service import notify_user

    if placement is not None:
        employer_id = placement.employer_id
    existing = db.session.scalars(sa.select(WageArrearsCase).where(
        WageArrearsCase.worker_id == worker.id, WageArrearsCase.status == "open",
        WageArrearsCase.employer_id.is_(None) if employer_id is None
        else WageArrearsCase.employer_id == employer_id)).first()
    if existing is not None:
        return existing
    employer = db.session.get(Employer, employer_id) if employer_id else None
    name = employer.name if employer else (placement.employer_name if placement
                                           else employer_name[:128])
    case = WageArrearsCase(
        employer_id=employer_id, employer_name=name, worker_id=worker.id,
        placement_id=placement.id if placement is not None else None,
        follow_up_id=follow_up.id if follow_up is not None else None,
        area_code=worker.area_code, note=note, reported_by_id=by.id if by else None)
    db.session.add(case)
    if employer is not None:
        employer.arrears_open = True
    db.session.flush()
    add_event(worker, "wage_arrears", {"case_id": case.id, "employer": name}, by=by)
    audit("arrears_open", case, user=by, detail={"employer": employer_id})
    for officer in officers_for_area(worker.area_code):
        notify_user(officer, "arrears_open", f"arrears:{case.id}:{officer.id}",
                    link=f"/followups/arrears#case-{case.id}", subject=case,
                    name=worker.name, employer=name)
    return case


def resolve_case(case: WageArrearsCase, note: str, *, by: User) -> WageArrearsCase:
    """Close a case with a resolution note; the employer's flag clears with its last case."""
    if not note.strip():
        raise DomainError(_("Describe how the case was resolved."), field="resolution_note")
    resolved = affected(
        sa.update(WageArrearsCase)
        .where(WageArrearsCase.id == case.id, WageArrearsCase.status == "open")
        .values(status="resolved", resolution_note=note.strip(), resolved_by_id=by.id,
                resolved_at=utcnow())
        .execution_options(synchronize_session=False))
    if resolved != 1:
        raise ConflictError(_("This case is already resolved."), code="case_resolved")
    db.session.refresh(case)
    if case.employer_id is not None:
        still_open = db.session.scalar(sa.select(sa.func.count(WageArrearsCase.id)).where(
            WageArrearsCase.employer_id == case.employer_id, WageArrearsCase.status == "open"))
        if not still_open:
            db.session.execute(sa.update(Employer).where(Employer.id == case.employer_id)
                               .values(arrears_open=False)
                               .execution_options(synchronize_session=False))
            employer = db.session.get(Employer, case.employer_id)
            if employer is not None:
                db.session.refresh(employer, ["arrears_open"])
    add_event(case.worker, "wage_arrears_resolved", {"case_id": case.id}, by=by,
              area_code=case.area_code)
    audit("arrears_resolve", case, user=by)
    db.session.flush()
    return case
