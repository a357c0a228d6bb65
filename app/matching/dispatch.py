"""Organised dispatch (组织化输出): a group of workers to a few openings in one step.

An officer picks openings and a pool of seeking workers in their area; :func:`propose`
asks the engine's assignment solver for the pairing with the highest total score, each
opening within its remaining head-count and each worker in at most one opening. The
proposal goes back to the officer as a review table (pairs travel in the form);
:func:`accept` checks every accepted pair again against the current rows and turns them
all into referrals with source "dispatch", or none of them.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app import clock
from app.auth.models import User
from app.auth.scoping import visible
from app.employers.models import Job
from app.errors_domain import DomainError
from app.extensions import db
from app.matching import engine
from app.matching.profiles import (
    POOL_STATUSES,
    job_profiles,
    pool_condition,
    worker_profiles,
    workers_stmt,
)
from app.matching.service import lang, match_config
from app.placements.models import ACTIVE_REFERRAL, Referral, ReferralStatus
from app.placements.service import refer
from app.registry.models import Household, Worker

MAX_POOL = 3000  # workers in one proposal (the solver is cubic)
MAX_JOBS = 50


@dataclass
class Pair:
    """One proposed worker → opening with its score."""

    worker: Worker
    job: Job
    score: float
    problem: str = ""  # set when a re-check at accept time refused the pair


@dataclass
class Proposal:
    """The best total assignment for the chosen openings and pool."""

    jobs: list[Job]
    pairs: list[Pair]
    pool_size: int
    capacity: dict[int | str, int | None]  # job id → places left (None: no fixed head-count)
    unassigned: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def total_score(self) -> float:
        """Sum of the scores of every proposed pair."""
        return round(sum(p.score for p in self.pairs), 2)

    def per_job(self) -> dict[int, int]:
        """Proposed workers per opening."""
        return dict(Counter(p.job.id for p in self.pairs))


class DispatchError(DomainError):
    """Some accepted pairs no longer hold; nothing was created."""

    def __init__(self, message: str, pairs: list[Pair]) -> None:
        super().__init__(message, code="dispatch_changed", status=409)
        self.pairs = pairs


def pool_stmt(user: User, area_code: str | None = None, category: str | None = None,
              priority_only: bool = False) -> sa.Select:
    """Seeking workers in the officer's area, optionally narrowed (for the pool form)."""
    stmt = visible(sa.select(Worker.id).where(pool_condition()), Worker, user)
    if area_code:
        stmt = stmt.where(Worker.area_code.startswith(area_code.rstrip("0") or area_code))
    if category:
        stmt = stmt.where(Worker.category == category)
    if priority_only:
        stmt = stmt.where(Worker.household_id.in_(
            sa.select(Household.id).where(Household.monitored.is_(True))))
    return stmt.order_by(Worker.id).limit(MAX_POOL)


def _open_jobs(job_ids: list[int], today: date) -> list[Job]:
    jobs = list(db.session.scalars(sa.select(Job).where(Job.id.in_(job_ids))
                                   .options(selectinload(Job.employer)).order_by(Job.id)))
    return [j for j in jobs if j.is_open_on(today) and j.employer.status == "verified"]


def _taken(worker_ids: Sequence[int | str], job_ids: Sequence[int | str]
           ) -> set[tuple[int, int]]:
    """Pairs already referred (active or hired): not proposed again."""
    if not worker_ids or not job_ids:
        return set()
    rows = db.session.execute(sa.select(Referral.worker_id, Referral.job_id).where(
        Referral.worker_id.in_(worker_ids), Referral.job_id.in_(job_ids),
        Referral.status.in_((*ACTIVE_REFERRAL, ReferralStatus.hired.value))))
    return {tuple(r) for r in rows}


def propose(job_ids: list[int], worker_ids: list[int], user: User,
            today: date | None = None, min_score: float = 0.0) -> Proposal:
    """The assignment with the highest total score; nothing is written."""
    today = today or clock.today()
    if not job_ids:
        raise DomainError(_("Choose at least one opening."), field="jobs")
    if len(job_ids) > MAX_JOBS:
        raise DomainError(_("Choose at most %(n)d openings.", n=MAX_JOBS), field="jobs")
    jobs = _open_jobs(job_ids, today)
    if not jobs:
        raise DomainError(_("None of the chosen openings is open."), field="jobs")
    stmt = visible(workers_stmt().where(Worker.id.in_(worker_ids[:MAX_POOL]),
                                        Worker.status.in_(POOL_STATUSES)), Worker, user)
    profiles = worker_profiles(stmt.order_by(Worker.id))
    if not profiles:
        raise DomainError(_("No seeking workers in the chosen pool."), field="pool")
    cfg = match_config()
    jprofiles = job_profiles(today, [j.id for j in jobs])
    jidx = engine.JobIndex(jprofiles)
    widx = engine.WorkerIndex(profiles, cfg=cfg)
    scores = engine.score_matrix(widx, jidx, cfg)
    taken = _taken([p.id for p in profiles], [j.id for j in jprofiles])
    for r, w in enumerate(profiles):
        for c, j in enumerate(jprofiles):
            if (w.id, j.id) in taken:
                scores[r, c] = -1.0
    caps = [j.openings_left for j in jprofiles]
    chosen = engine.assign(scores, caps, min_score)
    workers: dict[int | str, Worker] = {w.id: w for w in db.session.scalars(
        sa.select(Worker).where(Worker.id.in_([profiles[r].id for r, _, _ in chosen])))}
    by_id: dict[int | str, Job] = {j.id: j for j in jobs}
    pairs = [Pair(workers[profiles[r].id], by_id[jprofiles[c].id], round(s, 2))
             for r, c, s in chosen]
    pairs.sort(key=lambda p: (p.job.id, -p.score))
    return Proposal(jobs=[by_id[j.id] for j in jprofiles], pairs=pairs,
                    pool_size=len(profiles), capacity={
                        j.id: by_id[j.id].remaining for j in jprofiles},
                    unassigned=len(profiles) - len(pairs))


def parse_pairs(values: list[str]) -> list[tuple[int, int]]:
    """Form values "worker_id:job_id" → pairs (malformed values are refused)."""
    out = []
    for v in values:
        try:
            w, j = v.split(":")
            out.append((int(w), int(j)))
        except ValueError:
            raise DomainError(_("The dispatch form was malformed."), code="bad_pair") from None
    return out


def accept(pairs: list[tuple[int, int]], user: User, today: date | None = None
           ) -> list[Referral]:
    """Re-check the accepted pairs and refer them all (source "dispatch"), or none (flushes).

    Re-checked now: each worker visible, seeking and in one pair only; each opening open
    with enough places for its pairs; the engine's hard rules.
    """
    today = today or clock.today()
    if not pairs:
        raise DomainError(_("No pair was accepted."), field="pairs")
    worker_ids = [w for w, _ in pairs]
    job_ids = sorted({j for _, j in pairs})
    workers: dict[int | str, Worker] = {w.id: w for w in db.session.scalars(
        visible(sa.select(Worker).where(Worker.id.in_(worker_ids)), Worker, user))}
    jobs = {j.id: j for j in _open_jobs(job_ids, today)}
    jprofiles = {p.id: p for p in job_profiles(today, list(jobs))}
    wprofiles = {p.id: p for p in worker_profiles(
        workers_stmt().where(Worker.id.in_(list(workers))))}
    taken = _taken(list(workers), list(jobs))
    per_job = Counter(j for _, j in pairs)
    per_worker = Counter(w for w, _ in pairs)
    checked: list[Pair] = []
    cfg, lg = match_config(), lang()
    for wid, jid in pairs:
        worker, job = workers.get(wid), jobs.get(jid)
        if worker is None:
            raise DomainError(_("A worker in the proposal is outside your area."), code="scope")
        if job is None:
            job = db.session.get(Job, jid)
            if job is None:
                raise DomainError(_("An opening in the proposal no longer exists."))
            checked.append(Pair(worker, job, 0, _("The opening is no longer open.")))
            continue
        pair = Pair(worker, job, 0)
        verdict = engine.explain(wprofiles[wid], replace(jprofiles[jid], openings_left=1),
                                 cfg=cfg)
        if per_worker[wid] > 1:
            pair.problem = _("The worker is in more than one pair.")
        elif worker.status not in POOL_STATUSES:
            pair.problem = _("The worker is no longer seeking work.")
        elif job.remaining is not None and per_job[jid] > job.remaining:
            pair.problem = _("Only %(n)d places are left.", n=job.remaining)
        elif (wid, jid) in taken:
            pair.problem = _("Already referred to this opening.")
        elif isinstance(verdict, engine.RuledOut):
            pair.problem = "; ".join(r.text_en if lg == "en" else r.text_zh
                                     for r in verdict.reasons)
        else:
            pair.score = verdict.score
        checked.append(pair)
    bad = [p for p in checked if p.problem]
    if bad:
        raise DispatchError(_("%(n)d of the accepted pairs no longer hold; nothing was "
                              "referred. Review them and accept again.", n=len(bad)), checked)
    return [refer(p.worker, p.job, by=user, source="dispatch", score=p.score, today=today)
            for p in checked]
