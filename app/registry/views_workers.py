"""Worker pages: list and search, register, edit, the worker page, full-number reveal."""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.areas.service import county_choices
from app.auth.scoping import can_see, get_visible_or_404, roles_required, visible
from app.errors_domain import refusals_of
from app.extensions import db
from app.unit_of_work import action, posted
from app.vocabulary import OFFICERS

from . import service
from .forms import CertificateForm, StatusForm, WorkerForm, WorkHistoryForm
from .models import DuplicateFlag, Household, RelocationSite, Worker, WorkerEvent
from .privacy import can_see_full, record_reveal
from .queries import WorkerFilters, list_workers, site_select
from .views import bp, me
from .worker_panels import worker_panels

WORKER_FIELDS = ("name", "id_number", "phone", "area_code", "category", "education",
                 "skills_text", "regions_acceptable", "min_wage", "job_kinds_wanted",
                 "available_from", "care_duties", "health_notes")


@bp.route("/workers")
@roles_required(*OFFICERS)
def workers():
    """List and search the workers of the user's area."""
    filters = WorkerFilters.from_args(request.args)
    page = request.args.get("page", 1, type=int)
    listing = list_workers(me(), filters, page=page)
    sites = db.session.execute(site_select(me()).with_only_columns(
        RelocationSite.id, RelocationSite.name)).all()
    return render_template("registry/workers.html", listing=listing, filters=filters,
                           sites=sites)


def _worker_data(form: WorkerForm) -> dict[str, Any]:
    """Form values for the service, as typed (the service judges them even when the form
    refused some: every problem shows after one submit); an unknown household number is a
    field error of the form (and no household is given)."""
    data = {f: getattr(form, f).data for f in WORKER_FIELDS if hasattr(form, f)}
    number = (form.household_number.data or "").strip()
    data["household_id"] = None
    if number:
        stmt = visible(sa.select(Household.id).where(Household.number == number),
                       Household, me())
        household_id = db.session.scalar(stmt)
        if household_id is None:
            form.household_number.errors = [
                *form.household_number.errors,
                _("No household with this number in your area. Register the household "
                  "first or leave the field empty.")]
        data["household_id"] = household_id
    return data


def _duplicate_notice(exc: Exception | None) -> dict[str, Any] | None:
    """Where the registered holder of a refused ID number is (when the user may see it)."""
    found = [e for e in refusals_of(exc) if isinstance(e, service.DuplicateIdNumber)]
    if not found:
        return None
    existing = found[0].existing
    visible_to_me = can_see(existing, me())
    return {"url": url_for(".worker", worker_id=existing.id) if visible_to_me else None,
            "name": existing.name if visible_to_me else None}


@bp.route("/workers/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def worker_new():
    """Register a worker."""
    form = WorkerForm()
    form.area_code.choices = county_choices(me())
    if request.method == "GET" and request.args.get("household"):
        household = db.session.get(Household, request.args.get("household", type=int) or 0)
        if household is not None and can_see(household, me()):
            form.household_number.data = household.number
    duplicate = None
    if posted(form):  # the form's checks and the service's rules: all at once
        data = {**_worker_data(form), "status": form.status.data}
        with action(form) as done:
            worker = service.create_worker(data, me())
        duplicate = _duplicate_notice(done.error)
        if done:
            flash(_("%(name)s has been registered.", name=worker.name), "success")
            return redirect(url_for(".worker", worker_id=worker.id))
    status = 422 if request.method == "POST" else 200
    return render_template("registry/worker_form.html", form=form, worker=None,
                           duplicate=duplicate), status


@bp.route("/workers/<int:worker_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def worker_edit(worker_id: int):
    """Edit a worker's details (status has its own form on the worker page)."""
    worker = get_visible_or_404(Worker, worker_id)
    form = WorkerForm(obj=worker)
    del form.status
    form.area_code.choices = county_choices(me())
    if request.method == "GET":
        form.household_number.data = worker.household.number if worker.household else ""
    duplicate = None
    if posted(form):
        with action(form) as done:
            service.update_worker(worker, _worker_data(form), me())
        duplicate = _duplicate_notice(done.error)
        if done:
            flash(_("Saved."), "success")
            return redirect(url_for(".worker", worker_id=worker.id))
    status = 422 if request.method == "POST" else 200
    return render_template("registry/worker_form.html", form=form, worker=worker,
                           duplicate=duplicate), status


# Cards other features add to the worker page: fn(worker) -> Markup or None (registered
# by the feature, shown in order after the register's own cards).


def _worker_page(worker: Worker, reveal: bool = False, status_form: StatusForm | None = None,
                 cert_form: CertificateForm | None = None,
                 history_form: WorkHistoryForm | None = None, code: int = 200):
    household = worker.household
    members: list[Worker] = []
    if household is not None:
        members = list(db.session.scalars(sa.select(Worker).where(
            Worker.household_id == household.id, Worker.merged_into_id.is_(None))
            .order_by(Worker.birth_date)))
    events = db.session.scalars(
        visible(sa.select(WorkerEvent).where(WorkerEvent.worker_id == worker.id), WorkerEvent,
                me()).order_by(WorkerEvent.at.desc(), WorkerEvent.id.desc()).limit(200)).all()
    flags = db.session.scalars(visible(sa.select(DuplicateFlag).where(
        DuplicateFlag.status == "open",
        sa.or_(DuplicateFlag.worker_a_id == worker.id, DuplicateFlag.worker_b_id == worker.id)),
        DuplicateFlag, me())).all()
    merged_into = db.session.get(Worker, worker.merged_into_id) if worker.merged_into_id else None
    officer = me().role in OFFICERS
    if status_form is None and officer:
        status_form = StatusForm(status=worker.status)
    return render_template(
        "registry/worker.html", worker=worker, household=household, members=members,
        events=events, flags=flags, merged_into=merged_into, reveal=reveal,
        panels=worker_panels(worker, me()),
        full_allowed=can_see_full(me(), worker), officer=officer, status_form=status_form,
        cert_form=cert_form or (CertificateForm() if officer else None),
        history_form=history_form or (WorkHistoryForm() if officer else None)), code


@bp.route("/workers/<int:worker_id>")
@roles_required(*OFFICERS, "trainee")
def worker(worker_id: int):
    """The worker page: profile, household, status history and activity timeline."""
    return _worker_page(get_visible_or_404(Worker, worker_id))


@bp.route("/workers/<int:worker_id>/reveal", methods=["POST"])
@roles_required(*OFFICERS, "trainee")
def worker_reveal(worker_id: int):
    """Show the full ID number and phone, once, and record that they were seen."""
    worker = get_visible_or_404(Worker, worker_id)
    if not can_see_full(me(), worker):
        abort(403)
    with action():
        record_reveal(worker, me())
    response = _worker_page(worker, reveal=True)
    return response


@bp.route("/workers/<int:worker_id>/status", methods=["POST"])
@roles_required(*OFFICERS)
def worker_status(worker_id: int):
    """Change the worker's status with a reason."""
    worker = get_visible_or_404(Worker, worker_id)
    form = StatusForm()
    if form.validate_on_submit():
        with action() as done:
            changed = service.change_worker_status(worker, form.status.data,
                                                   form.reason.data or "", me())
        if done and changed:
            flash(_("Status changed."), "success")
        return redirect(url_for(".worker", worker_id=worker.id))
    return _worker_page(worker, status_form=form, code=422)


@bp.route("/workers/<int:worker_id>/certificates", methods=["POST"])
@roles_required(*OFFICERS)
def worker_certificate(worker_id: int):
    """Add a certificate."""
    worker = get_visible_or_404(Worker, worker_id)
    form = CertificateForm()
    if form.validate_on_submit():
        with action(form) as done:
            service.add_certificate(worker, form.kind.data, form.number.data or "",
                                    form.issued_on.data, form.expires_on.data, by=me())
        if done:
            flash(_("Certificate added."), "success")
            return redirect(url_for(".worker", worker_id=worker.id) + "#certificates")
    return _worker_page(worker, cert_form=form, code=422)


@bp.route("/workers/<int:worker_id>/history", methods=["POST"])
@roles_required(*OFFICERS)
def worker_history(worker_id: int):
    """Add a past job."""
    worker = get_visible_or_404(Worker, worker_id)
    form = WorkHistoryForm()
    if form.validate_on_submit():
        with action(form) as done:
            service.add_work_history(worker, form.employer_name.data or "",
                                     form.job_title.data or "", form.place.data or "",
                                     form.start_date.data, form.end_date.data, by=me())
        if done:
            flash(_("Job added."), "success")
            return redirect(url_for(".worker", worker_id=worker.id) + "#history")
    return _worker_page(worker, history_form=form, code=422)
