"""Admin forms."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import PasswordField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, Regexp

from app.auth.models import ROLE_LABELS, Role


class UserForm(FlaskForm):
    """Create an account."""

    username = StringField(
        _l("Username"),
        validators=[DataRequired(), Length(min=3, max=64),
                    Regexp(r"^[A-Za-z0-9_.-]+$",
                           message=_l("Use letters, digits, dot, dash or underscore."))],
    )
    display_name = StringField(_l("Name"), validators=[Optional(), Length(max=64)])
    role = SelectField(_l("Role"), choices=[
        (role, ROLE_LABELS[role]) for role in (Role.officer.value, Role.admin.value)])
    area_code = SelectField(_l("Area"), validators=[Optional()], choices=[])
    password = PasswordField(_l("Initial password"), validators=[DataRequired()])
    submit = SubmitField(_l("Create account"))
