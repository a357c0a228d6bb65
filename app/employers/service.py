"""Employer operations: sign-up, creation on an employer's behalf, verification, suspension.

Services take plain arguments, flush and never commit; the view or command commits once.
Rule violations raise ``DomainError`` with a translated message and the field at fault.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError

from app import signals
from app.auth.audit import audit
from app.auth.models import Area, User
from app.auth.service import AccountError, create_user, password_problem
from app.clock import today, utcnow
from app.errors_domain import ConflictError, DomainError, Problems
from app.extensions import db
from app.plaintext import invisible_characters

from .models import Employer, EmployerStatus, Job
from .search import refresh_search_text

_PHONE_RE = re.compile(r"^(?:1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(?:-\d{1,5})?|400-?\d{3}-?\d{4})$")


def clean_credit_code(code: str) -> str:
    """Validate a unified social credit code (统一社会信用代码) and return it compacted."""
    compact = uscc.compact(code or "")
    if not compact:
        raise DomainError(_("Enter the unified social credit code."), field="credit_code")
    try:
        return uscc.validate(compact)
    except ValidationError as exc:
        raise DomainError(
            _("This is not a valid unified social credit code (18 characters, check digit "
              "included)."), field="credit_code", code="credit_code_invalid") from exc


@dataclass(frozen=True)
class Placement:
    """Where an area code sits: province, city and county codes, and its region."""

    province_code: str | None
    city_code: str | None
    county_code: str | None
    region: str


def locate(area_code: str | None, *, field: str = "area_code") -> Placement:
    """Province/city/county codes and region of an area (Shanghai districts: city = 310000)."""
    area = db.session.get(Area, area_code) if area_code else None
    if area is None:
        raise DomainError(_("Choose a place from the list."), field=field)
    chain = [area]
    while chain[-1].parent is not None and len(chain) < 4:
        chain.append(chain[-1].parent)
    by_level = {a.level: a.code for a in chain}
    province = by_level.get("province") or by_level.get("other")
    city = by_level.get("prefecture")
    county = by_level.get("county")
    if county and not city and province:
        city = province  # districts of a municipality hang directly off the province
    return Placement(province, city, county, area.region)


def guizhou_county(code: str | None, field: str) -> str:
    """Check that ``code`` is a county-level area in Guizhou; return it."""
    area = db.session.get(Area, code) if code else None
    if area is None or area.region != "guizhou" or area.level != "county":
        raise DomainError(_("Choose a county in Guizhou."), field=field)
    return area.code


@dataclass
class EmployerData:
    """What a sign-up or an officer enters about an employer."""

    name: str
    credit_code: str
    industry: str = ""
    area_code: str | None = None  # most specific area of the address
    address: str = ""
    contact_name: str = ""
    contact_phone: str = ""
    labour_coop: bool = False
    coop_county_code: str | None = None


def check_plain(text: str | None, field: str) -> None:
    """DomainError on ``field`` when the text holds invisible or direction-control
    characters (a name that looks like another one, or like nothing)."""
    chars = invisible_characters(text or "")
    if chars:
        raise DomainError(_("This text contains invisible or text-direction characters "
                            "(%(chars)s); please type it again.", chars=", ".join(chars)),
                          field=field, code="invisible_characters")


def _apply_employer(employer: Employer, data: EmployerData,
                    problems: Problems | None = None) -> None:
    """Check every field and set them; refuses once with every problem found (plus those
    already in ``problems``: the login's, at sign-up)."""
    problems = problems if problems is not None else Problems()
    for field in ("name", "contact_name", "address"):
        with problems.check():
            check_plain(getattr(data, field), field)
    name = (data.name or "").strip()
    if len(name) < 2 and not problems.has("name"):
        problems.add(DomainError(_("Enter the company name."), field="name"))
    code = ""
    with problems.check():
        code = clean_credit_code(data.credit_code)
        clash = db.session.scalar(sa.select(Employer.id).where(
            Employer.credit_code == code, Employer.id != (employer.id or -1)))
        if clash:
            raise ConflictError(_("An employer with this credit code is already registered."),
                                field="credit_code", code="credit_code_taken")
    place = None
    with problems.check():
        place = locate(data.area_code)
    phone = re.sub(r"[\s()（）]", "", data.contact_phone or "")
    if not _PHONE_RE.match(phone):
        problems.add(DomainError(
            _("Enter a mobile number (11 digits) or a landline with area code."),
            field="contact_phone"))
    if not (data.contact_name or "").strip() and not problems.has("contact_name"):
        problems.add(DomainError(_("Enter a contact person."), field="contact_name"))
    coop = None
    if data.labour_coop:
        with problems.check():
            coop = guizhou_county(data.coop_county_code, "coop_county_code")
    problems.raise_any()
    if place is None:  # raise_any refused already: for the type checker
        return
    employer.name = name[:128]
    employer.credit_code = code
    employer.industry = (data.industry or "").strip()[:64]
    employer.province_code = place.province_code
    employer.city_code = place.city_code
    employer.county_code = place.county_code
    employer.region = place.region
    employer.address = (data.address or "").strip()[:256]
    employer.contact_name = data.contact_name.strip()[:64]
    employer.contact_phone = phone[:20]
    employer.labour_coop = bool(data.labour_coop)
    employer.coop_county_code = coop


def _login_problems(username: str, password: str) -> Problems:
    """The problems of a new employer login (none given, name taken, weak password), to
    report with the company's own in one answer."""
    problems = Problems()
    name = (username or "").strip()
    if not name:
        problems.add(DomainError(_("Choose a username."), field="username"))
    elif db.session.scalar(sa.select(User.id).where(User.username == name)):
        problems.add(DomainError(_("Username already taken: %(name)s", name=name),
                                 field="username", code="username_taken"))
    weak = password_problem(password or "")
    if weak:
        problems.add(DomainError(weak, field="password", code="weak_password"))
    return problems


def _employer_login(employer: Employer, data: EmployerData, username: str,
                    password: str) -> User:
    """The employer's login; a refused name or password is a form error on its field."""
    try:
        return create_user(username.strip(), password, "employer", employer_id=employer.id,
                           display_name=data.contact_name.strip() or employer.name)
    except AccountError as exc:
        field = "username" if "sername" in str(exc) or "用户名" in str(exc) else "password"
        raise DomainError(str(exc), field=field) from exc


def sign_up(data: EmployerData, username: str, password: str) -> tuple[Employer, User]:
    """Self-service registration: a pending employer and its employer login (flushes)."""
    employer = Employer(status=EmployerStatus.pending.value)
    _apply_employer(employer, data, _login_problems(username, password))
    db.session.add(employer)
    db.session.flush()
    user = _employer_login(employer, data, username, password)
    audit("employer_signup", employer, user=user, detail={"credit_code": employer.credit_code})
    return employer, user


def create_employer(data: EmployerData, by: User, *, verify_now: bool = False,
                    username: str = "", password: str = "") -> Employer:
    """An officer registers an employer on its behalf, optionally verified at once and
    optionally with a login for it, which then needs an initial password (flushes)."""
    problems = _login_problems(username, password) if username and password else Problems()
    if username and not password:
        problems.add(DomainError(_("Give an initial password for the login."),
                                 field="password"))
    employer = Employer(status=EmployerStatus.pending.value, created_by_id=by.id)
    _apply_employer(employer, data, problems)
    db.session.add(employer)
    db.session.flush()
    if username:
        _employer_login(employer, data, username, password)
    audit("employer_create", employer, user=by, detail={"credit_code": employer.credit_code})
    if verify_now:
        verify(employer, by)
    return employer


def update_employer(employer: Employer, data: EmployerData, by: User) -> Employer:
    """Change an employer's details; its openings' search text follows the name (flushes)."""
    old_name = employer.name
    if employer.status != EmployerStatus.pending.value and by.role == "employer" \
            and uscc.compact(data.credit_code or "") != employer.credit_code:
        raise DomainError(_("A verified employer's credit code can only be changed by an "
                            "officer."), field="credit_code")
    _apply_employer(employer, data)
    db.session.flush()
    if employer.name != old_name:
        for job in db.session.scalars(sa.select(Job).where(Job.employer_id == employer.id)):
            refresh_search_text(job)
        if by.role == "employer" and employer.status == EmployerStatus.verified.value:
            # Verification vouched for a name: a new one is checked again before the board,
            # matching and hires trust it (an officer's correction keeps the verification).
            employer.status = EmployerStatus.pending.value
            employer.status_reason = _("Name changed from %(old)s: to be verified again.",
                                       old=old_name)[:256]
            audit("employer_reverify", employer, user=by,
                  detail={"old_name": old_name, "new_name": employer.name})
    audit("employer_update", employer, user=by)
    return employer


_BRACKETS = str.maketrans({"[": "(", "]": ")", "【": "(", "】": ")", "〔": "(", "〕": ")",
                           "〖": "(", "〗": ")", "{": "(", "}": ")"})
_NAME_SPACES_RE = re.compile(r"[\s\u3000]+")


def employer_name_key(name: str) -> str:
    """An employer's name for exact comparison: NFKC (full-width （） and letters become
    half-width), every bracket kind as (), no spaces, letters in lower case.
    "东莞市 长安（精密）电子有限公司" and "东莞市长安(精密)电子有限公司" are one name."""
    text = unicodedata.normalize("NFKC", name or "").translate(_BRACKETS)
    return _NAME_SPACES_RE.sub("", text).casefold()


def register_from_sheet(name: str, credit_code: str | None, source: str, by: User | None,
                        *, detail: dict | None = None) -> Employer:
    """An employer named on a partner's sheet of openings and not yet registered: recorded
    as pending verification with the partner as its source, so an officer verifies it
    (in bulk, :func:`verify_many`) before its openings can be published (flushes)."""
    name = (name or "").strip()
    if len(name) < 2:
        raise DomainError(_("Enter the company name."), field="name")
    employer = Employer(name=name[:128], credit_code=credit_code or None,
                        status=EmployerStatus.pending.value, region="other",
                        source=(source or "").strip()[:128],
                        created_by_id=by.id if by else None)
    db.session.add(employer)
    db.session.flush()
    audit("employer_create", employer, user=by,
          detail={"credit_code": employer.credit_code, "source": employer.source,
                  **(detail or {})})
    return employer


def verify_many(employer_ids: list[int], by: User) -> list[Employer]:
    """Verify several pending employers at once (the officer's bulk check of employers
    registered from partners' sheets); suspended or unknown ones are skipped (flushes)."""
    if not employer_ids:
        return []
    done = []
    for employer in db.session.scalars(sa.select(Employer).where(
            Employer.id.in_(employer_ids),
            Employer.status == EmployerStatus.pending.value).order_by(Employer.id)):
        done.append(verify(employer, by))
    return done


def verify(employer: Employer, by: User) -> Employer:
    """An officer confirms a pending employer; it may now publish openings (flushes)."""
    if employer.status == EmployerStatus.suspended.value:
        raise ConflictError(_("A suspended employer is reinstated, not verified."),
                            code="employer_suspended")
    if employer.status == EmployerStatus.verified.value:
        return employer
    employer.status = EmployerStatus.verified.value
    employer.status_reason = ""
    employer.verified_by_id = by.id
    employer.verified_at = utcnow()
    audit("employer_verify", employer, user=by)
    db.session.flush()
    _tell(employer, "employer_verified")
    return employer


def _tell(employer: Employer, kind: str, **params: object) -> None:
    """Tell the employer about a change of its standing (its page and an SMS: the
    notifications feature receives the signal)."""
    signals.employer_standing_changed.send(employer, kind=kind, params={
        "name": employer.name, **params})


def suspend(employer: Employer, reason: str, by: User) -> Employer:
    """Suspend an employer (for example over wage arrears, 欠薪); its openings leave the
    board and matching at once, without their own status changing (flushes).

    ``Employer.arrears_open`` is not touched: it belongs to the wage-arrears cases
    (app.placements.arrears), which open and resolve it."""
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Give the reason for the suspension."), field="reason")
    employer.status = EmployerStatus.suspended.value
    employer.status_reason = reason[:256]
    audit("employer_suspend", employer, user=by, detail={"reason": reason})
    db.session.flush()
    _tell(employer, "employer_suspended", reason=reason)
    return employer


def reinstate(employer: Employer, by: User, note: str = "") -> Employer:
    """Lift a suspension; open openings return to the board if still in date (flushes)."""
    if employer.status != EmployerStatus.suspended.value:
        raise ConflictError(_("Only a suspended employer can be reinstated."),
                            code="not_suspended")
    employer.status = (EmployerStatus.verified.value if employer.verified_at
                       else EmployerStatus.pending.value)
    employer.status_reason = ""
    audit("employer_reinstate", employer, user=by, detail={"note": note} if note else None)
    db.session.flush()
    _tell(employer, "employer_reinstated")
    return employer


def listed_clause(day: date) -> sa.ColumnElement[bool]:
    """Openings the public may see and matching may use on ``day``: open (per
    ``Job.open_clause``) and of a verified employer. Needs ``Employer`` joined."""
    return sa.and_(Job.open_clause(day), Employer.status == EmployerStatus.verified.value)


def listed_jobs(day: date | None = None) -> sa.Select:
    """``SELECT job`` over every listed opening (board, matching); add filters and order."""
    day = day or today()
    return sa.select(Job).join(Employer, Job.employer_id == Employer.id).where(
        listed_clause(day))
