"""Demo matching: resolved skills, one batch run and a few referrals at each stage."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.demo import SeedContext
from app.employers.models import Job
from app.errors_domain import DomainError
from app.extensions import db
from app.placements.service import refer, respond
from app.registry.models import Worker
from app.skills.models import WorkerSkill
from app.skills.service import resolve_worker_skills

from .service import batch_rematch, candidates_for_job, referral_score


def seed_matching(ctx: SeedContext) -> None:
    """Resolve every demo worker's skills, run the batch, refer a few to the demo employer."""
    unresolved = sa.select(Worker).where(
        Worker.skills_text != "", ~sa.exists().where(WorkerSkill.worker_id == Worker.id))
    for worker in db.session.scalars(unresolved).all():
        resolve_worker_skills(worker)
    run = batch_rematch(k=10)
    ctx.echo(f"matching: {run.results} stored matches for {run.workers} workers")
    employer = ctx.demo_employer
    officer = ctx.officers.get("county")
    if employer is None or officer is None:
        return
    jobs = db.session.scalars(sa.select(Job).where(Job.employer_id == employer.id,
                                                   Job.status == "open").order_by(Job.id))
    made = 0
    for job in jobs.all()[:3]:
        for cand in candidates_for_job(job, officer, k=3).matches:
            try:
                referral = refer(cand.worker, job, by=officer, vet=referral_score)
            except DomainError:
                continue
            made += 1
            if made % 2 == 0:
                respond(referral, accept=True, by=None)
    ctx.echo(f"matching: {made} demo referrals to {employer.name}")
