"""Database rows → the engine's plain profiles, with column queries and a checked cache.

Openings are read with one column query (no ORM objects) and compiled into a
:class:`~app.matching.engine.JobIndex` that is kept per process. The cache is checked
against a fingerprint of the open openings and the employers (count, id and filled sums,
latest change); a different fingerprint refreshes the index, so a closed, filled, expired
or suspended opening is not served from it. The fingerprint is an aggregate over every
open opening (~100 ms at province scale), so it is read again only when a transaction of
any process has committed a write to openings or employers since (the shared write counts
of :mod:`app.freshness`, read once per request; a hire writes its opening's places, a job
loss changes no opening), or when ``MATCH_INDEX_RECHECK_SECONDS`` (default 300) have
passed: changes made outside the sessions (raw SQL) reach this process within that many
seconds. Nothing is decided from the cache alone: a referral or hire re-checks the
opening's places in its own transaction.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import sqlalchemy as sa
from flask import current_app

from app.employers.models import NO_FIXED_LIMIT, Employer, Job
from app.extensions import db
from app.freshness import Cache
from app.matching.engine import JOB_KINDS, HeldCertificate, JobIndex, JobProfile, WorkerProfile
from app.monitoring.plan import open_risk_exists
from app.placements.models import Placement
from app.registry.models import Household, Worker, WorkerCertificate
from app.registry.queries import active_worker, zero_employment
from app.skills.models import WorkerSkill
from app.skills.service import parse_worker_skills
from app.skills.text import split_parts
from app.vocabulary import WORKER_REGIONS

POOL_STATUSES = ("seeking", "training")  # workers matching looks for
RETENTION_MIN_PLACEMENTS = 3  # fewer placements: retention unknown (engine default)
RETENTION_AFTER_DAYS = 30  # placements younger than this do not count yet


# ---- openings -------------------------------------------------------------------------


def _job_columns() -> list:
    return [Job.id, Job.employer_id, Job.title, Job.start_date, Job.headcount, Job.filled,
            Job.age_min, Job.age_max, Job.required_skills, Job.preferred_skills,
            Job.required_certificates, Job.occupation_code, Job.wage_min, Job.wage_max,
            Job.region, Job.county_code, Job.city_code, Job.province_code, Job.kind,
            Job.eligibility_county_code, Job.housing, Job.meals, Job.min_education,
            Employer.status.label("employer_status"), Employer.arrears_open]


def _skill_pairs(entries: Iterable[dict] | None) -> tuple[tuple[str, int], ...]:
    out: dict[str, int] = {}
    for e in entries or ():
        code = e.get("code") if isinstance(e, dict) else e
        if not code:
            continue
        level = e.get("level", 1) if isinstance(e, dict) else 1
        try:
            level = min(max(int(level or 1), 1), 5)
        except (TypeError, ValueError):
            level = 1
        out[code] = max(out.get(code, 1), level)
    return tuple(out.items())


def job_profile_from_row(row: sa.Row | _LoadedJob, today: date,
                         retention: dict[int, float] | None = None) -> JobProfile:
    """One opening's profile from a row of :func:`_job_columns` (or a loaded opening)."""
    required = _skill_pairs(row.required_skills)
    preferred = tuple(code for code, _ in _skill_pairs(row.preferred_skills))
    if not required and row.occupation_code:
        # An opening that names its occupation but lists no skills still asks for it.
        required = ((row.occupation_code, 1),)
    # An opening already under way hires people who start now: check ages and
    # availability against today, not a start date in the past.
    start = max(row.start_date or today, today)
    county = row.county_code or ""
    return JobProfile(
        id=row.id, employer_id=row.employer_id, start_date=start, status="open",
        openings_left=(NO_FIXED_LIMIT if row.headcount is None
                       else max(0, row.headcount - row.filled)), age_min=row.age_min,
        age_max=row.age_max,
        required_certificates=tuple(dict.fromkeys(row.required_certificates or ())),
        required_skills=required, preferred_skills=preferred,
        wage_min=row.wage_min or row.wage_max or 0, wage_max=row.wage_max or row.wage_min or 0,
        region=row.region or "other", county=county,
        prefecture=row.city_code or (county[:4] + "00" if county else ""),
        province=row.province_code or (county[:2] + "0000" if county else ""),
        kind=row.kind if row.kind in JOB_KINDS else "market",
        eligible_county=row.eligibility_county_code or "",
        housing=bool(row.housing), meals=bool(row.meals),
        employer_suspended=row.employer_status != "verified",
        employer_wage_arrears=bool(row.arrears_open),
        employer_retention=(retention or {}).get(row.employer_id), title=row.title,
        min_education=row.min_education or "none",
        # Names no occupation and no skill (its title resolved to none): waits for an
        # officer to classify it and is offered to nobody on skill fit meanwhile.
        unclassified=not required and not preferred,
    )


class _LoadedJob:
    """A loaded opening read as a row of :func:`_job_columns`: its own attributes, and its
    employer's standing as ``employer_status`` and ``arrears_open``."""

    def __init__(self, job: Job) -> None:
        self._job = job
        self.employer_status = job.employer.status
        self.arrears_open = job.employer.arrears_open

    def __getattr__(self, name: str) -> Any:
        return getattr(self._job, name)


def job_profile(job: Job, today: date) -> JobProfile:
    """One opening's profile from the opening and its employer as this transaction has
    loaded them (no second read of the rows; the employer is loaded when it is not yet:
    a referral needs it anyway), with the employer's retention counted now."""
    return job_profile_from_row(_LoadedJob(job), today,
                                employer_retention(today, (job.employer_id,)))


def open_jobs_stmt(today: date) -> sa.Select:
    """Column select over every opening open on ``today`` with its employer's flags."""
    return (sa.select(*_job_columns()).join(Employer, Job.employer_id == Employer.id)
            .where(Job.open_clause(today)).order_by(Job.id))


@cache
def _retention_stmt(of_some: bool) -> sa.Select:
    """Placements and those still active per employer, started by ``cutoff`` (of the
    ``employer_ids`` with ``of_some``): made once, a referral counts one employer's."""
    active = sa.func.sum(sa.case((Placement.status == "active", 1), else_=0))
    stmt = (sa.select(Placement.employer_id, sa.func.count(Placement.id), active)
            .where(Placement.employer_id.is_not(None),
                   Placement.start_date <= sa.bindparam("cutoff"))
            .group_by(Placement.employer_id))
    if of_some:
        stmt = stmt.where(Placement.employer_id.in_(sa.bindparam("employer_ids",
                                                                 expanding=True)))
    return stmt


def employer_retention(today: date, employer_ids: Iterable[int] | None = None
                       ) -> dict[int, float]:
    """Share of each employer's placements (older than a month) still in work."""
    cutoff = today - timedelta(days=RETENTION_AFTER_DAYS)
    params: dict[str, object] = {"cutoff": cutoff}
    if employer_ids is not None:
        params["employer_ids"] = list(employer_ids)
    rows = db.session.execute(_retention_stmt(employer_ids is not None), params)
    return {eid: float(kept or 0) / n for eid, n, kept in rows
            if n >= RETENTION_MIN_PLACEMENTS}


def job_profiles(today: date, job_ids: Sequence[int] | None = None,
                 only_open: bool = True) -> list[JobProfile]:
    """Profiles of open openings (or of the given ones), one column query."""
    stmt = sa.select(*_job_columns()).join(Employer, Job.employer_id == Employer.id)
    if only_open:
        stmt = stmt.where(Job.open_clause(today))
    if job_ids is not None:
        stmt = stmt.where(Job.id.in_(list(job_ids)))
    rows = db.session.execute(stmt.order_by(Job.id)).all()
    retention = employer_retention(today, {r.employer_id for r in rows} if job_ids else None)
    return [job_profile_from_row(r, today, retention) for r in rows]


def fingerprint(today: date) -> tuple:
    """A cheap summary that changes whenever the set or state of open openings changes."""
    open_jobs = db.session.execute(
        sa.select(sa.func.count(Job.id), sa.func.coalesce(sa.func.sum(Job.id), 0),
                  sa.func.coalesce(sa.func.sum(Job.filled), 0), sa.func.max(Job.updated_at))
        .where(Job.open_clause(today))).one()
    verified = Employer.status == "verified"
    eid = sa.cast(Employer.id, sa.BigInteger)
    employers = db.session.execute(sa.select(
        sa.func.count(Employer.id),
        sa.func.coalesce(sa.func.sum(sa.case((verified, Employer.id), else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((verified, eid * eid),
                                             else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((Employer.arrears_open, Employer.id),
                                             else_=0)), 0),
        sa.func.coalesce(sa.func.sum(sa.case((Employer.arrears_open, eid * eid),
                                             else_=0)), 0),
    )).one()
    newest_placement = db.session.scalar(sa.select(sa.func.max(Placement.id)))
    return (*tuple(open_jobs), *tuple(employers), newest_placement)


@dataclass
class _Cached:
    index: JobIndex
    stamps: dict[int, tuple]  # job id -> (updated_at, employer status, arrears)
    retention: dict[int, float]
    retention_at: float
    seconds: float  # time the last (re)build took


def _stamp_rows(today: date) -> Sequence[sa.Row]:
    """Light rows of every open opening: what tells a changed opening from an unchanged one."""
    return db.session.execute(
        sa.select(Job.id, Job.updated_at, Employer.status, Employer.arrears_open)
        .join(Employer, Job.employer_id == Employer.id)
        .where(Job.open_clause(today)).order_by(Job.id)).all()


def _same_but_places(a: JobProfile, b: JobProfile) -> bool:
    return a.openings_left > 0 and b.openings_left > 0 and replace(a, openings_left=1) == \
        replace(b, openings_left=1)


class JobIndexCache:
    """The compiled index of open openings (a :class:`~app.freshness.Cache` over openings
    and employers), checked against the fingerprint whenever any process has committed a
    write to them, or ``MATCH_INDEX_RECHECK_SECONDS`` have passed.

    A refresh reads one light row per open opening (id, last change, employer flags) and
    the full row only of openings that are new or changed; when only places left changed,
    the compiled index is kept (the count never decides anything but "closed", and a
    closed opening leaves the open set). Employers' retention is recounted at most every
    ``MATCH_RETENTION_SECONDS``.
    """

    def __init__(self, max_entries: int = 4) -> None:
        self._cache: Cache[_Cached] = Cache(depends_on=(Job, Employer),
                                            max_age="MATCH_INDEX_RECHECK_SECONDS",
                                            max_entries=max_entries)
        self.builds = 0  # full JobIndex compilations (for tests and benchmarks)
        self.refreshes = 0  # fingerprint changes handled

    def get(self, today: date) -> JobIndex:
        """The index of openings open on ``today``, current as of this call."""
        return self._cache.get(today, lambda: self._refresh(today, self._cache.peek(today)),
                               check=lambda: fingerprint(today)).index

    def _refresh(self, today: date, old: _Cached | None) -> _Cached:
        started = time.perf_counter()
        self.refreshes += 1
        now = time.monotonic()  # an age, not a date: immune to clock changes
        if old is None or now - old.retention_at > current_app.config["MATCH_RETENTION_SECONDS"]:
            retention, retention_at, old = employer_retention(today), now, None
        else:
            retention, retention_at = old.retention, old.retention_at
        stamps = {r.id: (r.updated_at, r.status, r.arrears_open) for r in _stamp_rows(today)}
        previous = {j.id: j for j in old.index.jobs} if old is not None else {}
        changed = [i for i, st in stamps.items()
                   if old is None or i not in previous or old.stamps.get(i) != st]
        fresh: dict[int, JobProfile] = {}
        for chunk in _chunks(changed, 900):
            stmt = open_jobs_stmt(today).where(Job.id.in_(chunk))
            for row in db.session.execute(stmt):
                fresh[row.id] = job_profile_from_row(row, today, retention)
        # A row that closed between the two reads is simply left out.
        profiles = [p for p in (fresh.get(i) or previous.get(i) for i in stamps)
                    if p is not None]
        if old is not None and list(previous) == [p.id for p in profiles] and all(
                _same_but_places(previous[i], p) for i, p in fresh.items()):
            index = old.index
            for i, p in fresh.items():
                index.jobs[index.pos[i]] = p
        else:
            index = JobIndex(profiles)
            self.builds += 1
        return _Cached(index, stamps, retention, retention_at, time.perf_counter() - started)

    def clear(self) -> None:
        """Forget every cached index."""
        self._cache.clear()


JOB_INDEX = JobIndexCache()


# ---- workers --------------------------------------------------------------------------


def zero_employment_households(household_ids: Iterable[int]) -> set[int]:
    """Which of these households are zero-employment (零就业家庭, the register's rule)."""
    ids = list(household_ids)
    found: set[int] = set()
    for chunk in _chunks(ids, 900):
        found.update(db.session.scalars(
            sa.select(Household.id).where(Household.id.in_(chunk), zero_employment())))
    return found


def _worker_columns() -> list:
    return [Worker.id, Worker.birth_date, Worker.area_code, Worker.household_id,
            Worker.category, Worker.regions_acceptable, Worker.min_wage,
            Worker.job_kinds_wanted, Worker.available_from, Worker.care_duties,
            Worker.skills_text, Worker.education, _monitored()]


def _monitored() -> sa.ColumnElement[bool]:
    """A monitored household, or one with an open risk from another department's list or a
    declaration (app.monitoring): both raise the members' policy priority."""
    return sa.or_(Household.monitored.is_(True),
                  open_risk_exists(Household.id)).label("monitored")


def _profiles_from_rows(rows: Sequence[sa.Row], known_skills: dict[int, tuple] | None = None
                        ) -> list[WorkerProfile]:
    """Profiles of ``rows``; ``known_skills`` (worker id -> (code, level) pairs) are used
    as they are instead of being read again (the caller has just read and checked them)."""
    ids = [r.id for r in rows]
    skills: dict[int, list[tuple[str, int]]] = defaultdict(list)
    texts: dict[int, set[str]] = defaultdict(set)
    certs: dict[int, list[HeldCertificate]] = defaultdict(list)
    known = known_skills or {}
    for chunk in _chunks(ids, 900):
        unknown = [i for i in chunk if i not in known]
        if unknown:
            for wid, code, level, text in db.session.execute(
                    sa.select(WorkerSkill.worker_id, WorkerSkill.skill_code, WorkerSkill.level,
                              WorkerSkill.source_text)
                    .where(WorkerSkill.worker_id.in_(unknown))):
                texts[wid].add(text)
                if code:
                    skills[wid].append((code, level))
        for wid, kind, expires in db.session.execute(
                sa.select(WorkerCertificate.worker_id, WorkerCertificate.kind,
                          WorkerCertificate.expires_on)
                .where(WorkerCertificate.worker_id.in_(chunk))):
            certs[wid].append(HeldCertificate(kind, expires))
    if rows and "zero_employment" in rows[0]._fields:  # read with the rows (one worker)
        zero = {r.household_id for r in rows if r.household_id and r.zero_employment}
    else:
        zero = zero_employment_households({r.household_id for r in rows if r.household_id})
    out = []
    for r in rows:
        if r.id in known:
            own = list(known[r.id])
        else:
            own = skills.get(r.id, [])
            if texts.get(r.id, set()) != {p[:128] for p in split_parts(r.skills_text or "")}:
                # Never resolved, or the text changed since: resolve now (not stored here).
                own = [(p.skill, p.level) for p in parse_worker_skills(r.skills_text)
                       if p.skill]
        out.append(_worker_profile(r, tuple(own), tuple(certs.get(r.id, ())),
                                   r.household_id in zero))
    return out


def _worker_profile(r: sa.Row, skills: tuple, certs: tuple, zero: bool) -> WorkerProfile:
    county = r.area_code or ""
    regions = tuple(x for x in (r.regions_acceptable or []) if x in WORKER_REGIONS)
    kinds = tuple(x for x in (r.job_kinds_wanted or []) if x in JOB_KINDS) or JOB_KINDS
    extra = {"regions": regions} if regions else {}
    return WorkerProfile(
        id=r.id, birth_date=r.birth_date, county=county, prefecture=county[:4] + "00",
        province=county[:2] + "0000", skills=skills, certificates=certs,
        min_wage=r.min_wage or 0, kinds=kinds, available_from=r.available_from,
        care_duties=bool(r.care_duties), category=r.category or "general",
        education=r.education or "", monitored_household=bool(r.monitored),
        zero_employment_household=zero, **extra)


def pool_condition() -> sa.ColumnElement[bool]:
    """Workers matching looks for: seeking work or in training, still on the register."""
    return sa.and_(Worker.status.in_(POOL_STATUSES), active_worker())


def _chunks(seq: Sequence, size: int) -> Iterable[Sequence]:
    for i in range(0, len(seq), size):
        yield seq[i:i + size]


def workers_stmt() -> sa.Select:
    """Column select over workers on the register (not merged away) with their
    household's monitoring flag."""
    return (sa.select(*_worker_columns())
            .outerjoin(Household, Worker.household_id == Household.id)
            .where(active_worker()))


def worker_profiles(stmt: sa.Select | None = None) -> list[WorkerProfile]:
    """Profiles of the workers ``stmt`` (from :func:`workers_stmt`) selects."""
    stmt = stmt if stmt is not None else workers_stmt()
    return _profiles_from_rows(db.session.execute(stmt).all())


def worker_profile(worker: Worker, skills: Sequence[tuple[str, int]] | None = None
                   ) -> WorkerProfile:
    """One worker's profile (reads the current rows, not the ORM object's cache).
    ``skills``: the worker's (code, level) pairs when the caller has them already."""
    db.session.flush()
    known = {worker.id: tuple(skills)} if skills is not None else None
    rows = db.session.execute(_one_worker_stmt(), {"worker_id": worker.id}).all()
    return _profiles_from_rows(rows, known)[0]


@cache
def _one_worker_stmt() -> sa.Select:
    """One worker's profile columns, with the household's zero-employment flag (not a
    second statement). Built once: a matches page runs it for every worker shown, and
    making the statement and its cache key cost more than running it."""
    return workers_stmt().where(Worker.id == sa.bindparam("worker_id")).add_columns(
        sa.and_(Worker.household_id.is_not(None), zero_employment(Worker.household_id))
        .label("zero_employment"))
