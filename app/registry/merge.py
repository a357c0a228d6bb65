"""Merging two records of the same person (an officer's answer to a duplicate flag)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.audit import audit
from app.auth.models import User
from app.clock import utcnow
from app.errors_domain import ConflictError
from app.extensions import db

from .duplicates import check_open
from .models import DuplicateFlag, Worker, WorkerCertificate, WorkerEvent, WorkHistory
from .service import set_worker_status
from .timeline import add_event

_FILLABLE = ("phone", "phone_rev", "household_id", "min_wage", "available_from",
             "health_notes")


def merge(flag: DuplicateFlag, keep: Worker, by: User | None) -> Worker:
    """The same person: keep one record, fold the other into it (flushes).

    The kept record takes over the other's certificates, work history and timeline, and
    any empty field the other has filled in; the other record stays (other features may
    point at it) with ``merged_into_id`` set and status "not available", and leaves lists.
    """
    check_open(flag)
    if keep.id not in (flag.worker_a_id, flag.worker_b_id):
        raise ConflictError(_("Choose one of the two records to keep."))
    other = flag.worker_b if keep.id == flag.worker_a_id else flag.worker_a
    for model in (WorkerCertificate, WorkHistory, WorkerEvent):
        db.session.execute(sa.update(model).where(model.worker_id == other.id)
                           .values(worker_id=keep.id)
                           .execution_options(synchronize_session=False))
    for field in _FILLABLE:
        if not getattr(keep, field) and getattr(other, field):
            setattr(keep, field, getattr(other, field))
    if other.skills_text and other.skills_text not in (keep.skills_text or ""):
        keep.skills_text = "、".join(s for s in (keep.skills_text, other.skills_text) if s)
    db.session.execute(sa.update(User).where(User.worker_id == other.id)
                       .values(worker_id=keep.id)
                       .execution_options(synchronize_session=False))
    other.merged_into_id = keep.id
    db.session.flush()
    set_worker_status(other, "unavailable", _l("Merged into record %(id)d", id=keep.id), by)
    flag.status = "merged"
    flag.resolved_by_id = getattr(by, "id", None)
    flag.resolved_at = utcnow()
    # Other open flags about the merged record are settled by the merge.
    db.session.execute(sa.update(DuplicateFlag).where(
        DuplicateFlag.status == "open",
        sa.or_(DuplicateFlag.worker_a_id == other.id, DuplicateFlag.worker_b_id == other.id),
    ).values(status="merged", resolved_by_id=getattr(by, "id", None), resolved_at=utcnow())
        .execution_options(synchronize_session=False))
    add_event(keep, "merged", {"from": other.id, "name": other.name}, by=by)
    audit("duplicate_merge", keep, user=by, detail={"merged": other.id, "flag": flag.id})
    db.session.expire(keep)
    return keep
