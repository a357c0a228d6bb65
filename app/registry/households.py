"""Households (户), their plan (一户一策) and dependants, and relocation sites."""
from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.auth.audit import audit
from app.auth.models import Area, User
from app.extensions import db
from app.todo.models import Todo

from .models import Dependant, Household, HouseholdPlanEntry, RelocationSite, RiskCause, Worker
from .service import RegisterInvalid, user_may_use_area
from .validation import clean_text, parse_name


def _county_ok(code: str | None, user: User | None, errors: dict) -> None:
    area = db.session.get(Area, code) if code else None
    if area is None or area.level != "county":
        errors["area_code"] = _("Choose the county.")
    elif not user_may_use_area(user, code):
        errors["area_code"] = _("You can only register people in your own area.")


def next_household_number(area_code: str) -> str:
    """A new household number for a county: the county code and a running number."""
    prefix = f"{area_code}-"
    last = db.session.scalar(
        sa.select(sa.func.max(Household.number)).where(
            Household.number.between(prefix + "000000", prefix + "999999")))
    seq = int(last[len(prefix):]) + 1 if last and last[len(prefix):].isdigit() else 1
    return f"{prefix}{seq:06d}"


def clean_household_fields(data: Mapping[str, Any], user: User | None,
                           current: Household | None = None) -> dict[str, Any]:
    """Check and normalise household fields; RegisterInvalid listing every bad field."""
    errors: dict[str, object] = {}
    out: dict[str, Any] = {}
    site_id = data.get("site_id") or None
    if site_id:
        site = db.session.get(RelocationSite, int(site_id)) if str(site_id).isdigit() else None
        if site is None or not user_may_use_area(user, site.county_code):
            errors["site_id"] = _("Choose a relocation site in your area.")
        else:
            out["site_id"] = site.id
            out["area_code"] = site.county_code
    else:
        out["site_id"] = None
        code = data.get("area_code") or (current.area_code if current else None)
        _county_ok(code, user, errors)
        out["area_code"] = code
    number = clean_text(data.get("number"))
    if number:
        if len(number) > 32:
            errors["number"] = _("The household number is too long (at most 32 characters).")
        else:
            clash = db.session.scalar(sa.select(Household.id).where(Household.number == number))
            if clash is not None and (current is None or clash != current.id):
                errors["number"] = _("This household number is already registered.")
        out["number"] = number
    out["village"] = clean_text(data.get("village"))[:128]
    head = clean_text(data.get("head_name"))
    if head:
        try:
            out["head_name"] = parse_name(head)
        except ValueError as exc:
            errors["head_name"] = str(exc)
    elif current is None or current.head_name:
        # A household is someone's: its head is named when it is registered (and stays).
        errors["head_name"] = _("Enter the head of household.")
    else:
        out["head_name"] = ""
    if not out["village"] and not out.get("site_id") and (current is None or current.village):
        errors["village"] = _("Enter the home village or community, or choose a relocation "
                              "site.")
    out["monitored"] = bool(data.get("monitored"))
    causes = [c for c in (data.get("risk_causes") or []) if c]
    bad = [c for c in causes if c not in RiskCause.__members__]
    if bad:
        errors["risk_causes"] = _("Unknown choice: %(v)s", v=", ".join(bad))
    out["risk_causes"] = [c.value for c in RiskCause if c.value in causes]
    if out["risk_causes"] and not out["monitored"]:
        errors["monitored"] = _("Risk causes are recorded for monitored households only; "
                                "tick “monitored” or clear the causes.")
    income = data.get("per_capita_income")
    if income in (None, ""):
        out["per_capita_income"] = None
    elif not isinstance(income, int) or not 0 <= income <= 10_000_000:
        errors["per_capita_income"] = _("Enter the yearly income per person in yuan.")
    else:
        out["per_capita_income"] = income
    if errors:
        raise RegisterInvalid(errors)
    return out


def create_household(data: Mapping[str, Any], by: User | None) -> Household:
    """Register a household (flushes); a number is generated when none is given."""
    values = clean_household_fields(data, by)
    if not values.get("number"):
        values["number"] = next_household_number(values["area_code"])
    household = Household(**values)
    db.session.add(household)
    db.session.flush()
    audit("household_create", household, user=by)
    return household


def update_household(household: Household, data: Mapping[str, Any], by: User | None) -> None:
    """Change a household's fields (flushes). Its members move with it to a new county."""
    values = clean_household_fields(data, by, current=household)
    if not values.get("number"):
        values.pop("number", None)
    for key, value in values.items():
        setattr(household, key, value)
    for worker in household.workers:
        worker.area_code = household.area_code
    db.session.flush()
    audit("household_update", household, user=by)


def household_history(household: Household) -> list[str]:
    """What makes a household more than a mistake (empty: it may be deleted): members,
    workers ever linked to it, plan entries, to-do items."""


    found = []
    checks = ((Worker, Worker.household_id, _("workers")),
              (Dependant, Dependant.household_id, _("members")),
              (HouseholdPlanEntry, HouseholdPlanEntry.household_id, _("plan entries")),
              (Todo, Todo.household_id, _("to-do items")))
    for model, column, name in checks:
        if db.session.scalar(sa.select(sa.func.count()).select_from(model).where(
                column == household.id)):
            found.append(name)
    return found


def delete_household(household: Household, by: User | None) -> None:
    """Delete a household registered by mistake: only one with no history (flushes)."""
    history = household_history(household)
    if history:
        raise RegisterInvalid({"household": _(
            "This household has history (%(what)s) and cannot be deleted; edit it instead.",
            what=", ".join(history))})
    audit("household_delete", household, user=by,
          detail={"number": household.number, "area": household.area_code})
    db.session.delete(household)
    db.session.flush()


def add_plan_entry(household: Household, text: str, entry_date: date | None,
                   by: User | None) -> HouseholdPlanEntry:
    """Add a dated entry to the household's plan; earlier entries stay as history."""
    text = clean_text(text)
    if not text:
        raise RegisterInvalid({"text": _("Write what is planned for the household.")})
    entry = HouseholdPlanEntry(household_id=household.id, text=text[:4000],
                               entry_date=entry_date or clock.today(),
                               author_id=getattr(by, "id", None))
    db.session.add(entry)
    db.session.flush()
    audit("household_plan", household, user=by)
    return entry


def add_dependant(household: Household, name: str, relation: str = "",
                  birth_year: int | None = None, note: str = "") -> Dependant:
    """Add a household member who is not a worker (child, elder, student…)."""
    try:
        name = parse_name(name)
    except ValueError as exc:
        raise RegisterInvalid({"name": str(exc)}) from None
    if birth_year is not None and not 1900 <= birth_year <= clock.today().year:
        raise RegisterInvalid({"birth_year": _("Enter a year such as 2015.")})
    dependant = Dependant(household_id=household.id, name=name,
                          relation=clean_text(relation)[:32], birth_year=birth_year,
                          note=clean_text(note)[:256])
    db.session.add(dependant)
    db.session.flush()
    return dependant


def save_site(data: Mapping[str, Any], by: User | None,
              site: RelocationSite | None = None) -> RelocationSite:
    """Create or change a relocation site (flushes)."""
    errors: dict[str, object] = {}
    name = clean_text(data.get("name"))
    if not name:
        errors["name"] = _("Enter the name of the site.")
    code = data.get("county_code") or (site.county_code if site else None)
    county_errors: dict[str, object] = {}
    _county_ok(code, by, county_errors)
    if county_errors:
        errors["county_code"] = county_errors["area_code"]
    for field in ("households_relocated", "people_relocated"):
        value = data.get(field) or 0
        if not isinstance(value, int) or value < 0:
            errors[field] = _("Enter a whole number, 0 or more.")
    if not errors:
        clash = db.session.scalar(sa.select(RelocationSite.id).where(
            RelocationSite.county_code == code, RelocationSite.name == name))
        if clash is not None and (site is None or clash != site.id):
            errors["name"] = _("This county already has a site with this name.")
    if errors or code is None:  # a missing county is among the errors
        raise RegisterInvalid(errors)
    site = site or RelocationSite()
    site.name = name[:128]
    site.county_code = code
    site.address = clean_text(data.get("address"))[:256]
    site.households_relocated = data.get("households_relocated") or 0
    site.people_relocated = data.get("people_relocated") or 0
    site.contact_officer_id = data.get("contact_officer_id") or None
    db.session.add(site)
    db.session.flush()
    audit("site_save", site, user=by)
    return site
