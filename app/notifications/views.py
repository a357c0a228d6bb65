"""In-app notifications: an officer's inbox."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_login import current_user

from app.auth.scoping import roles_required
from app.extensions import db
from app.vocabulary import OFFICERS

from .service import inbox as inbox_select
from .service import mark_read, shown_text

bp = Blueprint("notifications", __name__, url_prefix="/notifications",
               template_folder="templates")


@bp.route("/")
@roles_required(*OFFICERS)
def inbox():
    """The user's in-app messages, newest first."""
    page = request.args.get("page", 1, type=int)
    rows = db.paginate(inbox_select(current_user), page=page, per_page=30)
    locale = str(get_locale())
    return render_template("notifications/inbox.html", listing=rows,
                           text_of=lambda n: shown_text(n, locale))


@bp.route("/<int:notification_id>/open", methods=["POST"])
@roles_required(*OFFICERS)
def open_one(notification_id: int):
    """Mark a message read and go to what it is about (only the user's own messages)."""
    from .models import Notification

    n = db.session.get(Notification, notification_id)
    if n is None or n.recipient_user_id != current_user.id:
        return redirect(url_for(".inbox"))
    mark_read(current_user, notification_id)
    db.session.commit()
    link = n.link if n.link.startswith("/") and not n.link.startswith("//") else ""
    return redirect(link or url_for(".inbox"))


@bp.route("/read-all", methods=["POST"])
@roles_required(*OFFICERS)
def read_all():
    """Mark every message read."""
    mark_read(current_user)
    db.session.commit()
    return redirect(url_for(".inbox"))
