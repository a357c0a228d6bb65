"""Matching as the app uses it: resolve skills, recommend openings, rank candidates, batch.

The pure engine (``engine.py``) scores; this module feeds it profiles from the database
(``profiles.py``), turns its results back into rows the pages show, and picks the
explanation language from the request's locale.
"""
from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app, has_app_context
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager, defer

from app import clock
from app.auth.models import User
from app.auth.scoping import visible
from app.employers.models import Employer, Job
from app.errors_domain import DomainError
from app.extensions import db
from app.freshness import Cache
from app.matching import engine
from app.matching.models import MatchResult, MatchRun
from app.matching.profiles import (
    JOB_INDEX,
    POOL_STATUSES,
    job_profile,
    job_profiles,
    pool_condition,
    worker_profile,
    worker_profiles,
    workers_stmt,
)
from app.monitoring.plan import priority_reasons
from app.placements.models import Referral
from app.registry.models import Worker
from app.registry.privacy import mask_id, mask_phone
from app.skills.models import WorkerSkill
from app.skills.service import worker_skills
from app.vocabulary import JobKind

log = logging.getLogger("qianlu.matching")

COMPONENT_LABELS = {
    "skill": _l("Skill fit"), "preferred": _l("Preferred skills"), "wage": _l("Wage"),
    "region": _l("Workplace"), "amenities": _l("Housing and meals"),
    "policy": _l("Policy priority"), "employer": _l("Employer record"),
}
REASON_LABELS = {
    "closed": _l("Filled or closed"), "employer_suspended": _l("Employer suspended"),
    "age": _l("Age"), "region": _l("Region not wanted"), "care_duties": _l("Care duties"),
    "kind_ineligible": _l("Not eligible for this kind of post"),
    "kind_unwanted": _l("Kind of job not wanted"), "not_available": _l("Not available in time"),
    "cert_missing": _l("Certificate missing"), "cert_expired": _l("Certificate expired"),
    "skill_gap": _l("Skill missing"), "education": _l("Education below the minimum"),
}
METHOD_LABELS = {
    "alias": _l("name or alias"), "contains": _l("contained"), "chars": _l("similar characters"),
    "pinyin": _l("same pinyin"),
}
def lang() -> str:
    """'en' or 'zh': the language engine explanations are shown in."""
    try:
        return "en" if str(get_locale()) == "en" else "zh"
    except (RuntimeError, AttributeError):
        return "zh"


def match_config() -> engine.MatchConfig:
    """Engine settings: defaults, with weights/policy values from the app configuration.

    ``MATCH_WEIGHTS`` (e.g. ``{"policy": 10}``) and ``MATCH_POLICY_VALUES`` (e.g.
    ``{"relocated": 1.0}``) override the engine's defaults key by key.
    """
    cfg = engine.MatchConfig()
    if not has_app_context():
        return cfg
    weights = current_app.config.get("MATCH_WEIGHTS") or {}
    policy = current_app.config.get("MATCH_POLICY_VALUES") or {}
    if weights or policy:
        cfg = replace(cfg, weights={**cfg.weights, **weights},
                      policy_values={**cfg.policy_values, **policy})
    return cfg


def _profile_with(worker: Worker, skills: list[WorkerSkill]) -> engine.WorkerProfile:
    # The skills just read (and checked against the text) are not read a second time.
    return worker_profile(worker, [(s.skill_code, s.level) for s in skills if s.skill_code])


# ---- views of engine results ----------------------------------------------------------


@dataclass(frozen=True)
class ComponentView:
    """A part of a score as shown: label, 0..1 value, points and the explanation."""

    key: str
    label: str
    value: float
    weight: float
    points: float
    text: str


@dataclass(frozen=True)
class ReasonView:
    """Why a pair is ruled out; ``subject`` is the missing certificate or skill code.

    ``fixable`` marks reasons training can fix (a missing/expired certificate, a skill
    gap): the training feature links ``subject`` to a course.
    """

    code: str
    label: str
    text: str
    subject: str | None
    fixable: bool


def _labels(labels: dict) -> dict[str, str]:
    """The labels translated once (a page shows them for every row)."""
    return {k: str(v) for k, v in labels.items()}


def _components(m: engine.Match, lg: str, note: str = "",
                labels: dict[str, str] | None = None) -> list[ComponentView]:
    labels = labels or _labels(COMPONENT_LABELS)
    en = lg == "en"
    return [ComponentView(c.key, labels.get(c.key, c.key), c.value, c.weight,
                          c.points, (c.text_en if en else c.text_zh)
                          + (note if c.key == "policy" else ""))
            for c in m.components]


def _risk_notes(workers: Iterable[Worker]) -> dict[int, str]:
    """Why a household's priority was raised beyond the officers' record (open risks from
    other departments' lists or from declarations, app.monitoring): a note on the policy
    component of its members' matches."""
    workers = list(workers)
    reasons = priority_reasons([w.household_id for w in workers if w.household_id])
    return {w.id: " · " + "; ".join(reasons[w.household_id]) for w in workers
            if w.household_id in reasons}


def _reasons(r: engine.RuledOut, lg: str, labels: dict[str, str] | None = None
             ) -> list[ReasonView]:
    labels = labels or _labels(REASON_LABELS)
    en = lg == "en"
    return [ReasonView(x.code, labels.get(x.code, x.code),
                       x.text_en if en else x.text_zh, x.subject,
                       x.code in engine.FIXABLE_BY_TRAINING) for x in r.reasons]


@dataclass(frozen=True)
class EmployerRef:
    """The employer of a :class:`JobCard`: what a list of results names."""

    id: int
    name: str


@dataclass(frozen=True)
class JobCard:
    """What a list of recommended openings shows of one (title, employer, wage, place,
    places left), with the attribute names of :class:`Job`. Read from the openings cache:
    a worker's matches page names 40 openings, which as ORM rows with their employers
    cost more than the ranking."""

    id: int
    employer_id: int
    title: str
    headcount: int | None
    filled: int
    wage_min: int | None
    wage_max: int | None
    region: str
    county_code: str | None
    city_code: str | None
    province_code: str | None
    kind: str
    employer: EmployerRef

    @property
    def remaining(self) -> int | None:
        """Places still open; None when the head-count is unspecified (no fixed limit)."""
        return None if self.headcount is None else max(0, self.headcount - self.filled)


@dataclass
class JobMatch:
    """A recommended opening: what is shown of it, its score, the explanation, any referral."""

    job: JobCard
    score: float
    components: list[ComponentView]
    referral: Referral | None = None


@dataclass
class RuledOutJob:
    """An opening the worker cannot take, with every reason."""

    job: Job | JobCard
    reasons: list[ReasonView]

    @property
    def fixable_by_training(self) -> bool:
        """True when training alone (a certificate or a skill) would rule it in."""
        return bool(self.reasons) and all(r.fixable for r in self.reasons)


@dataclass
class Recommendations:
    """Openings for one worker: ranked matches, ruled-out ones and the counts."""

    worker: Worker
    matches: list[JobMatch]
    ruled_out: list[RuledOutJob]
    ruled_out_counts: dict[str, int]
    considered: int
    eligible: int
    skills: list[WorkerSkill] = field(default_factory=list)
    on_date: date | None = None

    @property
    def unresolved(self) -> list[WorkerSkill]:
        """Skill texts the resolver could not place (shown to the officer)."""
        return [s for s in self.skills if s.skill_code is None]

    def training_gaps(self) -> dict[str, list[int]]:
        """Missing certificate/skill code → ids of openings it would open up."""
        gaps: dict[str, list[int]] = {}
        for r in self.ruled_out:
            for reason in r.reasons:
                if reason.fixable and reason.subject:
                    gaps.setdefault(reason.subject, []).append(r.job.id)
        return gaps


def _jobs_by_id(ids: Sequence[int | str]) -> dict[int | str, Job]:
    if not ids:
        return {}
    # One joined query (the employer comes with its opening); places are named from the
    # cached area names. The long text and JSON columns no list of results shows are
    # left unread (an access loads them): 40 openings' skill lists parsed per page.
    rows = db.session.scalars(
        sa.select(Job).join(Employer, Job.employer_id == Employer.id)
        .where(Job.id.in_(list(ids)))
        .options(contains_eager(Job.employer),
                 defer(Job.description), defer(Job.required_skills),
                 defer(Job.preferred_skills), defer(Job.required_certificates),
                 defer(Job.search_text)))
    return {j.id: j for j in rows}


def _referrals(worker_ids: Sequence[int | str], job_ids: Sequence[int | str]
               ) -> dict[tuple, Referral]:
    if not worker_ids or not job_ids:
        return {}
    rows = db.session.scalars(sa.select(Referral).where(
        Referral.worker_id.in_(list(worker_ids)), Referral.job_id.in_(list(job_ids))))
    return {(r.worker_id, r.job_id): r for r in rows}


# Cards of the openings results have named, by id: kept until any process writes an
# opening or an employer (or MATCH_INDEX_RECHECK_SECONDS pass), like the index they come from.
_CARDS: Cache[dict[int | str, JobCard]] = Cache(depends_on=(Job, Employer),
                                          max_age="MATCH_INDEX_RECHECK_SECONDS", max_entries=4)
_CARDS_KEPT = 20_000  # at most this many per process (then the set starts afresh)


def job_cards(ids: Sequence[int | str]) -> dict[int | str, JobCard]:
    """Cards of the openings ``ids`` (ones that no longer exist are left out)."""
    cards = _CARDS.get("cards", dict)
    missing = [i for i in dict.fromkeys(ids) if i not in cards]
    if missing:
        if len(cards) > _CARDS_KEPT:
            cards.clear()
        rows = db.session.execute(
            sa.select(Job.id, Job.employer_id, Job.title, Job.headcount, Job.filled,
                      Job.wage_min, Job.wage_max, Job.region, Job.county_code, Job.city_code,
                      Job.province_code, Job.kind, Employer.name.label("employer_name"))
            .join(Employer, Job.employer_id == Employer.id).where(Job.id.in_(missing)))
        cards.update({r.id: JobCard(r.id, r.employer_id, r.title, r.headcount, r.filled,
                                    r.wage_min, r.wage_max, r.region, r.county_code,
                                    r.city_code, r.province_code, r.kind,
                                    EmployerRef(r.employer_id, r.employer_name))
                      for r in rows})
    return {i: cards[i] for i in ids if i in cards}


# The most ranked results one request may ask for (the API's limit validates the same range).
MAX_RANKED = 100


def _bounded(k: int) -> int:
    """``k`` within 1 … MAX_RANKED: a page cannot ask for everyone (``?k=1000000000``)."""
    return min(max(int(k or 1), 1), MAX_RANKED)


def recommend_for_worker(worker: Worker, k: int = 20, today: date | None = None,
                         ruled_out: int | None = None) -> Recommendations:
    """The k best open openings for a worker (at most MAX_RANKED), and the ruled-out ones with
    reasons (the closest ``ruled_out`` of them; by default the engine's ``max_ruled_out``)."""
    k = _bounded(k)
    today = today or clock.today()
    index = JOB_INDEX.get(today)
    skills = worker_skills(worker)
    cfg = match_config()
    if ruled_out is not None:
        cfg = replace(cfg, max_ruled_out=max(0, ruled_out))
    profile = _profile_with(worker, skills)
    result = engine.rank_jobs(profile, index, k=k, cfg=cfg)
    lg = lang()
    ids = [m.job_id for m in result.matches] + [r.job_id for r in result.ruled_out]
    jobs = job_cards(ids)
    refs = _referrals([worker.id], [m.job_id for m in result.matches])
    # An open risk from a list or a declaration marks the household monitored in the
    # profile: only then is there a note to read.
    note = _risk_notes([worker]).get(worker.id, "") if profile.monitored_household else ""
    components, reasons = _labels(COMPONENT_LABELS), _labels(REASON_LABELS)
    matches = [JobMatch(jobs[m.job_id], m.score, _components(m, lg, note, components),
                        refs.get((worker.id, m.job_id)))
               for m in result.matches if m.job_id in jobs]
    ruled = [RuledOutJob(jobs[r.job_id], _reasons(r, lg, reasons))
             for r in result.ruled_out if r.job_id in jobs]
    return Recommendations(worker, matches, ruled, dict(result.ruled_out_counts),
                           result.considered, result.eligible, skills, today)


def trainable_openings(worker: Worker, limit: int = 20, today: date | None = None
                       ) -> list[RuledOutJob]:
    """Open openings the worker misses only for a certificate or a skill (for training)."""
    today = today or clock.today()
    out = engine.trainable_openings(_profile_with(worker, worker_skills(worker)),
                                    JOB_INDEX.get(today), limit, match_config())
    jobs = _jobs_by_id([r.job_id for r in out])
    lg = lang()
    return [RuledOutJob(jobs[r.job_id], _reasons(r, lg)) for r in out if r.job_id in jobs]


def explain_pair(worker: Worker, job: Job, today: date | None = None
                 ) -> engine.Match | engine.RuledOut:
    """The engine's verdict on one worker and one opening, from the current rows."""
    today = today or clock.today()
    jp = job_profile(job, today)  # the opening as loaded: not read a second time
    if not job.is_open_on(today):
        jp = replace(jp, status="closed")
    return engine.explain(_profile_with(worker, worker_skills(worker)), jp, cfg=match_config())


# ---- candidates for an opening ---------------------------------------------------------


@dataclass
class CandidateMatch:
    """A ranked worker for an opening (personal data masked unless allowed)."""

    worker: Worker
    score: float
    components: list[ComponentView]
    referral: Referral | None
    masked_id: str
    masked_phone: str


@dataclass
class Candidates:
    """Workers ranked for one opening, inside the viewer's scope."""

    job: Job
    matches: list[CandidateMatch]
    ruled_out_counts: dict[str, int]
    considered: int
    eligible: int
    pool: str  # "area" (officer's seeking workers) | "referred" (employer) | "all"


MAX_POOL = 50_000


def _pool_stmt(job: Job, user: User, today: date) -> tuple[sa.Select, str]:
    stmt = workers_stmt()
    if user.role == "employer":
        referred = sa.select(Referral.worker_id).where(Referral.job_id == job.id)
        return stmt.where(Worker.id.in_(referred)), "referred"
    stmt = visible(stmt.where(Worker.status.in_(POOL_STATUSES)), Worker, user)
    # Cheap hard rules in SQL first, so a province-wide pool stays small.
    start = max(job.start_date or today, today)
    born_by = _years_before(start, job.age_min or 0)
    born_after = _years_before(start, (job.age_max or 150) + 1)
    stmt = stmt.where(Worker.birth_date <= born_by, Worker.birth_date > born_after,
                      sa.or_(Worker.available_from.is_(None), Worker.available_from <= start))
    if job.kind != JobKind.market and job.eligibility_county_code:
        stmt = stmt.where(Worker.area_code == job.eligibility_county_code)
    stmt = stmt.where(sa.or_(Worker.care_duties.is_(False),
                             Worker.area_code == (job.county_code or "")))
    return stmt.limit(MAX_POOL), ("all" if user.role == "admin" else "area")


def _years_before(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:
        return d.replace(year=d.year - years, day=28)


def candidates_for_job(job: Job, user: User, k: int = 20, today: date | None = None
                       ) -> Candidates:
    """The k best workers for an opening (at most MAX_RANKED): officers see their area's
    seeking workers, the job's employer only the workers referred to it; ID and phone are
    masked."""
    k = _bounded(k)
    today = today or clock.today()
    if user.role == "employer" and user.employer_id != job.employer_id:
        raise DomainError(_("This opening belongs to another employer."), code="not_yours")
    stmt, pool = _pool_stmt(job, user, today)
    profiles = worker_profiles(stmt)
    jp = job_profiles(today, [job.id], only_open=False)
    if not profiles or not jp:
        return Candidates(job, [], {}, 0, 0, pool)
    jprofile = jp[0] if job.is_open_on(today) else replace(jp[0], status="closed")
    cfg = match_config()
    widx = engine.WorkerIndex(profiles, cfg=cfg)
    result = engine.rank_workers(jprofile, widx, k=k, cfg=cfg)
    ids = [m.worker_id for m in result.matches]
    workers = {w.id: w for w in db.session.scalars(sa.select(Worker).where(Worker.id.in_(ids)))}
    refs = _referrals(ids, [job.id])
    lg = lang()
    notes = _risk_notes(workers.values())
    labels = _labels(COMPONENT_LABELS)
    matches = [CandidateMatch(workers[m.worker_id], m.score,
                              _components(m, lg, notes.get(m.worker_id, ""), labels),
                              refs.get((m.worker_id, job.id)),
                              mask_id(workers[m.worker_id].id_number),
                              mask_phone(workers[m.worker_id].phone))
               for m in result.matches if m.worker_id in workers]
    return Candidates(job, matches, dict(result.ruled_out_counts), result.considered,
                      result.eligible, pool)


# ---- the hard rules of a referral -----------------------------------------------------


def referral_score(worker: Worker, job: Job, today: date) -> float:
    """Vet a referral by the engine's hard rules: the pair's score, or a ``DomainError``
    naming why the worker is ruled out. Pass it to ``placements.service.refer(vet=…)``."""
    verdict = explain_pair(worker, job, today)
    if isinstance(verdict, engine.RuledOut):
        texts = "; ".join(r.text for r in _reasons(verdict, lang()))
        raise DomainError(_("This worker cannot be referred to this opening: %(why)s",
                            why=texts), code="ruled_out")
    return verdict.score


# ---- batch ------------------------------------------------------------------------------


def batch_rematch(today: date | None = None, progress: Callable[[int, int], None] | None = None,
                  k: int = 10, chunk: int = 5000) -> MatchRun:
    """Top-k openings for every seeking worker, stored with a timestamp (flushes).

    Each worker's rows are replaced in this run's transaction; workers no longer in the
    pool lose theirs. Running twice stores the same pairs again (idempotent).
    """
    today = today or clock.today()
    started = time.perf_counter()
    run = MatchRun(on_date=today, k=k)
    db.session.add(run)
    db.session.flush()
    index = JOB_INDEX.get(today)
    cfg = match_config()
    ids_areas = db.session.execute(
        sa.select(Worker.id, Worker.area_code).where(pool_condition())
        .order_by(Worker.id)).tuples().all()
    area_of: dict[int | str, str] = dict(ids_areas)
    total = len(ids_areas)
    done = stored = 0
    if progress:
        progress(0, total)
    for start in range(0, total, chunk):
        ids = [i for i, _ in ids_areas[start:start + chunk]]
        profiles = worker_profiles(workers_stmt().where(Worker.id.in_(ids)).order_by(Worker.id))
        result = engine.batch(profiles, index, k=k, cfg=cfg)
        now = clock.utcnow()
        rows = []
        for i, wid in enumerate(result.worker_ids):
            for rank, (job_id, score) in enumerate(result.top(i), start=1):
                rows.append({"run_id": run.id, "worker_id": wid, "job_id": job_id,
                             "area_code": area_of[wid], "rank": rank,
                             "score": round(score, 2), "computed_at": now})
        db.session.execute(sa.delete(MatchResult).where(MatchResult.worker_id.in_(ids)))
        if rows:
            db.session.execute(sa.insert(MatchResult), rows)
        stored += len(rows)
        done += len(ids)
        if progress:
            progress(done, total)
    db.session.execute(sa.delete(MatchResult).where(MatchResult.run_id != run.id))
    run.workers, run.jobs, run.results = total, len(index), stored
    run.finished_at = clock.utcnow()
    run.seconds = round(time.perf_counter() - started, 3)
    db.session.flush()
    return run


def latest_run() -> MatchRun | None:
    """The most recent finished batch run."""
    return db.session.scalar(sa.select(MatchRun).where(MatchRun.finished_at.is_not(None))
                             .order_by(MatchRun.id.desc()).limit(1))


# ---- reactions ------------------------------------------------------------------------------


def openings_after_job_loss(placement: object, *, worker: Worker, day: date, k: int = 3) -> str:
    """On ``signals.job_lost``: the worker's best openings now, for the officers' alert."""
    return fresh_openings_text(worker, day, k)


def fresh_openings_text(worker: Worker, day: date, k: int = 3) -> str:
    """Titles of the worker's best openings now (empty when matching fails: the alert that
    carries them goes out regardless)."""
    try:
        recs = recommend_for_worker(worker, k=k, today=max(day, clock.today()))
        return "、".join(f"{m.job.title}（{m.job.employer.name}）" for m in recs.matches[:k])
    except Exception:
        log.exception("recommendations for worker %s failed", worker.id)
        return ""


class RunInfo(NamedTuple):
    """When the latest batch run finished (what a worker's matches page says of it)."""

    id: int
    finished_at: datetime


# Every matches page names the latest batch run; runs are written once a night.
_LATEST_RUN: Cache[RunInfo | None] = Cache(depends_on=(MatchRun,), max_age=300, max_entries=4)


def latest_run_info() -> RunInfo | None:
    """:func:`latest_run`'s id and finish time, cached until a run is written."""
    def read() -> RunInfo | None:
        run = latest_run()
        return RunInfo(run.id, run.finished_at) if run is not None and run.finished_at \
            else None

    return _LATEST_RUN.get("latest", read)
