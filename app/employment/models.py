"""Partner offices, employment records found elsewhere, check-ins and layoff alerts."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class FoundVia(enum.StrEnum):
    """How a worker found a job Qianlu did not place them in."""

    self = "self"
    relatives = "relatives"
    agency = "agency"
    partner = "partner"


class Answer(enum.StrEnum):
    """The three big answers of a check-in."""

    same = "same"
    changed = "changed"
    not_working = "not_working"


class CheckInStatus(enum.StrEnum):
    """sent (with up to two reminders) → answered, or no_answer (an officer calls)."""

    sent = "sent"
    answered = "answered"
    no_answer = "no_answer"


class RightsIssue(enum.StrEnum):
    """What a worker may report from a check-in or a call (权益保障)."""

    wage_arrears = "wage_arrears"
    injury = "injury"
    dispute = "dispute"


class LayoffKind(enum.StrEnum):
    """Cutting staff, or closing."""

    layoff = "layoff"
    closure = "closure"


FOUND_VIA: tuple[str, ...] = tuple(f.value for f in FoundVia)
ANSWERS: tuple[str, ...] = tuple(a.value for a in Answer)
ISSUES: tuple[str, ...] = tuple(i.value for i in RightsIssue)
LAYOFF_KINDS: tuple[str, ...] = tuple(k.value for k in LayoffKind)

LABELS = {
    "found_via": {"self": _l("By themselves"), "relatives": _l("Through relatives"),
                  "agency": _l("Through an agency"), "partner": _l("Through a partner")},
    "answer": {"same": _l("Same job"), "changed": _l("Changed job"),
               "not_working": _l("Not working")},
    "checkin_status": {"sent": _l("Waiting for an answer"), "answered": _l("Answered"),
                       "no_answer": _l("No answer")},
    "issue": {"wage_arrears": _l("Unpaid wages"), "injury": _l("Injury"),
              "dispute": _l("Dispute")},
    "layoff_kind": {"layoff": _l("Layoff"), "closure": _l("Closure")},
    "source": {"qianlu": _l("Placed by Qianlu"), "self": _l("Found elsewhere")},
}


class LabourPartner(Model):
    """劳务协作站: a labour-cooperation partner office in a destination (a city or province),
    with the employers it works with; its accounts (role ``partner``) see only those."""

    __tablename__ = "labour_partner"
    __scope__ = {"area": "*", "partner_office": "id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    office_address: Mapped[str] = mapped_column(sa.String(256), default="")
    contact_name: Mapped[str] = mapped_column(sa.String(64), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PartnerEmployer(Model):
    """An employer a partner office works with (the partner role's scope)."""

    __tablename__ = "partner_employer"

    partner_id: Mapped[int] = mapped_column(sa.ForeignKey("labour_partner.id"),
                                            primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"), primary_key=True,
                                             index=True)


class EmploymentRecord(Model):
    """A job a worker holds (or held) that Qianlu did not place them in.

    ``start_month`` and ``end_month`` are first days of months; ``end_month`` is the last
    month worked, NULL while the job lasts. A worker has at most one open record.
    """

    __tablename__ = "employment_record"
    __scope__ = {"area": "area_code", "worker": "worker_id", "partner": "employer_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6))  # the worker's county
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    place_code: Mapped[str | None] = mapped_column(sa.String(6))  # most specific code
    province_code: Mapped[str | None] = mapped_column(sa.String(6))
    city_code: Mapped[str | None] = mapped_column(sa.String(6))
    place_detail: Mapped[str] = mapped_column(sa.String(128), default="")
    region: Mapped[str] = mapped_column(sa.String(8), default="other")
    sector: Mapped[str] = mapped_column(sa.String(64), default="")
    start_month: Mapped[date]
    end_month: Mapped[date | None]
    end_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    monthly_wage: Mapped[int | None]
    found_via: Mapped[str] = mapped_column(sa.String(16), default=FoundVia.self.value)
    source: Mapped[str] = mapped_column(sa.String(16), default="form")  # form|api|import|checkin
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker = relationship("Worker")
    employer = relationship("Employer")

    __table_args__ = (
        sa.Index("ix_employment_record_area_open", "area_code", "end_month"),
        sa.Index("uq_employment_record_open_worker", "worker_id", unique=True,
                 postgresql_where=sa.text("end_month IS NULL"),
                 sqlite_where=sa.text("end_month IS NULL")),
        sa.CheckConstraint("end_month IS NULL OR end_month >= start_month",
                           name="end_after_start"),
        sa.CheckConstraint("found_via in ('self', 'relatives', 'agency', 'partner')",
                           name="found_via_known"),
    )


class CheckIn(Model):
    """One month's check-in of a worker employed outside the county (sent by SMS with a
    personal link ``/c/<token>``; the token is signed, not stored)."""

    __tablename__ = "check_in"
    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"))
    area_code: Mapped[str] = mapped_column(sa.String(6))
    month: Mapped[date]
    record_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employment_record.id"))
    placement_id: Mapped[int | None] = mapped_column(sa.ForeignKey("placement.id"))
    status: Mapped[str] = mapped_column(sa.String(10), default=CheckInStatus.sent.value)
    reminders: Mapped[int] = mapped_column(default=0)
    last_sent_on: Mapped[date]
    answer: Mapped[str | None] = mapped_column(sa.String(12))
    wage: Mapped[int | None]
    new_employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    new_place: Mapped[str] = mapped_column(sa.String(128), default="")
    reason: Mapped[str] = mapped_column(sa.String(256), default="")
    issue: Mapped[str] = mapped_column(sa.String(16), default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker = relationship("Worker")
    record = relationship("EmploymentRecord")
    placement = relationship("Placement")

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "month", name="uq_check_in_worker_month"),
        sa.Index("ix_check_in_month_status", "month", "status", "last_sent_on"),
        sa.Index("ix_check_in_area_month", "area_code", "month"),
        sa.CheckConstraint("status in ('sent', 'answered', 'no_answer')", name="status_known"),
    )


class LayoffAlert(Model):
    """An employer cutting staff or closing, recorded by an officer or a partner."""

    __tablename__ = "layoff_alert"
    # Officers see every alert (the employer's news); who is affected is per county
    # (LayoffAffected). A partner sees the alerts of its own employers.
    __scope__ = {"area": "*", "partner": "employer_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(8))
    date: Mapped[date]
    workers_affected: Mapped[int | None]  # as the employer or partner reported it
    note: Mapped[str] = mapped_column(sa.String(1000), default="")
    status: Mapped[str] = mapped_column(sa.String(8), default="open")  # open | closed
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    employer = relationship("Employer")
    affected: Mapped[list[LayoffAffected]] = relationship(
        back_populates="alert", cascade="all, delete-orphan",
        order_by="LayoffAffected.area_code, LayoffAffected.worker_id")

    __table_args__ = (
        sa.CheckConstraint("kind in ('layoff', 'closure')", name="kind_known"),
        sa.CheckConstraint("status in ('open', 'closed')", name="status_known"),
    )


class LayoffAffected(Model):
    """A Guizhou worker recorded at the alert's employer, with matches proposed for them."""

    __tablename__ = "layoff_affected"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    alert_id: Mapped[int] = mapped_column(sa.ForeignKey("layoff_alert.id"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"))
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)
    source: Mapped[str] = mapped_column(sa.String(8))  # qianlu | self
    proposed_job_ids: Mapped[list] = mapped_column(sa.JSON, default=list)

    alert: Mapped[LayoffAlert] = relationship(back_populates="affected")
    worker = relationship("Worker")

    __table_args__ = (
        sa.UniqueConstraint("alert_id", "worker_id", name="uq_layoff_affected_worker"),
    )
