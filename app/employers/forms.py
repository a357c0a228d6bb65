"""Forms: employer sign-up and details, suspension, openings."""
from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from markupsafe import Markup, escape
from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)
from wtforms.widgets import Select, html_params

from app.areas.service import county_choices, place_options
from app.forms import MultiCheckboxField
from app.registry.models import LABELS as REGISTRY_LABELS
from app.registry.models import Education
from app.skills.entries import certificate_choices, occupation_choices

from .models import INDUSTRIES, LABELS


class PlaceSelect(Select):
    """The national map as a select: the options' markup is built once per process and
    language (``place_options``); only the chosen option is marked here."""

    def __call__(self, field: SelectField, **kwargs: object) -> Markup:
        kwargs.setdefault("id", field.id)
        flags = getattr(field, "flags", {})
        for k in dir(flags):
            if k in self.validation_attrs and k not in kwargs:
                kwargs[k] = getattr(flags, k)
        options, _codes = place_options()
        if field.data:
            # on the plain text: Markup.replace would escape the new tag into page text
            mark = f'<option value="{escape(field.data)}">'
            options = Markup(str(options).replace(mark, mark[:-1] + " selected>", 1))  # noqa: S704
        params = html_params(name=field.name, **kwargs)  # escapes its values
        return Markup(f"<select {params}>{options}</select>")  # noqa: S704 - escaped parts


class PlaceField(SelectField):
    """An area of the national map (its code); blank is left to DataRequired/Optional."""

    widget = PlaceSelect()

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("choices", [])
        super().__init__(*args, **kwargs)

    def pre_validate(self, form: FlaskForm) -> None:
        if self.data and self.data not in place_options()[1]:
            raise ValidationError(_l("Choose a place from the list."))


class EmployerForm(FlaskForm):
    """An employer's details (sign-up, creation on its behalf, editing)."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=128)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=24)],
        description=_l("18 characters, as on the business licence"))
    industry = SelectField(_l("Industry"), choices=list(INDUSTRIES.items()))
    area_code = PlaceField(_l("City / county"), validators=[DataRequired()])
    address = StringField(_l("Address"), validators=[Optional(), Length(max=256)])
    contact_name = StringField(_l("Contact person"), validators=[DataRequired(),
                                                                 Length(max=64)])
    contact_phone = StringField(_l("Contact phone"), validators=[DataRequired(),
                                                                Length(max=20)])
    labour_coop = BooleanField(_l("Takes part in labour co-operation with a Guizhou county"))
    coop_county_code = SelectField(_l("Partner county in Guizhou"), choices=[],
                                   validators=[Optional()])

    def fill_choices(self) -> None:
        """Load the area choices (needs the database)."""
        self.coop_county_code.choices = county_choices(with_prefecture=True)


_USERNAME = [DataRequired(), Length(min=3, max=64),
             Regexp(r"^[A-Za-z0-9_.-]+$",
                    message=_l("Use letters, digits, dot, dash or underscore."))]


class SignupForm(EmployerForm):
    """Self-service sign-up: the employer plus its login."""

    username = StringField(_l("Username"), validators=_USERNAME)
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(), EqualTo("password", message=_l("The passwords do not match."))])
    submit = SubmitField(_l("Register"))


class OfficerEmployerForm(EmployerForm):
    """An officer registers an employer on its behalf."""

    verify_now = BooleanField(_l("Verified: I have checked the business licence"))
    username = StringField(_l("Login for the employer (optional)"),
                           validators=[Optional(), *_USERNAME[1:]])
    password = PasswordField(_l("Initial password"), validators=[Optional(), Length(max=256)])
    submit = SubmitField(_l("Save"))


class EditEmployerForm(EmployerForm):
    """Change an employer's details."""

    submit = SubmitField(_l("Save"))


class SuspendForm(FlaskForm):
    """Suspend with a reason."""

    reason = StringField(_l("Reason"), validators=[DataRequired(), Length(max=256)])
    submit = SubmitField(_l("Suspend"))


class ActionForm(FlaskForm):
    """A bare POST form (CSRF only) for verify, reinstate, publish, close, copy."""



class ClassifyForm(FlaskForm):
    """Pick the occupation of an opening whose title named none (the officers' queue)."""

    occupation_code = SelectField(_l("Occupation"), choices=[],
                                  validators=[DataRequired(_l("Choose an occupation."))])
    submit = SubmitField(_l("Classify"))

    def fill_choices(self) -> None:
        """Occupations grouped by category, with an empty first choice."""
        self.occupation_code.choices = {"": [("", "—")], **dict(occupation_choices())}


WAGE_BASES = [("month", _l("Monthly wage")), ("piece", _l("Piece rate")),
              ("negotiable", _l("Negotiable"))]
KINDS = list(LABELS["job_kind"].items())


class JobForm(FlaskForm):
    """An opening (岗位)."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=128)])
    occupation_code = SelectField(_l("Occupation"), choices=[], validators=[Optional()])
    occupation_text = StringField(_l("Occupation (if not in the list)"),
                                  validators=[Optional(), Length(max=128)])
    description = TextAreaField(_l("Description"), validators=[Optional(), Length(max=5000)],
                                render_kw={"rows": 4})
    required_skills = StringField(
        _l("Required skills"), validators=[Optional(), Length(max=500)],
        description=_l("Type and pick from the suggestions, or write your own (an officer "
                       "adds it to the list). Separate with commas; add a level 1–5 after a "
                       "colon, e.g. 焊工:3, 电工"),
        render_kw={"data-skill-picker": "", "autocomplete": "off"})
    preferred_skills = StringField(_l("Preferred skills"),
                                   validators=[Optional(), Length(max=500)],
                                   render_kw={"data-skill-picker": "", "autocomplete": "off"})
    required_certificates = MultiCheckboxField(_l("Required certificates"), choices=[],
                                               validators=[Optional()])
    headcount = IntegerField(_l("Head-count"), default=1, validators=[
        Optional(), NumberRange(min=1, max=10000)],
        description=_l("Leave blank for 若干 (no fixed number)"))
    wage_basis = RadioField(_l("Pay"), choices=WAGE_BASES, default="month")
    wage_min = IntegerField(_l("Monthly wage from (CNY)"), validators=[Optional()])
    wage_max = IntegerField(_l("Monthly wage to (CNY)"), validators=[Optional()],
                            description=_l("For piece rates, the expected monthly range"))
    age_min = IntegerField(_l("Minimum age"), default=16, validators=[DataRequired()])
    age_max = IntegerField(_l("Maximum age"), default=55, validators=[DataRequired()])
    min_education = SelectField(
        _l("Minimum education"),
        choices=[(e.value, REGISTRY_LABELS["education"][e.value]) for e in Education])
    area_code = PlaceField(_l("Workplace"), validators=[DataRequired()])
    place_detail = StringField(_l("Town, street or park"), validators=[Optional(), Length(max=128)],
                               description=_l("Below the workplace, e.g. 长安镇 or 沙头工业区"))
    housing = BooleanField(_l("Housing provided"))
    meals = BooleanField(_l("Meals provided"))
    shifts = StringField(_l("Shifts"), validators=[Optional(), Length(max=64)],
                         description=_l("e.g. two shifts, 8 hours, days off on Sundays"))
    contract_months = IntegerField(_l("Contract length (months)"), validators=[Optional()])
    start_date = DateField(_l("Start date"), validators=[Optional()])
    closing_date = DateField(_l("Closing date"), validators=[Optional()])
    kind = SelectField(_l("Kind"), choices=KINDS, default="market")
    eligibility_county_code = SelectField(
        _l("Eligible county (public-welfare and work-relief posts)"), choices=[],
        validators=[Optional()],
        description=_l("Members of monitored or zero-employment households living in this "
                       "county"))
    submit = SubmitField(_l("Save"))

    def fill_choices(self) -> None:
        """Load the taxonomy and area choices."""
        self.occupation_code.choices = {"": [("", "—")], **dict(occupation_choices())}
        self.required_certificates.choices = certificate_choices()
        self.eligibility_county_code.choices = county_choices(with_prefecture=True)
