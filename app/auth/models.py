"""Accounts, administrative areas, the audit log and login attempts."""

from __future__ import annotations

import enum
import secrets
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class Role(enum.StrEnum):
    """What a user may do; officers are further limited to their area."""

    officer = "officer"
    employer = "employer"
    trainee = "trainee"
    admin = "admin"
    partner = "partner"  # a labour-cooperation partner office: its own employers' records


# What each role is called on pages, in the reader's language.
ROLE_LABELS = {Role.officer.value: _l("Employment officer"), Role.employer.value: _l("Employer"),
               Role.trainee.value: _l("Trainee"), Role.admin.value: _l("Administrator"),
               Role.partner.value: _l("Labour-cooperation partner")}


class Area(Model):
    """An administrative division with its GB/T 2260 code."""

    code: Mapped[str] = mapped_column(sa.String(6), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    name_en: Mapped[str] = mapped_column(sa.String(128))
    level: Mapped[str] = mapped_column(sa.String(16))  # province | prefecture | county | other
    parent_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"), index=True)
    region: Mapped[str] = mapped_column(sa.String(8), index=True)
    # The area's employment service office (就业服务中心/局), shown to the public as the
    # contact for openings it is responsible for; empty when not yet known.
    office_phone: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    office_address: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")

    parent: Mapped[Area | None] = relationship(remote_side=[code])

    def prefix(self) -> str:
        """Code prefix shared by this area and everything inside it."""
        return code_prefix(self.code, self.level)

    def label(self, locale: str = "zh") -> str:
        """Name in the given locale."""
        return self.name_en if locale == "en" else self.name

    def __repr__(self) -> str:
        return f"<Area {self.code} {self.name}>"


def code_prefix(code: str, level: str) -> str:
    """GB/T 2260 codes nest by prefix: province 2 digits, prefecture 4, county all 6."""
    return {"province": code[:2], "prefecture": code[:4]}.get(level, code)


class User(UserMixin, Model):
    """A login: officer, employer, trainee or admin."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(64), default="")
    password_hash: Mapped[str] = mapped_column(sa.String(256))
    role: Mapped[str] = mapped_column(sa.String(16), index=True)
    area_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"), index=True)
    employer_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("employer.id", use_alter=True), index=True
    )
    worker_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("worker.id", use_alter=True), index=True
    )
    supervisor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    # The partner office of a ``partner`` account (app.employment's LabourPartner).
    partner_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("labour_partner.id", use_alter=True), index=True
    )
    locale: Mapped[str | None] = mapped_column(sa.String(8))
    active: Mapped[bool] = mapped_column(default=True)
    # Rotated on password change so that every existing session ends.
    session_token: Mapped[str] = mapped_column(sa.String(32), default=lambda: secrets.token_hex(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    area: Mapped[Area | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(
            "role in ('officer', 'employer', 'trainee', 'admin', 'partner')", name="role_known"
        ),
    )

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    def get_id(self) -> str:
        """Session identity: id plus the token that a password change rotates."""
        return f"{self.id}:{self.session_token}"

    def has_role(self, *roles: str) -> bool:
        """Whether the user holds one of the roles."""
        return self.role in roles

    def __repr__(self) -> str:
        return f"<User {self.username} {self.role}>"


class AuditLog(Model):
    """Who did what to which record, when and from where."""

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"), index=True)
    username: Mapped[str] = mapped_column(sa.String(64), default="")
    action: Mapped[str] = mapped_column(sa.String(64), index=True)
    target_type: Mapped[str | None] = mapped_column(sa.String(32))
    target_id: Mapped[str | None] = mapped_column(sa.String(64))
    detail: Mapped[dict | None] = mapped_column(sa.JSON)
    ip: Mapped[str | None] = mapped_column(sa.String(64))

    __table_args__ = (sa.Index("ix_audit_log_target", "target_type", "target_id"),)


class LoginAttempt(Model):
    """One try at logging in; failures within a window trip the rate limit."""

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(sa.String(64))
    ip: Mapped[str] = mapped_column(sa.String(64))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    success: Mapped[bool]

    __table_args__ = (
        sa.Index("ix_login_attempt_username_at", "username", "at"),
        sa.Index("ix_login_attempt_ip_at", "ip", "at"),
    )


class ApiToken(Model):
    """A bearer token; only its SHA-256 is stored (tokens are long random strings)."""

    __scope__ = {"area": "*"}

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(64), default="")
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    prefix: Mapped[str] = mapped_column(sa.String(12))  # shown so users can tell tokens apart
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    expires_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    user: Mapped[User] = relationship()
