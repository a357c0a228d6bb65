"""Administration: user accounts."""
from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.auth.audit import audit
from app.auth.models import Area, User
from app.auth.scoping import roles_required
from app.auth.service import AccountError, create_user
from app.extensions import db
from app.unit_of_work import action

from .forms import UserForm

bp = Blueprint("admin", __name__, url_prefix="/admin", template_folder="templates")


def _officer_areas() -> list[tuple[str, str]]:
    """Guizhou's areas, named in the page's language, counties under their prefecture."""
    from flask_babel import get_locale

    english = str(get_locale()) == "en"
    stmt = sa.select(Area.code, Area.name, Area.name_en, Area.level).where(
        Area.region == "guizhou")
    indent = {"province": "", "prefecture": "　", "county": "　　"}
    return [("", "—")] + [
        (code, indent.get(level, "") + (name_en if english and name_en else name))
        for code, name, name_en, level in db.session.execute(stmt.order_by(Area.code))
    ]


@bp.route("/users", methods=["GET", "POST"])
@roles_required("admin")
def users():
    """List accounts and create officers and admins."""
    form = UserForm()
    form.area_code.choices = _officer_areas()
    if form.validate_on_submit():
        with action(errors=AccountError,
                    on_error=lambda exc: form.username.errors.append(str(exc))) as done:
            user = create_user(
                form.username.data.strip(), form.password.data, form.role.data,
                area_code=form.area_code.data or None, display_name=form.display_name.data,
            )
            audit("user_create", user, detail={"role": user.role, "area": user.area_code})
        if done:
            flash(_("Account %(name)s created.", name=user.username), "success")
            return redirect(url_for(".users"))
    page = request.args.get("page", 1, type=int)
    listing = db.paginate(sa.select(User).order_by(User.role, User.username), page=page,
                          per_page=50)
    return render_template("admin/users.html", form=form, listing=listing)
