"""Matching pages: a worker's openings, an opening's candidates, dispatch, referrals."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import format_number
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from app import clock
from app.areas.service import area_name, county_choices
from app.auth.models import User
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.auth.undo import offer_undo
from app.confirm import ask_to_confirm, confirmed
from app.employers.models import Employer, Job
from app.extensions import db
from app.placements.followups import followup_label, hire_message, offsets
from app.placements.models import ACTIVE_REFERRAL, Referral
from app.placements.models import LABELS as PLACEMENT_LABELS
from app.placements.schedule import followup_due_dates
from app.placements.service import (
    confirm_hire,
    record_hire,
    refer,
    respond,
    undo_decline,
    withdraw,
)
from app.registry.models import Worker
from app.registry.privacy import mask_id, mask_phone
from app.skills.taxonomy import default_taxonomy
from app.templating import url_prefix
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from . import dispatch as dispatch_service
from .cards import candidate_cards
from .forms import (
    AcceptDispatchForm,
    DispatchForm,
    FilterForm,
    HireForm,
    ReferForm,
    RespondForm,
    WithdrawForm,
)
from .html import (
    match_rows_html,
    ruled_out_rows_html,
    score_bar,
    score_components,
    wage_range,
)
from .service import (
    COMPONENT_LABELS,
    METHOD_LABELS,
    REASON_LABELS,
    candidates_for_job,
    lang,
    latest_run_info,
    recommend_for_worker,
    referral_score,
)

bp = Blueprint("matching", __name__, template_folder="templates")

CATEGORIES = ("relocated", "graduate", "returnee", "general")


def _job_endpoint() -> str:
    return "board.detail" if current_user.role == "trainee" else "employers.job_detail"


# The match lists' HTML, written in Python (app.matching.html), for every template.
bp.add_app_template_global(score_bar, "score_bar_html")
bp.add_app_template_global(score_components)
bp.add_app_template_global(wage_range)
bp.add_app_template_global(match_rows_html)
bp.add_app_template_global(ruled_out_rows_html)


@bp.app_template_global()
def job_url(job: Job) -> str:
    """Where a job title links: the employer/officer page, else the public board."""
    try:
        return url_for(_job_endpoint(), job_id=job.id)
    except BuildError:
        return "#"


@bp.app_template_global()
def job_url_prefix() -> str | None:
    """``job_url`` for a list: each job links to this plus its id (None: nowhere, "#")."""
    try:
        return url_prefix(_job_endpoint(), "job_id")
    except BuildError:
        return None


@bp.app_template_global()
def worker_url(worker: Worker) -> str:
    """The register's page of a worker, when the register is installed."""
    try:
        return url_for("registry.worker", worker_id=worker.id)
    except BuildError:
        return url_for("matching.worker_matches", worker_id=worker.id)


def _back(default: str) -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else default


# ---- a worker's openings ---------------------------------------------------------------


RULED_OUT_SHOWN = 20  # ruled-out openings explained on a worker's matches page


@bp.route("/workers/<int:worker_id>/matches")
@roles_required(*OFFICERS, "trainee")
def worker_matches(worker_id: int):
    """Recommended openings with score bars and explanations; ruled-out ones with reasons."""
    worker = get_visible_or_404(Worker, worker_id)
    # The 20 closest ruled-out openings are explained (?ruled=50 for more); the counts
    # per reason above them cover every opening.
    ruled = min(max(request.args.get("ruled", RULED_OUT_SHOWN, type=int) or 0, 0), 50)
    recs = recommend_for_worker(worker, k=request.args.get("k", 20, type=int) or 20,
                                today=clock.today(), ruled_out=ruled)
    # The referrals list shows a few columns of each: read as rows, with the job's title
    # and employer joined in (not three queries of whole referrals, jobs and employers).
    referrals = db.session.execute(
        sa.select(Referral.id, Referral.job_id, Referral.status, Referral.decline_reason,
                  Referral.updated_at, Job.title.label("job_title"),
                  Employer.name.label("employer_name"))
        .join(Job, Job.id == Referral.job_id).join(Employer, Employer.id == Job.employer_id)
        .where(Referral.worker_id == worker.id)
        .order_by(Referral.created_at.desc())).all()
    return render_template(
        "matching/matches.html", worker=worker, recs=recs, referrals=referrals,
        worker_area=area_name(worker.area_code),
        masked_id=mask_id(worker.id_number), masked_phone=mask_phone(worker.phone),
        reason_labels=REASON_LABELS, component_labels=COMPONENT_LABELS,
        method_labels=METHOD_LABELS, ruled_shown=ruled,
        status_labels=PLACEMENT_LABELS["referral_status"], run=latest_run_info())


@bp.route("/workers/<int:worker_id>/refer", methods=["POST"])
@roles_required(*OFFICERS, "trainee")
def refer_from_worker(worker_id: int):
    """Refer the worker to an opening (a trainee asks for a referral for themself)."""
    worker = get_visible_or_404(Worker, worker_id)
    form = ReferForm()
    back = _back(url_for(".worker_matches", worker_id=worker.id))
    if not form.validate_on_submit() or not (form.job_id.data or "").isdigit():
        abort(400)
    job = get_visible_or_404(Job, int(form.job_id.data)) \
        if current_user.role != "trainee" else db.session.get(Job, int(form.job_id.data))
    if job is None:
        abort(404)
    source = "trainee" if current_user.role == "trainee" else "officer"
    names = {"worker": worker.name, "job": job.title}  # read now: the commit expires them
    with action() as done:
        refer(worker, job, by=current_user, source=source, note=form.note.data or "",
              today=clock.today(), vet=referral_score)
    if done:
        flash(_("%(worker)s was referred to %(job)s.", **names)
              if source == "officer" else _("Your request was sent to the employer."),
              "success")
    return redirect(back)


@bp.route("/workers/<int:worker_id>/placement", methods=["POST"])
@roles_required(*OFFICERS)
def record_worker_placement(worker_id: int):
    """An officer records a hire for a worker directly."""
    worker = get_visible_or_404(Worker, worker_id)
    form = HireForm()
    back = _back(url_for(".worker_matches", worker_id=worker.id))
    if not form.validate_on_submit() or not (form.job_id.data or "").isdigit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "danger")
        return redirect(back)
    job = get_visible_or_404(Job, int(form.job_id.data))
    if not confirmed():
        return _confirm_hire(worker, job, form)
    with action() as done:
        placement = record_hire(worker, job, start_date=form.start_date.data,
                                monthly_wage=form.monthly_wage.data,
                                contract_months=form.contract_months.data, by=current_user,
                                today=clock.today(), vet=referral_score)
    if done:
        flash(hire_message(placement, current_user), "success")
    return redirect(back)


# ---- an opening's candidates ------------------------------------------------------------


@bp.route("/jobs/<int:job_id>/candidates")
@roles_required(*OFFICERS, "employer")
def job_candidates(job_id: int):
    """Workers ranked for an opening (officers: their area; the employer: referred ones)."""
    job = get_visible_or_404(Job, job_id)
    result = candidates_for_job(job, current_user, k=request.args.get("k", 30, type=int) or 30,
                                today=clock.today())
    return render_template("matching/candidates.html", job=job, result=result,
                           refer_form=ReferForm(), reason_labels=REASON_LABELS,
                           status_labels=PLACEMENT_LABELS["referral_status"],
                           is_open=job.is_open_on(clock.today()))


@bp.route("/jobs/<int:job_id>/refer", methods=["POST"])
@roles_required(*OFFICERS)
def refer_from_job(job_id: int):
    """Refer a ranked candidate to this opening."""
    job = get_visible_or_404(Job, job_id)
    form = ReferForm()
    if not form.validate_on_submit() or not (form.worker_id.data or "").isdigit():
        abort(400)
    worker = get_visible_or_404(Worker, int(form.worker_id.data))
    names = {"worker": worker.name, "job": job.title}  # read now: the commit expires them
    back = _back(url_for(".job_candidates", job_id=job.id))
    with action() as done:
        refer(worker, job, by=current_user, note=form.note.data or "", today=clock.today(),
              vet=referral_score)
    if done:
        flash(_("%(worker)s was referred to %(job)s.", **names), "success")
    return redirect(back)


# ---- organised dispatch --------------------------------------------------------------------


def _area_choices() -> list[tuple[str, str]]:
    return county_choices(current_user, blank=_("My whole area"), named_blank=True,
                          levels=("province", "prefecture", "county"), indent=True)


def _job_choices(today: date) -> list[tuple[int, str]]:
    rows = db.session.execute(
        sa.select(Job.id, Job.title, Job.headcount, Job.filled, Employer.name)
        .join(Employer, Job.employer_id == Employer.id)
        .where(Job.open_clause(today), Employer.status == "verified")
        .order_by(Employer.name, Job.id).limit(500))
    return [(r.id, _("%(employer)s · %(title)s (%(left)d places left)", employer=r.name,
                     title=r.title, left=r.headcount - r.filled) if r.headcount is not None
             else _("%(employer)s · %(title)s (several places)", employer=r.name,
                    title=r.title)) for r in rows]


@bp.route("/dispatch", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def dispatch():
    """Pick openings and a pool; review the proposed assignment."""
    today = clock.today()
    form = DispatchForm()
    form.jobs.choices = _job_choices(today)
    form.area_code.choices = _area_choices()
    if request.method == "GET" and request.args.get("job_id", type=int):
        form.jobs.data = [request.args.get("job_id", type=int)]
    proposal = None
    if form.validate_on_submit():
        pool = list(db.session.scalars(dispatch_service.pool_stmt(
            current_user, form.area_code.data or None,
            form.category.data if form.category.data in CATEGORIES else None,
            form.priority_only.data)))
        with action():
            proposal = dispatch_service.propose(form.jobs.data, pool, current_user, today)
    return render_template("matching/dispatch.html", form=form, proposal=proposal,
                           accept_form=AcceptDispatchForm(), review_again=False)


@bp.route("/dispatch/accept", methods=["POST"])
@roles_required(*OFFICERS)
def dispatch_accept():
    """Turn the checked pairs into referrals in one transaction."""
    form = AcceptDispatchForm()
    if not form.validate_on_submit():
        abort(400)
    with action() as done:
        pairs = dispatch_service.parse_pairs(form.pairs.data or [])
        referrals = dispatch_service.accept(pairs, current_user, clock.today())
    if isinstance(done.error, dispatch_service.DispatchError):
        return _review_again(done.error.pairs)
    if not done:
        return redirect(url_for(".dispatch"))
    flash(_("%(n)d workers were referred.", n=len(referrals)), "success")
    return redirect(url_for(".employer_referrals", source="dispatch"))


def _review_again(pairs: list[dispatch_service.Pair]):
    """Show the refused proposal again with each problem next to its pair."""
    today = clock.today()
    form = DispatchForm(formdata=None)
    form.jobs.choices = _job_choices(today)
    form.area_code.choices = _area_choices()
    jobs = list({p.job.id: p.job for p in pairs}.values())
    form.jobs.data = [j.id for j in jobs]
    proposal = dispatch_service.Proposal(
        jobs=jobs, pairs=pairs, pool_size=len(pairs),
        capacity={j.id: j.remaining for j in jobs})
    return render_template("matching/dispatch.html", form=form, proposal=proposal,
                           accept_form=AcceptDispatchForm(formdata=None), review_again=True)


# ---- referrals -----------------------------------------------------------------------------


@bp.route("/referrals")
@roles_required("employer", *OFFICERS)
def employer_referrals():
    """Referrals in the user's scope: an employer's candidates, an officer's area."""
    filters = FilterForm(request.args)
    filters.status.choices = [("", _("Open referrals")), ("all", _("All"))] + [
        (k, str(v)) for k, v in PLACEMENT_LABELS["referral_status"].items()]
    stmt = visible(sa.select(Referral), Referral, current_user)
    status = request.args.get("status", "")
    if status == "":
        stmt = stmt.where(Referral.status.in_(ACTIVE_REFERRAL))
    elif status != "all":
        stmt = stmt.where(Referral.status == status)
    if request.args.get("job_id", type=int):
        stmt = stmt.where(Referral.job_id == request.args.get("job_id", type=int))
    if request.args.get("source"):
        stmt = stmt.where(Referral.source == request.args["source"])
    stmt = stmt.options(selectinload(Referral.worker), selectinload(Referral.job),
                        selectinload(Referral.employer))
    page = db.paginate(stmt.order_by(Referral.updated_at.desc(), Referral.id.desc()),
                       page=request.args.get("page", 1, type=int), per_page=30)
    cards = {}
    if current_user.role == "employer":  # candidates as cards: what they can do and why

        cards = candidate_cards(page.items, clock.today())
    return render_template(
        "matching/referrals.html", listing=page, filters=filters, cards=cards,
        respond_form=RespondForm(), hire_form=HireForm(), withdraw_form=WithdrawForm(),
        status_labels=PLACEMENT_LABELS["referral_status"],
        source_labels=PLACEMENT_LABELS["referral_source"], mask_id=mask_id,
        mask_phone=mask_phone, today=clock.today())


def _referral(referral_id: int) -> Referral:
    return get_visible_or_404(Referral, referral_id)


@bp.route("/referrals/<int:referral_id>/respond", methods=["POST"])
@roles_required("employer", *OFFICERS)
def referral_respond(referral_id: int):
    """Invite to interview, or decline with a reason."""
    referral = _referral(referral_id)
    form = RespondForm()
    if not form.validate_on_submit():
        abort(400)
    before = referral.status
    back = _back(url_for(".employer_referrals"))
    with action() as done:
        respond(referral, accept=form.action.data == "accept", by=current_user,
                reason=form.reason.data or "")
    if done and referral.status == "interview":
        flash(_("Invited to interview."), "success")
    elif done:  # a decline is cheap to take back: nobody was told yet
        flash(offer_undo(_("%(worker)s was declined for %(job)s.", worker=referral.worker.name,
                           job=referral.job.title),
                         "referral_decline", referral.id, {"status": before}, back=back),
              "success")
    return redirect(back)


def undo_referral_decline(referral_id: int, state: dict, user: User) -> tuple[Referral, str]:
    """The Undo after a decline (``app.auth.undo``): the referral is open again."""
    referral = _referral(referral_id)
    undo_decline(referral, status=state.get("status", ""), by=user)
    return referral, _("%(worker)s is a candidate for %(job)s again.",
                       worker=referral.worker.name, job=referral.job.title)


def _confirm_hire(worker: Worker, job: Job, form: HireForm):
    """The second step of 确认录用: who starts where and when, and the follow-ups it will
    schedule, before anything is recorded."""
    start = form.start_date.data
    wage = form.monthly_wage.data if form.monthly_wage.data is not None else job.wage_min
    months = form.contract_months.data or job.contract_months
    terms = [_("Monthly wage: %(wage)s CNY.", wage=format_number(wage))
             if wage is not None else "",
             _("Contract: %(n)d months.", n=months) if months else ""]
    followups = _("; ").join(_("%(label)s on %(day)s", label=followup_label("day", n),
                                day=day.isoformat())
                             for n, day in followup_due_dates(start, offsets()))
    return ask_to_confirm(
        _("Confirm the hire of %(worker)s?", worker=worker.name),
        [_("%(worker)s starts as %(job)s at %(employer)s on %(day)s.", worker=worker.name,
           job=job.title, employer=job.employer.name, day=start.isoformat()),
         " ".join(t for t in terms if t),
         _("One place of the opening is taken and %(worker)s counts as employed.",
           worker=worker.name),
         _("Follow-ups will be scheduled: %(list)s.", list=followups),
         _("A hire cannot be undone: if the job ends, record it on a follow-up.")],
        button=_("Yes, confirm the hire"), danger=False)


@bp.route("/referrals/<int:referral_id>/hire", methods=["POST"])
@roles_required("employer", *OFFICERS)
def referral_hire(referral_id: int):
    """Confirm the hire: the worker starts on a date at a wage; a placement is made."""
    referral = _referral(referral_id)
    form = HireForm()
    if not form.validate_on_submit():
        for errors in form.errors.values():
            for e in errors:
                flash(str(e), "danger")
        return redirect(_back(url_for(".employer_referrals")))
    if not confirmed():
        return _confirm_hire(referral.worker, referral.job, form)
    with action() as done:
        placement = confirm_hire(referral, start_date=form.start_date.data,
                                 monthly_wage=form.monthly_wage.data,
                                 contract_months=form.contract_months.data, by=current_user,
                                 today=clock.today())
    if done:
        flash(hire_message(placement, current_user), "success")
    return redirect(_back(url_for(".employer_referrals", status="hired")))


@bp.route("/referrals/<int:referral_id>/withdraw", methods=["POST"])
@roles_required(*OFFICERS, "trainee")
def referral_withdraw(referral_id: int):
    """The officer or the worker withdraws an open referral."""
    referral = _referral(referral_id)
    form = WithdrawForm()
    if not form.validate_on_submit():
        abort(400)
    with action() as done:
        withdraw(referral, by=current_user, reason=form.reason.data or "")
    if done:
        flash(_("The referral was withdrawn."), "success")
    return redirect(_back(url_for(".worker_matches", worker_id=referral.worker_id)))


@bp.app_template_global()
def skill_name(code: str | None) -> str:
    """A skill or certificate code's display name in the page's language."""
    if not code:
        return ""
    tax, lg = default_taxonomy(), lang()
    return tax.skill_label(code, lg) if code in tax else tax.cert_label(code, lg)
