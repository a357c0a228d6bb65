"""Login, logout and password change."""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.auth.tokens import issue_token, revoke, tokens_of
from app.confirm import ask_to_confirm, confirmed
from app.extensions import db
from app.unit_of_work import action
from app.vocabulary import OFFICERS

from .forms import LoginForm, PasswordForm
from .models import ROLE_LABELS, User
from .scoping import roles_required
from .service import (
    AccountError,
    authenticate,
    log_out,
    may_reset,
    reset_password,
    set_password,
    verify_password,
)

bp = Blueprint("auth", __name__, url_prefix="/auth")


@bp.app_template_filter("role_label")
def role_label(role: str) -> str:
    """A role's name in the reader's language (``{{ user.role|role_label }}``)."""
    return str(ROLE_LABELS.get(role, role))


def home_url(user: User) -> str:
    """Where a user lands after logging in: a trainee's own page, else the dashboard."""
    return url_for("trainee.me") if user.role == "trainee" else url_for("dashboard.index")


def _safe_next(target: str | None, user: User) -> str:
    if target and urlsplit(target).netloc == "" and target.startswith("/"):
        return target
    return home_url(user)


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; log in on valid credentials."""
    if current_user.is_authenticated:
        return redirect(url_for("dashboard.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        result = authenticate(form.username.data.strip(), form.password.data, request.remote_addr)
        db.session.commit()
        if result.user is not None:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next"), result.user))
        if result.locked_seconds:
            flash(
                _(
                    "Too many failed attempts. Please try again in %(minutes)d minutes.",
                    minutes=max(1, result.locked_seconds // 60),
                ),
                "danger",
            )
            status = 429
        else:
            flash(_("Wrong username or password."), "danger")
            status = 401
    return render_template("auth/login.html", form=form), status


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """End the session: the cookie stops working everywhere, even a copy of it."""
    log_out(current_user._get_current_object())
    db.session.commit()
    logout_user()
    flash(_("You have been logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
def password():
    """Change one's own password; every other session ends."""
    form = PasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            user = current_user._get_current_object()
            with action(errors=AccountError,
                        on_error=lambda exc: form.new.errors.append(str(exc))) as done:
                revoked = set_password(user, form.new.data)
            if done:
                login_user(user)  # keep this session, with the new token
                if revoked:
                    flash(_("Password changed. Other sessions have been logged out and "
                            "%(n)d API tokens revoked.", n=revoked), "success")
                else:
                    flash(_("Password changed. Other sessions have been logged out."),
                          "success")
                return redirect(url_for("dashboard.index"))
    return render_template("auth/password.html", form=form)


@bp.route("/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    """List, create and revoke one's own API tokens."""
    new_token = None
    if request.method == "POST":
        if request.form.get("revoke"):
            if not confirmed():
                token_id = request.form.get("revoke", type=int)
                token = next((t for t in tokens_of(current_user) if t.id == token_id), None)
                return ask_to_confirm(
                    _("Revoke this API token?"),
                    [_("Token %(name)s (%(prefix)s…).", name=token.name or "—",
                       prefix=token.prefix) if token else "",
                     _("Programs using this token stop working at once; this cannot be "
                       "undone.")],
                    button=_("Yes, revoke it"), back=url_for(".tokens"))
            if revoke(current_user, request.form.get("revoke", type=int) or 0):
                flash(_("Token revoked."), "success")
            db.session.commit()
            return redirect(url_for(".tokens"))
        name = (request.form.get("name") or "").strip()[:64]
        new_token, _token = issue_token(current_user._get_current_object(), name)
        db.session.commit()
    return render_template("auth/tokens.html", tokens=tokens_of(current_user),
                           new_token=new_token)


@bp.route("/users/<int:user_id>/reset-password", methods=["POST"])
@roles_required(*OFFICERS)
def reset_user_password(user_id: int):
    """An admin (any account) or an officer (trainees of their area) resets a password."""
    target = db.session.get(User, user_id)
    if target is None or not may_reset(current_user, target):
        abort(404)
    if not confirmed():
        return ask_to_confirm(
            _("Reset the password of %(name)s?", name=target.username),
            [_("%(name)s is logged out everywhere and gets a temporary password.",
               name=target.username),
             _("Their API tokens are revoked. This cannot be undone.")],
            button=_("Yes, reset the password"))
    password = reset_password(target, by=current_user._get_current_object())
    db.session.commit()
    flash(_("New temporary password for %(name)s: %(password)s — give it to them in person; "
            "they should change it after logging in.", name=target.username, password=password),
          "warning")
    return redirect(request.referrer or url_for("dashboard.index"))
