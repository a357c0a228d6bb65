"""The public declaration page a poster's QR code opens: /declare/<code>.

No login; large pictured buttons; nothing is shown back but the person's own declaration,
through the unguessable receipt link."""
from __future__ import annotations

from flask import Blueprint, abort, redirect, render_template, request, url_for

from app import clock
from app.unit_of_work import action

from . import declare
from .forms import DeclareForm, VerifyForm

bp = Blueprint("declare", __name__, url_prefix="/declare", template_folder="templates")


def _point(code: str):
    point = declare.point_by_code(code)
    if point is None:
        abort(404)
    return point


@bp.route("/<code>", methods=["GET", "POST"])
def start(code: str):
    """Step 1: what changed (pictured buttons) and the ID number; a code goes by SMS."""
    point = _point(code)
    form = DeclareForm()
    status = 200 if request.method == "GET" else 422
    if form.validate_on_submit():
        with action(form, keep_failed=True) as done:
            row = declare.request_code(point, form.kind.data or "", form.id_number.data or "",
                                       declare.client_of(request))
        if done:
            return redirect(url_for(".verify", code=point.code, ticket=row.ticket))
        if isinstance(done.error, declare.TooMany):
            status = 429
    return render_template("monitoring/declare_start.html", form=form, point=point,
                           name=declare.point_name(point), kinds=declare.KINDS), status


@bp.route("/<code>/verify/<ticket>", methods=["GET", "POST"])
def verify(code: str, ticket: str):
    """Step 2: the code from the SMS, an optional note or voice message."""
    point = _point(code)
    row = declare.ticket(ticket)
    if row is None or row.point_id != point.id:
        abort(404)
    form = VerifyForm()
    if form.validate_on_submit():
        upload = form.voice.data
        voice = upload.read(declare_limit() + 1) if upload and upload.filename else None
        with action(form, keep_failed=True) as done:
            decl = declare.declare(row, form.code.data or "", form.note.data or "", voice)
        if done:
            return redirect(url_for(".receipt", token=decl.receipt_token))
    return render_template("monitoring/declare_verify.html", form=form, point=point,
                           name=declare.point_name(point), kind=declare.KINDS.get(row.kind),
                           expired=row.expires_at < clock.utcnow() or row.used_at is not None
                           ), 200 if request.method == "GET" else 422


def declare_limit() -> int:
    """Bytes of a recording read at most (one more than allowed, to tell it is too large)."""
    from flask import current_app

    return int(current_app.config["DECLARE_VOICE_MAX_KB"]) * 1024


@bp.route("/r/<token>")
def receipt(token: str):
    """The person's receipt: received, and later what was done."""
    decl = declare.by_receipt(token)
    if decl is None:
        abort(404)
    return render_template("monitoring/declare_receipt.html", decl=decl,
                           kind=declare.KINDS.get(decl.kind), answer=declare.answer_of(decl),
                           name=declare.point_name(decl.point))
