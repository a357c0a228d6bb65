"""Monitoring records: zero-employment spells, risks, measures, list comparisons and
self-declarations."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class ZeroEmploymentSpell(Model):
    """One stretch of time a household had members on the register and none in work.

    Opened and closed from the register's own changes (a job loss, a placement, a member
    added or moved); ``ended_on`` is empty while it lasts. At most one open spell per
    household (a partial unique index)."""

    __tablename__ = "zero_employment_spell"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relocation_site.id"))
    started_on: Mapped[date] = mapped_column(index=True)
    start_reason: Mapped[str] = mapped_column(sa.String(24), default="")
    ended_on: Mapped[date | None] = mapped_column(index=True)
    end_reason: Mapped[str] = mapped_column(sa.String(24), default="")
    responsible_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    escalated_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household = relationship("Household")
    site = relationship("RelocationSite")
    responsible = relationship("User")

    __table_args__ = (
        sa.Index("uq_zero_spell_open", "household_id", unique=True,
                 sqlite_where=sa.text("ended_on IS NULL"),
                 postgresql_where=sa.text("ended_on IS NULL")),
    )


class RiskStatus(enum.StrEnum):
    """open → removed (an officer, with a reason) or ended (gone from its list)."""

    open = "open"
    removed = "removed"
    ended = "ended"


class HouseholdRisk(Model):
    """A risk cause of a household that came from another department's list or from a
    declaration (officers' own causes stay in ``Household.risk_causes``; removing one of
    those is recorded here with ``source`` "officer")."""

    __tablename__ = "household_risk"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    cause: Mapped[str] = mapped_column(sa.String(32))
    source: Mapped[str] = mapped_column(sa.String(24))
    source_date: Mapped[date]
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    status: Mapped[str] = mapped_column(sa.String(8), default=RiskStatus.open.value)
    removed_on: Mapped[date | None]
    removed_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    removed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    comparison_id: Mapped[int | None] = mapped_column(sa.ForeignKey("list_comparison.id"))
    declaration_id: Mapped[int | None] = mapped_column(sa.ForeignKey("declaration.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household = relationship("Household")
    worker = relationship("Worker")
    removed_by = relationship("User")

    __table_args__ = (
        sa.Index("ix_household_risk_open", "household_id", "status"),
        sa.CheckConstraint("status in ('open', 'removed', 'ended')", name="status_known"),
    )


class HouseholdMeasure(Model):
    """A measure taken for a household (一户一策): a referral, a course, a public-welfare
    post offered, a visit …"""

    __tablename__ = "household_measure"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(24))
    text: Mapped[str] = mapped_column(sa.String(1000), default="")
    taken_on: Mapped[date]
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    by_user = relationship("User")


class ListComparison(Model):
    """One upload of another department's list and what comparing it found."""

    __tablename__ = "list_comparison"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(sa.String(24), index=True)
    list_date: Mapped[date]
    area_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"), index=True)
    import_job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("import_job.id"))
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    matched: Mapped[int] = mapped_column(default=0)
    not_in_register: Mapped[int] = mapped_column(default=0)
    new_risks: Mapped[int] = mapped_column(default=0)
    ended_risks: Mapped[int] = mapped_column(default=0)
    bad_rows: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    created_by = relationship("User")
    import_job = relationship("ImportJob")
    entries: Mapped[list[ListEntry]] = relationship(
        back_populates="comparison", cascade="all, delete-orphan", order_by="ListEntry.line")


class ListEntry(Model):
    """One good row of a compared list: who it is (if on the register) and the outcome."""

    __tablename__ = "list_entry"

    id: Mapped[int] = mapped_column(primary_key=True)
    comparison_id: Mapped[int] = mapped_column(sa.ForeignKey("list_comparison.id"),
                                               index=True)
    line: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(64), default="")
    id_number: Mapped[str] = mapped_column(sa.String(18))
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"))
    outcome: Mapped[str] = mapped_column(sa.String(16))  # matched | not_in_register | ended
    risk_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household_risk.id"))
    new_risk: Mapped[bool] = mapped_column(default=False)
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    comparison: Mapped[ListComparison] = relationship(back_populates="entries")
    household = relationship("Household")


class DeclarationPoint(Model):
    """Where a declaration QR poster hangs: a relocation site, or a village of a county.
    ``code`` is the short public code in /declare/<code>."""

    __tablename__ = "declaration_point"
    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(16), unique=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relocation_site.id"))
    village: Mapped[str] = mapped_column(sa.String(128), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    site = relationship("RelocationSite")
    area = relationship("Area")


class Declaration(Model):
    """A person's own declaration of what changed (自主申报), proved with a one-time code."""

    __tablename__ = "declaration"
    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration_point.id"))
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    note: Mapped[str] = mapped_column(sa.String(500), default="")
    voice_path: Mapped[str | None] = mapped_column(sa.String(256))
    voice_type: Mapped[str] = mapped_column(sa.String(32), default="")
    receipt_token: Mapped[str] = mapped_column(sa.String(48), unique=True)
    todo_id: Mapped[int | None] = mapped_column(sa.ForeignKey("todo.id"))
    answer: Mapped[str] = mapped_column(sa.String(1000), default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    point = relationship("DeclarationPoint")
    worker = relationship("Worker")
    household = relationship("Household")
    todo = relationship("Todo")


class DeclarationCode(Model):
    """A one-time code asked for on the public page (also the rate limit's ledger: every
    request is a row, whether or not the ID number is on the register)."""

    __tablename__ = "declaration_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    ticket: Mapped[str] = mapped_column(sa.String(48), unique=True)
    point_id: Mapped[int] = mapped_column(sa.ForeignKey("declaration_point.id"))
    id_hash: Mapped[str] = mapped_column(sa.String(64), index=True)
    client: Mapped[str] = mapped_column(sa.String(64), index=True)
    worker_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"))
    kind: Mapped[str] = mapped_column(sa.String(24))
    code_hash: Mapped[str] = mapped_column(sa.String(64), default="")
    expires_at: Mapped[datetime]
    attempts: Mapped[int] = mapped_column(default=0)
    used_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
