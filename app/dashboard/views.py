"""Landing dashboard per role, and the health check."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify, redirect, render_template, url_for
from flask_login import current_user, login_required

from app.extensions import db

from .panels import panels_for

bp = Blueprint("dashboard", __name__)


@bp.route("/")
@login_required
def index():
    """The landing page of the logged-in user's role (a trainee's is their own page)."""
    if current_user.role == "trainee":
        return redirect(url_for("trainee.me"))
    return render_template("dashboard/index.html", panels=panels_for(current_user))


@bp.route("/healthz")
def healthz():
    """200 when the database answers, 503 otherwise."""
    try:
        db.session.execute(sa.text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any database failure means unhealthy
        db.session.rollback()
        return jsonify(status="unavailable", database=type(exc).__name__), 503
    return jsonify(status="ok", database="ok")
