"""Opening (岗位) operations: create, update, publish, close, copy, expire, fill places.

Every rule about an opening lives here so the views, the import and the API share it.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import User
from app.errors_domain import ConflictError, DomainError
from app.extensions import db, utcnow
from app.registry.models import Education
from app.skills.entries import check_certificates, check_occupation, check_skills
from app.sql import lock_row

from .models import Employer, EmployerStatus, Job, JobKind, JobStatus
from .search import refresh_search_text
from .service import check_plain, guizhou_county, locate, today

MIN_AGE, MAX_AGE = 16, 70
MAX_MONTHLY_WAGE = 200_000
EDITABLE = {JobStatus.draft.value, JobStatus.open.value, JobStatus.closed.value,
            JobStatus.expired.value, JobStatus.filled.value}


@dataclass
class JobData:
    """What an employer, an officer or an import row says about an opening."""

    title: str
    area_code: str | None = None  # most specific workplace area (county, city or province)
    occupation_code: str | None = None
    occupation_text: str = ""
    description: str = ""
    required_skills: list[dict] = field(default_factory=list)  # [{code, text, level}]
    preferred_skills: list[dict] = field(default_factory=list)
    required_certificates: list[str] = field(default_factory=list)
    headcount: int = 1
    wage_min: int | None = None
    wage_max: int | None = None
    piece_rate: bool = False
    wage_note: str = ""
    age_min: int = 16
    age_max: int = 60
    min_education: str = "none"
    housing: bool = False
    meals: bool = False
    shifts: str = ""
    contract_months: int | None = None
    start_date: date | None = None
    closing_date: date | None = None
    kind: str = JobKind.market.value
    eligibility_county_code: str | None = None

    @classmethod
    def from_job(cls, job: Job) -> JobData:
        """The data of an existing opening (for editing and copying)."""
        return cls(
            title=job.title, area_code=job.county_code or job.city_code or job.province_code,
            occupation_code=job.occupation_code, occupation_text=job.occupation_text,
            description=job.description, required_skills=list(job.required_skills or []),
            preferred_skills=list(job.preferred_skills or []),
            required_certificates=list(job.required_certificates or []),
            headcount=job.headcount, wage_min=job.wage_min, wage_max=job.wage_max,
            piece_rate=job.piece_rate, wage_note=job.wage_note, age_min=job.age_min,
            age_max=job.age_max, min_education=job.min_education, housing=job.housing,
            meals=job.meals, shifts=job.shifts, contract_months=job.contract_months,
            start_date=job.start_date, closing_date=job.closing_date, kind=job.kind,
            eligibility_county_code=job.eligibility_county_code,
        )


def _check_wage(data: JobData) -> None:
    for name in ("wage_min", "wage_max"):
        value = getattr(data, name)
        if value is not None and not 0 < value <= MAX_MONTHLY_WAGE:
            raise DomainError(_("A monthly wage must be between 1 and %(max)d CNY.",
                                max=MAX_MONTHLY_WAGE), field=name)
    if data.wage_min is not None and data.wage_max is not None \
            and data.wage_min > data.wage_max:
        raise DomainError(_("The lowest wage cannot be higher than the highest."),
                          field="wage_max", code="wage_order")


def _check_age(data: JobData) -> None:
    if not MIN_AGE <= data.age_min <= MAX_AGE:
        raise DomainError(_("The minimum age must be between %(lo)d and %(hi)d.",
                            lo=MIN_AGE, hi=MAX_AGE), field="age_min")
    if not MIN_AGE <= data.age_max <= MAX_AGE:
        raise DomainError(_("The maximum age must be between %(lo)d and %(hi)d.",
                            lo=MIN_AGE, hi=MAX_AGE), field="age_max")
    if data.age_min > data.age_max:
        raise DomainError(_("The minimum age cannot be above the maximum age."),
                          field="age_max", code="age_order")


def validate(data: JobData, *, filled: int = 0) -> None:
    """Check an opening's data against every rule; raise DomainError naming the field."""
    check_plain(data.title, "title")
    if not (data.title or "").strip():
        raise DomainError(_("Enter a title."), field="title")
    if len(data.title.strip()) > 128:
        raise DomainError(_("The title is too long (at most 128 characters)."), field="title")
    if data.headcount is None or data.headcount < 1:
        raise DomainError(_("The head-count must be at least 1."), field="headcount")
    if data.headcount < filled:
        raise DomainError(_("%(n)d places are already filled; the head-count cannot be lower.",
                            n=filled), field="headcount", code="headcount_below_filled")
    _check_wage(data)
    _check_age(data)
    if data.min_education not in {e.value for e in Education}:
        raise DomainError(_("Choose an education level from the list."), field="min_education")
    if data.start_date and data.closing_date and data.closing_date < data.start_date:
        raise DomainError(_("The closing date cannot be before the start date."),
                          field="closing_date", code="date_order")
    if data.contract_months is not None and not 1 <= data.contract_months <= 120:
        raise DomainError(_("The contract length must be 1 to 120 months."),
                          field="contract_months")
    if data.kind not in {k.value for k in JobKind}:
        raise DomainError(_("Choose a kind of opening."), field="kind")
    if data.kind != JobKind.market.value:
        guizhou_county(data.eligibility_county_code, "eligibility_county_code")
    check_occupation(data.occupation_code)
    check_skills(data.required_skills, "required_skills")
    check_skills(data.preferred_skills, "preferred_skills")
    check_certificates(data.required_certificates)


def _apply(job: Job, data: JobData) -> None:
    validate(data, filled=job.filled or 0)
    place = locate(data.area_code)
    job.title = data.title.strip()
    job.occupation_code = data.occupation_code or None
    job.occupation_text = (data.occupation_text or "").strip()[:128]
    job.description = (data.description or "").strip()
    job.required_skills = list(data.required_skills)
    job.preferred_skills = list(data.preferred_skills)
    job.required_certificates = list(dict.fromkeys(data.required_certificates))
    job.headcount = data.headcount
    job.wage_min, job.wage_max = data.wage_min, data.wage_max
    job.piece_rate = bool(data.piece_rate)
    job.wage_note = (data.wage_note or "")[:64]
    job.age_min, job.age_max = data.age_min, data.age_max
    job.min_education = data.min_education
    job.province_code, job.city_code = place.province_code, place.city_code
    job.county_code, job.region = place.county_code, place.region
    job.housing, job.meals = bool(data.housing), bool(data.meals)
    job.shifts = (data.shifts or "").strip()[:64]
    job.contract_months = data.contract_months
    job.start_date, job.closing_date = data.start_date, data.closing_date
    job.kind = data.kind
    job.eligibility_county_code = (data.eligibility_county_code
                                   if data.kind != JobKind.market.value else None)


def create_job(employer: Employer, data: JobData, by: User) -> Job:
    """Prepare an opening as a draft (pending employers may do this too) (flushes)."""
    job = Job(employer_id=employer.id, status=JobStatus.draft.value, filled=0)
    _apply(job, data)
    db.session.add(job)
    db.session.flush()
    db.session.refresh(job, ["employer"])
    refresh_search_text(job)
    audit("job_create", job, user=by, detail={"employer": employer.id})
    return job


def update_job(job: Job, data: JobData, by: User) -> Job:
    """Change an opening's details; its status stays unless it has run out of date."""
    # A hire may be taking the last place right now: hold the row, then check the head-count
    # against the places really filled (else the database refuses the update with a 500).
    lock_row(Job, job.id)
    db.session.refresh(job, ["filled", "status"])
    if job.status not in EDITABLE:
        raise ConflictError(_("This opening cannot be edited; copy it instead."),
                            code="not_editable")
    _apply(job, data)
    if job.status == JobStatus.open.value and job.closing_date and job.closing_date < today():
        job.status = JobStatus.expired.value
    db.session.flush()
    refresh_search_text(job)
    audit("job_update", job, user=by)
    return job


def publish_job(job: Job, by: User, day: date | None = None) -> Job:
    """Put an opening on the board: the employer must be verified and the opening in date
    with places left (flushes)."""
    day = day or today()
    employer = job.employer
    if employer.status != EmployerStatus.verified.value:
        raise ConflictError(
            _("Only a verified employer can publish openings. An officer will verify your "
              "company soon.") if employer.status == EmployerStatus.pending.value
            else _("This employer is suspended and cannot publish openings."),
            code="employer_not_verified")
    if job.status == JobStatus.open.value and job.is_open_on(day):
        return job
    if job.filled >= job.headcount:
        raise ConflictError(_("Every place is filled; raise the head-count to publish again."),
                            field="headcount", code="headcount_full")
    if job.closing_date is not None and job.closing_date < day:
        raise DomainError(_("The closing date has passed; set a later one to publish."),
                          field="closing_date", code="closing_passed")
    validate(JobData.from_job(job), filled=job.filled)
    job.status = JobStatus.open.value
    job.published_at = utcnow()
    audit("job_publish", job, user=by)
    db.session.flush()
    return job


def close_job(job: Job, by: User) -> Job:
    """Take an opening off the board by hand (flushes)."""
    if job.status == JobStatus.closed.value:
        return job
    if job.status not in (JobStatus.open.value, JobStatus.draft.value,
                          JobStatus.expired.value):
        raise ConflictError(_("This opening cannot be closed."), code="not_closable")
    job.status = JobStatus.closed.value
    audit("job_close", job, user=by)
    db.session.flush()
    return job


def copy_job(job: Job, by: User) -> Job:
    """A new draft with the same details and no dates (flushes)."""
    data = JobData.from_job(job)
    data.start_date = data.closing_date = None
    copy = create_job(job.employer, data, by)
    audit("job_copy", copy, user=by, detail={"from": job.id})
    return copy


def expire_openings(day: date | None = None) -> int:
    """Set-based sweep for the scheduler: open → expired where the closing date has passed.
    Idempotent; the board and matching never depend on it (they use ``open_clause``)."""
    day = day or today()
    result = db.session.execute(
        sa.update(Job).where(Job.status == JobStatus.open.value, Job.closing_date < day)
        .values(status=JobStatus.expired.value, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return result.rowcount or 0


def take_places(job_id: int, n: int = 1) -> Job:
    """Count ``n`` hires against an opening atomically; refuse beyond the head-count.

    For placements: one conditional UPDATE, so two officers confirming the last place at
    the same time cannot overfill it (the CHECK constraint backs this up)."""
    result = db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.filled + n <= Job.headcount)
        .values(filled=Job.filled + n).execution_options(synchronize_session=False))
    job = db.session.get(Job, job_id)
    if job is not None:
        db.session.refresh(job)
    if not result.rowcount:
        raise ConflictError(_("Every place of this opening is already filled."),
                            code="headcount_full")
    if job.filled >= job.headcount and job.status == JobStatus.open.value:
        job.status = JobStatus.filled.value
        db.session.flush()
    return job


def release_places(job_id: int, n: int = 1) -> Job:
    """Undo ``n`` hires (a placement cancelled); a filled opening reopens if in date."""
    db.session.execute(
        sa.update(Job).where(Job.id == job_id, Job.filled >= n)
        .values(filled=Job.filled - n).execution_options(synchronize_session=False))
    job = db.session.get(Job, job_id)
    db.session.refresh(job)
    if job.status == JobStatus.filled.value and job.filled < job.headcount:
        job.status = JobStatus.open.value
        db.session.flush()
    return job
