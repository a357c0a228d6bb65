"""The officers' to-do page: /todo/ with tabs, and closing an item."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.models import User
from app.auth.scoping import get_visible_or_404, roles_required
from app.auth.undo import offer_undo
from app.clock import today
from app.extensions import db
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from . import service
from .forms import CloseForm
from .kinds import LABELS, TodoKind, label
from .models import Todo

bp = Blueprint("todo", __name__, url_prefix="/todo", template_folder="templates")


@bp.route("/")
@roles_required(*OFFICERS)
def index():
    """Items of the officer's area; opens on the most urgent tab that has any."""
    kind = request.args.get("kind") or None
    if kind not in {k.value for k in TodoKind}:
        kind = None
    day = today()
    tab_counts = service.counts(current_user, day=day, kind=kind)
    tab = request.args.get("tab")
    if tab not in service.TABS:
        tab = service.first_non_empty(tab_counts)
    page = request.args.get("page", 1, type=int)
    listing = db.paginate(service.listing(current_user, tab, day=day, kind=kind),
                          page=page, per_page=30)
    with action():
        service.record_contacts_shown(listing.items, current_user)
    return render_template("todo/index.html", listing=listing, tab=tab, counts=tab_counts,
                           kind=kind, kinds=LABELS, today=day, form=CloseForm())


@bp.route("/<int:item_id>/close", methods=["POST"])
@roles_required("officer")
def close(item_id: int):
    """Close an item with what was done."""
    item = get_visible_or_404(Todo, item_id)
    form = CloseForm()
    if form.validate_on_submit():
        with action(form) as done:
            service.close_item(item, by=current_user, outcome=form.outcome.data or "",
                               dropped=bool(form.dropped.data))
        if done:
            back = url_for(".index", tab=request.args.get("tab"), kind=request.args.get("kind"))
            closed_at = item.closed_at.isoformat() if item.closed_at else ""
            flash(offer_undo(_("Closed: %(what)s.", what=_what(item)), "todo_close", item.id,
                             {"closed_at": closed_at}, back=back), "success")
            return redirect(back)
    day = today()
    tab = service.tab_of(item, day)
    listing = db.paginate(service.listing(current_user, tab, day=day), page=1, per_page=30)
    return render_template("todo/index.html", listing=listing, tab=tab,
                           counts=service.counts(current_user, day=day), kind=None,
                           kinds=LABELS, today=day, form=form, failed_id=item.id), 422


def undo_close(item_id: int, state: dict[str, Any], user: User) -> tuple[Todo, str]:
    """The Undo after closing an item (``app.auth.undo``): it is open again."""
    item = get_visible_or_404(Todo, item_id)
    service.reopen_item(item, closed_at=datetime.fromisoformat(state["closed_at"]))
    return item, _("Reopened: %(what)s.", what=_what(item))


def _what(item: Todo) -> str:
    """"Call back · 王芳": the item's kind and who it is about, for the messages."""
    who = item.worker.name if item.worker else item.contact_name
    return f"{label(item.kind)} · {who}" if who else str(label(item.kind))
