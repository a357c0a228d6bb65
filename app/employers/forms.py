"""Forms: employer sign-up and details, suspension, openings."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
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
from wtforms.validators import DataRequired, EqualTo, Length, NumberRange, Optional, Regexp

from app.auth.areas import area_name
from app.auth.models import Area
from app.extensions import db
from app.forms import MultiCheckboxField
from app.registry.models import LABELS as REGISTRY_LABELS
from app.registry.models import Education
from app.skills.entries import certificate_choices, occupation_choices

from .models import INDUSTRIES


def place_choices() -> dict[str, list[tuple[str, str]]]:
    """Every area as option groups per province: the city itself, then its counties
    (named in the user's language)."""
    rows = db.session.execute(sa.select(Area.code, Area.level, Area.parent_code)
                              .order_by(Area.code)).all()
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, level, parent in rows:
        name = area_name(code)
        if level in ("province", "other"):
            groups.setdefault(name, []).append((code, name))
            continue
        top = code[:2] + "0000"
        label = name if level == "prefecture" or parent == top else \
            f"{area_name(parent)} {name}"
        groups.setdefault(area_name(top), []).append((code, ("　" if level == "county"
                                                             else "") + label))
    return groups


def guizhou_county_choices() -> list[tuple[str, str]]:
    """Guizhou's counties with their prefecture, for eligibility and co-operation."""
    stmt = (sa.select(Area.code, Area.parent_code)
            .where(Area.region == "guizhou", Area.level == "county").order_by(Area.code))
    return [("", "—")] + [(c, f"{area_name(p)} {area_name(c)}")
                          for c, p in db.session.execute(stmt)]


class EmployerForm(FlaskForm):
    """An employer's details (sign-up, creation on its behalf, editing)."""

    name = StringField(_l("Company name"), validators=[DataRequired(), Length(max=128)])
    credit_code = StringField(
        _l("Unified social credit code"), validators=[DataRequired(), Length(max=24)],
        description=_l("18 characters, as on the business licence"))
    industry = SelectField(_l("Industry"), choices=list(INDUSTRIES.items()))
    area_code = SelectField(_l("City / county"), validators=[DataRequired()], choices=[])
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
        self.area_code.choices = {"": [("", "—")], **place_choices()}
        self.coop_county_code.choices = guizhou_county_choices()


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



WAGE_BASES = [("month", _l("Monthly wage")), ("piece", _l("Piece rate")),
              ("negotiable", _l("Negotiable"))]
KINDS = [("market", _l("Market job")), ("public_welfare", _l("Public-welfare post")),
         ("work_relief", _l("Work-relief project"))]


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
        description=_l("Separate with commas; add a level 1–5 after a colon, e.g. 焊工:3, 电工"))
    preferred_skills = StringField(_l("Preferred skills"),
                                   validators=[Optional(), Length(max=500)])
    required_certificates = MultiCheckboxField(_l("Required certificates"), choices=[],
                                               validators=[Optional()])
    headcount = IntegerField(_l("Head-count"), default=1, validators=[
        DataRequired(), NumberRange(min=1, max=10000)])
    wage_basis = RadioField(_l("Pay"), choices=WAGE_BASES, default="month")
    wage_min = IntegerField(_l("Monthly wage from (CNY)"), validators=[Optional()])
    wage_max = IntegerField(_l("Monthly wage to (CNY)"), validators=[Optional()],
                            description=_l("For piece rates, the expected monthly range"))
    age_min = IntegerField(_l("Minimum age"), default=16, validators=[DataRequired()])
    age_max = IntegerField(_l("Maximum age"), default=55, validators=[DataRequired()])
    min_education = SelectField(
        _l("Minimum education"),
        choices=[(e.value, REGISTRY_LABELS["education"][e.value]) for e in Education])
    area_code = SelectField(_l("Workplace"), validators=[DataRequired()], choices=[])
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
        self.area_code.choices = {"": [("", "—")], **place_choices()}
        self.eligibility_county_code.choices = guizhou_county_choices()
