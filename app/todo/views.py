"""The officers' to-do page: /todo/ with tabs, and closing an item."""
from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask_login import current_user

from app.auth.scoping import get_visible_or_404, roles_required
from app.clock import today
from app.extensions import db
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from . import service
from .forms import CloseForm
from .kinds import LABELS, TodoKind
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
            return redirect(url_for(".index", tab=request.args.get("tab"),
                                    kind=request.args.get("kind")))
    day = today()
    tab = service.tab_of(item, day)
    listing = db.paginate(service.listing(current_user, tab, day=day), page=1, per_page=30)
    return render_template("todo/index.html", listing=listing, tab=tab,
                           counts=service.counts(current_user, day=day), kind=None,
                           kinds=LABELS, today=day, form=form, failed_id=item.id), 422
