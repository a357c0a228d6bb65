"""Training: the course catalogue, sessions, enrolments, and trainee self-service records."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import db

EVERYONE = {"area": "*", "employer": "*", "worker": "*"}


class CourseMode(enum.StrEnum):
    """订单式: an employer orders N trainees and promises jobs; 定向式: aimed at an industry
    or region; general: open training."""

    order = "order"
    directed = "directed"
    general = "general"


class EnrolmentStatus(enum.StrEnum):
    """enrolled / waitlisted → completed / failed, or withdrawn."""

    enrolled = "enrolled"
    waitlisted = "waitlisted"
    withdrawn = "withdrawn"
    completed = "completed"
    failed = "failed"


ACTIVE_ENROLMENT = (EnrolmentStatus.enrolled.value, EnrolmentStatus.waitlisted.value)

LABELS = {
    "mode": {"order": _l("Order-based"), "directed": _l("Directed"),
             "general": _l("General course")},
    "enrolment_status": {
        "enrolled": _l("Enrolled"), "waitlisted": _l("Waiting list"),
        "withdrawn": _l("Withdrawn"), "completed": _l("Completed"), "failed": _l("Not passed"),
    },
    "change_kind": {"found_job": _l("Found a job"), "left_job": _l("Left a job"),
                    "moved": _l("Moved")},
    "change_status": {"new": _l("New"), "confirmed": _l("Confirmed"),
                      "dismissed": _l("Dismissed")},
}


class Course(db.Model):
    """A course of the catalogue (training_catalog/courses.toml), upserted by code."""

    __scope__ = EVERYONE

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(128))
    name_en: Mapped[str] = mapped_column(sa.String(160), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    mode: Mapped[str] = mapped_column(sa.String(16), default=CourseMode.general.value)
    skills: Mapped[list] = mapped_column(sa.JSON, default=list)  # skill codes taught
    certificate: Mapped[str | None] = mapped_column(sa.String(48))  # certificate code awarded
    provider: Mapped[str] = mapped_column(sa.String(128), default="")
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    days: Mapped[int] = mapped_column(default=1)
    hours: Mapped[int] = mapped_column(default=8)
    cost: Mapped[int] = mapped_column(default=0)  # CNY per trainee
    subsidy: Mapped[int] = mapped_column(default=0)  # CNY per trainee paid by the state
    age_min: Mapped[int] = mapped_column(default=16)
    age_max: Mapped[int] = mapped_column(default=60)
    min_education: Mapped[str] = mapped_column(sa.String(16), default="none")
    categories: Mapped[list] = mapped_column(sa.JSON, default=list)  # empty = everyone
    # Order-based: the employer (by credit code) and opening (by title) it is linked to;
    # employer_id/job_id stay empty ("pending") until both exist on this installation.
    order_credit_code: Mapped[str | None] = mapped_column(sa.String(18))
    order_employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    order_job_title: Mapped[str] = mapped_column(sa.String(128), default="")
    employer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    job_id: Mapped[int | None] = mapped_column(sa.ForeignKey("job.id"), index=True)
    committed_hires: Mapped[int] = mapped_column(default=0)
    wage_min: Mapped[int | None]  # promised monthly wage (order) or typical wage
    wage_max: Mapped[int | None]
    # Directed: the industry and region it trains for.
    target_industry: Mapped[str] = mapped_column(sa.String(64), default="")
    target_region: Mapped[str] = mapped_column(sa.String(8), default="")
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    county = relationship("Area")
    employer = relationship("Employer")
    job = relationship("Job")
    sessions: Mapped[list[CourseSession]] = relationship(
        back_populates="course", order_by="CourseSession.start_date")

    __table_args__ = (
        sa.CheckConstraint("mode in ('order', 'directed', 'general')", name="mode_known"),
        sa.CheckConstraint("age_min <= age_max", name="age_order"),
    )

    @property
    def is_order(self) -> bool:
        """An order-based course."""
        return self.mode == CourseMode.order.value

    @property
    def link_pending(self) -> bool:
        """An order course whose employer or opening is not on this installation yet."""
        return self.is_order and (self.employer_id is None or self.job_id is None)

    def label(self, locale: str = "zh") -> str:
        """Name in the given locale."""
        return self.name_en if locale == "en" and self.name_en else self.name


class CourseSession(db.Model):
    """One run of a course: dates and places; ``enrolled`` only moves by conditional UPDATE."""

    __scope__ = EVERYONE

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    start_date: Mapped[date]
    end_date: Mapped[date]
    places: Mapped[int]
    enrolled: Mapped[int] = mapped_column(default=0)
    county_code: Mapped[str] = mapped_column(sa.ForeignKey("area.code"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    course: Mapped[Course] = relationship(back_populates="sessions")
    county = relationship("Area")

    __table_args__ = (
        sa.UniqueConstraint("course_id", "start_date", "county_code",
                            name="uq_course_session_start"),
        sa.CheckConstraint("places >= 1", name="places_positive"),
        sa.CheckConstraint("enrolled >= 0 AND enrolled <= places", name="enrolled_within_places"),
        sa.CheckConstraint("end_date >= start_date", name="dates_order"),
    )

    @property
    def places_left(self) -> int:
        """Places not taken."""
        return max(0, self.places - self.enrolled)

    def open_on(self, day: date) -> bool:
        """Enrolment is possible until the session starts."""
        return self.start_date > day


class Enrolment(db.Model):
    """A worker in a session: enrolled, waitlisted, withdrawn, completed or failed."""

    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    session_id: Mapped[int] = mapped_column(sa.ForeignKey("course_session.id"), index=True)
    course_id: Mapped[int] = mapped_column(sa.ForeignKey("course.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)  # the worker's county
    status: Mapped[str] = mapped_column(sa.String(16), default=EnrolmentStatus.enrolled.value)
    source: Mapped[str] = mapped_column(sa.String(16), default="self")  # self | officer
    assessment: Mapped[str] = mapped_column(sa.String(64), default="")  # result as recorded
    certificate_number: Mapped[str] = mapped_column(sa.String(64), default="")
    completed_at: Mapped[datetime | None]
    withdrawn_at: Mapped[datetime | None]
    note: Mapped[str] = mapped_column(sa.String(256), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    worker = relationship("Worker")
    session: Mapped[CourseSession] = relationship()
    course: Mapped[Course] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("worker_id", "session_id", name="uq_enrolment_worker_session"),
        sa.Index("ix_enrolment_session_status", "session_id", "status"),
        sa.CheckConstraint(
            "status in ('enrolled', 'waitlisted', 'withdrawn', 'completed', 'failed')",
            name="status_known"),
    )


class TraineeCode(db.Model):
    """A one-time activation code an officer gives a worker (stored hashed, expiring)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ChangeReport(db.Model):
    """A trainee's own report (found a job, left a job, moved) for the officer to confirm."""

    __scope__ = {"area": "area_code", "worker": "worker_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    worker_id: Mapped[int] = mapped_column(sa.ForeignKey("worker.id"), index=True)
    area_code: Mapped[str] = mapped_column(sa.String(6), index=True)
    kind: Mapped[str] = mapped_column(sa.String(16))  # found_job | left_job | moved
    employer_name: Mapped[str] = mapped_column(sa.String(128), default="")
    job_title: Mapped[str] = mapped_column(sa.String(128), default="")
    on_date: Mapped[date | None]
    new_area_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    note: Mapped[str] = mapped_column(sa.String(512), default="")
    status: Mapped[str] = mapped_column(sa.String(16), default="new")
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    handled_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    worker = relationship("Worker")

    __table_args__ = (
        sa.CheckConstraint("kind in ('found_job', 'left_job', 'moved')", name="kind_known"),
    )
