"""Officer and trainee pages: catalogue, sessions (enrolments, invitations), outcomes."""
from __future__ import annotations

from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.clock import today
from app.confirm import ask_to_confirm, confirmed
from app.employers.models import LABELS as EMPLOYER_LABELS
from app.extensions import db
from app.imports.report import xlsx_bytes
from app.registry.models import LABELS as REGISTRY_LABELS
from app.registry.models import Worker
from app.skills.taxonomy import default_taxonomy
from app.training.accounts import handle_report as handle
from app.training.accounts import issue_code as issue
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from .forms import ActionForm, CompleteForm, HandleReportForm, WithdrawForm
from .models import ACTIVE_ENROLMENT, LABELS, ChangeReport, Course, CourseSession, Enrolment
from .outcomes import Figures, export_rows
from .outcomes import outcomes as compute
from .recommend import candidates_for_session
from .service import complete, eligibility_problems, enrol, waitlist_position
from .service import invite as invite_worker
from .service import withdraw as withdraw_enrolment

bp = Blueprint("training", __name__, url_prefix="/training", template_folder="templates")


@bp.app_context_processor
def _labels() -> dict:
    return {"training_labels": LABELS, "taxonomy": default_taxonomy(),
            "registry_labels": REGISTRY_LABELS, "region_labels": EMPLOYER_LABELS["region"]}


def _own_worker() -> Worker | None:
    if current_user.role != "trainee" or current_user.worker_id is None:
        return None
    return db.session.get(Worker, current_user.worker_id)


def _waitlists(session_ids: list[int]) -> dict[int, int]:
    if not session_ids:
        return {}
    return dict(db.session.execute(
        sa.select(Enrolment.session_id, sa.func.count(Enrolment.id))
        .where(Enrolment.session_id.in_(session_ids), Enrolment.status == "waitlisted")
        .group_by(Enrolment.session_id)).tuples().all())


@bp.route("/")
@roles_required("officer", "trainee", "admin")
def courses():
    """The catalogue: courses with their sessions, places left and waiting lists."""
    day = today()
    stmt = visible(sa.select(Course).where(Course.active), Course, current_user)
    mode = request.args.get("mode", "")
    if mode in LABELS["mode"]:
        stmt = stmt.where(Course.mode == mode)
    gives = request.args.get("gives", "").strip()
    rows = db.session.scalars(stmt.order_by(Course.mode != "order", Course.code)).all()
    if gives:  # courses that supply a missing certificate or skill (from matching pages)
        rows = [c for c in rows if gives == c.certificate or gives in (c.skills or [])]
    q = request.args.get("q", "").strip()
    if q:
        rows = [c for c in rows if q.lower() in (c.name + c.name_en + c.code).lower()]
    waits = _waitlists([s.id for c in rows for s in c.sessions])
    worker = _own_worker()
    return render_template("training/courses.html", courses=rows, day=day, waits=waits,
                           mode=mode, q=q, gives=gives, worker=worker, form=ActionForm())


@bp.route("/courses/<int:course_id>")
@roles_required("officer", "trainee", "admin")
def course(course_id: int):
    """One course: what it teaches, eligibility, the order contract, sessions."""
    c = get_visible_or_404(Course, course_id)
    worker = _own_worker()
    problems = {}
    mine, position = None, None
    if worker is not None:
        # The trainee's own enrolment in this course: shown with what comes next,
        # instead of offering to enrol again.
        mine = db.session.scalars(visible(sa.select(Enrolment), Enrolment, current_user).where(
            Enrolment.course_id == c.id, Enrolment.status.in_(ACTIVE_ENROLMENT))
            .order_by(Enrolment.created_at.desc())).first()
        position = waitlist_position(mine) if mine is not None else None
        if mine is None:
            problems = {s.id: eligibility_problems(worker, c, s.start_date) for s in c.sessions}
    return render_template("training/course.html", course=c, day=today(), worker=worker,
                           problems=problems, waits=_waitlists([s.id for s in c.sessions]),
                           form=ActionForm(), mine=mine, position=position,
                           withdraw_form=WithdrawForm())


@bp.route("/sessions/<int:session_id>")
@roles_required(*OFFICERS)
def session(session_id: int):
    """A session: enrolments in the officer's area, and workers to invite."""
    s = get_visible_or_404(CourseSession, session_id)
    enrolments = db.session.scalars(visible(
        sa.select(Enrolment).where(Enrolment.session_id == s.id), Enrolment, current_user)
        .order_by(Enrolment.status, Enrolment.created_at, Enrolment.id)).all()
    positions = {e.id: waitlist_position(e) for e in enrolments if e.status == "waitlisted"}
    candidates = candidates_for_session(s, current_user) if s.open_on(today()) else []
    return render_template("training/session.html", s=s, course=s.course,
                           enrolments=enrolments, positions=positions, candidates=candidates,
                           form=ActionForm(), complete_form=CompleteForm(),
                           withdraw_form=WithdrawForm(), day=today())


@bp.route("/sessions/<int:session_id>/enrol", methods=["POST"])
@roles_required("officer", "trainee")
def enrol_view(session_id: int):
    """A trainee enrols themself; an officer enrols a worker of their area."""
    s = get_visible_or_404(CourseSession, session_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    if current_user.role == "trainee":
        worker = _own_worker() or abort(403)
        # back where they enrolled: the course page then shows the enrolment
        course_page = url_for("training.course", course_id=s.course_id)
        came_from = urlsplit(request.referrer or "").path
        source, back = "self", course_page if came_from == course_page else url_for(
            "trainee.me")
    else:
        worker = get_visible_or_404(Worker, form.worker_id.data)
        source, back = "officer", url_for("training.session", session_id=s.id)
    with action() as done:
        e = enrol(worker, s, by=current_user, source=source)
    if not done:
        return redirect(request.referrer or back)
    if e.status == "enrolled":
        flash(_("Enrolled in %(course)s, starting %(start)s.",
                course=s.course.label(str(get_locale())), start=s.start_date), "success")
    else:
        flash(_("The session is full: on the waiting list at place %(n)d.",
                n=waitlist_position(e)), "warning")
    return redirect(back)


@bp.route("/sessions/<int:session_id>/invite", methods=["POST"])
@roles_required("officer")
def invite(session_id: int):
    """Invite a worker: the invitation appears on their page and timeline."""
    s = get_visible_or_404(CourseSession, session_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    worker = get_visible_or_404(Worker, form.worker_id.data)
    with action() as done:
        invite_worker(worker, s, by=current_user)
    if done:
        flash(_("%(name)s has been invited.", name=worker.name), "success")
    return redirect(url_for("training.session", session_id=s.id))


@bp.route("/enrolments/<int:enrolment_id>/withdraw", methods=["POST"])
@roles_required("officer", "trainee")
def withdraw(enrolment_id: int):
    """Withdraw an enrolment (the trainee their own, the officer one in the area)."""
    e = get_visible_or_404(Enrolment, enrolment_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    if not confirmed():  # the place passes to the waiting list: it cannot be taken back
        return ask_to_confirm(
            _("Withdraw from %(course)s?", course=e.course.name),
            [_("%(name)s leaves the course starting %(day)s.", name=e.worker.name,
               day=e.session.start_date.isoformat()),
             _("The place goes to the next person on the waiting list. Enrolling again "
               "later may mean waiting for a place.")],
            button=_("Yes, withdraw"))
    with action() as done:
        promoted = withdraw_enrolment(e, by=current_user, reason=form.reason.data or "")
    if done:
        flash(_("Withdrawn."), "success")
        if promoted is not None and current_user.role != "trainee":
            flash(_("%(name)s moved up from the waiting list.", name=promoted.worker.name),
                  "info")
    if current_user.role == "trainee":
        return redirect(url_for("trainee.me"))
    return redirect(url_for("training.session", session_id=e.session_id))


@bp.route("/enrolments/<int:enrolment_id>/complete", methods=["POST"])
@roles_required("officer")
def complete_view(enrolment_id: int):
    """Record the assessment; a pass adds certificate and skills and refers order graduates."""
    e = get_visible_or_404(Enrolment, enrolment_id)
    form = CompleteForm()
    if not form.validate_on_submit():
        flash(_("Choose the result."), "danger")
        return redirect(url_for("training.session", session_id=e.session_id))
    with action() as done:
        result = complete(e, passed=form.passed.data == "yes",
                          assessment=form.assessment.data or "",
                          certificate_number=form.certificate_number.data or "",
                          by=current_user)
    if not done:
        return redirect(url_for("training.session", session_id=e.session_id))
    flash(_("Result recorded for %(name)s.", name=e.worker.name), "success")
    if result.referral is not None:
        flash(_("Referred to the ordering employer's opening."), "info")
    elif result.referral_problem:
        flash(_("Not referred to the ordering employer: %(why)s", why=result.referral_problem),
              "warning")
    return redirect(url_for("training.session", session_id=e.session_id))


@bp.route("/outcomes")
@roles_required(*OFFICERS)
def outcomes():
    """Outcomes per course and session, and order contracts: committed vs hired."""
    rows = compute(current_user, today())
    return render_template("training/outcomes.html", rows=rows, share=Figures.share)


@bp.route("/outcomes.xlsx")
@roles_required(*OFFICERS)
def outcomes_xlsx():
    """The outcomes as a spreadsheet (audit-logged)."""
    headers, rows = export_rows(compute(current_user, today()))
    audit("export_training_outcomes", detail={"rows": len(rows)})
    db.session.commit()
    data = xlsx_bytes(headers, rows, title="training-outcomes")
    return Response(data, headers={
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename=training-outcomes-{today()}.xlsx"})


@bp.route("/reports")
@roles_required(*OFFICERS)
def reports():
    """Trainees' change reports in the officer's area, newest first."""
    rows = db.session.scalars(visible(sa.select(ChangeReport), ChangeReport, current_user)
                              .order_by(ChangeReport.status != "new",
                                        ChangeReport.created_at.desc()).limit(200)).all()
    return render_template("training/reports.html", reports=rows, form=HandleReportForm())


@bp.route("/reports/<int:report_id>", methods=["POST"])
@roles_required("officer")
def handle_report(report_id: int):
    """Confirm or dismiss a change report."""
    report = get_visible_or_404(ChangeReport, report_id)
    form = HandleReportForm()
    if not form.validate_on_submit() or form.action.data not in ("confirm", "dismiss"):
        abort(400)
    with action(category="warning"):
        handle(report, confirmed=form.action.data == "confirm", by=current_user)
    return redirect(url_for("training.reports"))


@bp.route("/workers/<int:worker_id>/code", methods=["POST"])
@roles_required("officer")
def issue_code(worker_id: int):
    """Generate a one-time activation code for a worker (shown once)."""
    worker = get_visible_or_404(Worker, worker_id)
    form = ActionForm()
    if not form.validate_on_submit():
        abort(400)
    with action(category="warning") as done:
        code = issue(worker, by=current_user)
    if not done:
        return redirect(request.referrer or url_for("training.courses"))
    return render_template("training/code.html", worker=worker, code=code)
