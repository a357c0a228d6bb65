"""Officers' monitoring pages: the clearing queue and its chart, a household's plan, the
list comparisons, the declarations and the posters."""
from __future__ import annotations

import io
from datetime import date

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.areas.service import county_choices
from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.extensions import db
from app.imports.reading import FileProblem, check_upload_name
from app.imports.runner import run_job, start_in_background
from app.registry.models import Household, RelocationSite
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from . import compare, declare, plan, zero
from .charts import trend_chart
from .forms import AnswerForm, CompareForm, MeasureForm, PosterForm, RemoveRiskForm
from .models import (
    Declaration,
    DeclarationPoint,
    HouseholdRisk,
    ListComparison,
    ZeroEmploymentSpell,
)

bp = Blueprint("monitoring", __name__, url_prefix="/monitoring", template_folder="templates")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def me():
    """The logged-in user object (not the proxy)."""
    return current_user._get_current_object()


def _templating(state) -> None:
    state.app.jinja_env.globals.update(
        risk_cause_label=plan.cause_label, risk_source_label=plan.source_label,
        risk_detail_label=plan.detail_label,
        measure_labels=plan.MEASURE_KINDS, declare_kinds=declare.KINDS,
        monitoring_plan=plan.plan_of)


bp.record_once(_templating)


# ---- zero-employment households ----------------------------------------------------------


@bp.route("/zero-employment")
@roles_required(*OFFICERS)
def zero_queue():
    """Households of the officer's area with nobody in work, longest first; the trend."""
    day = clock.today()
    area = request.args.get("area") or None
    site_id = request.args.get("site", type=int)
    site = get_visible_or_404(RelocationSite, site_id) if site_id else None
    trend = zero.trend(me(), day, area_code=area, site_id=site_id)
    title = site.name if site else (dict(county_choices(me())).get(area, "") if area else "")
    sites = db.session.scalars(visible(sa.select(RelocationSite), RelocationSite, me())
                               .order_by(RelocationSite.name).limit(200)).all()
    return render_template("monitoring/zero.html", rows=zero.queue(me(), day), today=day,
                           target=zero.clear_days(), trend=trend,
                           chart=trend_chart(trend, title or _("My area")),
                           counties=county_choices(me(), blank=_("My whole area"),
                                                   named_blank=True),
                           sites=sites, area=area, site=site)


@bp.route("/zero-employment/<int:spell_id>/take", methods=["POST"])
@roles_required("officer")
def take(spell_id: int):
    """The officer takes responsibility for clearing a household."""
    spell = get_visible_or_404(ZeroEmploymentSpell, spell_id)
    with action() as done:
        zero.take_responsibility(spell, me())
    if done:
        flash(_("You are responsible for this household now."), "success")
    return redirect(request.referrer or url_for(".zero_queue"))


# ---- the household's plan (一户一策) ------------------------------------------------------


def _plan_page(household: Household, code: int = 200, **forms):
    forms.setdefault("measure_form", MeasureForm())
    forms.setdefault("remove_form", RemoveRiskForm())
    return render_template("monitoring/plan.html", plan=plan.plan_of(household),
                           today=clock.today(), target=zero.clear_days(), **forms), code


@bp.route("/households/<int:household_id>")
@roles_required(*OFFICERS)
def household_plan(household_id: int):
    """Risks from every source side by side, measures, zero-employment spells, exit."""
    return _plan_page(get_visible_or_404(Household, household_id))


@bp.route("/households/<int:household_id>/measures", methods=["POST"])
@roles_required("officer")
def add_measure(household_id: int):
    """Record a measure taken for the household."""
    household = get_visible_or_404(Household, household_id)
    form = MeasureForm()
    if form.validate_on_submit():
        with action(form) as done:
            plan.add_measure(household, form.kind.data or "", form.text.data or "",
                             form.taken_on.data, me())
        if done:
            flash(_("Measure recorded."), "success")
            return redirect(url_for(".household_plan", household_id=household.id))
    return _plan_page(household, 422, measure_form=form)


@bp.route("/risks/<int:risk_id>/remove", methods=["POST"])
@roles_required("officer")
def remove_risk(risk_id: int):
    """Mark a risk from a list or a declaration as removed, with a reason and a date."""
    risk = get_visible_or_404(HouseholdRisk, risk_id)
    form = RemoveRiskForm()
    if form.validate_on_submit():
        with action(form) as done:
            left = plan.remove_risk(risk, form.removed_on.data, form.reason.data or "", me())
        if done:
            flash(_("The household leaves monitoring: no risk is left.") if left
                  else _("Risk removed."), "success")
            return redirect(url_for(".household_plan", household_id=risk.household_id))
    return _plan_page(risk.household, 422, remove_form=form)


@bp.route("/households/<int:household_id>/causes/remove", methods=["POST"])
@roles_required("officer")
def remove_cause(household_id: int):
    """Remove one of the causes officers recorded, with a reason and a date."""
    household = get_visible_or_404(Household, household_id)
    form = RemoveRiskForm()
    if form.validate_on_submit():
        with action(form) as done:
            left = plan.remove_officer_cause(household, form.cause.data or "",
                                             form.removed_on.data, form.reason.data or "", me())
        if done:
            flash(_("The household leaves monitoring: no risk is left.") if left
                  else _("Risk removed."), "success")
            return redirect(url_for(".household_plan", household_id=household.id))
    return _plan_page(household, 422, remove_form=form)


@bp.route("/ledger.xlsx")
@roles_required(*OFFICERS)
def ledger():
    """一户一策 ledger: every monitored household (or with an open risk) of the area."""
    from .ledger import write_ledger

    buffer = io.BytesIO()
    count = write_ledger(buffer, me(), clock.today())
    audit("monitoring_ledger_export", target_type="Household", detail={"rows": count})
    db.session.commit()
    buffer.seek(0)
    return send_file(buffer, mimetype=XLSX, as_attachment=True,
                     download_name=f"一户一策台账-{clock.today():%Y%m%d}.xlsx")


# ---- comparisons with other departments' lists -------------------------------------------


@bp.route("/comparisons", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def comparisons():
    """Upload a department's list (prefecture and province officers); earlier reports."""
    form = CompareForm()
    form.source.choices = compare.source_choices()
    allowed = compare.may_compare(me())
    if allowed and form.validate_on_submit():
        upload = form.file.data
        try:
            check_upload_name(upload.filename or "")
        except FileProblem as exc:
            form.file.errors = [*form.file.errors, str(exc.message)]
        else:
            with action(form) as done:
                comparison, job = compare.start(
                    upload.filename, upload.stream, source=form.source.data or "",
                    list_date=form.list_date.data or clock.today(), user=me(),
                    locale=str(get_locale()))
            if done:
                size = upload.content_length or 0
                if size > current_app.config.get("IMPORT_BACKGROUND_BYTES", 256 * 1024):
                    start_in_background(current_app._get_current_object(), job.id)
                else:
                    run_job(job)
                return redirect(url_for(".comparison", comparison_id=comparison.id))
    elif request.method == "POST" and not allowed:
        abort(403)
    items = db.session.scalars(visible(sa.select(ListComparison), ListComparison, me())
                               .order_by(ListComparison.id.desc()).limit(50)).all()
    code = 422 if request.method == "POST" else 200
    return render_template("monitoring/comparisons.html", form=form, items=items,
                           allowed=allowed, columns=compare.COLUMNS), code


@bp.route("/comparisons/<int:comparison_id>")
@roles_required(*OFFICERS)
def comparison(comparison_id: int):
    """What comparing one list found: counts, then the rows by outcome."""
    item = get_visible_or_404(ListComparison, comparison_id)
    return render_template("monitoring/comparison.html", item=item,
                           summary=compare.summary(item), outcomes=compare.OUTCOMES)


@bp.route("/comparisons/<int:comparison_id>/report.xlsx")
@roles_required(*OFFICERS)
def comparison_report(comparison_id: int):
    """The comparison's rows as .xlsx (full ID numbers only when asked, audited)."""
    item = get_visible_or_404(ListComparison, comparison_id)
    full = request.args.get("full") == "1"
    data = compare.report_bytes(item, full=full)
    audit("list_compare_report", item, detail={"full_numbers": full})
    db.session.commit()
    return send_file(io.BytesIO(data), mimetype=XLSX, as_attachment=True,
                     download_name=f"比对报告-{item.source}-{item.list_date:%Y%m%d}.xlsx")


# ---- declarations ---------------------------------------------------------------------


@bp.route("/declarations")
@roles_required(*OFFICERS)
def declarations():
    """Declarations of the area, unanswered first."""
    items = db.session.scalars(visible(sa.select(Declaration), Declaration, me())
                               .order_by(Declaration.answered_at.is_not(None),
                                         Declaration.id.desc()).limit(100)).all()
    return render_template("monitoring/declarations.html", items=items)


@bp.route("/declarations/<int:declaration_id>", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def declaration(declaration_id: int):
    """One declaration: what the person said; the officer answers what was done."""
    decl = get_visible_or_404(Declaration, declaration_id)
    form = AnswerForm()
    if request.method == "POST" and me().role != "officer":
        abort(403)
    if form.validate_on_submit():
        with action(form) as done:
            declare.answer(decl, form.answer.data or "", me(), receipt_link=url_for(
                "declare.receipt", token=decl.receipt_token, _external=True))
        if done:
            flash(_("Answered; the person is told by SMS and on their receipt."), "success")
            return redirect(url_for(".declaration", declaration_id=decl.id))
    code = 422 if request.method == "POST" else 200
    return render_template("monitoring/declaration.html", decl=decl, form=form,
                           answer=declare.answer_of(decl),
                           point=declare.point_name(decl.point)), code


@bp.route("/declarations/<int:declaration_id>/voice")
@roles_required(*OFFICERS)
def declaration_voice(declaration_id: int):
    """The declaration's voice recording (audited)."""
    decl = get_visible_or_404(Declaration, declaration_id)
    path = declare.voice_path(decl)
    if path is None:
        abort(404)
    audit("declaration.voice", decl)
    db.session.commit()
    return send_file(path, mimetype=decl.voice_type or "application/octet-stream")


# ---- posters -------------------------------------------------------------------------------


@bp.route("/posters", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def posters():
    """Make (or find) the declaration point of a site or village; the existing posters."""
    form = PosterForm()
    sites = db.session.scalars(visible(sa.select(RelocationSite), RelocationSite, me())
                               .order_by(RelocationSite.name).limit(500)).all()
    form.site_id.choices = [("", "—")] + [(str(s.id), s.name) for s in sites]
    form.area_code.choices = county_choices(me())
    if form.validate_on_submit():
        site = get_visible_or_404(RelocationSite, int(form.site_id.data)) \
            if form.site_id.data else None
        if site is None and form.area_code.data not in dict(form.area_code.choices):
            abort(403)
        with action(form) as done:
            point = declare.point_for(by=me(), site=site, area_code=form.area_code.data,
                                      village=form.village.data or "")
        if done:
            return redirect(url_for(".poster", point_id=point.id))
    points = db.session.scalars(visible(sa.select(DeclarationPoint), DeclarationPoint, me())
                                .order_by(DeclarationPoint.id.desc()).limit(200)).all()
    code = 422 if request.method == "POST" else 200
    return render_template("monitoring/posters.html", form=form, points=points,
                           name=declare.point_name), code


@bp.route("/posters/<int:point_id>")
@roles_required(*OFFICERS)
def poster(point_id: int):
    """The printable poster: the QR code of /declare/<code> and how to use it; ``?svg=1``
    downloads the QR code alone as an .svg file."""
    import segno

    point = get_visible_or_404(DeclarationPoint, point_id)
    url = url_for("declare.start", code=point.code, _external=True)
    qr = segno.make(url, error="m")
    if request.args.get("svg") == "1":
        buffer = io.BytesIO()
        qr.save(buffer, kind="svg", scale=10, border=2)
        buffer.seek(0)
        return send_file(buffer, mimetype="image/svg+xml", as_attachment=True,
                         download_name=f"declare-{point.code}.svg")
    return render_template("monitoring/poster.html", point=point, url=url,
                           name=declare.point_name(point), kinds=declare.KINDS,
                           qr_svg=qr.svg_inline(scale=8, border=2))


def today_or(value: str | None) -> date:
    """A date from a query argument, else today (for pages that look back)."""
    try:
        return date.fromisoformat(value) if value else clock.today()
    except ValueError:
        return clock.today()


def register(app: Flask) -> None:
    """The officers' pages, the public declaration page and the ``flask risk`` commands."""
    from . import cli, views_public

    app.register_blueprint(bp)
    app.register_blueprint(views_public.bp)
    app.register_blueprint(cli.bp)
