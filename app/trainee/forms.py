"""Forms: account activation (code, or phone and ID number) and change reports."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, PasswordField, SelectField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Optional


class _PasswordMixin:
    password = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)],
                             description=_l("At least 8 characters, letters and digits"))
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])


class CodeActivationForm(_PasswordMixin, FlaskForm):
    """Activate with the one-time code from the officer."""

    code = StringField(_l("Activation code"), validators=[DataRequired(), Length(max=16)],
                       render_kw={"autocomplete": "one-time-code", "autocapitalize": "characters"})
    submit = SubmitField(_l("Activate my account"))


class IdentityActivationForm(_PasswordMixin, FlaskForm):
    """Activate with the phone number and ID number on the register."""

    phone = StringField(_l("Mobile phone"), validators=[DataRequired(), Length(max=20)],
                        render_kw={"inputmode": "tel", "autocomplete": "tel"})
    id_number = StringField(_l("ID card number"), validators=[DataRequired(), Length(max=18)],
                            render_kw={"autocomplete": "off"})
    submit = SubmitField(_l("Activate my account"))


class ChangeReportForm(FlaskForm):
    """Tell the officer about a change."""

    kind = SelectField(_l("What changed"), choices=[
        ("found_job", _l("I found a job")), ("left_job", _l("I left my job")),
        ("moved", _l("I moved"))], validators=[DataRequired()])
    employer_name = StringField(_l("Employer"), validators=[Optional(), Length(max=128)])
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=128)])
    on_date = DateField(_l("Date"), validators=[Optional()])
    new_area_code = SelectField(_l("Moved to"), choices=[], validators=[Optional()])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=512)],
                         render_kw={"rows": 2})
    submit = SubmitField(_l("Send to my officer"))
