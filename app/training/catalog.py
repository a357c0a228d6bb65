"""The course catalogue: validate ``training_catalog/courses.toml`` and load it all-or-nothing.

Validation is pure (parsed TOML, the skill taxonomy and the known area codes in, a list of
:class:`~app.skills.taxonomy.Problem` out: file, entry, field and reason). Loading upserts
courses by code and sessions by (course, start date, county) inside one SAVEPOINT, so a
problem found while writing leaves nothing half-loaded.

Order-based courses name their employer by 统一社会信用代码 and the opening by title: the
demo employers (and real ones) usually register after the catalogue is loaded, so a link
that cannot be resolved yet is kept *pending* and resolved by :func:`resolve_order_links`
(called on every load, by ``flask catalog link`` and by the demo seed).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from stdnum.cn import uscc

from app.auth.models import Area
from app.clock import today
from app.employers.models import Employer, Job, JobStatus
from app.extensions import db
from app.registry.models import EDUCATION_RANK, WorkerCategory
from app.skills.taxonomy import CATALOG_DIR, Problem, Taxonomy, load_taxonomy, validate_files
from app.vocabulary import REGIONS as AREA_REGIONS

from .models import ACTIVE_ENROLMENT, Course, CourseMode, CourseSession, Enrolment
from .service import promote_waitlisted, tell_trainee

COURSES_FILE = CATALOG_DIR / "courses.toml"
CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
REGIONS = (*AREA_REGIONS, "local")  # where a course is held
COURSE_FIELDS = {
    "code", "name", "name_en", "mode", "description", "skills", "certificate", "provider",
    "county", "days", "hours", "cost", "subsidy", "age_min", "age_max", "min_education",
    "categories", "wage_min", "wage_max", "order", "directed", "session",
}
ORDER_FIELDS = {"employer_credit_code", "employer_name", "job_title", "committed_hires",
                "wage_min", "wage_max"}
DIRECTED_FIELDS = {"industry", "region"}
SESSION_FIELDS = {"start", "end", "places", "county"}


class CatalogError(ValueError):
    """The catalogue did not validate or could not be loaded; carries every problem."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class LoadReport:
    """What a load did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    retired: list[str] = field(default_factory=list)  # in the database, not in the file
    linked: list[str] = field(default_factory=list)
    pending: list[str] = field(default_factory=list)  # order links not resolvable yet


# ---- validation (pure) -------------------------------------------------------------------


class _Checker:
    def __init__(self, file: str) -> None:
        self.file = file
        self.problems: list[Problem] = []

    def add(self, entry: str, name: str, reason: str) -> None:
        self.problems.append(Problem(self.file, entry, name, reason))

    def text(self, entry: str, data: dict, name: str, required: bool = True,
             max_len: int = 128) -> str:
        value = data.get(name)
        if value is None or value == "":
            if required:
                self.add(entry, name, "missing")
            return ""
        if not isinstance(value, str):
            self.add(entry, name, f"must be a string, got {type(value).__name__}")
            return ""
        if len(value) > max_len:
            self.add(entry, name, f"longer than {max_len} characters")
        return value

    def integer(self, entry: str, data: dict, name: str, low: int, high: int,
                required: bool = True) -> int | None:
        value = data.get(name)
        if value is None:
            if required:
                self.add(entry, name, "missing")
            return None
        if not isinstance(value, int) or isinstance(value, bool):
            self.add(entry, name, f"must be a whole number, got {value!r}")
            return None
        if not low <= value <= high:
            self.add(entry, name, f"must be between {low} and {high}, got {value}")
            return None
        return value

    def unknown(self, entry: str, data: dict, allowed: set[str], where: str = "") -> None:
        for key in sorted(set(data) - allowed):
            self.add(entry, where + key, "unknown field")


def _wages(chk: _Checker, entry: str, data: dict, prefix: str, required: bool) -> None:
    lo = chk.integer(entry, data, "wage_min", 0, 200_000, required)
    hi = chk.integer(entry, data, "wage_max", 0, 200_000, required)
    if lo is not None and hi is not None and lo > hi:
        chk.add(entry, prefix + "wage_max", "must not be below wage_min")


def _check_order(chk: _Checker, entry: str, order: object) -> None:
    if not isinstance(order, dict):
        chk.add(entry, "order", "an order-based course needs an [course.order] table")
        return
    chk.unknown(entry, order, ORDER_FIELDS, "order.")
    code = chk.text(entry, order, "employer_credit_code", max_len=18)
    if code and not uscc.is_valid(code):
        chk.add(entry, "order.employer_credit_code",
                f"{code!r} is not a valid unified social credit code")
    chk.text(entry, order, "employer_name")
    chk.text(entry, order, "job_title")
    chk.integer(entry, order, "committed_hires", 1, 10_000)
    _wages(chk, entry, order, "order.", required=True)


def _check_sessions(chk: _Checker, entry: str, raw: dict, county: str, days: int | None,
                    areas: set[str] | None) -> None:
    sessions = raw.get("session")
    if not isinstance(sessions, list) or not sessions:
        chk.add(entry, "session", "at least one [[course.session]] is needed")
        return
    spans: dict[str, list[tuple[date, date, int]]] = {}
    for i, s in enumerate(sessions, start=1):
        where = f"session[{i}]"
        if not isinstance(s, dict):
            chk.add(entry, where, "must be a table")
            continue
        chk.unknown(entry, s, SESSION_FIELDS, where + ".")
        start, end = s.get("start"), s.get("end")
        ok = True
        for name, value in (("start", start), ("end", end)):
            if not isinstance(value, date):
                chk.add(entry, f"{where}.{name}", "must be a date like 2027-01-11")
                ok = False
        places = s.get("places")
        if not isinstance(places, int) or isinstance(places, bool) or not 1 <= places <= 1000:
            chk.add(entry, f"{where}.places", f"must be a whole number 1..1000, got {places!r}")
        where_county = s.get("county", county)
        if not isinstance(where_county, str) or (areas is not None and where_county not in areas):
            chk.add(entry, f"{where}.county", f"unknown Guizhou county {where_county!r}")
        if not ok or not isinstance(start, date) or not isinstance(end, date):
            continue
        if end < start:
            chk.add(entry, f"{where}.end", "ends before it starts")
            continue
        if days and (end - start).days + 1 < days:
            chk.add(entry, f"{where}.end",
                    f"{(end - start).days + 1} calendar days is shorter than the course's "
                    f"{days} days")
        for other_start, other_end, j in spans.get(str(where_county), []):
            if start <= other_end and other_start <= end:
                chk.add(entry, where,
                        f"overlaps session[{j}] ({other_start}..{other_end}) in the same county")
        spans.setdefault(str(where_county), []).append((start, end, i))


def validate_courses(data: dict, taxonomy: Taxonomy, areas: set[str] | None = None,
                     file: str = "courses.toml") -> list[Problem]:
    """Check parsed courses.toml; ``areas`` = known Guizhou county codes (None: not checked)."""
    chk = _Checker(file)
    entries = data.get("course")
    if not isinstance(entries, list) or not entries:
        return [Problem(file, "-", "course", "no [[course]] entries")]
    seen: set[str] = set()
    for i, raw in enumerate(entries, start=1):
        entry = str(raw.get("code") or f"#{i}")
        chk.unknown(entry, raw, COURSE_FIELDS)
        code = chk.text(entry, raw, "code", max_len=32)
        if code and not CODE_RE.match(code):
            chk.add(entry, "code", "must be upper-case letters, digits and dashes (GZ-WELD-01)")
        if code in seen:
            chk.add(entry, "code", "duplicate course code")
        seen.add(code)
        chk.text(entry, raw, "name")
        chk.text(entry, raw, "name_en", max_len=160)
        chk.text(entry, raw, "description", required=False, max_len=2000)
        chk.text(entry, raw, "provider")
        mode = chk.text(entry, raw, "mode")
        if mode and mode not in {m.value for m in CourseMode}:
            chk.add(entry, "mode", f"must be order, directed or general, got {mode!r}")
        skills = raw.get("skills")
        if not isinstance(skills, list) or not skills:
            chk.add(entry, "skills", "must list at least one skill code")
        else:
            for s in skills:
                if s not in taxonomy:
                    chk.add(entry, "skills", f"unknown skill {s!r}")
        cert = raw.get("certificate")
        if cert is not None and (not isinstance(cert, str)
                                 or taxonomy.get_certificate(cert) is None):
            chk.add(entry, "certificate", f"unknown certificate {cert!r}")
        county = chk.text(entry, raw, "county", max_len=6)
        if county and areas is not None and county not in areas:
            chk.add(entry, "county", f"unknown Guizhou county {county!r}")
        days = chk.integer(entry, raw, "days", 1, 730)
        hours = chk.integer(entry, raw, "hours", 1, 5000)
        if days and hours and hours > days * 12:
            chk.add(entry, "hours", f"{hours} hours do not fit in {days} days")
        cost = chk.integer(entry, raw, "cost", 0, 100_000)
        subsidy = chk.integer(entry, raw, "subsidy", 0, 100_000)
        if cost is not None and subsidy is not None and subsidy > cost:
            chk.add(entry, "subsidy", "must not exceed the cost")
        lo = chk.integer(entry, raw, "age_min", 16, 70)
        hi = chk.integer(entry, raw, "age_max", 16, 70)
        if lo is not None and hi is not None and lo > hi:
            chk.add(entry, "age_max", "must not be below age_min")
        edu = raw.get("min_education", "none")
        if edu not in EDUCATION_RANK:
            chk.add(entry, "min_education",
                    f"unknown education {edu!r} (one of {', '.join(EDUCATION_RANK)})")
        cats = raw.get("categories", [])
        known = {c.value for c in WorkerCategory}
        if not isinstance(cats, list) or any(c not in known for c in cats):
            chk.add(entry, "categories", f"must be a list of {', '.join(sorted(known))}")
        _wages(chk, entry, raw, "", required=False)
        if mode == CourseMode.order.value:
            _check_order(chk, entry, raw.get("order"))
        elif "order" in raw:
            chk.add(entry, "order", "only order-based courses name an ordering employer")
        if mode == CourseMode.directed.value:
            directed = raw.get("directed")
            if not isinstance(directed, dict):
                chk.add(entry, "directed", "a directed course needs a [course.directed] table")
            else:
                chk.unknown(entry, directed, DIRECTED_FIELDS, "directed.")
                chk.text(entry, directed, "industry", max_len=64)
                region = directed.get("region")
                if region not in REGIONS:
                    chk.add(entry, "directed.region",
                            f"must be one of {', '.join(REGIONS)}, got {region!r}")
        _check_sessions(chk, entry, raw, county, days, areas)
    return chk.problems


def read_courses(path: Path) -> tuple[dict, list[Problem]]:
    """Parse a courses file; a missing or malformed file is a problem, not an exception."""
    try:
        with Path(path).open("rb") as fh:
            return tomllib.load(fh), []
    except FileNotFoundError:
        return {}, [Problem(Path(path).name, "-", "-", "file not found")]
    except tomllib.TOMLDecodeError as exc:
        return {}, [Problem(Path(path).name, "-", "-", f"not valid TOML: {exc}")]


# ---- loading ----------------------------------------------------------------------------


def _guizhou_counties() -> set[str]:
    return set(db.session.scalars(
        sa.select(Area.code).where(Area.region == "guizhou", Area.level == "county")))


def _course_values(raw: dict) -> dict:
    order = raw.get("order") or {}
    directed = raw.get("directed") or {}
    return {
        "name": raw["name"], "name_en": raw["name_en"],
        "description": raw.get("description", ""), "mode": raw["mode"],
        "skills": list(raw["skills"]), "certificate": raw.get("certificate"),
        "provider": raw["provider"], "county_code": raw["county"], "days": raw["days"],
        "hours": raw["hours"], "cost": raw["cost"], "subsidy": raw["subsidy"],
        "age_min": raw["age_min"], "age_max": raw["age_max"],
        "min_education": raw.get("min_education", "none"),
        "categories": list(raw.get("categories", [])),
        "order_credit_code": order.get("employer_credit_code"),
        "order_employer_name": order.get("employer_name", ""),
        "order_job_title": order.get("job_title", ""),
        "committed_hires": order.get("committed_hires", 0),
        "wage_min": order.get("wage_min", raw.get("wage_min")),
        "wage_max": order.get("wage_max", raw.get("wage_max")),
        "target_industry": directed.get("industry", ""),
        "target_region": directed.get("region", ""), "active": True,
    }


def _upsert_sessions(course: Course, raw: dict, problems: list[Problem], file: str,
                     grown: list[int], day: date) -> bool:
    """Make the course's upcoming sessions equal the file's; True when anything changed.

    Sessions that have ended stay as history even when the file no longer lists them.
    Sessions given more places go in ``grown`` (their waiting list moves up).
    """
    wanted = {}
    for s in raw["session"]:
        key = (s["start"], s.get("county", raw["county"]))
        wanted[key] = (s["end"], s["places"])
    existing = {(s.start_date, s.county_code): s for s in course.sessions}
    changed = False
    for key, (end, places) in wanted.items():
        session = existing.get(key)
        if session is None:
            db.session.add(CourseSession(course=course, start_date=key[0], end_date=end,
                                         places=places, county_code=key[1]))
            changed = True
        elif (session.end_date, session.places) != (end, places):
            if places < session.enrolled:
                problems.append(Problem(file, raw["code"], f"session {key[0]}",
                                        f"{places} places is fewer than the {session.enrolled} "
                                        "already enrolled"))
                continue
            if places > session.places:
                grown.append(session.id)
            moved = session.end_date != end
            session.end_date, session.places = end, places
            changed = True
            if moved and session.id is not None:
                _tell_session_changed(session)
    for key, session in existing.items():
        if key in wanted or session.end_date < day:
            continue

        has_people = db.session.scalar(
            sa.select(sa.func.count(Enrolment.id)).where(Enrolment.session_id == session.id))
        if has_people:
            problems.append(Problem(file, raw["code"], f"session {key[0]}",
                                    "removed from the file but people are enrolled in it"))
            continue
        db.session.delete(session)
        changed = True
    return changed


def _tell_session_changed(session: CourseSession) -> None:
    """Tell everyone enrolled or waiting in a session that its dates changed (flushes)."""

    db.session.flush()
    for enrolment in db.session.scalars(sa.select(Enrolment).where(
            Enrolment.session_id == session.id, Enrolment.status.in_(ACTIVE_ENROLMENT))):
        tell_trainee(enrolment, "session_changed")


def resolve_order_links(courses: list[Course] | None = None) -> tuple[list[str], list[str]]:
    """Link order courses to their employer and opening where both exist (flushes).

    Returns (codes linked now, codes still pending).
    """
    if courses is None:
        courses = list(db.session.scalars(
            sa.select(Course).where(Course.mode == CourseMode.order.value, Course.active)))
    linked, pending = [], []
    for course in courses:
        if not course.is_order:
            continue
        employer = db.session.scalar(
            sa.select(Employer).where(Employer.credit_code == course.order_credit_code))
        job = None
        if employer is not None:
            job = db.session.scalar(
                sa.select(Job).where(Job.employer_id == employer.id,
                                     Job.title == course.order_job_title)
                .order_by((Job.status == JobStatus.open.value).desc(), Job.id.desc()).limit(1))
        new = (employer.id if employer else None, job.id if job else None)
        if new != (course.employer_id, course.job_id):
            course.employer_id, course.job_id = new
            if job is not None:
                linked.append(course.code)
        if job is None:
            pending.append(course.code)
    db.session.flush()
    return linked, pending


def load_catalog(path: Path = COURSES_FILE, *, taxonomy: Taxonomy | None = None,
                 strict_links: bool = False) -> LoadReport:
    """Validate the taxonomy and the courses, then upsert everything in one SAVEPOINT.

    Raises CatalogError with every problem; nothing is written then. ``strict_links``
    turns an order course whose employer/opening is not registered into a problem.
    """
    path = Path(path)
    problems = validate_files()
    if problems:
        raise CatalogError(problems)
    taxonomy = taxonomy or load_taxonomy()
    data, problems = read_courses(path)
    if not problems:
        problems = validate_courses(data, taxonomy, _guizhou_counties(), path.name)
    if problems:
        raise CatalogError(problems)
    report = LoadReport()
    try:
        with db.session.begin_nested():
            _write(data, path.name, report, strict_links)
    except _Abort as exc:
        raise CatalogError(exc.problems) from None
    return report


class _Abort(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems


def _write(data: dict, file: str, report: LoadReport, strict_links: bool) -> None:
    problems: list[Problem] = []
    by_code = {c.code: c for c in db.session.scalars(sa.select(Course))}
    touched: list[Course] = []
    grown: list[int] = []  # sessions that gained places (their waiting lists move up)
    day = today()
    for raw in data["course"]:
        values = _course_values(raw)
        course = by_code.get(raw["code"])
        if course is None:
            course = Course(code=raw["code"], **values)
            db.session.add(course)
            report.added.append(course.code)
            _upsert_sessions(course, raw, problems, file, grown, day)
        else:
            differs = any(getattr(course, k) != v for k, v in values.items())
            for k, v in values.items():
                setattr(course, k, v)
            sessions_changed = _upsert_sessions(course, raw, problems, file, grown, day)
            (report.changed if differs or sessions_changed else report.unchanged).append(
                course.code)
        touched.append(course)
    wanted = {raw["code"] for raw in data["course"]}
    for code, course in by_code.items():
        if code not in wanted and course.active:
            course.active = False
            report.retired.append(code)
    db.session.flush()
    for session_id in grown:
        promote_waitlisted(session_id)
    report.linked, report.pending = resolve_order_links(
        [c for c in touched if c.mode == CourseMode.order.value])
    if strict_links:
        for code in report.pending:
            course = next(c for c in touched if c.code == code)
            what = ("unknown employer " + repr(course.order_credit_code)
                    if course.employer_id is None
                    else f"the employer has no opening titled {course.order_job_title!r}")
            problems.append(Problem(file, code, "order.employer_credit_code", what))
    if problems:
        raise _Abort(problems)
