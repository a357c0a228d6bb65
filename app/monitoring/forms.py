"""Forms of the monitoring pages and of the public declaration page."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import DateField, HiddenField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from app import clock

from .declare import KINDS
from .plan import MEASURE_KINDS


class MeasureForm(FlaskForm):
    """A measure taken for the household."""

    kind = SelectField(_l("What was done"), choices=list(MEASURE_KINDS.items()))
    text = TextAreaField(_l("Details"), validators=[Optional(), Length(max=1000)])
    taken_on = DateField(_l("Date"), validators=[Optional()], default=clock.today)


class RemoveRiskForm(FlaskForm):
    """A risk is gone: why, and since when."""

    reason = StringField(_l("Why the risk is gone"),
                         validators=[DataRequired(), Length(max=256)])
    removed_on = DateField(_l("Date"), validators=[Optional()])
    cause = HiddenField()


class CompareForm(FlaskForm):
    """Upload another department's list."""

    source = SelectField(_l("Department"), choices=[])
    list_date = DateField(_l("Date of the list"), validators=[DataRequired()])
    file = FileField(_l("List file (.xlsx or .csv)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])


class AnswerForm(FlaskForm):
    """What was done about a declaration (the person is told)."""

    answer = TextAreaField(_l("What was done"), validators=[DataRequired(), Length(max=1000)])


class PosterForm(FlaskForm):
    """A poster for a relocation site, or for a village of a county."""

    site_id = SelectField(_l("Relocation site"), choices=[], validate_choice=False)
    area_code = SelectField(_l("County"), choices=[], validate_choice=False)
    village = StringField(_l("Village"), validators=[Optional(), Length(max=128)])


class DeclareForm(FlaskForm):
    """Step 1 on the phone: what changed, and the ID number."""

    kind = RadioField(_l("What changed?"), choices=list(KINDS.items()),
                      validators=[DataRequired(message=_l("Choose what changed."))])
    id_number = StringField(_l("Your ID number"), validators=[DataRequired(), Length(max=24)])


class VerifyForm(FlaskForm):
    """Step 2: the code from the SMS, and optionally a note or a recording."""

    code = StringField(_l("Code from the SMS"), validators=[DataRequired(), Length(max=8)])
    note = TextAreaField(_l("Anything to add (optional)"),
                         validators=[Optional(), Length(max=500)])
    voice = FileField(_l("Voice message (optional)"))


__all__ = ["AnswerForm", "CompareForm", "DeclareForm", "FileRequired", "MeasureForm",
           "PosterForm", "RemoveRiskForm", "VerifyForm"]
