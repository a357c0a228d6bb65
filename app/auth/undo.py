"""Undo, where it is cheap (issue #15): the flash after a reversible action offers an
撤销 / Undo button for a few minutes, to the user who acted only.

The offer is a signed token in a POST form (CSRF-protected like every form): the action's
kind, its record, the state to restore, who acted and when (from ``app.clock``). Nothing is
kept on the server, so any process can honour it. ``POST /undo`` checks the signature, the
user and the age, then runs the kind's handler in one unit of work and writes one ``undo``
audit entry. A handler loads its record through the scoping rules, checks the record is
still as the action left it (so an undo works once, and never over a later change) and
restores it through its feature's service.

Kinds are wired in ``app/factory.py`` (``UNDOABLE``), not registered by the features.
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request
from flask_babel import gettext as _
from flask_login import current_user, login_required
from itsdangerous import BadSignature, URLSafeSerializer
from markupsafe import Markup

from app import clock
from app.unit_of_work import action

from .audit import audit
from .models import User

UNDO_MINUTES = 10  # how long the offer stands

Undo = Callable[[int, dict[str, Any], User], tuple[Any, str]]
"""(record id, state to restore, the user) -> (the record, what was restored, said to the
user); raises a ``DomainError`` when the record moved on since."""

bp = Blueprint("undo", __name__)


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key or "", salt="qianlu-undo")


def _handlers() -> Mapping[str, Undo]:
    return current_app.extensions.get("qianlu_undo", {})


def init_undo(app: Any, handlers: Mapping[str, Undo]) -> None:
    """The undoable kinds and their handlers (the factory's ``UNDOABLE``)."""
    app.extensions["qianlu_undo"] = dict(handlers)


def offer_undo(message: str, kind: str, record_id: int, state: dict[str, Any], *,
               back: str) -> Markup:
    """``message`` followed by an Undo button (flash it): for ``UNDO_MINUTES``, the user who
    acted may restore ``state`` of record ``record_id``; then they land on ``back``."""
    if kind not in _handlers():
        raise KeyError(f"no undo handler for {kind!r}")
    token = _serializer().dumps({"k": kind, "id": record_id, "s": state,
                                 "u": current_user.id, "t": clock.utcnow().isoformat()})
    html = render_template("_undo.html", message=message, token=token, back=back,
                           minutes=UNDO_MINUTES)
    return Markup(html)  # noqa: S704 - an autoescaped template


def _back() -> str:
    target = request.form.get("next") or ""
    return target if target.startswith("/") and not target.startswith("//") else "/"


@bp.route("/undo", methods=["POST"])
@login_required
def undo():
    """Undo the action an offer names: only its user, only within ``UNDO_MINUTES``."""
    try:
        offer = _serializer().loads(request.form.get("token") or "")
        kind, record_id, state = offer["k"], int(offer["id"]), dict(offer["s"])
        offered = datetime.fromisoformat(offer["t"])
        user_id = offer["u"]
    except (BadSignature, KeyError, TypeError, ValueError):
        abort(400)
    handler = _handlers().get(kind)
    if handler is None:
        abort(400)
    if user_id != current_user.id:
        abort(403)  # an offer is its user's: never someone else's, even in the same area
    if clock.utcnow() - offered > timedelta(minutes=UNDO_MINUTES):
        flash(_("Too late to undo: that was more than %(n)d minutes ago.", n=UNDO_MINUTES),
              "warning")
        return redirect(_back())
    user = current_user._get_current_object()
    with action() as done:
        record, message = handler(record_id, state, user)
        audit("undo", record, user=user,
              detail={"kind": kind, "restored": state, "offered_at": offer["t"]})
    if done:
        flash(message, "success")
    return redirect(_back())
