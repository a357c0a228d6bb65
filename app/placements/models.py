"""Referrals (推荐) and placements (上岗)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db, utcnow


class ReferralStatus(enum.StrEnum):
    """A referral's path: referred → interview → hired, or declined / withdrawn."""

    referred = "referred"
    interview = "interview"
    declined = "declined"
    hired = "hired"
    withdrawn = "withdrawn"


ACTIVE_REFERRAL = (ReferralStatus.referred.value, ReferralStatus.interview.value)

LABELS = {
    "referral_status": {
        "referred": _l("Referred"), "interview": _l("Invited to interview"),
        "declined": _l("Declined"), "hired": _l("Hired"), "withdrawn": _l("Withdrawn"),
    },
    "referral_source": {
        "officer": _l("Officer"), "trainee": _l("Trainee request"),
        "dispatch": _l("Organised dispatch"), "course": _l("Order-based course"),
        "api": _l("API"),
    },
    "placement_status": {"active": _l("In work"), "ended": _l("Ended")},
    "end_kind": {"left": _l("Left the job"), "changed": _l("Changed job")},
}


class Referral(db.Model):
    """A worker put forward for an opening."""

    __scope__ = {"area": "area_code", "employer": "employer_id", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"))
    job_id: Mapped[int] = mapped_column(sa.ForeignKey("job.id"), index=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)  # the worker's county
    status: Mapped[str] = mapped_column(sa.String(16), default=ReferralStatus.referred.value)
    source: Mapped[str] = mapped_column(sa.String(16), default="officer")
    score: Mapped[float | None]
    note: Mapped[str] = mapped_column(sa.String(512), default="")
    decline_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    worker = relationship("Worker")
    job = relationship("Job")
    employer = relationship("Employer")

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "job_id", name="uq_referral_worker_job"),
        sa.Index("ix_referral_employer_status", "employer_id", "status"),
    )


class Placement(db.Model):
    """A confirmed hire: the worker started work at an employer."""

    __scope__ = {"area": "area_code", "employer": "employer_id", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    referral_id: Mapped[int | None] = mapped_column(sa.ForeignKey("referral.id"), unique=True)
    course_id: Mapped[int | None]  # the course that led here, when there was one
    area_code: Mapped[str] = mapped_column(sa.String(6))  # the worker's county
    region: Mapped[str] = mapped_column(sa.String(8), default="other")  # destination region
    local: Mapped[bool] = mapped_column(default=False)  # in the worker's own county
    start_date: Mapped[date]
    monthly_wage: Mapped[int | None]
    contract_months: Mapped[int | None]
    status: Mapped[str] = mapped_column(sa.String(8), default="active")  # active | ended
    end_date: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    end_kind: Mapped[str] = mapped_column(sa.String(16), default="")  # left | changed
    previous_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placement.id"))
    employer_name: Mapped[str] = mapped_column(sa.String(128), default="")  # unregistered
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker = relationship("Worker")
    job = relationship("Job")
    employer = relationship("Employer")
    referral = relationship("Referral")

    __table_args__ = (
        sa.Index("ix_placement_area_status", "area_code", "status"),
        sa.Index("ix_placement_start", "start_date"),
        # One job at a time: a worker holds at most one active placement.
        sa.Index("uq_placement_active_worker", "worker_id", unique=True,
                 postgresql_where=sa.text("status = 'active'"),
                 sqlite_where=sa.text("status = 'active'")),
        sa.CheckConstraint("end_date IS NULL OR end_date >= start_date", name="end_after_start"),
    )
