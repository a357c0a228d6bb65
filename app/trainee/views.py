"""The trainee's own pages (mobile first): activation, /me, change reports."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user

from app.areas.service import county_choices
from app.auth.audit import audit
from app.auth.scoping import roles_required, visible
from app.clock import today
from app.employers.models import Job
from app.extensions import db
from app.matching.service import recommend_for_worker, worker_skills
from app.registry.models import Worker, WorkerEvent
from app.registry.privacy import shown_id, shown_phone
from app.training.accounts import activate_with_code, activate_with_identity, report_change
from app.training.forms import ActionForm, WithdrawForm
from app.training.models import ChangeReport, Enrolment
from app.training.recommend import courses_fixing, recommend_courses
from app.training.service import waitlist_position
from app.unit_of_work import action

from .forms import ChangeReportForm, CodeActivationForm, IdentityActivationForm
from .wording import why_it_fits, why_not

bp = Blueprint("trainee", __name__, url_prefix="/me", template_folder="templates")


@bp.route("/activate", methods=["GET", "POST"])
def activate():
    """Create one's trainee account: with the officer's code, or phone and ID number."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    code_form = CodeActivationForm(prefix="c")
    id_form = IdentityActivationForm(prefix="i")
    status = 200
    for form, run in ((code_form, lambda f: activate_with_code(
            f.code.data, f.password.data, request.remote_addr or "")),
                      (id_form, lambda f: activate_with_identity(
            f.phone.data, f.id_number.data, f.password.data, request.remote_addr or ""))):
        if not (form.submit.data and form.validate_on_submit()):
            continue
        # keep_failed: a refused attempt is kept, it counts towards the limit
        with action(form, unfielded="form", keep_failed=True) as done:
            result = run(form)
        if not done:
            status = done.error.status
            continue
        login_user(result.user)
        flash(_("Your account is ready. Your username is %(name)s.",
                name=result.user.username), "success")
        return redirect(url_for("trainee.me"))
    return render_template("trainee/activate.html", code_form=code_form, id_form=id_form,
                           tab="identity" if id_form.submit.data else "code"), status


def _me() -> Worker:
    worker = db.session.scalars(visible(sa.select(Worker), Worker, current_user)).first()
    if worker is None:
        abort(404)
    return worker


@bp.route("/")
@roles_required("trainee")
def me():
    """Own profile, recommended courses and openings with reasons, enrolments, reports."""

    worker = _me()
    day = today()
    enrolments = db.session.scalars(visible(sa.select(Enrolment), Enrolment, current_user)
                                    .order_by(Enrolment.created_at.desc())).all()
    positions = {e.id: waitlist_position(e) for e in enrolments}
    invites = db.session.scalars(visible(sa.select(WorkerEvent), WorkerEvent, current_user)
                                 .where(WorkerEvent.kind == "course_invite")
                                 .order_by(WorkerEvent.at.desc()).limit(5)).all()
    reports = db.session.scalars(visible(sa.select(ChangeReport), ChangeReport, current_user)
                                 .order_by(ChangeReport.created_at.desc()).limit(5)).all()
    openings = recommend_for_worker(worker, 5, day)
    courses = recommend_courses(worker, 5, day)
    fixers = courses_fixing({x.subject for r in openings.ruled_out for x in r.reasons
                             if x.fixable and x.subject}, day)
    audit("personal_data_view", worker, detail={"own": True})
    db.session.commit()
    form = ChangeReportForm()
    form.new_area_code.choices = county_choices(other_provinces=True)
    return render_template(
        "trainee/me.html", worker=worker, id_number=shown_id(current_user, worker, True),
        phone=shown_phone(current_user, worker, True), enrolments=enrolments,
        positions=positions, invites=invites, reports=reports, openings=openings,
        courses=courses, fixers=fixers, form=form, action_form=ActionForm(),
        withdraw_form=WithdrawForm(), day=day, why_it_fits=why_it_fits, why_not=why_not,
        skill_codes={s.skill_code for s in worker_skills(worker) if s.skill_code},
        job_rows=_job_rows([m.job.id for m in openings.matches]
                           + [r.job.id for r in openings.ruled_out
                              if r.fixable_by_training][:5]))


def _job_rows(ids: list[int]) -> dict[int, Job]:
    """The openings a page explains in plain words, by id (one query)."""
    if not ids:
        return {}
    return {j.id: j for j in db.session.scalars(sa.select(Job).where(Job.id.in_(ids)))}


@bp.route("/report", methods=["POST"])
@roles_required("trainee")
def report():
    """Send a change (found a job, left a job, moved) to the officer."""
    worker = _me()
    form = ChangeReportForm()
    form.new_area_code.choices = county_choices(other_provinces=True)
    if form.validate_on_submit():
        with action() as done:
            report_change(worker, form.kind.data, by=current_user,
                          employer_name=form.employer_name.data or "",
                          job_title=form.job_title.data or "", on_date=form.on_date.data,
                          new_area_code=form.new_area_code.data or None,
                          note=form.note.data or "")
        if done:
            flash(_("Sent. Your officer will confirm the change."), "success")
    else:
        flash(_("Please check the form."), "danger")
    return redirect(url_for("trainee.me") + "#report")
