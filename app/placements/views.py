"""Follow-ups for officers: the queue, recording an outcome, wage-arrears cases, retention."""
from __future__ import annotations

import sqlalchemy as sa
from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.orm import joinedload, selectinload

from app.auth.audit import audit
from app.auth.scoping import get_visible_or_404, roles_required, visible
from app.clock import today
from app.extensions import db
from app.imports.report import xlsx_bytes
from app.registry.models import Worker
from app.registry.privacy import can_see_full, shown_phone
from app.unit_of_work import action, posted
from app.vocabulary import OFFICERS

from . import charts, retention
from .arrears import resolve_case
from .followup_models import LABELS, FollowUp, WageArrearsCase
from .followups import TABS, first_tab, queue_counts, queue_page
from .forms import OutcomeForm, ResolveForm
from .outcomes import Outcome, record_outcome
from .people import worker_link
from .queue_html import followup_rows_html

bp = Blueprint("placements", __name__, url_prefix="/followups", template_folder="templates")


@bp.app_context_processor
def _labels() -> dict:
    return {"followup_labels": LABELS}


bp.add_app_template_global(followup_rows_html)  # the queue's rows, written in Python


@bp.route("/", endpoint="queue")
@roles_required(*OFFICERS)
def queue_view():
    """Overdue / due today / this week / upcoming, for the officer's area; opens on the
    most urgent tab that holds something."""
    day = today()
    page = request.args.get("page", 1, type=int)
    counts = queue_counts(current_user, day)
    tab = request.args.get("tab", "")
    if tab not in TABS:
        tab = first_tab(counts)
    # counted once, with the tabs' figures
    rows = queue_page(current_user, tab, day, page, total=counts[tab])
    return render_template("placements/queue.html", tab=tab, listing=rows, today=day,
                           counts=counts)


def _outcome(form: OutcomeForm) -> Outcome:
    return Outcome(
        method=form.method.data, reached=form.reached.data == "yes",
        employment=form.employment.data or None,
        new_employer_name=form.new_employer_name.data or "",
        new_employer_credit_code=form.new_employer_credit_code.data or "",
        new_wage=form.new_wage.data,
        left_date=form.left_date.data, left_reason=form.left_reason.data or "",
        current_wage=form.current_wage.data, issues=list(form.issues.data or []),
        satisfaction=int(form.satisfaction.data) if (form.satisfaction.data or "").isdigit()
        else None,
        note=form.note.data or "")


@bp.route("/<int:followup_id>", methods=["GET", "POST"])
@roles_required(*OFFICERS)
def record(followup_id: int):
    """One follow-up: the worker and placement, past attempts, the outcome form."""
    fu = get_visible_or_404(FollowUp, followup_id)
    form = OutcomeForm()
    # The form's checks and the service's rules on one submit (every problem at once);
    # a refused outcome leaves nothing behind.
    if fu.is_open and posted(form):
        with action(form) as done:
            record_outcome(fu, _outcome(form), by=current_user, today=today())
            # Worded before the commit expires the follow-up and the account (its language):
            # neither is read again only to say so.
            said = (_("Attempt recorded: %(n)s without reaching the worker.",
                      n=fu.failed_attempts), "warning") if fu.is_open \
                else (_("Follow-up recorded."), "success")
        if done:
            flash(*said)
            return redirect(url_for(".queue", tab=request.args.get("tab")))
    _load_shown(fu)
    may_reveal = can_see_full(current_user, fu.worker)
    reveal = may_reveal and request.args.get("reveal") == "1"
    if reveal:  # the officer is about to call: a full phone number is audit-logged
        audit("worker_phone_view", fu.worker, detail={"follow_up": fu.id})
        db.session.commit()
    fields = blank_outcome_fields() if fu.is_open and not form.is_submitted() else None
    return render_template("placements/record.html", fu=fu, form=form, reveal=reveal,
                           may_reveal=may_reveal, fields=fields,
                           phone=shown_phone(current_user, fu.worker, reveal),
                           worker_url=worker_link(fu.worker_id))


def _load_shown(fu: FollowUp) -> None:
    """Load what the record page shows of a follow-up (its worker and household, employer,
    placement, attempts) in two queries instead of five lazy loads."""
    db.session.execute(
        sa.select(FollowUp).where(FollowUp.id == fu.id)
        .options(joinedload(FollowUp.worker).joinedload(Worker.household),
                 joinedload(FollowUp.employer), joinedload(FollowUp.placement),
                 selectinload(FollowUp.attempts))).unique().all()


def blank_outcome_fields() -> Markup:
    """The outcome form's fields as a blank form shows them, rendered once per language
    (and app): they are the same for every follow-up and officer; the CSRF token is
    rendered apart (``form.hidden_tag()``)."""
    cache = current_app.extensions.setdefault("qianlu_outcome_fields", {})
    lang = str(get_locale())
    html = cache.get(lang)
    if html is None:
        form = OutcomeForm(formdata=None, meta={"csrf": False})
        html = cache[lang] = Markup(render_template(  # noqa: S704 - a rendered template
            "placements/_outcome_fields.html", form=form))
    return html


@bp.route("/arrears")
@roles_required(*OFFICERS)
def arrears():
    """Wage-arrears cases in the officer's area, open ones first."""
    status = request.args.get("status", "open")
    stmt = visible(sa.select(WageArrearsCase), WageArrearsCase, current_user)
    if status in ("open", "resolved"):
        stmt = stmt.where(WageArrearsCase.status == status)
    stmt = stmt.order_by(WageArrearsCase.reported_at.desc(), WageArrearsCase.id.desc())
    page = request.args.get("page", 1, type=int)
    return render_template("placements/arrears.html", listing=db.paginate(stmt, page=page,
                                                                       per_page=50),
                           status=status, form=ResolveForm())


@bp.route("/arrears/<int:case_id>/resolve", methods=["POST"])
@roles_required(*OFFICERS)
def resolve(case_id: int):
    """Close a wage-arrears case with a note; the employer's flag clears with its last case."""
    case = get_visible_or_404(WageArrearsCase, case_id)
    form = ResolveForm()
    if not form.validate_on_submit():
        flash(_("Describe how the case was resolved."), "danger")
        return redirect(url_for(".arrears"))
    with action() as done:
        resolve_case(case, form.resolution_note.data, by=current_user)
    if done:
        flash(_("Case resolved."), "success")
    return redirect(url_for(".arrears"))


def _breakdown_arg() -> str:
    kind = request.args.get("by", "region")
    if kind not in retention.BREAKDOWNS:
        abort(404)
    return kind


@bp.route("/retention")
@roles_required(*OFFICERS)
def retention_view():
    """Retention curves and 30/90/180-day figures by a chosen breakdown."""
    kind = _breakdown_arg()
    day = today()
    total = retention.overall(current_user, day)
    groups = retention.breakdown(current_user, kind, day)
    shown = groups[:7] if kind != "month" else groups[-12:]
    title = str(retention.BREAKDOWNS[kind])
    return render_template(
        "placements/retention.html", kind=kind, total=total, groups=groups, today=day,
        breakdowns=retention.BREAKDOWNS, checkpoints=retention.CHECKPOINTS,
        min_interval_n=retention.MIN_INTERVAL_N,
        overall_svg=charts.curve_chart([total], _("Retention of all placements")),
        curve_svg=charts.curve_chart(shown, _("Retention by %(kind)s", kind=title)),
        bars_svg=charts.checkpoint_chart(shown, _("Retention at 30, 90 and 180 days")))


def _pct(value: float | None) -> float | None:
    return None if value is None else round(100 * value, 1)


@bp.route("/retention.xlsx")
@roles_required(*OFFICERS)
def retention_export():
    """The retention table of a breakdown as a spreadsheet (audit-logged)."""
    kind = _breakdown_arg()
    day = today()
    groups = [retention.overall(current_user, day),
              *retention.breakdown(current_user, kind, day)]
    headers = [retention.BREAKDOWNS[kind], _("Placements"), _("Jobs lost")]
    for n in retention.CHECKPOINTS:
        headers += [_("Day %(n)s %%", n=n), _("Day %(n)s lower %%", n=n),
                    _("Day %(n)s upper %%", n=n)]
    rows = []
    for g in groups:
        row = [g.label, g.n, g.events]
        small = g.n < retention.MIN_INTERVAL_N  # too few for an interval to mean much
        for n in retention.CHECKPOINTS:
            est = g.figures[n]
            row += [_pct(est.survival), None if small else _pct(est.lower),
                    None if small else _pct(est.upper)]
        rows.append(row)
    body = xlsx_bytes(headers, rows, title=_("Retention"))
    audit("retention_export", target_type="retention", detail={"by": kind, "rows": len(rows)})
    db.session.commit()
    return Response(body, mimetype="application/vnd.openxmlformats-officedocument."
                    "spreadsheetml.sheet", headers={
                        "Content-Disposition": f"attachment; filename=retention-{kind}-"
                                               f"{day.isoformat()}.xlsx"})

