"""Household, relocation-site and duplicate-review pages."""
from __future__ import annotations

import sqlalchemy as sa
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import selectinload

from app.areas.service import county_choices
from app.auth.models import User
from app.auth.scoping import area_filter, get_visible_or_404, roles_required, visible
from app.confirm import confirmed
from app.extensions import db
from app.unit_of_work import action, posted
from app.vocabulary import OFFICERS

from . import duplicates as dup_service
from . import households as hh_service
from .forms import DependantForm, HouseholdForm, PlanEntryForm, ResolveForm, SiteForm
from .merge import merge
from .models import DuplicateFlag, Household, RelocationSite, Worker
from .queries import (
    HouseholdFilters,
    active_worker,
    household_counts,
    household_select,
    member_statuses,
    site_select,
    status_counts,
    zero_employment,
)
from .views import bp, me

HOUSEHOLD_FIELDS = ("number", "site_id", "area_code", "village", "head_name", "monitored",
                    "risk_causes", "per_capita_income")


def _site_choices() -> list[tuple[str, str]]:
    return [("", "—")] + [(str(s.id), s.name) for s in db.session.scalars(site_select(me()))]


@bp.route("/households")
@roles_required(*OFFICERS)
def households():
    """Households of the user's area, with monitored and zero-employment filters."""
    filters = HouseholdFilters.from_args(request.args)
    stmt = household_select(me(), filters).options(selectinload(Household.site))
    listing = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=50,
                          error_out=False)
    statuses = member_statuses([h.id for h in listing.items])
    sites = db.session.scalars(site_select(me())).all()
    return render_template("registry/households.html", listing=listing, filters=filters,
                           statuses=statuses, sites=sites)


def _household_form(household: Household | None = None) -> HouseholdForm:
    form = HouseholdForm(obj=household)
    form.site_id.choices = _site_choices()
    form.area_code.choices = county_choices(me())
    if request.method == "GET" and household is not None:
        form.site_id.data = str(household.site_id or "")
    elif request.method == "GET" and request.args.get("site"):
        form.site_id.data = request.args.get("site")
    return form


def _household_data(form: HouseholdForm) -> dict:
    return {f: getattr(form, f).data for f in HOUSEHOLD_FIELDS}


@bp.route("/households/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def household_new():
    """Register a household."""
    form = _household_form()
    if posted(form):  # the form's checks and the service's rules: all at once
        with action(form) as done:
            household = hh_service.create_household(_household_data(form), me())
        if done:
            flash(_("Household %(number)s has been registered.", number=household.number),
                  "success")
            return redirect(url_for(".household", household_id=household.id))
    code = 422 if request.method == "POST" else 200
    return render_template("registry/household_form.html", form=form, household=None), code


@bp.route("/households/<int:household_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def household_edit(household_id: int):
    """Edit a household."""
    household = get_visible_or_404(Household, household_id)
    form = _household_form(household)
    if posted(form):
        with action(form) as done:
            hh_service.update_household(household, _household_data(form), me())
        if done:
            flash(_("Saved."), "success")
            return redirect(url_for(".household", household_id=household.id))
    code = 422 if request.method == "POST" else 200
    return render_template("registry/household_form.html", form=form,
                           household=household), code


def _household_page(household: Household, plan_form: PlanEntryForm | None = None,
                    dependant_form: DependantForm | None = None, code: int = 200):
    members = db.session.scalars(sa.select(Worker).where(
        Worker.household_id == household.id, active_worker()).order_by(Worker.birth_date)).all()
    zero = bool(members) and not any(m.status == "employed" for m in members)
    return render_template(
        "registry/household.html", household=household, members=members, zero=zero,
        plan_form=plan_form or PlanEntryForm(),
        dependant_form=dependant_form or DependantForm()), code


@bp.route("/households/<int:household_id>")
@roles_required(*OFFICERS)
def household(household_id: int):
    """A household: members and their employment, the plan's history, risk causes."""
    return _household_page(get_visible_or_404(Household, household_id))


@bp.route("/households/<int:household_id>/delete", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def household_delete(household_id: int):
    """Delete a household registered by mistake (no members, plan or history): a page that
    asks first, then the deletion (audited)."""
    household = get_visible_or_404(Household, household_id)
    history = hh_service.household_history(household)
    if request.method == "POST" and not history and confirmed():
        number = household.number
        with action() as done:
            hh_service.delete_household(household, me())
        if done:
            flash(_("Household %(number)s was deleted.", number=number), "success")
            return redirect(url_for(".households"))
    return render_template("registry/household_delete.html", household=household,
                           history=history)


@bp.route("/households/<int:household_id>/plan", methods=["POST"])
@roles_required(*OFFICERS)
def household_plan(household_id: int):
    """Add a dated plan entry (一户一策)."""
    household = get_visible_or_404(Household, household_id)
    form = PlanEntryForm()
    if form.validate_on_submit():
        with action(form) as done:
            hh_service.add_plan_entry(household, form.text.data, form.entry_date.data, me())
        if done:
            flash(_("Added to the household's plan."), "success")
            return redirect(url_for(".household", household_id=household.id) + "#plan")
    return _household_page(household, plan_form=form, code=422)


@bp.route("/households/<int:household_id>/dependants", methods=["POST"])
@roles_required(*OFFICERS)
def household_dependant(household_id: int):
    """Add a member who is not a worker."""
    household = get_visible_or_404(Household, household_id)
    form = DependantForm()
    if form.validate_on_submit():
        with action(form) as done:
            hh_service.add_dependant(household, form.name.data, form.relation.data or "",
                                     form.birth_year.data, form.note.data or "")
        if done:
            flash(_("Member added."), "success")
            return redirect(url_for(".household", household_id=household.id))
    return _household_page(household, dependant_form=form, code=422)


# ---- relocation sites ----------------------------------------------------------------


@bp.route("/sites")
@roles_required(*OFFICERS)
def sites():
    """Relocation sites of the user's area with their headline figures."""
    rows = db.session.scalars(site_select(me())).all()
    ids = [s.id for s in rows]
    counts: dict[int, dict[str, int]] = {}
    if ids:
        stmt = (sa.select(Household.site_id, Worker.status, sa.func.count())
                .join(Household, Worker.household_id == Household.id)
                .where(Household.site_id.in_(ids), active_worker())
                .group_by(Household.site_id, Worker.status))
        for site_id, status, count in db.session.execute(stmt):
            counts.setdefault(site_id, {})[status] = count
        zero_stmt = (sa.select(Household.site_id, sa.func.count())
                     .where(Household.site_id.in_(ids), zero_employment())
                     .group_by(Household.site_id))
        for site_id, count in db.session.execute(zero_stmt):
            counts.setdefault(site_id, {})["zero"] = count
    return render_template("registry/sites.html", sites=rows, counts=counts)


@bp.route("/sites/<int:site_id>")
@roles_required(*OFFICERS)
def site(site_id: int):
    """A site: households, workers, seeking/employed counts, zero-employment households."""
    site = get_visible_or_404(RelocationSite, site_id)
    in_site = Worker.household_id.in_(sa.select(Household.id).where(Household.site_id == site.id))
    statuses = status_counts(me(), in_site)
    households = household_counts(me(), Household.site_id == site.id)
    zero_list = db.session.scalars(visible(
        sa.select(Household).where(Household.site_id == site.id, zero_employment()),
        Household, me()).order_by(Household.number).limit(100)).all()
    return render_template("registry/site.html", site=site, statuses=statuses,
                           households=households, zero_list=zero_list)


def _officer_choices(site: RelocationSite | None) -> list[tuple[str, str]]:
    stmt = sa.select(User).where(User.role == "officer", User.active.is_(True))
    area = me().area
    if me().role == "officer" and area is not None:
        stmt = stmt.where(area_filter(User.area_code, area))
    return [("", "—")] + [(str(u.id), u.display_name or u.username)
                          for u in db.session.scalars(stmt.order_by(User.username).limit(500))]


def _site_form(site: RelocationSite | None) -> SiteForm:
    form = SiteForm(obj=site)
    form.county_code.choices = county_choices(me())
    form.contact_officer_id.choices = _officer_choices(site)
    if request.method == "GET" and site is not None:
        form.contact_officer_id.data = str(site.contact_officer_id or "")
    return form


def _save_site(form: SiteForm, site: RelocationSite | None):
    data = {f.name: f.data for f in form if f.name not in ("csrf_token", "submit")}
    data["contact_officer_id"] = int(data["contact_officer_id"]) if str(
        data.get("contact_officer_id") or "").isdigit() else None
    with action(form) as done:
        saved = hh_service.save_site(data, me(), site)
    if not done:
        return None
    flash(_("Saved."), "success")
    return redirect(url_for(".site", site_id=saved.id))


@bp.route("/sites/new", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def site_new():
    """Create a relocation site."""
    form = _site_form(None)
    if form.validate_on_submit() and (done := _save_site(form, None)) is not None:
        return done
    code = 422 if request.method == "POST" else 200
    return render_template("registry/site_form.html", form=form, site=None), code


@bp.route("/sites/<int:site_id>/edit", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def site_edit(site_id: int):
    """Edit a relocation site."""
    site = get_visible_or_404(RelocationSite, site_id)
    form = _site_form(site)
    if form.validate_on_submit() and (done := _save_site(form, site)) is not None:
        return done
    code = 422 if request.method == "POST" else 200
    return render_template("registry/site_form.html", form=form, site=site), code


# ---- likely duplicates ---------------------------------------------------------------


@bp.route("/duplicates")
@roles_required(*OFFICERS)
def duplicates():
    """Pairs of workers who may be the same person, for merging or dismissing."""
    stmt = visible(sa.select(DuplicateFlag).where(DuplicateFlag.status == "open"),
                   DuplicateFlag, me()).options(
        selectinload(DuplicateFlag.worker_a).selectinload(Worker.household),
        selectinload(DuplicateFlag.worker_b).selectinload(Worker.household),
    ).order_by(DuplicateFlag.id.desc())
    listing = db.paginate(stmt, page=request.args.get("page", 1, type=int), per_page=20,
                          error_out=False)
    return render_template("registry/duplicates.html", listing=listing, form=ResolveForm(),
                           beyond=dup_service.open_pairs_beyond(me()))


@bp.route("/duplicates/<int:flag_id>", methods=["POST"])
@roles_required(*OFFICERS)
def duplicate_resolve(flag_id: int):
    """Merge the pair (keeping the chosen record) or dismiss the flag."""
    flag = get_visible_or_404(DuplicateFlag, flag_id)
    form = ResolveForm()
    if not form.validate_on_submit() or form.action.data not in ("merge", "dismiss"):
        flash(_("Choose merge or dismiss."), "danger")
        return redirect(url_for(".duplicates"))
    with action() as done:
        if form.action.data == "dismiss":
            dup_service.dismiss(flag, me())
            message = _("Marked as different people.")
        else:
            keep_id = int(form.keep.data) if (form.keep.data or "").isdigit() else 0
            keep = get_visible_or_404(Worker, keep_id)
            other_id = flag.worker_b_id if keep.id == flag.worker_a_id else flag.worker_a_id
            get_visible_or_404(Worker, other_id)  # both records must be in the user's area
            merge(flag, keep, me())
            message = _("Records merged.")
    if not done:
        return redirect(url_for(".duplicates"))
    flash(message, "success")
    return redirect(url_for(".duplicates"))
