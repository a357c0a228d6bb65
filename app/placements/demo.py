"""Demo placements over the past 12 months with follow-ups done, missed and due, a few job
losses and wage-arrears cases — through the real services, so head-counts, worker statuses,
households and alerts stay consistent."""
from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from app import clock
from app.auth.demo import SeedContext
from app.auth.models import User
from app.employers.models import Employer, Job
from app.errors_domain import DomainError
from app.extensions import db
from app.registry.models import Worker

from .arrears import resolve_case
from .followup_models import OPEN_STATUSES, FollowUp, WageArrearsCase
from .followups import mark_overdue
from .outcomes import Outcome, record_outcome
from .service import confirm_hire, refer

REASONS = ("想家，回老家照顾老人", "工资比预期低", "工作太累，倒班不适应", "孩子上学需要照顾",
           "和班组长有矛盾", "身体原因")
NEW_EMPLOYERS = ("惠州市仲恺区某电子厂", "贵阳经开区物流园", "遵义市汇川区餐饮公司")
MAX_PLACEMENTS = 140


def _officer_for(ctx: SeedContext, worker: Worker) -> User:
    county = ctx.officers.get("county")
    if county is not None and county.area_code == worker.area_code:
        return county
    return ctx.officers["province"]


def _open_jobs(today: date) -> list[Job]:
    return list(db.session.scalars(
        sa.select(Job).join(Employer, Employer.id == Job.employer_id)
        .where(Job.open_clause(today), Employer.status == "verified").order_by(Job.id)))


def _place_workers(ctx: SeedContext, today: date) -> int:
    workers = list(db.session.scalars(sa.select(Worker).where(
        Worker.status == "seeking").order_by(Worker.id)))
    ctx.rng.shuffle(workers)
    jobs = _open_jobs(today)
    placed = 0
    for worker in workers[:MAX_PLACEMENTS]:
        if not jobs:
            break
        job = ctx.rng.choice(jobs)
        start = today - timedelta(days=int(ctx.rng.triangular(3, 365, 120)))
        by = _officer_for(ctx, worker)
        try:
            with db.session.begin_nested():
                referral = refer(worker, job, by=by, today=today)
                wage = job.wage_min or 4000
                confirm_hire(referral, start_date=start, by=by, today=today,
                             monthly_wage=wage + ctx.rng.randrange(0, 1200, 100))
        except DomainError:
            jobs = [j for j in jobs if j.id != job.id]
            continue
        placed += 1
        if not job.has_places(2):
            jobs = [j for j in jobs if j.id != job.id]
    return placed


def _record_history(ctx: SeedContext, today: date) -> dict[str, int]:
    """Walk every past follow-up in date order and give it a plausible outcome."""
    counts = {"done": 0, "lost": 0, "changed": 0, "arrears": 0, "missed": 0}
    rows = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.status.in_(OPEN_STATUSES), FollowUp.due_date < today)
        .order_by(FollowUp.due_date, FollowUp.id)).all()
    rng = ctx.rng
    for fu in rows:
        if not fu.is_open or fu.placement.status != "active":
            continue
        by = _officer_for(ctx, fu.worker)
        roll = rng.random()
        day = min(fu.due_date + timedelta(days=rng.randint(0, 3)), today)
        if roll < 0.05:
            outcome = Outcome("phone", True, "left", left_date=max(
                fu.placement.start_date, fu.due_date - timedelta(days=rng.randint(1, 6))),
                left_reason=rng.choice(REASONS), issues=rng.choice(
                    [["homesick"], ["family"], ["conflict"], []]), satisfaction=2)
            counts["lost"] += 1
        elif roll < 0.07:
            outcome = Outcome("wechat", True, "changed", new_employer_name=rng.choice(
                NEW_EMPLOYERS), new_wage=rng.randrange(4500, 7000, 100),
                left_date=max(fu.placement.start_date, fu.due_date - timedelta(days=3)))
            counts["changed"] += 1
        elif roll < 0.10:
            outcome = Outcome("visit", True, "still", current_wage=None, satisfaction=1,
                              issues=["wage_arrears"], note="反映已两个月未发工资")
            counts["arrears"] += 1
        elif roll < 0.20:
            for _ in range(rng.randint(1, 3)):
                record_outcome(fu, Outcome("phone", False, note="无人接听"), by=by, today=today)
            counts["missed"] += 1
            continue
        elif roll < 0.27:
            continue  # not done yet: shows as overdue
        else:
            outcome = Outcome(rng.choice(("phone", "phone", "wechat", "visit")), True, "still",
                              current_wage=(fu.placement.monthly_wage or 4500)
                              + rng.randrange(0, 600, 100),
                              satisfaction=rng.choice((3, 4, 4, 5, 5)),
                              issues=rng.choice([[], [], [], ["housing"], ["homesick"]]))
            counts["done"] += 1
        record_outcome(fu, outcome, by=by, today=today)
        fu.done_at = clock.utcnow() - timedelta(days=(today - day).days)
    return counts


def seed_followups(ctx: SeedContext) -> None:
    """Placements over the past year and their follow-up history (after register, employers)."""
    today = clock.today()
    placed = _place_workers(ctx, today)
    counts = _record_history(ctx, today)
    mark_overdue(today)
    cases = db.session.scalars(sa.select(WageArrearsCase).order_by(WageArrearsCase.id)).all()
    for case in cases[: len(cases) // 2]:  # half of the cases are already resolved
        resolve_case(case, "劳动保障监察介入，企业已补发工资", by=_officer_for(ctx, case.worker))
    db.session.flush()
    ctx.echo(f"follow-ups: {placed} placements, {counts['done']} follow-ups done, "
             f"{counts['missed']} missed, {counts['lost']} job losses, "
             f"{counts['changed']} job changes, {counts['arrears']} wage-arrears reports")
