"""/api/v1/courses, /sessions, /enrolments and /workers/{id}/courses: training (培训).

Enrolment goes through ``app.training.service`` (eligibility, atomic places, waiting list);
course recommendations through ``app.training.recommend`` (which openings each course
would unlock for the worker). Trainees enrol themselves and see their own enrolments.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort
from flask.views import MethodView
from flask_babel import gettext as _
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate
from sqlalchemy.orm import selectinload

from app.auth.scoping import get_visible_or_404, visible
from app.clock import today
from app.errors_domain import DomainError
from app.registry.models import Worker
from app.training.models import Course, CourseMode, CourseSession, Enrolment, EnrolmentStatus
from app.training.recommend import recommend_courses
from app.training.service import complete, enrol, waitlist_position
from app.training.service import withdraw as withdraw_enrolment
from app.vocabulary import OFFICERS

from .auth import api_roles
from .common import (
    ID,
    ID_RANGE,
    PageArgs,
    UtcDateTime,
    documents_errors,
    domain_errors,
    me,
    page_schema,
    paginate,
)
from .matching import JobRef, job_ref

bp = Blueprint("training-courses", __name__, url_prefix="/api/v1",
               description="Training: courses, sessions, enrolments, recommendations")

READERS = (*OFFICERS, "trainee")
AREA_CODE = validate.Regexp(r"^\d{6}$", error="A six-digit area code.")


class SessionOut(Schema):
    """One run of a course."""

    id = fields.Integer(required=True)
    course_id = fields.Integer(required=True)
    start_date = fields.Date(required=True)
    end_date = fields.Date(required=True)
    county_code = fields.String(required=True)
    places = fields.Integer(required=True)
    enrolled = fields.Integer(required=True)
    places_left = fields.Integer(required=True)
    open = fields.Function(lambda s: s.open_on(today()), required=True,
                           metadata={"description": "enrolment possible (not started yet)"})


class CourseOut(Schema):
    """A course of the catalogue."""

    id = fields.Integer(required=True)
    code = fields.String(required=True)
    name = fields.String(required=True)
    name_en = fields.String(required=True)
    description = fields.String(required=True)
    mode = fields.String(required=True, metadata={"description": "order, directed, general"})
    skills = fields.List(fields.String(), required=True)
    certificate = fields.String(allow_none=True)
    provider = fields.String(required=True)
    county_code = fields.String(required=True)
    days = fields.Integer(required=True)
    hours = fields.Integer(required=True)
    cost = fields.Integer(required=True)
    subsidy = fields.Integer(required=True)
    age_min = fields.Integer(required=True)
    age_max = fields.Integer(required=True)
    min_education = fields.String(required=True)
    categories = fields.List(fields.String(), required=True)
    employer_id = fields.Integer(allow_none=True)
    job_id = fields.Integer(allow_none=True)
    committed_hires = fields.Integer(required=True)
    wage_min = fields.Integer(allow_none=True)
    wage_max = fields.Integer(allow_none=True)
    target_industry = fields.String(required=True)
    target_region = fields.String(required=True)
    active = fields.Boolean(required=True)


class CourseDetail(CourseOut):
    """A course with its sessions."""

    sessions = fields.List(fields.Nested(SessionOut), required=True)


class CourseQuery(PageArgs):
    """Filters of the catalogue."""

    mode = fields.String(load_default="", validate=validate.OneOf([m.value for m in
                                                                   CourseMode]))
    county_code = fields.String(validate=AREA_CODE)
    q = fields.String(load_default="", validate=validate.Length(max=64),
                      metadata={"description": "part of the code or name"})
    active = fields.Boolean(load_default=True)


class SessionQuery(PageArgs):
    """Filters of the session list."""

    course_id = fields.Integer(validate=ID_RANGE)
    county_code = fields.String(validate=AREA_CODE)
    upcoming = fields.Boolean(load_default=False,
                              metadata={"description": "only sessions still open to enrol"})


class EnrolmentOut(Schema):
    """A worker in a session."""

    id = fields.Integer(required=True)
    worker_id = fields.Integer(required=True)
    worker_name = fields.Function(lambda e: e.worker.name, required=True)
    session_id = fields.Integer(required=True)
    course_id = fields.Integer(required=True)
    course_name = fields.Function(lambda e: e.course.name, required=True)
    area_code = fields.String(required=True)
    status = fields.String(required=True)
    waitlist_position = fields.Function(waitlist_position, allow_none=True)
    source = fields.String(required=True)
    assessment = fields.String(required=True)
    certificate_number = fields.String(required=True)
    completed_at = UtcDateTime(allow_none=True)
    withdrawn_at = UtcDateTime(allow_none=True)
    note = fields.String(required=True)
    created_at = UtcDateTime()


class EnrolmentQuery(PageArgs):
    """Filters of the enrolment list."""

    worker_id = fields.Integer(validate=ID_RANGE)
    session_id = fields.Integer(validate=ID_RANGE)
    course_id = fields.Integer(validate=ID_RANGE)
    status = fields.String(load_default="", validate=validate.OneOf([s.value for s in
                                                                     EnrolmentStatus]))


class EnrolmentIn(Schema):
    """Enrol a worker in a session (trainees: themselves; a full session waitlists)."""

    session_id = fields.Integer(required=True, validate=ID_RANGE)
    worker_id = fields.Integer(validate=ID_RANGE,
                               metadata={"description": "officers: required; trainees: "
                                                        "their own (may be left out)"})


class WithdrawIn(Schema):
    """Why the enrolment is withdrawn."""

    reason = fields.String(load_default="", validate=validate.Length(max=256))


class CompleteIn(Schema):
    """The assessment: a pass adds the certificate and skills to the worker."""

    passed = fields.Boolean(required=True)
    assessment = fields.String(load_default="", validate=validate.Length(max=64))
    certificate_number = fields.String(load_default="", validate=validate.Length(max=64))


class CompletionOut(Schema):
    """A completed (or failed) enrolment and what it did."""

    enrolment = fields.Nested(EnrolmentOut, required=True)
    skills_added = fields.List(fields.String(), required=True)
    referral_id = fields.Integer(allow_none=True,
                                 metadata={"description": "order course: the graduate's "
                                                          "referral to the ordering employer"})
    referral_problem = fields.String(required=True)


class SuggestionOut(Schema):
    """A course recommended to a worker, and what it unlocks."""

    course = fields.Nested(CourseOut, required=True)
    session = fields.Nested(SessionOut, required=True)
    explanation = fields.String(required=True)
    unlocked_jobs = fields.List(fields.Nested(JobRef), required=True,
                                metadata={"description": "openings the worker would match "
                                                         "after the course"})
    order_places = fields.Integer(required=True)
    wage_min = fields.Integer(required=True)
    wage_max = fields.Integer(required=True)


class SuggestionsOut(Schema):
    """Course recommendations for one worker."""

    worker_id = fields.Integer(required=True)
    suggestions = fields.List(fields.Nested(SuggestionOut), required=True)


class LimitArgs(Schema):
    """How many recommendations."""

    limit = fields.Integer(load_default=5, validate=validate.Range(min=1, max=20))


CoursePage = page_schema(CourseOut, "CoursePage")
SessionPage = page_schema(SessionOut, "SessionPage")
EnrolmentPage = page_schema(EnrolmentOut, "EnrolmentPage")


@bp.route("/courses")
class Courses(MethodView):
    """The course catalogue."""

    @api_roles(*READERS)
    @bp.arguments(CourseQuery, location="query")
    @bp.response(200, CoursePage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List courses, order-based ones first."""
        stmt = visible(sa.select(Course), Course, me()).where(Course.active == args["active"])
        if args["mode"]:
            stmt = stmt.where(Course.mode == args["mode"])
        if args.get("county_code"):
            stmt = stmt.where(Course.county_code == args["county_code"])
        q = args["q"].strip().replace("%", "").replace("_", "")
        if q:
            stmt = stmt.where(sa.or_(Course.code.like(f"%{q}%"), Course.name.like(f"%{q}%"),
                                     Course.name_en.like(f"%{q}%")))
        return paginate(stmt.order_by(Course.mode != "order", Course.code), args)


@bp.route(f"/courses/<{ID}:course_id>")
class CourseItem(MethodView):
    """One course."""

    @api_roles(*READERS)
    @bp.response(200, CourseDetail)
    @documents_errors(bp, 401, 403, 404)
    def get(self, course_id):
        """A course with its sessions."""
        return get_visible_or_404(Course, course_id)


@bp.route("/sessions")
class Sessions(MethodView):
    """Course sessions."""

    @api_roles(*READERS)
    @bp.arguments(SessionQuery, location="query")
    @bp.response(200, SessionPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List sessions by start date."""
        stmt = visible(sa.select(CourseSession), CourseSession, me())
        if args.get("course_id"):
            stmt = stmt.where(CourseSession.course_id == args["course_id"])
        if args.get("county_code"):
            stmt = stmt.where(CourseSession.county_code == args["county_code"])
        if args["upcoming"]:
            stmt = stmt.where(CourseSession.start_date > today())
        return paginate(stmt.order_by(CourseSession.start_date, CourseSession.id), args)


@bp.route(f"/sessions/<{ID}:session_id>")
class SessionItem(MethodView):
    """One session."""

    @api_roles(*READERS)
    @bp.response(200, SessionOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, session_id):
        """A session with its places."""
        return get_visible_or_404(CourseSession, session_id)


@bp.route("/enrolments")
class Enrolments(MethodView):
    """Enrolments of the caller's area (trainees: their own)."""

    @api_roles(*READERS)
    @bp.arguments(EnrolmentQuery, location="query")
    @bp.response(200, EnrolmentPage)
    @documents_errors(bp, 401, 403)
    def get(self, args):
        """List enrolments, newest first."""
        stmt = visible(sa.select(Enrolment), Enrolment, me())
        for name in ("worker_id", "session_id", "course_id"):
            if args.get(name):
                stmt = stmt.where(getattr(Enrolment, name) == args[name])
        if args["status"]:
            stmt = stmt.where(Enrolment.status == args["status"])
        stmt = stmt.options(selectinload(Enrolment.worker), selectinload(Enrolment.course))
        return paginate(stmt.order_by(Enrolment.created_at.desc(), Enrolment.id.desc()), args)

    @api_roles("officer", "trainee")
    @bp.arguments(EnrolmentIn)
    @bp.response(201, EnrolmentOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data):
        """Enrol (or waitlist when full) after the eligibility and overlap checks."""
        user = me()
        session = get_visible_or_404(CourseSession, data["session_id"])
        if user.role == "trainee":
            if user.worker_id is None or data.get("worker_id") not in (None, user.worker_id):
                abort(403)
            worker, source = get_visible_or_404(Worker, user.worker_id), "self"
        else:
            if not data.get("worker_id"):
                with domain_errors():
                    raise DomainError(_("Choose the worker."), field="worker_id")
            worker, source = get_visible_or_404(Worker, data["worker_id"]), "officer"
        with domain_errors():
            enrolment = enrol(worker, session, by=user, source=source)
        return enrolment


@bp.route(f"/enrolments/<{ID}:enrolment_id>")
class EnrolmentItem(MethodView):
    """One enrolment."""

    @api_roles(*READERS)
    @bp.response(200, EnrolmentOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, enrolment_id):
        """An enrolment (with the waiting-list place when waitlisted)."""
        return get_visible_or_404(Enrolment, enrolment_id)


@bp.route(f"/enrolments/<{ID}:enrolment_id>/withdraw")
class EnrolmentWithdraw(MethodView):
    """Withdrawing from a session."""

    @api_roles("officer", "trainee")
    @bp.arguments(WithdrawIn)
    @bp.response(200, EnrolmentOut)
    @documents_errors(bp, 400, 401, 403, 404, 409)
    def post(self, data, enrolment_id):
        """Withdraw; a freed place goes to the first person waiting."""
        enrolment = get_visible_or_404(Enrolment, enrolment_id)
        with domain_errors():
            withdraw_enrolment(enrolment, by=me(), reason=data["reason"])
        return enrolment


@bp.route(f"/enrolments/<{ID}:enrolment_id>/complete")
class EnrolmentComplete(MethodView):
    """Recording the assessment."""

    @api_roles("officer")
    @bp.arguments(CompleteIn)
    @bp.response(200, CompletionOut)
    @documents_errors(bp, 400, 401, 403, 404, 409, 422)
    def post(self, data, enrolment_id):
        """Pass or fail; a pass adds certificate and skills, re-runs matching and refers
        order-course graduates to the ordering employer's opening."""
        enrolment = get_visible_or_404(Enrolment, enrolment_id)
        with domain_errors():
            result = complete(enrolment, passed=data["passed"], assessment=data["assessment"],
                              certificate_number=data["certificate_number"], by=me())
            referral_id = getattr(result.referral, "id", None)
        return {"enrolment": enrolment, "skills_added": list(result.skills_added),
                "referral_id": referral_id, "referral_problem": result.referral_problem}


def _suggestion(s: Any) -> dict[str, Any]:
    return {"course": s.course, "session": s.session, "explanation": s.explanation,
            "unlocked_jobs": [job_ref(j) for j in s.unlocked_jobs],
            "order_places": s.ranked.order_places, "wage_min": s.ranked.wage_min,
            "wage_max": s.ranked.wage_max}


@bp.route(f"/workers/<{ID}:worker_id>/courses")
class WorkerCourses(MethodView):
    """Courses recommended to a worker."""

    @api_roles(*READERS)
    @bp.arguments(LimitArgs, location="query")
    @bp.response(200, SuggestionsOut)
    @documents_errors(bp, 401, 403, 404)
    def get(self, args, worker_id):
        """Courses that would unlock the most (and best) openings, order courses first."""
        worker = get_visible_or_404(Worker, worker_id)
        return {"worker_id": worker.id,
                "suggestions": [_suggestion(s) for s in recommend_courses(worker,
                                                                          args["limit"])]}
