"""Opening (岗位) operations: create, update, publish, close, copy, expire, fill places.

Every rule about an opening lives here so the views, the import and the API share it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.auth.audit import audit, audit_many
from app.auth.models import User
from app.clock import today, utcnow
from app.errors_domain import ConflictError, DomainError, Problems
from app.extensions import db
from app.imports.bulk import insert_rows
from app.registry.models import Education
from app.skills.entries import (
    check_certificates,
    check_occupation,
    check_skills,
    resolve_occupation,
)
from app.sql import affected, lock_row, table_of
from app.vocabulary import JobKind

from .models import Employer, EmployerStatus, Job, JobStatus
from .search import build_search_text, refresh_search_text
from .service import Placement, check_plain, guizhou_county, locate

MIN_AGE, MAX_AGE = 16, 70
MAX_MONTHLY_WAGE = 200_000
WAGE_UNITS = ("month", "year", "day", "hour")
_EDUCATION_LEVELS = frozenset(e.value for e in Education)
_JOB_KINDS = frozenset(k.value for k in JobKind)
EDITABLE = {JobStatus.draft.value, JobStatus.open.value, JobStatus.closed.value,
            JobStatus.expired.value, JobStatus.filled.value}


@dataclass
class JobData:
    """What an employer, an officer or an import row says about an opening."""

    title: str
    area_code: str | None = None  # most specific workplace area (county, city or province)
    place_detail: str = ""  # below that area: town, street, industrial park ("长安镇")
    place_to_confirm: bool = False  # 异地招聘 / 全国: no area yet (imports only)
    occupation_code: str | None = None
    occupation_text: str = ""
    description: str = ""
    required_skills: list[dict] = field(default_factory=list)  # [{code, text, level}]
    preferred_skills: list[dict] = field(default_factory=list)
    required_certificates: list[str] = field(default_factory=list)
    headcount: int | None = 1  # None: unspecified (若干), no fixed limit on places
    wage_min: int | None = None
    wage_max: int | None = None
    piece_rate: bool = False
    wage_note: str = ""
    wage_unit: str = "month"  # period the wage was written in: month, year, day, hour
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
            place_detail=job.place_detail or "",
            place_to_confirm=not (job.county_code or job.city_code or job.province_code),
            occupation_code=job.occupation_code, occupation_text=job.occupation_text,
            description=job.description, required_skills=list(job.required_skills or []),
            preferred_skills=list(job.preferred_skills or []),
            required_certificates=list(job.required_certificates or []),
            headcount=job.headcount, wage_min=job.wage_min, wage_max=job.wage_max,
            piece_rate=job.piece_rate, wage_note=job.wage_note, wage_unit=job.wage_unit,
            age_min=job.age_min,
            age_max=job.age_max, min_education=job.min_education, housing=job.housing,
            meals=job.meals, shifts=job.shifts, contract_months=job.contract_months,
            start_date=job.start_date, closing_date=job.closing_date, kind=job.kind,
            eligibility_county_code=job.eligibility_county_code,
        )


def _check_wage(data: JobData) -> None:
    problems = Problems()
    for name in ("wage_min", "wage_max"):
        value = getattr(data, name)
        if value is not None and not 0 < value <= MAX_MONTHLY_WAGE:
            problems.add(DomainError(_("A monthly wage must be between 1 and %(max)d CNY.",
                                       max=MAX_MONTHLY_WAGE), field=name))
    problems.raise_any()
    if data.wage_min is not None and data.wage_max is not None \
            and data.wage_min > data.wage_max:
        raise DomainError(_("The lowest wage cannot be higher than the highest."),
                          field="wage_max", code="wage_order")


def _check_age(data: JobData) -> None:
    problems = Problems()
    for name, label in (("age_min", _("The minimum age must be between %(lo)d and %(hi)d.",
                                       lo=MIN_AGE, hi=MAX_AGE)),
                        ("age_max", _("The maximum age must be between %(lo)d and %(hi)d.",
                                       lo=MIN_AGE, hi=MAX_AGE))):
        value = getattr(data, name)
        if value is None or not MIN_AGE <= value <= MAX_AGE:
            problems.add(DomainError(label, field=name))
    if not problems and data.age_min > data.age_max:
        problems.add(DomainError(_("The minimum age cannot be above the maximum age."),
                                 field="age_max", code="age_order"))
    problems.raise_any()


def validate(data: JobData, *, filled: int = 0) -> None:
    """Check an opening's data against every rule; raise one DomainError naming every
    field at fault (a :class:`~app.errors_domain.FieldErrors` when there are several).

    A closing date (截止日期) before the start date (上岗日期) is the usual case and
    allowed; see :func:`date_notes` for the unusual order."""
    problems = Problems()
    with problems.check():
        check_plain(data.title, "title")
    with problems.check():
        check_plain(data.place_detail, "place_detail")
    if not (data.title or "").strip():
        problems.add(DomainError(_("Enter a title."), field="title"))
    elif len(data.title.strip()) > 128:
        problems.add(DomainError(_("The title is too long (at most 128 characters)."),
                                 field="title"))
    if data.headcount is not None and data.headcount < 1:
        problems.add(DomainError(_("The head-count must be at least 1."), field="headcount"))
    elif data.headcount is not None and data.headcount < filled:
        problems.add(DomainError(
            _("%(n)d places are already filled; the head-count cannot be lower.", n=filled),
            field="headcount", code="headcount_below_filled"))
    with problems.check():
        _check_wage(data)
    with problems.check():
        _check_age(data)
    if data.min_education not in _EDUCATION_LEVELS:
        problems.add(DomainError(_("Choose an education level from the list."),
                                 field="min_education"))
    if data.contract_months is not None and not 1 <= data.contract_months <= 120:
        problems.add(DomainError(_("The contract length must be 1 to 120 months."),
                                 field="contract_months"))
    if data.kind not in _JOB_KINDS:
        problems.add(DomainError(_("Choose a kind of opening."), field="kind"))
    elif data.kind != JobKind.market.value:
        with problems.check():
            guizhou_county(data.eligibility_county_code, "eligibility_county_code")
    with problems.check():
        check_occupation(data.occupation_code)
    with problems.check():
        check_skills(data.required_skills, "required_skills")
    with problems.check():
        check_skills(data.preferred_skills, "preferred_skills")
    with problems.check():
        check_certificates(data.required_certificates)
    problems.raise_any()


def date_notes(data: JobData) -> list[str]:
    """What is unusual, not wrong, about an opening's dates: applications that close after
    the work has started (the form saves it and says so)."""
    if data.start_date and data.closing_date and data.closing_date > data.start_date:
        return [_("Applications close after the start date: people hired late start late. "
                  "Check the two dates if that is not what you meant.")]
    return []


def _apply(job: Job, data: JobData, place: Placement | None = None) -> None:
    problems = Problems()
    with problems.check():
        validate(data, filled=job.filled or 0)
    if place is None and data.place_to_confirm and not data.area_code:
        place = Placement(None, None, None, "other")
    if place is None:
        with problems.check():
            place = locate(data.area_code)
    problems.raise_any()
    if place is None:  # refused above: for the type checker
        return
    job.title = data.title.strip()
    # The occupation chosen, else the trade the occupation text or the title names by
    # words; none leaves the opening unclassified for an officer's queue.
    job.occupation_code = (data.occupation_code or resolve_occupation(data.occupation_text)
                           or resolve_occupation(data.title) or None)
    job.occupation_text = (data.occupation_text or "").strip()[:128]
    job.description = (data.description or "").strip()
    job.required_skills = list(data.required_skills)
    job.preferred_skills = list(data.preferred_skills)
    job.required_certificates = list(dict.fromkeys(data.required_certificates))
    job.headcount = data.headcount
    job.wage_min, job.wage_max = data.wage_min, data.wage_max
    job.piece_rate = bool(data.piece_rate)
    job.wage_note = (data.wage_note or "")[:64]
    job.wage_unit = data.wage_unit if data.wage_unit in WAGE_UNITS else "month"
    job.age_min, job.age_max = data.age_min, data.age_max
    job.min_education = data.min_education
    job.province_code, job.city_code = place.province_code, place.city_code
    job.county_code, job.region = place.county_code, place.region
    job.place_detail = (data.place_detail or "").strip()[:128]
    job.housing, job.meals = bool(data.housing), bool(data.meals)
    job.shifts = (data.shifts or "").strip()[:64]
    job.contract_months = data.contract_months
    job.start_date, job.closing_date = data.start_date, data.closing_date
    job.kind = data.kind
    job.eligibility_county_code = (data.eligibility_county_code
                                   if data.kind != JobKind.market.value else None)


def create_job(employer: Employer, data: JobData, by: User | None) -> Job:
    """Prepare an opening as a draft (pending employers may do this too) (flushes)."""
    (job,) = create_jobs([(employer, data)], by)
    if isinstance(job, DomainError):
        raise job
    return job


def create_jobs(items: Sequence[tuple[Employer, JobData]], by: User | None, *,
                publish: bool = False, day: date | None = None,
                places: dict[str | None, Placement] | None = None) -> list[Job | DomainError]:
    """Prepare several openings at once, as drafts, or published (the rules of
    ``publish_job``) when ``publish`` and their employer is verified: one flush for them
    all and their audit entries. Returns, per item, the opening or the DomainError that
    refused it (nothing is written for a refused item). ``places`` keeps the located
    workplaces between calls (flushes)."""
    results = _prepare_jobs(items, publish=publish, day=day, places=places)
    made = [job for job in results if isinstance(job, Job)]
    db.session.add_all(made)
    db.session.flush()
    _audit_created(made, by)
    return results


def insert_jobs(items: Sequence[tuple[Employer, JobData]], by: User | None, *,
                publish: bool = False, day: date | None = None,
                places: dict[str | None, Placement] | None = None) -> list[int | DomainError]:
    """``create_jobs`` for an import's batches: the same rules and audit entries, the
    openings written by one bulk insert (no ORM objects kept); per item the new opening's
    id or the DomainError that refused it."""
    results = _prepare_jobs(items, publish=publish, day=day, places=places)
    made = [job for job in results if isinstance(job, Job)]
    columns = [c.key for c in Job.__table__.columns if c.key != "id"]
    now = utcnow()
    rows = [{**{key: job.__dict__[key] for key in columns if key in job.__dict__},
             "created_at": now, "updated_at": now} for job in made]
    for job, job_id in zip(made, insert_rows(table_of(Job), rows, ids=True),
                           strict=True):
        job.id = job_id
    _audit_created(made, by)
    return [job if isinstance(job, DomainError) else job.id for job in results]


def _prepare_jobs(items: Sequence[tuple[Employer, JobData]], *, publish: bool,
                  day: date | None, places: dict[str | None, Placement] | None,
                  ) -> list[Job | DomainError]:
    """Each item as a new opening (not yet in the session) or the DomainError refusing it."""
    day = day or today()
    places = {} if places is None else places
    results: list[Job | DomainError] = []
    for employer, data in items:
        job = Job(employer_id=employer.id, status=JobStatus.draft.value, filled=0)
        try:
            if data.area_code not in places and data.area_code:
                with Problems().check():  # an unknown place: _apply reports it with the rest
                    places[data.area_code] = locate(data.area_code)
            _apply(job, data, places.get(data.area_code) if data.area_code else None)
            if publish and employer.status == EmployerStatus.verified.value:
                _check_publishable(job, day)
                job.status = JobStatus.open.value
                job.published_at = utcnow()
        except DomainError as exc:
            results.append(exc)
            continue
        job.search_text = build_search_text(job, employer.name)
        results.append(job)
    return results


def _audit_created(made: Sequence[Job], by: User | None) -> None:
    audit_many([("job_create", job, {"employer": job.employer_id}) for job in made]
               + [("job_publish", job, None) for job in made
                  if job.status == JobStatus.open.value], user=by)


def update_job(job: Job, data: JobData, by: User) -> Job:
    """Change an opening's details; its status stays unless it has run out of date."""
    # A hire may be taking the last place right now: hold the row, then check the head-count
    # against the places really filled (else the database refuses the update with a 500).
    lock_row(Job, job.id)
    db.session.refresh(job, ["filled", "status"])
    if job.status not in EDITABLE:
        raise ConflictError(_("This opening cannot be edited; copy it instead."),
                            code="not_editable")
    if not data.wage_note and (data.wage_min, data.wage_max, bool(data.piece_rate)) == (
            job.wage_min, job.wage_max, job.piece_rate):
        # The form has no field for the partner's own wording: while the figures it gave
        # stay, so do the wording and its period ("1小时28元" stays an estimate).
        data.wage_note, data.wage_unit = job.wage_note, job.wage_unit
    _apply(job, data)
    if job.status == JobStatus.open.value and job.closing_date and job.closing_date < today():
        job.status = JobStatus.expired.value
    db.session.flush()
    refresh_search_text(job)
    audit("job_update", job, user=by)
    return job


def publish_job(job: Job, by: User | None, day: date | None = None) -> Job:
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
    _check_publishable(job, day)
    job.status = JobStatus.open.value
    job.published_at = utcnow()
    audit("job_publish", job, user=by)
    db.session.flush()
    return job


def _check_publishable(job: Job, day: date) -> None:
    """Raise why ``job`` (of a verified employer) cannot go on the board on ``day``."""
    if not job.has_places():
        raise ConflictError(_("Every place is filled; raise the head-count to publish again."),
                            field="headcount", code="headcount_full")
    if job.closing_date is not None and job.closing_date < day:
        raise DomainError(_("The closing date has passed; set a later one to publish."),
                          field="closing_date", code="closing_passed")
    validate(JobData.from_job(job), filled=job.filled)


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


UNCLASSIFIED_LIMIT = 300  # rows shown in the queue at once (oldest classified first)


def unclassified_jobs(stmt: sa.Select, area: tuple[str, str] | None = None) -> list[Job]:
    """Openings, among those ``stmt`` selects (the user's scope), that name no occupation
    and no skill: their title resolved to nothing, so matching offers them to nobody on
    skill until an officer classifies them. Drafts and open ones, oldest first.

    ``area`` (an inclusive range of area codes, the officer's area) keeps the openings of
    that area: the workplace lies in it, or the employer was registered by an officer or
    an import of that area (a county office's partner lists name workplaces elsewhere).
    """
    if area is not None:
        lo, hi = area
        office = sa.select(User.id).where(User.area_code.between(lo, hi))
        stmt = stmt.where(sa.or_(
            Job.county_code.between(lo, hi), Job.city_code.between(lo, hi),
            Job.employer_id.in_(sa.select(Employer.id)
                                .where(Employer.created_by_id.in_(office)))))
    stmt = (stmt.where(Job.occupation_code.is_(None),
                       Job.status.in_((JobStatus.draft.value, JobStatus.open.value)))
            .order_by(Job.created_at, Job.id).limit(UNCLASSIFIED_LIMIT * 2))
    return [j for j in db.session.scalars(stmt) if j.unclassified][:UNCLASSIFIED_LIMIT]


def classify_job(job: Job, occupation_code: str, by: User) -> Job:
    """Give an unclassified opening its occupation (one click from the officers' queue);
    it then matches normally. Audited with the title it was classified from (flushes)."""
    if not occupation_code:
        raise DomainError(_("Choose an occupation from the list."), field="occupation_code")
    check_occupation(occupation_code)
    before = job.occupation_code
    job.occupation_code = occupation_code
    db.session.flush()
    refresh_search_text(job)
    audit("job_classify", job, user=by,
          detail={"title": job.title, "occupation": occupation_code, "before": before})
    return job


def expire_openings(day: date | None = None) -> int:
    """Set-based sweep for the scheduler: open → expired where the closing date has passed.
    Idempotent; the board and matching never depend on it (they use ``open_clause``)."""
    day = day or today()
    expired = affected(
        sa.update(Job).where(Job.status == JobStatus.open.value, Job.closing_date < day)
        .values(status=JobStatus.expired.value, updated_at=utcnow())
        .execution_options(synchronize_session=False))
    db.session.expire_all()
    return expired


def take_place(job_id: int, today: date) -> Job:
    """Count one hire against an opening open on ``today``, atomically; refuse beyond the
    head-count (a ConflictError ``headcount_full``). One conditional UPDATE, so two officers
    confirming the last place at the same time cannot overfill it (the CHECK constraint backs
    this up); the last place taken marks the opening filled. Returns the refreshed opening."""
    taken = affected(
        sa.update(Job)
        .where(Job.id == job_id, Job.open_clause(today))
        .values(
            filled=Job.filled + 1,
            # Without a fixed head-count (若干) an opening is never filled by hires.
            status=sa.case((sa.and_(Job.headcount.is_not(None), Job.filled + 1 >= Job.headcount),
                            JobStatus.filled.value), else_=Job.status),
        )
        .execution_options(synchronize_session=False)
    )
    if taken != 1:
        raise ConflictError(_("All places of this opening are already filled."),
                            code="headcount_full")
    job = db.session.get_one(Job, job_id)
    db.session.refresh(job)
    return job
