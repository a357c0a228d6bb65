"""Closing a to-do item."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length


class CloseForm(FlaskForm):
    """What was done (kept with the item), or that nothing was needed."""

    outcome = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=1000)])
    dropped = BooleanField(_l("Nothing to do (dismiss)"))
