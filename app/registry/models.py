"""The register: relocation sites, households, workers and their histories."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model
from app.i18n import in_language


class WorkerStatus(enum.StrEnum):
    """Where a worker stands."""

    seeking = "seeking"
    training = "training"
    employed = "employed"
    unavailable = "unavailable"


class WorkerCategory(enum.StrEnum):
    """Policy category of a worker."""

    relocated = "relocated"
    graduate = "graduate"
    returnee = "returnee"
    general = "general"


class RiskCause(enum.StrEnum):
    """Why a monitored household is at risk of falling back into poverty."""

    illness = "illness"
    disability = "disability"
    disaster = "disaster"
    accident = "accident"
    no_labour = "no_labour"
    no_skills = "no_skills"
    failed_business = "failed_business"
    education_costs = "education_costs"
    other = "other"


class Education(enum.StrEnum):
    """Highest education completed, in order."""

    none = "none"
    primary = "primary"
    junior = "junior"
    senior = "senior"
    vocational = "vocational"
    college = "college"
    bachelor = "bachelor"


EDUCATION_RANK = {e.value: i for i, e in enumerate(Education)}

LABELS = {
    "status": {
        "seeking": _l("Seeking work"), "training": _l("In training"),
        "employed": _l("Employed"), "unavailable": _l("Not available"),
    },
    "category": {
        "relocated": _l("Relocated labourer"),
        "graduate": _l("Graduate from a formerly poor household"),
        "returnee": _l("Returnee"), "general": _l("General"),
    },
    "risk": {
        "illness": _l("Illness"), "disability": _l("Disability"), "disaster": _l("Disaster"),
        "accident": _l("Accident"), "no_labour": _l("Lack of labour"),
        "no_skills": _l("Lack of skills"), "failed_business": _l("Failed business"),
        "education_costs": _l("Education costs"), "other": _l("Other"),
    },
    "education": {
        "none": _l("No schooling"), "primary": _l("Primary school"),
        "junior": _l("Junior secondary"), "senior": _l("Senior secondary"),
        "vocational": _l("Vocational school"), "college": _l("College (dazhuan)"),
        "bachelor": _l("Bachelor or above"),
    },
    "region_pref": {
        "local": _l("Own county"), "guizhou": _l("Guizhou"), "yrd": _l("Yangtze River Delta"),
        "prd": _l("Pearl River Delta"), "any": _l("Anywhere"),
    },
    # A dependant's relation to the household, stored as the word officers write.
    "relation": {"子女": _l("Child"), "父母": _l("Parent"), "配偶": _l("Spouse"),
                 "祖父母": _l("Grandparent"), "孙子女": _l("Grandchild"),
                 "兄弟姐妹": _l("Brother or sister"), "其他": _l("Other relative")},
    "job_kind": {
        "market": _l("Market job"), "public_welfare": _l("Public-welfare post"),
        "work_relief": _l("Work-relief project"),
    },
}


class RelocationSite(Model):
    """易地扶贫搬迁安置点: a resettlement site in a county."""

    __scope__ = {"area": "county_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    address: Mapped[str] = mapped_column(sa.String(256), default="")
    households_relocated: Mapped[int] = mapped_column(default=0)
    people_relocated: Mapped[int] = mapped_column(default=0)
    contact_officer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    county = relationship("Area")
    contact_officer = relationship("User")

    __table_args__ = (sa.UniqueConstraint("county_code", "name", name="uq_site_county_name"),)


class Household(Model):
    """户: a household, possibly monitored against falling back into poverty."""

    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(sa.String(32), unique=True)
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    site_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relocation_site.id"), index=True)
    village: Mapped[str] = mapped_column(sa.String(128), default="")
    head_name: Mapped[str] = mapped_column(sa.String(64), default="")
    monitored: Mapped[bool] = mapped_column(default=False, index=True)
    risk_causes: Mapped[list] = mapped_column(sa.JSON, default=list)
    per_capita_income: Mapped[int | None]  # CNY per year
    at_risk: Mapped[bool] = mapped_column(default=False)  # flagged after a member's job loss
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    site: Mapped[RelocationSite | None] = relationship()
    area = relationship("Area")
    workers: Mapped[list[Worker]] = relationship(back_populates="household")
    dependants: Mapped[list[Dependant]] = relationship(
        back_populates="household", cascade="all, delete-orphan"
    )
    plan_entries: Mapped[list[HouseholdPlanEntry]] = relationship(
        back_populates="household", cascade="all, delete-orphan",
        order_by="HouseholdPlanEntry.entry_date.desc()",
    )


class Dependant(Model):
    """A household member who is not a worker (child, elder, student…)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    relation: Mapped[str] = mapped_column(sa.String(32), default="")
    birth_year: Mapped[int | None]
    note: Mapped[str] = mapped_column(sa.String(256), default="")

    household: Mapped[Household] = relationship(back_populates="dependants")


class HouseholdPlanEntry(Model):
    """一户一策: one dated entry of a household's plan; entries are kept as history."""

    id: Mapped[int] = mapped_column(primary_key=True)
    household_id: Mapped[int] = mapped_column(sa.ForeignKey("household.id"), index=True)
    entry_date: Mapped[date]
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    household: Mapped[Household] = relationship(back_populates="plan_entries")
    author = relationship("User")


class Worker(Model):
    """劳动力: a labourer on the register."""

    __scope__ = {"area": "area_code", "worker": "id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))  # indexed by ix_worker_name_birth
    name_pinyin: Mapped[str] = mapped_column(sa.String(128), index=True)  # "zhangsan"
    name_initials: Mapped[str] = mapped_column(sa.String(32), index=True)  # "zs"
    id_number: Mapped[str] = mapped_column(sa.String(18), unique=True)
    id_number_rev: Mapped[str] = mapped_column(sa.String(18), index=True)  # for tail search
    birth_date: Mapped[date]
    sex: Mapped[str] = mapped_column(sa.String(1))  # M / F
    phone: Mapped[str | None] = mapped_column(sa.String(20))
    phone_rev: Mapped[str | None] = mapped_column(sa.String(20), index=True)
    # area_code and household_id are indexed by the composite indexes below.
    area_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"))
    household_id: Mapped[int | None] = mapped_column(sa.ForeignKey("household.id"))
    # status, category and merged_into_id are read through the composite indexes below
    # (a lone index on a column of a handful of values is never chosen; every index costs
    # each worker written).
    category: Mapped[str] = mapped_column(sa.String(16), default="general")
    education: Mapped[str] = mapped_column(sa.String(16), default="junior")
    skills_text: Mapped[str] = mapped_column(sa.Text, default="")
    regions_acceptable: Mapped[list] = mapped_column(sa.JSON, default=list)  # in preference order
    min_wage: Mapped[int | None]
    job_kinds_wanted: Mapped[list] = mapped_column(sa.JSON, default=list)
    available_from: Mapped[date | None]
    care_duties: Mapped[bool] = mapped_column(default=False)
    health_notes: Mapped[str] = mapped_column(sa.Text, default="")
    preferred_language: Mapped[str] = mapped_column(sa.String(8), default="zh")
    status: Mapped[str] = mapped_column(sa.String(16), default="seeking")
    status_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Set when an officer merged this record into another (a likely duplicate): the record
    # stays for what other features link to it, but leaves every list.
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("worker.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    household: Mapped[Household | None] = relationship(back_populates="workers")
    area = relationship("Area")
    certificates: Mapped[list[WorkerCertificate]] = relationship(
        back_populates="worker", cascade="all, delete-orphan"
    )
    work_history: Mapped[list[WorkHistory]] = relationship(
        back_populates="worker", cascade="all, delete-orphan",
        order_by="WorkHistory.start_date.desc()",
    )
    status_history: Mapped[list[WorkerStatusChange]] = relationship(
        back_populates="worker", cascade="all, delete-orphan",
        order_by="WorkerStatusChange.changed_at.desc()",
    )

    __table_args__ = (
        sa.CheckConstraint(
            "status in ('seeking', 'training', 'employed', 'unavailable')", name="status_known"
        ),
        # Covering for the list's counts (area range, status, not merged).
        sa.Index("ix_worker_area_status_active", "area_code", "status", "merged_into_id"),
        sa.Index("ix_worker_household_status", "household_id", "status"),
        # A county's list, newest first, read in index order (the scope is one code);
        # with the household, status and category in it, its filters and counts never
        # read the table.
        sa.Index("ix_worker_area_id_active", "area_code", "id",
                 postgresql_include=["household_id", "status", "category"],
                 postgresql_where=sa.text("merged_into_id IS NULL"),
                 sqlite_where=sa.text("merged_into_id IS NULL")),
        # A county's searches (name, pinyin, initials, ID-number and phone tails) without
        # reading the whole province's matches first (a common name such as 王芳 is held
        # by hundreds across the province, a few in one county).
        *(sa.Index(f"ix_worker_area_{key}_active", "area_code", key,
                   postgresql_where=sa.text("merged_into_id IS NULL"),
                   sqlite_where=sa.text("merged_into_id IS NULL"))
          for key in ("name", "name_pinyin", "name_initials", "id_number_rev", "phone_rev")),
        # The employed side of the zero-employment anti-join, index-only and small.
        sa.Index("ix_worker_employed_household", "household_id",
                 postgresql_where=sa.text("status = 'employed' AND merged_into_id IS NULL"),
                 sqlite_where=sa.text("status = 'employed' AND merged_into_id IS NULL")),
        sa.Index("ix_worker_name_birth", "name", "birth_date"),
    )

    def age_on(self, day: date) -> int:
        """Age in whole years on a given day."""
        years = day.year - self.birth_date.year
        return years - ((day.month, day.day) < (self.birth_date.month, self.birth_date.day))


class WorkerCertificate(Model):
    """A certificate a worker holds (特种作业操作证, 职业技能等级证书…)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    kind: Mapped[str] = mapped_column(sa.String(48))  # certificate code from the taxonomy
    number: Mapped[str] = mapped_column(sa.String(64), default="")
    issued_on: Mapped[date | None]
    expires_on: Mapped[date | None]

    worker: Mapped[Worker] = relationship(back_populates="certificates")


class WorkHistory(Model):
    """A past job of a worker."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    job_title: Mapped[str] = mapped_column(sa.String(128), default="")
    place: Mapped[str] = mapped_column(sa.String(128), default="")
    start_date: Mapped[date | None]
    end_date: Mapped[date | None]

    worker: Mapped[Worker] = relationship(back_populates="work_history")


class WorkerStatusChange(Model):
    """One dated change of a worker's status."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    status: Mapped[str] = mapped_column(sa.String(16))
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    reason: Mapped[str] = mapped_column(sa.String(256), default="")
    # The reason in each language ({"zh": …, "en": …}, app.i18n.words_of) when the product
    # wrote it ("Enrolled in a course"); empty when an officer typed it, and for older rows.
    reason_words: Mapped[dict | None] = mapped_column(sa.JSON)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    worker: Mapped[Worker] = relationship(back_populates="status_history")

    def reason_in(self, locale: str | None = None) -> str:
        """The reason in ``locale`` (the page's) when the product wrote it, else as written."""
        return str(in_language(self.reason_words, locale) or self.reason)


class WorkerEvent(Model):
    """One line of a worker's activity timeline; every feature adds to it."""

    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"))
    area_code: Mapped[str] = mapped_column(sa.String(6))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    kind: Mapped[str] = mapped_column(sa.String(32))  # registered, referral, placement, …
    detail: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))

    __table_args__ = (sa.Index("ix_worker_event_worker_at", "worker_id", "at"),)


class DuplicateFlag(Model):
    """A pair of workers who look like the same person, for an officer to review."""

    __scope__ = {"area": "area_code"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_a_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    worker_b_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)
    reason: Mapped[str] = mapped_column(sa.String(32))  # same_name_birth | household_pinyin
    status: Mapped[str] = mapped_column(sa.String(16), default="open")  # open|merged|dismissed
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    resolved_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker_a: Mapped[Worker] = relationship(foreign_keys=[worker_a_id])
    worker_b: Mapped[Worker] = relationship(foreign_keys=[worker_b_id])

    __table_args__ = (
        sa.UniqueConstraint("worker_a_id", "worker_b_id", name="uq_duplicate_pair"),
    )
