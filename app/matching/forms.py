"""Forms of the matching, referral and dispatch pages."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app import clock


class ReferForm(FlaskForm):
    """Refer one worker to one opening (the other side is in the URL)."""

    job_id = HiddenField()
    worker_id = HiddenField()
    note = StringField(_l("Note"), validators=[Optional(), Length(max=512)])
    submit = SubmitField(_l("Refer"))


class RespondForm(FlaskForm):
    """The employer invites a candidate to interview or declines with a reason."""

    action = SelectField(_l("Decision"), choices=[("accept", _l("Invite to interview")),
                                                  ("decline", _l("Decline"))])
    reason = StringField(_l("Reason for declining"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Send"))


class HireForm(FlaskForm):
    """Confirm a hire: start date, wage and contract."""

    job_id = HiddenField()
    start_date = DateField(_l("Start date"), validators=[InputRequired()], default=clock.today)
    monthly_wage = IntegerField(_l("Monthly wage (CNY)"),
                                validators=[Optional(), NumberRange(min=0, max=200_000)])
    contract_months = IntegerField(_l("Contract (months)"),
                                   validators=[Optional(), NumberRange(min=1, max=120)])
    submit = SubmitField(_l("Confirm hire"))


class WithdrawForm(FlaskForm):
    """Withdraw an open referral."""

    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Withdraw"))


class DispatchForm(FlaskForm):
    """Pick openings and a pool of seeking workers for an organised dispatch."""

    jobs = SelectMultipleField(_l("Openings"), coerce=int,
                               validators=[DataRequired(_l("Choose at least one opening."))])
    area_code = SelectField(_l("Workers from"), default="")
    category = SelectField(_l("Category"), default="", validate_choice=False, choices=[
        ("", _l("Any")), ("relocated", _l("Relocated labourer")),
        ("graduate", _l("Graduate from a formerly poor household")),
        ("returnee", _l("Returnee")), ("general", _l("General"))])
    priority_only = BooleanField(_l("Monitored households only"))
    submit = SubmitField(_l("Propose"))


class AcceptDispatchForm(FlaskForm):
    """The reviewed proposal; ``pairs`` are the checked "worker:job" values."""

    pairs = SelectMultipleField(_l("Pairs"), validate_choice=False)
    submit = SubmitField(_l("Refer the checked workers"))


class FilterForm(FlaskForm):
    """Filter the referral list."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validators=[Optional()])
    q = StringField(_l("Opening"), validators=[Optional()])

