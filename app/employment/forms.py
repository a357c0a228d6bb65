"""Forms: a job found elsewhere, its end, a layoff alert, an answer taken on a call."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField, IntegerField, RadioField, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.employers.models import INDUSTRIES

from .answers import NOT_WORKING_REASONS
from .models import LABELS


def _choices(kind: str) -> list[tuple[str, object]]:
    return list(LABELS[kind].items())


class RecordForm(FlaskForm):
    """A job the worker found without a referral."""

    employer_name = StringField(_l("Employer"), validators=[DataRequired(), Length(max=128)])
    place = StringField(_l("City"), validators=[DataRequired(), Length(max=128)],
                        description=_l("As people write it, e.g. 东莞长安 or 苏州昆山"))
    sector = SelectField(_l("Sector"), validators=[Optional()])
    start_month = StringField(_l("Start month"), validators=[DataRequired(), Length(max=10)],
                              description=_l("e.g. 2025-03"))
    monthly_wage = IntegerField(_l("Monthly wage (yuan)"),
                                validators=[Optional(), NumberRange(0, 200_000)])
    found_via = SelectField(_l("How was it found"), default="self")
    submit = SubmitField(_l("Record job"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.sector.choices = [("", "—")] + [(k, str(v)) for k, v in INDUSTRIES.items()]
        self.found_via.choices = [(k, str(v)) for k, v in _choices("found_via")]


class EndForm(FlaskForm):
    """The last month worked."""

    end_month = StringField(_l("Last month worked"), validators=[DataRequired(), Length(max=10)])
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("End job"))


class LayoffForm(FlaskForm):
    """An employer cutting staff or closing."""

    employer_id = SelectField(_l("Employer"), coerce=int, validators=[DataRequired()])
    kind = SelectField(_l("Kind"))
    date = DateField(_l("Date"), validators=[DataRequired()])
    workers_affected = IntegerField(_l("Workers affected"),
                                    validators=[Optional(), NumberRange(0, 1_000_000)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=1000)])
    submit = SubmitField(_l("Record alert"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = [(k, str(v)) for k, v in _choices("layoff_kind")]


class CallAnswerForm(FlaskForm):
    """The check-in's answer, taken by an officer on a call."""

    answer = RadioField(_l("Answer"), validators=[DataRequired()])
    wage = IntegerField(_l("Monthly wage (yuan)"), validators=[Optional(), NumberRange(0, 200_000)])
    employer_name = StringField(_l("New employer"), validators=[Optional(), Length(max=128)])
    place = StringField(_l("City"), validators=[Optional(), Length(max=128)])
    reason = SelectField(_l("Why not working"), validators=[Optional()])
    issue = SelectField(_l("Problem to report"), validators=[Optional()])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Record answer"))

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self.answer.choices = [(k, str(v)) for k, v in _choices("answer")]
        self.reason.choices = [("", "—")] + [(k, str(v)) for k, v in NOT_WORKING_REASONS.items()]
        self.issue.choices = [("", "—")] + [(k, str(v)) for k, v in _choices("issue")]
