"""Forms: a follow-up's outcome, resolving a wage-arrears case."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    DateField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional

from app.forms import MultiCheckboxField

from .followup_models import EMPLOYMENT, ISSUES, LABELS, METHODS


def _choices(kind: str, keys: tuple[str, ...], blank: bool = False) -> list:
    choices = [(k, LABELS[kind][k]) for k in keys]
    return [("", _l("— choose —"))] + choices if blank else choices


class OutcomeForm(FlaskForm):
    """What the officer learnt on this attempt."""

    method = SelectField(_l("Contact method"), choices=_choices("method", METHODS),
                         validators=[DataRequired()])
    reached = RadioField(_l("Reached the worker?"), validators=[InputRequired()],
                         choices=[("yes", _l("Reached")), ("no", _l("Not reached"))])
    employment = SelectField(_l("Work situation"), validators=[Optional()],
                             choices=_choices("employment", EMPLOYMENT, blank=True))
    current_wage = IntegerField(_l("Current monthly wage (yuan)"),
                                validators=[Optional(), NumberRange(0, 200_000)])
    new_employer_name = StringField(_l("New employer"),
                                    validators=[Optional(), Length(max=128)])
    new_employer_credit_code = StringField(
        _l("New employer's credit code"), validators=[Optional(), Length(max=32)],
        description=_l("The unified social credit code links the job to a registered "
                       "employer; a name alone is kept as written."))
    new_wage = IntegerField(_l("New monthly wage (yuan)"),
                            validators=[Optional(), NumberRange(0, 200_000)])
    left_date = DateField(_l("Date left the job"), validators=[Optional()])
    left_reason = StringField(_l("Reason for leaving"), validators=[Optional(), Length(max=256)])
    issues = MultiCheckboxField(_l("Issues"), choices=_choices("issue", ISSUES))
    satisfaction = SelectField(_l("Satisfaction"), validators=[Optional()], choices=[
        ("", _l("— not asked —")), ("5", _l("5 very satisfied")), ("4", "4"), ("3", "3"),
        ("2", "2"), ("1", _l("1 very unsatisfied"))])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=4000)])
    submit = SubmitField(_l("Save"))


class ResolveForm(FlaskForm):
    """Close a wage-arrears case."""

    resolution_note = TextAreaField(_l("How was it resolved?"),
                                    validators=[DataRequired(), Length(max=4000)])
    submit = SubmitField(_l("Mark resolved"))
