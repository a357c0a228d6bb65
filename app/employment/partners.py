"""Labour-cooperation partner offices (劳务协作站): created by an administrator, linked to the
employers they work with (their accounts' scope), and given accounts of role ``partner``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import gettext as _

from app.areas.service import resolve_place
from app.auth.audit import audit
from app.auth.models import Role, User
from app.auth.service import AccountError, create_user
from app.employers.models import Employer
from app.errors_domain import DomainError
from app.extensions import db

from .models import LabourPartner, PartnerEmployer


def clean_partner(data: Mapping[str, Any]) -> dict[str, Any]:
    """Check a new office: a unique name and the destination city (or province) it serves,
    resolved by the place resolver; DomainError naming the field at fault."""
    name = str(data.get("name") or "").strip()
    if not name:
        raise DomainError(_("Enter the office's name."), field="name")
    if db.session.scalar(sa.select(LabourPartner.id).where(LabourPartner.name == name)):
        raise DomainError(_("An office of that name exists already."), field="name")
    place = resolve_place(str(data.get("place") or ""), field="place")
    code = place.city_code or place.province_code
    if code is None:
        raise DomainError(_("Name the city or province the office serves."), field="place")
    return {"name": name[:128], "area_code": code,
            "office_address": str(data.get("office_address") or "").strip()[:256],
            "contact_name": str(data.get("contact_name") or "").strip()[:64],
            "contact_phone": str(data.get("contact_phone") or "").strip()[:32]}


def create_partner(data: Mapping[str, Any], *, by: User | None) -> LabourPartner:
    """A new partner office (flushes, audited)."""
    partner = LabourPartner(**clean_partner(data))
    db.session.add(partner)
    db.session.flush()
    audit("partner_create", partner, user=by, detail={"area": partner.area_code})
    return partner


def find_employer(text: str) -> Employer:
    """The registered employer named exactly, or with that credit code (统一社会信用代码)."""
    text = (text or "").strip()
    if not text:
        raise DomainError(_("Enter the employer's name or credit code."), field="employer")
    found = db.session.scalars(sa.select(Employer).where(sa.or_(
        Employer.name == text, Employer.credit_code == text.upper())).limit(2)).all()
    if len(found) != 1:
        raise DomainError(_("No registered employer has that exact name or credit code."),
                          field="employer")
    return found[0]


def employers_of(partner: LabourPartner) -> list[Employer]:
    """The employers the office works with, by name."""
    return list(db.session.scalars(sa.select(Employer).join(
        PartnerEmployer, PartnerEmployer.employer_id == Employer.id).where(
        PartnerEmployer.partner_id == partner.id).order_by(Employer.name)))


def link_employer(partner: LabourPartner, employer: Employer, *, by: User | None) -> bool:
    """The office works with the employer from now on (False when it did already)."""
    if db.session.get(PartnerEmployer, (partner.id, employer.id)) is not None:
        return False
    db.session.add(PartnerEmployer(partner_id=partner.id, employer_id=employer.id))
    db.session.flush()
    audit("partner_link_employer", partner, user=by, detail={"employer_id": employer.id})
    return True


def unlink_employer(partner: LabourPartner, employer_id: int, *, by: User | None) -> bool:
    """The office no longer works with the employer (its accounts stop seeing it)."""
    link = db.session.get(PartnerEmployer, (partner.id, employer_id))
    if link is None:
        return False
    db.session.delete(link)
    db.session.flush()
    audit("partner_unlink_employer", partner, user=by, detail={"employer_id": employer_id})
    return True


def accounts_of(partner: LabourPartner) -> list[User]:
    """The office's logins."""
    return list(db.session.scalars(sa.select(User).where(
        User.partner_id == partner.id).order_by(User.username)))


def create_account(partner: LabourPartner, username: str, password: str,
                   display_name: str = "", *, by: User | None) -> User:
    """A login of role partner for the office (AccountError for a taken name or a weak
    password)."""
    username = (username or "").strip()
    if not username:
        raise AccountError(_("Enter a username."))
    user = create_user(username, password, Role.partner.value, partner_id=partner.id,
                       display_name=(display_name or partner.name).strip()[:64])
    audit("user_create", user, user=by, detail={"role": user.role, "partner": partner.id})
    return user
