"""/api/v1/workers/{id}/matches and /api/v1/jobs/{id}/candidates: the matching engine's
ranked results with the explanation of every score component and the ruled-out reasons."""
from __future__ import annotations

from typing import Any

from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from app import clock
from app.auth.scoping import get_visible_or_404
from app.employers.models import Job
from app.matching.service import (
    MAX_RANKED,
    JobCard,
    candidates_for_job,
    recommend_for_worker,
)
from app.registry.models import Worker
from app.vocabulary import OFFICERS

from .auth import api_roles
from .common import ID, documents_errors, domain_errors, me

bp = Blueprint("matches", __name__, url_prefix="/api/v1",
               description="Matching: ranked openings for a worker, candidates for an opening")


class LimitArgs(Schema):
    """How many ranked results to return."""

    limit = fields.Integer(load_default=20, validate=validate.Range(min=1, max=MAX_RANKED))


class ComponentOut(Schema):
    """One part of a score: its 0..1 value, weight, points and the explanation."""

    key = fields.String(required=True)
    label = fields.String(required=True)
    value = fields.Float(required=True)
    weight = fields.Float(required=True)
    points = fields.Float(required=True)
    text = fields.String(required=True)


class ReasonOut(Schema):
    """Why a pair is ruled out; ``fixable`` when training would fix it."""

    code = fields.String(required=True)
    label = fields.String(required=True)
    text = fields.String(required=True)
    subject = fields.String(allow_none=True,
                            metadata={"description": "the missing certificate or skill code"})
    fixable = fields.Boolean(required=True)


class ReferralRef(Schema):
    """An existing referral of the pair."""

    id = fields.Integer(required=True)
    status = fields.String(required=True)


class JobRef(Schema):
    """The opening a result is about."""

    id = fields.Integer(required=True)
    title = fields.String(required=True)
    employer_id = fields.Integer(required=True)
    employer_name = fields.String(required=True)
    region = fields.String(required=True)
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)
    remaining = fields.Integer(required=True, allow_none=True,
                               metadata={"description": "null: no fixed limit (若干)"})


class MatchOut(Schema):
    """A recommended opening with its score (0–100) and explanation."""

    job = fields.Nested(JobRef, required=True)
    score = fields.Float(required=True)
    components = fields.List(fields.Nested(ComponentOut), required=True)
    referral = fields.Nested(ReferralRef, allow_none=True)


class RuledOutOut(Schema):
    """An opening the worker cannot take, with every reason."""

    job = fields.Nested(JobRef, required=True)
    reasons = fields.List(fields.Nested(ReasonOut), required=True)
    fixable_by_training = fields.Boolean(required=True)


class ResolvedSkill(Schema):
    """A typed skill as the resolver read it."""

    text = fields.String(required=True)
    code = fields.String(allow_none=True)
    level = fields.Integer(required=True)
    method = fields.String(allow_none=True)
    confidence = fields.Float(required=True)


class MatchesOut(Schema):
    """Openings for one worker."""

    worker_id = fields.Integer(required=True)
    on_date = fields.Date(required=True)
    considered = fields.Integer(required=True)
    eligible = fields.Integer(required=True)
    matches = fields.List(fields.Nested(MatchOut), required=True)
    ruled_out = fields.List(fields.Nested(RuledOutOut), required=True)
    ruled_out_counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                   required=True)
    skills = fields.List(fields.Nested(ResolvedSkill), required=True)
    unresolved = fields.List(fields.String(), required=True)


class CandidateOut(Schema):
    """A ranked worker for an opening (ID number and phone masked)."""

    worker_id = fields.Integer(required=True)
    name = fields.String(required=True)
    id_number = fields.String(required=True)
    phone = fields.String(required=True)
    area_code = fields.String(required=True)
    category = fields.String(required=True)
    score = fields.Float(required=True)
    components = fields.List(fields.Nested(ComponentOut), required=True)
    referral = fields.Nested(ReferralRef, allow_none=True)


class CandidatesOut(Schema):
    """Workers ranked for one opening within the caller's scope."""

    job_id = fields.Integer(required=True)
    pool = fields.String(required=True, metadata={
        "description": "area (officer's seeking workers), referred (employer), all (admin)"})
    considered = fields.Integer(required=True)
    eligible = fields.Integer(required=True)
    candidates = fields.List(fields.Nested(CandidateOut), required=True)
    ruled_out_counts = fields.Dict(keys=fields.String(), values=fields.Integer(),
                                   required=True)


def job_ref(job: Job | JobCard) -> dict[str, Any]:
    """The few fields of an opening a result needs."""
    return {"id": job.id, "title": job.title, "employer_id": job.employer_id,
            "employer_name": job.employer.name, "region": job.region,
            "wage_min": job.wage_min, "wage_max": job.wage_max, "remaining": job.remaining}


def _referral(referral: Any) -> dict[str, Any] | None:
    return None if referral is None else {"id": referral.id, "status": referral.status}


@bp.route(f"/workers/<{ID}:worker_id>/matches")
class WorkerMatches(MethodView):
    """A worker's openings."""

    @api_roles(*OFFICERS, "trainee")
    @bp.arguments(LimitArgs, location="query")
    @bp.response(200, MatchesOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args, worker_id):
        """The best open openings, explained, and the ruled-out ones with reasons."""
        worker = get_visible_or_404(Worker, worker_id)
        recs = recommend_for_worker(worker, k=args["limit"], today=clock.today())
        return {
            "worker_id": worker.id, "on_date": recs.on_date, "considered": recs.considered,
            "eligible": recs.eligible,
            "matches": [{"job": job_ref(m.job), "score": m.score,
                         "components": m.components, "referral": _referral(m.referral)}
                        for m in recs.matches],
            "ruled_out": [{"job": job_ref(r.job), "reasons": r.reasons,
                           "fixable_by_training": r.fixable_by_training}
                          for r in recs.ruled_out[:args["limit"]]],
            "ruled_out_counts": recs.ruled_out_counts,
            "skills": [{"text": s.source_text, "code": s.skill_code, "level": s.level,
                        "method": s.method, "confidence": s.confidence}
                       for s in recs.skills],
            "unresolved": [s.source_text for s in recs.unresolved],
        }


@bp.route(f"/jobs/<{ID}:job_id>/candidates")
class JobCandidates(MethodView):
    """An opening's candidates."""

    @api_roles(*OFFICERS, "employer")
    @bp.arguments(LimitArgs, location="query")
    @bp.response(200, CandidatesOut)
    @documents_errors(bp, 401, 403, 404, 422)
    def get(self, args, job_id):
        """Workers ranked for the opening: officers their area's, the employer the referred."""
        job = get_visible_or_404(Job, job_id)
        with domain_errors():
            result = candidates_for_job(job, me(), k=args["limit"], today=clock.today())
        return {
            "job_id": job.id, "pool": result.pool, "considered": result.considered,
            "eligible": result.eligible, "ruled_out_counts": result.ruled_out_counts,
            "candidates": [{"worker_id": c.worker.id, "name": c.worker.name,
                            "id_number": c.masked_id, "phone": c.masked_phone,
                            "area_code": c.worker.area_code, "category": c.worker.category,
                            "score": c.score, "components": c.components,
                            "referral": _referral(c.referral)} for c in result.matches],
        }
