"""Forms: enrol on behalf, withdraw, assessment, change-report handling."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField, IntegerField, RadioField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional


class ActionForm(FlaskForm):
    """A button that posts (CSRF only), optionally for a worker."""

    worker_id = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Go"))


class WithdrawForm(FlaskForm):
    """Withdraw from a session."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Withdraw"))


class CompleteForm(FlaskForm):
    """The assessment result of an enrolled trainee."""

    passed = RadioField(_l("Result"), choices=[("yes", _l("Passed")), ("no", _l("Not passed"))],
                        validators=[DataRequired()])
    assessment = StringField(_l("Assessment"), validators=[Optional(), Length(max=64)],
                             description=_l("Score or grade as recorded by the provider"))
    certificate_number = StringField(_l("Certificate number"),
                                     validators=[Optional(), Length(max=64)])
    submit = SubmitField(_l("Record result"))


class HandleReportForm(FlaskForm):
    """Confirm or dismiss a trainee's change report."""

    action = HiddenField(validators=[DataRequired()])
    submit = SubmitField(_l("Save"))
