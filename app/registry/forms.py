"""Forms of the register. A worker's field rules are ``validation.check_worker_fields``
(the service, the API and the roster import judge by the same function); forms check
presence and length, and the worker form runs the rules so their problems show at once."""
from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from app.forms import MultiCheckboxField
from app.vocabulary import JOB_KINDS, WORKER_REGIONS

from .models import LABELS, Education, RiskCause, WorkerCategory, WorkerStatus
from .validation import WORKER_FIELDS, check_worker_fields


def _choices(kind: str, values: list[str]) -> list[tuple[str, object]]:
    return [(v, LABELS[kind][v]) for v in values]


def _required(message: object) -> DataRequired:
    return DataRequired(message=message)


class WorkerForm(FlaskForm):
    """Register or edit a worker."""

    name = StringField(_l("Name"), validators=[_required(_l("Enter the name.")),
                                               Length(max=64)])
    id_number = StringField(_l("Resident ID number"),
                            validators=[_required(_l("Enter the resident ID number.")),
                                        Length(max=24)],
                            description=_l("18 digits; the last may be X. Birth date and "
                                           "sex are taken from it."))
    phone = StringField(_l("Mobile phone"), validators=[Optional(), Length(max=20)])
    household_number = StringField(
        _l("Household number"), validators=[Optional(), Length(max=32)],
        description=_l("Leave empty for a worker without a registered household."))
    area_code = SelectField(_l("County"), choices=[], validate_choice=False,
                            description=_l("Taken from the household when one is given."))
    category = SelectField(_l("Category"), choices=_choices(
        "category", [c.value for c in WorkerCategory]), default="general")
    education = SelectField(_l("Education"), choices=_choices(
        "education", [e.value for e in Education]), default="junior")
    skills_text = TextAreaField(_l("Skills"), validators=[Length(max=2000)],
                                description=_l("As the worker says it, e.g. 电焊、开叉车、做饭"),
                                render_kw={"rows": 2})
    regions_acceptable = MultiCheckboxField(_l("Regions acceptable"), choices=_choices(
        "region_pref", list(WORKER_REGIONS)))
    min_wage = IntegerField(_l("Lowest monthly wage (yuan)"), validators=[Optional()])
    job_kinds_wanted = MultiCheckboxField(_l("Job kinds wanted"), choices=_choices(
        "job_kind", list(JOB_KINDS)))
    available_from = DateField(_l("Available from"), validators=[Optional()])
    care_duties = BooleanField(_l("Children or elders to care for at home (local work only)"))
    health_notes = TextAreaField(_l("Health or disability notes"),
                                 validators=[Length(max=2000)], render_kw={"rows": 2})
    status = SelectField(_l("Status"), choices=_choices(
        "status", [s.value for s in WorkerStatus]), default="seeking")
    submit = SubmitField(_l("Save"))

    def validate(self, extra_validators: Any = None) -> bool:
        """Presence and length, then the register's field rules (the same function the
        service, the API and the roster import use): each problem lands on its field."""
        valid = super().validate(extra_validators)
        data = {f: getattr(self, f).data for f in WORKER_FIELDS if f in self}
        for name, message in check_worker_fields(data, partial=True).problems.items():
            field = self[name]
            if not field.errors:
                field.errors = [*field.errors, message]
                valid = False
        return valid


class StatusForm(FlaskForm):
    """Change a worker's status with a reason."""

    status = SelectField(_l("New status"), choices=_choices(
        "status", [s.value for s in WorkerStatus]))
    reason = StringField(_l("Reason"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Change status"))


class CertificateForm(FlaskForm):
    """Add a certificate a worker holds."""

    kind = StringField(_l("Certificate"), validators=[
        _required(_l("Enter the kind of certificate.")), Length(max=48)],
        description=_l("e.g. 焊工特种作业操作证, 养老护理员职业技能等级证书"))
    number = StringField(_l("Number"), validators=[Optional(), Length(max=64)])
    issued_on = DateField(_l("Issued on"), validators=[Optional()])
    expires_on = DateField(_l("Expires on"), validators=[Optional()])
    submit = SubmitField(_l("Add certificate"))


class WorkHistoryForm(FlaskForm):
    """Add a past job."""

    employer_name = StringField(_l("Employer"), validators=[Optional(), Length(max=128)])
    job_title = StringField(_l("Job"), validators=[Optional(), Length(max=128)])
    place = StringField(_l("Place"), validators=[Optional(), Length(max=128)])
    start_date = DateField(_l("From"), validators=[Optional()])
    end_date = DateField(_l("Until"), validators=[Optional()])
    submit = SubmitField(_l("Add job"))


class HouseholdForm(FlaskForm):
    """Register or edit a household."""

    number = StringField(_l("Household number"), validators=[Optional(), Length(max=32)],
                         description=_l("Leave empty to have one assigned."))
    site_id = SelectField(_l("Relocation site"), choices=[], validate_choice=False)
    area_code = SelectField(_l("County"), choices=[], validate_choice=False,
                            description=_l("Taken from the site when one is chosen."))
    village = StringField(_l("Home village or community"), validators=[Length(max=128)])
    head_name = StringField(_l("Head of household"), validators=[Length(max=64)])
    monitored = BooleanField(_l("Monitored household (防返贫监测对象)"))
    risk_causes = MultiCheckboxField(_l("Risk causes"), choices=_choices(
        "risk", [r.value for r in RiskCause]))
    per_capita_income = IntegerField(_l("Yearly income per person (yuan)"), validators=[
        Optional(), NumberRange(min=0, max=10_000_000)])
    submit = SubmitField(_l("Save"))


class PlanEntryForm(FlaskForm):
    """Add a dated entry to the household's plan (一户一策)."""

    entry_date = DateField(_l("Date"), validators=[Optional()])
    text = TextAreaField(_l("Plan"), validators=[
        _required(_l("Write what is planned for the household.")), Length(max=4000)],
        render_kw={"rows": 3})
    submit = SubmitField(_l("Add to plan"))


class DependantForm(FlaskForm):
    """Add a household member who is not a worker."""

    name = StringField(_l("Name"), validators=[_required(_l("Enter the name.")),
                                               Length(max=64)])
    relation = SelectField(_l("Relation"), validators=[Optional(), Length(max=32)],
                           choices=[("", "—")] + _choices("relation", list(LABELS["relation"])))
    birth_year = IntegerField(_l("Year of birth"), validators=[
        Optional(), NumberRange(min=1900, max=2100)])
    note = StringField(_l("Note"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Add member"))


class SiteForm(FlaskForm):
    """Create or edit a relocation site."""

    name = StringField(_l("Name"), validators=[_required(_l("Enter the name of the site.")),
                                               Length(max=128)])
    county_code = SelectField(_l("County"), choices=[], validate_choice=False)
    address = StringField(_l("Address"), validators=[Length(max=256)])
    households_relocated = IntegerField(_l("Households relocated"),
                                        validators=[Optional(), NumberRange(min=0)])
    people_relocated = IntegerField(_l("People relocated"),
                                    validators=[Optional(), NumberRange(min=0)])
    contact_officer_id = SelectField(_l("Contact officer"), choices=[], validate_choice=False)
    submit = SubmitField(_l("Save"))


class ImportForm(FlaskForm):
    """Upload a roster."""

    file = FileField(_l("Roster file (.xlsx or .csv)"),
                     validators=[FileRequired(message=_l("Choose a file to import."))])
    submit = SubmitField(_l("Import"))


class ResolveForm(FlaskForm):
    """Merge a likely-duplicate pair (keeping one record) or dismiss it."""

    keep = HiddenField()
    action = HiddenField()
