"""Employers and their openings (岗位)."""
from __future__ import annotations

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.clock import utcnow
from app.extensions import Model


class EmployerStatus(enum.StrEnum):
    """Verification state of an employer."""

    pending = "pending"
    verified = "verified"
    suspended = "suspended"


class JobStatus(enum.StrEnum):
    """Life of an opening: draft → open → filled / closed / expired."""

    draft = "draft"
    open = "open"
    filled = "filled"
    closed = "closed"
    expired = "expired"


# Industry is stored as its Chinese name (what partner systems and rosters carry); the
# label follows the user's language.
INDUSTRIES = {
    "电子制造": _l("Electronics manufacturing"), "服装纺织": _l("Garments and textiles"),
    "建筑施工": _l("Construction work"), "物流快递": _l("Logistics and delivery"),
    "家政服务": _l("Housekeeping services"), "养老护理": _l("Elderly care"),
    "餐饮": _l("Catering"), "食品加工": _l("Food processing"),
    "茶叶加工": _l("Tea processing"), "辣椒加工": _l("Chilli processing"),
    "乡村旅游": _l("Rural tourism"), "酒店": _l("Hotels"),
    "汽车制造": _l("Car manufacturing"), "机械制造": _l("Machinery manufacturing"),
    "物业保安": _l("Property management and security"), "零售": _l("Retail"),
    "农业种养": _l("Farming"), "公共服务": _l("Public services"), "其他": _l("Other"),
}


LABELS = {
    "industry": INDUSTRIES,
    "employer_status": {
        "pending": _l("Pending verification"), "verified": _l("Verified"),
        "suspended": _l("Suspended"),
    },
    "job_status": {
        "draft": _l("Draft"), "open": _l("Recruiting"), "filled": _l("Filled"),
        "closed": _l("Closed"), "expired": _l("Expired"),
    },
    "job_kind": {
        "market": _l("Market job"), "public_welfare": _l("Public-welfare post"),
        "work_relief": _l("Work-relief project"),
    },
    "region": {
        "yrd": _l("Yangtze River Delta"), "prd": _l("Pearl River Delta"),
        "guizhou": _l("Guizhou"), "other": _l("Elsewhere"),
    },
}


# Places a matching profile offers for an opening without a fixed head-count (若干): more
# than any pool a dispatch is solved for, so such an opening never runs out of places.
NO_FIXED_LIMIT = 100_000


class Employer(Model):
    """用人单位: a company, verified by an officer before it may publish openings."""

    __scope__ = {"area": "*", "employer": "id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), index=True)
    # None only for an employer registered from a partner's sheet that gave no code; the
    # officer adds it when verifying (unique: several NULLs are allowed).
    credit_code: Mapped[str | None] = mapped_column(sa.String(18), unique=True)
    industry: Mapped[str] = mapped_column(sa.String(64), default="")
    province_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    city_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    address: Mapped[str] = mapped_column(sa.String(256), default="")
    region: Mapped[str] = mapped_column(sa.String(8), default="other", index=True)
    contact_name: Mapped[str] = mapped_column(sa.String(64), default="")
    contact_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    labour_coop: Mapped[bool] = mapped_column(default=False)
    coop_county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    status: Mapped[str] = mapped_column(sa.String(16), default="pending", index=True)
    status_reason: Mapped[str] = mapped_column(sa.String(256), default="")
    verified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    verified_at: Mapped[datetime | None]
    arrears_open: Mapped[bool] = mapped_column(default=False)  # an unresolved wage-arrears case
    import_mapping: Mapped[dict | None] = mapped_column(sa.JSON)  # remembered column mapping
    # Where the record came from when not registered by the company itself: the partner
    # (劳务协作站, HR bureau, agency) whose sheet of openings named it first.
    source: Mapped[str] = mapped_column(sa.String(128), default="", server_default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    province = relationship("Area", foreign_keys=[province_code])
    city = relationship("Area", foreign_keys=[city_code])
    county = relationship("Area", foreign_keys=[county_code])
    jobs: Mapped[list[Job]] = relationship(back_populates="employer")


class Job(Model):
    """岗位: an opening with a head-count."""

    __scope__ = {"area": "*", "employer": "employer_id"}

    id: Mapped[int] = mapped_column(primary_key=True)
    employer_id: Mapped[int] = mapped_column(sa.ForeignKey("employer.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(128))
    occupation_code: Mapped[str | None] = mapped_column(sa.String(48), index=True)
    occupation_text: Mapped[str] = mapped_column(sa.String(128), default="")
    description: Mapped[str] = mapped_column(sa.Text, default="")
    required_skills: Mapped[list] = mapped_column(sa.JSON, default=list)  # [{code,text,level}]
    preferred_skills: Mapped[list] = mapped_column(sa.JSON, default=list)
    required_certificates: Mapped[list] = mapped_column(sa.JSON, default=list)  # [code]
    # None = unspecified (若干, or left blank by a partner): no fixed limit on places.
    headcount: Mapped[int | None]  # no default: an explicit None must stay None
    filled: Mapped[int] = mapped_column(default=0)
    wage_min: Mapped[int | None]
    wage_max: Mapped[int | None]
    piece_rate: Mapped[bool] = mapped_column(default=False)
    wage_note: Mapped[str] = mapped_column(sa.String(64), default="")  # original notation
    # The period the wage was written in (month, year, day, hour); a day or hour rate is
    # turned into a monthly estimate (21.75 days × 8 hours) and shown as "about …".
    wage_unit: Mapped[str] = mapped_column(sa.String(8), default="month",
                                           server_default="month")
    age_min: Mapped[int] = mapped_column(default=16)
    age_max: Mapped[int] = mapped_column(default=60)
    min_education: Mapped[str] = mapped_column(sa.String(16), default="none")
    province_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    city_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"), index=True)
    county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    region: Mapped[str] = mapped_column(sa.String(8), default="other")
    # Below the resolved area: town, street, industrial park, development zone ("长安镇").
    place_detail: Mapped[str] = mapped_column(sa.String(128), default="", server_default="")
    housing: Mapped[bool] = mapped_column(default=False)
    meals: Mapped[bool] = mapped_column(default=False)
    shifts: Mapped[str] = mapped_column(sa.String(64), default="")
    contract_months: Mapped[int | None]
    start_date: Mapped[date | None]
    closing_date: Mapped[date | None]
    kind: Mapped[str] = mapped_column(sa.String(16), default="market")
    eligibility_county_code: Mapped[str | None] = mapped_column(sa.ForeignKey("area.code"))
    status: Mapped[str] = mapped_column(sa.String(16), default="draft")
    search_text: Mapped[str] = mapped_column(sa.Text, default="")  # normalised + pinyin
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    published_at: Mapped[datetime | None]

    employer: Mapped[Employer] = relationship(back_populates="jobs")
    province = relationship("Area", foreign_keys=[province_code])
    city = relationship("Area", foreign_keys=[city_code])
    county = relationship("Area", foreign_keys=[county_code])

    __table_args__ = (
        sa.CheckConstraint("headcount >= 1", name="headcount_positive"),
        sa.CheckConstraint("filled >= 0 AND filled <= headcount", name="filled_within_headcount"),
        sa.CheckConstraint(
            "wage_min IS NULL OR wage_max IS NULL OR wage_min <= wage_max", name="wage_order"
        ),
        sa.CheckConstraint("age_min <= age_max", name="age_order"),
        sa.Index("ix_job_status_region", "status", "region"),
        # Covers the open-and-in-date test of open_clause, so counting the board reads
        # only this index (bench/README.md ("Job board")).
        sa.Index("ix_job_status_closing", "status", "closing_date", "filled", "headcount",
                 "employer_id"),
        sa.Index("ix_job_status_published", "status", "published_at"),
    )

    @property
    def unclassified(self) -> bool:
        """Names no occupation and no skill of the list (skills typed as free text do not
        count): waits for an officer to classify it."""
        return not self.occupation_code and not any(
            isinstance(e, dict) and e.get("code")
            for e in [*(self.required_skills or []), *(self.preferred_skills or [])])

    @property
    def unlisted_skills(self) -> list[str]:
        """Skills the employer typed that are not in the skill list (kept as text)."""
        return [e["text"] for e in [*(self.required_skills or []),
                                    *(self.preferred_skills or [])]
                if isinstance(e, dict) and not e.get("code") and e.get("text")]

    @property
    def unlimited(self) -> bool:
        """No fixed head-count (若干): hires never fill the opening."""
        return self.headcount is None

    @property
    def remaining(self) -> int | None:
        """Places still open; None when the head-count is unspecified (no fixed limit)."""
        if self.headcount is None:
            return None
        return max(0, self.headcount - self.filled)

    def has_places(self, n: int = 1) -> bool:
        """Room for ``n`` more hires (always, without a fixed head-count)."""
        return self.headcount is None or self.filled + n <= self.headcount

    @property
    def wage_estimated(self) -> bool:
        """The monthly figures are an estimate from a day or hour rate."""
        return self.wage_unit in ("day", "hour")

    def is_open_on(self, day: date) -> bool:
        """Open, with places left, and not past its closing date (whatever the sweep did)."""
        return (
            self.status == JobStatus.open.value
            and self.has_places()
            and (self.closing_date is None or self.closing_date >= day)
        )

    def status_on(self, day: date) -> str:
        """The status to show on ``day``: an open opening past its closing date is expired,
        one with no places left is filled, whether or not a background sweep has run."""
        if self.status == JobStatus.open.value:
            if self.closing_date is not None and self.closing_date < day:
                return JobStatus.expired.value
            if not self.has_places():
                return JobStatus.filled.value
        return self.status

    @property
    def wage_basis(self) -> str:
        """How the wage is paid: month, piece or negotiable (no figure given)."""
        if self.piece_rate:
            return "piece"
        if self.wage_min is None and self.wage_max is None:
            return "negotiable"
        return "month"

    @classmethod
    def places_left_clause(cls, n: int = 1) -> sa.ColumnElement[bool]:
        """SQL twin of has_places: no fixed head-count, or room for ``n`` more hires."""
        room = cls.filled < cls.headcount if n == 1 else cls.filled + n <= cls.headcount
        return sa.or_(cls.headcount.is_(None), room)

    @classmethod
    def open_clause(cls, day: date) -> sa.ColumnElement[bool]:
        """SQL twin of is_open_on, used by the board, matching and every list of open jobs."""
        return sa.and_(
            cls.status == JobStatus.open.value,
            cls.places_left_clause(),
            sa.or_(cls.closing_date.is_(None), cls.closing_date >= day),
        )


class PartnerMapping(Model):
    """A labour-cooperation partner's remembered column mapping for opening imports
    (for example 苏州市人社局, whose lists always have the same headers)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(128), unique=True)
    mapping: Mapped[dict] = mapped_column(sa.JSON, default=dict)  # {header text: column key}
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
