"""Pages: a worker's jobs found elsewhere, the check-in phone page /c/<token>, a check-in
for officers, layoff alerts, and where our people work (/destinations, .xlsx)."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.clock import today
from app.employers.models import Employer
from app.extensions import db
from app.registry.models import Worker
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from . import answers, layoffs, records
from . import destinations as dest
from .forms import CallAnswerForm, EndForm, LayoffForm, RecordForm
from .models import LABELS, CheckIn, EmploymentRecord, LayoffAlert

bp = Blueprint("employment", __name__, template_folder="templates")
ALERT_ROLES = (*OFFICERS, "partner")


@bp.app_context_processor
def _labels() -> dict:
    return {"employment_labels": LABELS}


def _me():
    return current_user._get_current_object()


# --- a worker's jobs found elsewhere ------------------------------------------------------

def _jobs_page(worker: Worker, form: RecordForm | None = None, code: int = 200):
    rows = db.session.scalars(visible(sa.select(EmploymentRecord).where(
        EmploymentRecord.worker_id == worker.id), EmploymentRecord, _me())
        .order_by(EmploymentRecord.start_month.desc(), EmploymentRecord.id.desc())).all()
    checkins = db.session.scalars(sa.select(CheckIn).where(CheckIn.worker_id == worker.id)
                                  .order_by(CheckIn.month.desc()).limit(12)).all()
    return render_template("employment/worker_jobs.html", worker=worker, rows=rows,
                           checkins=checkins, form=form or RecordForm(),
                           end_form=EndForm(end_month=today().strftime("%Y-%m"))), code


@bp.route("/employment/workers/<int:worker_id>/jobs", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def worker_jobs(worker_id: int):
    """The worker's jobs found elsewhere, and the form to record one."""
    worker = get_visible_or_404(Worker, worker_id)
    form = RecordForm()
    if request.method == "POST":
        if form.validate_on_submit():
            with action(form) as done:
                values = records.clean_record({
                    "employer_name": form.employer_name.data, "place": form.place.data,
                    "sector": form.sector.data, "start_month": form.start_month.data,
                    "monthly_wage": form.monthly_wage.data, "found_via": form.found_via.data})
                records.record_job(worker, values, by=_me(), source="form")
            if done:
                flash(_("Job recorded."), "success")
                return redirect(url_for(".worker_jobs", worker_id=worker.id))
        return _jobs_page(worker, form, 422)
    return _jobs_page(worker)


@bp.route("/employment/records/<int:record_id>/end", methods=["POST"])
@roles_required(*OFFICERS)
def end_record(record_id: int):
    """End a job found elsewhere with its last month."""
    record = get_visible_or_404(EmploymentRecord, record_id)
    form = EndForm()
    if form.validate_on_submit():
        with action() as done:
            records.end_record(record, records.parse_month(form.end_month.data,
                                                           field="end_month"),
                               form.reason.data or "", by=_me())
        if done:
            flash(_("Job ended."), "success")
    else:
        flash(_("Enter the last month worked."), "danger")
    return redirect(url_for(".worker_jobs", worker_id=record.worker_id))


def worker_section(worker: Worker) -> Markup | None:
    """The worker page's card: the current job found elsewhere, and a link to the jobs."""
    if getattr(current_user, "role", None) not in OFFICERS:
        return None
    current = records.open_record(worker.id)
    return Markup(render_template(  # noqa: S704 - an autoescaped template
        "employment/_worker_section.html", worker=worker,
                                  current=current))


# --- the check-in phone page ----------------------------------------------------------------

@bp.route("/c/<token>", methods=["GET", "POST"])
def checkin_page(token: str):
    """Three big answers (same job / changed job / not working) and an optional wage."""
    ci = answers_checkin_or_404(token)
    if ci.status == "answered":
        return render_template("employment/checkin_done.html", ci=ci, partner=None)
    step = ""
    errors: dict[str, str] = {}
    values = request.form
    if request.method == "POST":
        answer = values.get("answer", "")
        wage_text = (values.get("wage") or "").strip()
        wage = int(wage_text) if wage_text.isdigit() else None
        if wage_text and wage is None:
            errors["wage"] = _("Enter a monthly wage in yuan.")
        a = answers.CheckInAnswer(answer=answer, wage=wage,
                                  employer_name=values.get("employer_name", ""),
                                  place=values.get("place", ""),
                                  reason=values.get("reason", ""),
                                  issue=values.get("issue", ""),
                                  note=values.get("note", "")[:200])
        if answer == "changed" and not (a.employer_name.strip() and a.place.strip()) \
                and not values.get("step"):
            step = "changed"
        elif answer == "not_working" and not a.reason and not values.get("step"):
            step = "not_working"
        elif not errors:
            failure: dict[str, str] = {}

            def keep(exc) -> None:
                failure[exc.field or "answer"] = exc.message

            with action(on_error=keep) as done:
                answers.answer_checkin(ci, a, today=today())
            if done:
                partner = None
                if a.issue:
                    employer_id, _name, codes = answers._current_job(ci)
                    partner = answers.partner_office(employer_id=employer_id,
                                                     place_codes=codes)
                return render_template("employment/checkin_done.html", ci=ci,
                                       partner=partner)
            errors.update(failure)
            step = answer if answer in ("changed", "not_working") else ""
    current = answers.current_record_for(ci)
    employer = current.employer_name if current else (
        (ci.placement.employer.name if ci.placement.employer else ci.placement.employer_name)
        if ci.placement is not None else "")
    return render_template("employment/checkin.html", ci=ci, token=token, step=step,
                           errors=errors, values=values, employer=employer,
                           reasons=answers.NOT_WORKING_REASONS), 422 if errors else 200


def answers_checkin_or_404(token: str) -> CheckIn:
    """The check-in of a token (404 for a forged or unknown one)."""
    from .checkins import checkin_for_token

    ci = checkin_for_token(token)
    if ci is None:
        abort(404)
    return ci


@bp.route("/checkins/<int:checkin_id>", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def checkin(checkin_id: int):
    """A check-in for officers; the answer taken on a call."""
    ci = get_visible_or_404(CheckIn, checkin_id)
    form = CallAnswerForm()
    code = 200
    if request.method == "POST":
        if form.validate_on_submit():
            a = answers.CheckInAnswer(
                answer=form.answer.data or "", wage=form.wage.data,
                employer_name=form.employer_name.data or "", place=form.place.data or "",
                reason=form.reason.data or "", issue=form.issue.data or "",
                note=form.note.data or "")
            with action(form) as done:
                answers.answer_checkin(ci, a, by=_me(), today=today())
            if done:
                flash(_("Answer recorded."), "success")
                return redirect(url_for(".checkin", checkin_id=ci.id))
        code = 422
    return render_template("employment/checkin_officer.html", ci=ci, form=form), code


# --- layoff alerts --------------------------------------------------------------------------

def _employer_choices(user) -> list[tuple[int, str]]:
    stmt = sa.select(Employer.id, Employer.name).order_by(Employer.name).limit(2000)
    if user.role == "partner":
        stmt = stmt.where(Employer.id.in_(layoffs.partner_employer_ids(user)))
    return [(i, n) for i, n in db.session.execute(stmt)]


@bp.route("/layoffs/", methods=["GET", "POST"])
@roles_required(*ALERT_ROLES)
def layoff_alerts():
    """Layoff and closure alerts (the user's), and the form to record one."""
    form = LayoffForm()
    form.employer_id.choices = _employer_choices(_me())
    code = 200
    if request.method == "POST":
        if form.validate_on_submit():
            employer = db.session.get(Employer, form.employer_id.data)
            with action(form) as done:
                if employer is None:
                    abort(404)
                alert = layoffs.record_alert(employer, form.kind.data, form.date.data,
                                             form.workers_affected.data, by=_me(),
                                             note=form.note.data or "")
            if done:
                flash(_("Alert recorded; the counties' officers are told."), "success")
                return redirect(url_for(".layoff_alert", alert_id=alert.id))
        code = 422
    alerts = db.session.scalars(visible(sa.select(LayoffAlert), LayoffAlert, _me())
                                .order_by(LayoffAlert.date.desc(), LayoffAlert.id.desc())
                                .limit(100)).all()
    return render_template("employment/layoffs.html", alerts=alerts, form=form), code


@bp.route("/layoffs/<int:alert_id>")
@roles_required(*ALERT_ROLES)
def layoff_alert(alert_id: int):
    """An alert: the counties affected and, for officers, their workers and proposals."""
    from app.employers.models import Job

    alert = get_visible_or_404(LayoffAlert, alert_id)
    affected = layoffs.affected_of(alert, _me())
    job_ids = {j for a in affected for j in (a.proposed_job_ids or [])}
    jobs = {j.id: j for j in db.session.scalars(sa.select(Job).where(Job.id.in_(job_ids)))}
    return render_template("employment/layoff.html", alert=alert, affected=affected,
                           counties=layoffs.counties_of(alert, _me()), jobs=jobs)


# --- where our people work ------------------------------------------------------------------

@bp.route("/destinations")
@roles_required(*OFFICERS)
def destinations():
    """Workers of the officer's area working outside Guizhou."""
    from app.areas.service import area_names

    figures = dest.destinations(_me(), today())
    names = {code: zh for code, (zh, _en) in area_names().items()}
    return render_template("employment/destinations.html", d=figures,
                           tiles=dest.tile_map(figures.provinces, names))


@bp.route("/destinations.xlsx")
@roles_required(*OFFICERS)
def destinations_xlsx():
    """The destinations table as a spreadsheet (audit-logged)."""
    from app.imports.report import xlsx_bytes

    day = today()
    figures = dest.destinations(_me(), day)
    headers = [_("Breakdown"), _("Destination"), _("Placed by Qianlu"), _("Found elsewhere"),
               _("Total")]
    rows = []
    for title, items in ((_("Province"), figures.provinces), (_("City"), figures.cities),
                         (_("Sector"), figures.sectors), (_("Employer"), figures.employers)):
        rows += [[title, r.label, r.qianlu, r.self_found, r.total] for r in items]
    body = xlsx_bytes(headers, rows, title=_("Destinations"))
    with action():
        audit("destinations_export", target_type="destinations", detail={"rows": len(rows)})
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "Content-Disposition": f"attachment; filename=destinations-"
                                               f"{day.isoformat()}.xlsx"})


def register(app: Flask) -> None:
    """The blueprint, the CLI, the worker page's section and the dashboard panel."""
    from app.registry.views_workers import WORKER_SECTIONS

    from . import (
        panels,  # noqa: F401 - registers the dashboard panel
        timeline,  # noqa: F401 - names the timeline's event kinds
    )
    from .cli import bp as cli_bp
    from .roster import add_columns

    app.register_blueprint(bp)
    app.register_blueprint(cli_bp)
    if worker_section not in WORKER_SECTIONS:
        WORKER_SECTIONS.append(worker_section)
    add_columns()
