"""Follow-ups (回访), wage-arrears cases (欠薪, 权益保障) and retention snapshots (稳岗)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db


class FollowUpKind(enum.StrEnum):
    """A follow-up N days after the start, or the back-to-work check after Spring Festival."""

    day = "day"
    festival = "festival"


class FollowUpStatus(enum.StrEnum):
    """due → overdue (sweep) → done; cancelled when the placement ends first."""

    due = "due"
    overdue = "overdue"
    done = "done"
    cancelled = "cancelled"


OPEN_STATUSES = (FollowUpStatus.due.value, FollowUpStatus.overdue.value)
ESCALATE_AFTER = 3  # failed attempts before the supervising officer takes over

METHODS = ("phone", "visit", "wechat")
EMPLOYMENT = ("still", "changed", "left")
ISSUES = ("wage_arrears", "injury", "housing", "conflict", "homesick", "family")

LABELS = {
    "kind": {"day": _l("Day %(n)s"), "festival": _l("After Spring Festival %(n)s")},
    "status": {"due": _l("Due"), "overdue": _l("Overdue"), "done": _l("Done"),
               "cancelled": _l("Cancelled")},
    "method": {"phone": _l("Phone"), "visit": _l("Visit"), "wechat": _l("WeChat")},
    "employment": {"still": _l("Still in the job"), "changed": _l("Changed job"),
                   "left": _l("Left the job")},
    "issue": {"wage_arrears": _l("Wage arrears"), "injury": _l("Injury"),
              "housing": _l("Housing"), "conflict": _l("Conflict at work"),
              "homesick": _l("Homesickness"), "family": _l("Family reasons")},
    "arrears_status": {"open": _l("Unresolved"), "resolved": _l("Resolved")},
}


class FollowUp(db.Model):
    """One scheduled follow-up of a placement; the outcome is recorded on the same row."""

    __tablename__ = "follow_up"
    # Employers never see follow-ups: workers report wage arrears and conflicts here.
    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    placement_id: Mapped[int] = mapped_column(sa.ForeignKey("placement.id"))
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6))  # the worker's county (scoping)
    kind: Mapped[str] = mapped_column(sa.String(16))
    slot: Mapped[int]  # offset in days (kind day) or the festival's year (kind festival)
    due_date: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(16), default=FollowUpStatus.due.value)
    failed_attempts: Mapped[int] = mapped_column(default=0)
    escalated_to_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    escalated_at: Mapped[datetime | None]
    # outcome
    method: Mapped[str | None] = mapped_column(sa.String(16))
    employment: Mapped[str | None] = mapped_column(sa.String(16))  # still | changed | left
    new_employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    new_wage: Mapped[int | None]
    left_date: Mapped[date | None]
    left_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    current_wage: Mapped[int | None]
    issues: Mapped[list] = mapped_column(sa.JSON, default=list)
    satisfaction: Mapped[int | None]  # 1 (very unhappy) … 5 (very happy)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    done_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    placement = relationship("Placement")
    worker = relationship("Worker")
    employer = relationship("Employer")
    escalated_to = relationship("User", foreign_keys=[escalated_to_id])
    recorded_by = relationship("User", foreign_keys=[recorded_by_id])
    attempts: Mapped[list[FollowUpAttempt]] = relationship(
        back_populates="follow_up", order_by="FollowUpAttempt.at", cascade="all, delete-orphan")

    __table_args__ = (
        sa.UniqueConstraint("placement_id", "kind", "slot", name="uq_follow_up_placement_slot"),
        sa.Index("ix_follow_up_status_due", "status", "due_date"),
        sa.Index("ix_follow_up_area_status_due", "area_code", "status", "due_date"),
        # The queue and its tab counts read only open follow-ups (~15 % of the table).
        sa.Index("ix_follow_up_open_area_due", "area_code", "due_date",
                 postgresql_where=sa.text("status IN ('due', 'overdue')"),
                 sqlite_where=sa.text("status IN ('due', 'overdue')")),
        # A prefecture's or the province's queue, read in due-date order, and its tab
        # counts read from the index alone.
        sa.Index("ix_follow_up_open_due", "due_date", "area_code",
                 postgresql_where=sa.text("status IN ('due', 'overdue')"),
                 sqlite_where=sa.text("status IN ('due', 'overdue')")),
        sa.CheckConstraint("kind in ('day', 'festival')", name="kind_known"),
        sa.CheckConstraint("status in ('due', 'overdue', 'done', 'cancelled')",
                           name="status_known"),
        sa.CheckConstraint("satisfaction IS NULL OR satisfaction BETWEEN 1 AND 5",
                           name="satisfaction_range"),
    )

    @property
    def is_open(self) -> bool:
        """Still to be done (due or overdue)."""
        return self.status in OPEN_STATUSES


class FollowUpAttempt(db.Model):
    """One try at reaching the worker (reached or not), kept as history."""

    __tablename__ = "follow_up_attempt"

    id: Mapped[int] = mapped_column(primary_key=True)
    follow_up_id: Mapped[int] = mapped_column(sa.ForeignKey("follow_up.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(sa.String(16))
    reached: Mapped[bool]
    note: Mapped[str] = mapped_column(sa.String(512), default="")
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    follow_up: Mapped[FollowUp] = relationship(back_populates="attempts")
    by_user = relationship("User")


class WageArrearsCase(db.Model):
    """欠薪: a worker's report of unpaid wages, tracked until an officer resolves it."""

    __tablename__ = "wage_arrears_case"
    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placement.id"))
    follow_up_id: Mapped[int | None] = mapped_column(sa.ForeignKey("follow_up.id"))
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)
    status: Mapped[str] = mapped_column(sa.String(16), default="open", index=True)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    reported_at: Mapped[datetime] = mapped_column(default=utcnow)
    reported_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    resolution_note: Mapped[str] = mapped_column(sa.Text, default="")
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None]

    employer = relationship("Employer")
    worker = relationship("Worker")
    placement = relationship("Placement")
    resolved_by = relationship("User", foreign_keys=[resolved_by_id])

    __table_args__ = (
        sa.CheckConstraint("status in ('open', 'resolved')", name="status_known"),
    )


class RetentionSnapshot(db.Model):
    """Nightly retention figures per group; (date, kind, key) is unique so reruns overwrite."""

    __tablename__ = "retention_snapshot"

    id: Mapped[int] = mapped_column(primary_key=True)
    snapshot_date: Mapped[date]
    group_kind: Mapped[str] = mapped_column(sa.String(16))  # all | region | employer | …
    group_key: Mapped[str] = mapped_column(sa.String(64))
    label: Mapped[str] = mapped_column(sa.String(128), default="")
    n: Mapped[int]
    events: Mapped[int]
    s30: Mapped[float | None]
    l30: Mapped[float | None]
    u30: Mapped[float | None]
    s90: Mapped[float | None]
    l90: Mapped[float | None]
    u90: Mapped[float | None]
    s180: Mapped[float | None]
    l180: Mapped[float | None]
    u180: Mapped[float | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (
        sa.UniqueConstraint("snapshot_date", "group_kind", "group_key",
                            name="uq_retention_snapshot_group"),
    )
