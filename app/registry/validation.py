"""Checking what officers type: resident ID numbers, mobile phones, names in pinyin, and
every rule of a worker's fields (:func:`check_worker_fields`).

Pure functions (no database, no request); the worker form, the register service (so the
API) and the roster importer share them, so a value is judged the same way wherever it
comes from. Errors are ``FieldError`` with a translated message (lazy, so they render in
the reader's language); :func:`check_worker_fields` returns every problem by field.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cache, lru_cache
from typing import Any

import phonenumbers
from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin
from pypinyin.constants import RE_HANS
from pypinyin.seg.mmseg import p_set as _PHRASE_PREFIXES
from stdnum import numdb
from stdnum.cn import ric

from app import clock
from app.plaintext import invisible_characters
from app.vocabulary import JOB_KINDS
from app.vocabulary import WORKER_REGIONS as REGIONS

MIN_WORKING_AGE = 16
MAX_WAGE = 100_000  # yuan a month
MAX_NOTES = 2000  # characters of skills and health notes
CATEGORIES = ("relocated", "graduate", "returnee", "general")
EDUCATION = ("none", "primary", "junior", "senior", "vocational", "college", "bachelor")


class FieldError(ValueError):
    """A value that does not pass its check; ``message`` is safe to show."""

    def __init__(self, message: object) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class IdNumber:
    """A checked 18-digit resident ID number with what it tells about its holder."""

    number: str
    birth_date: date
    sex: str  # "M" or "F"


_ID_CLEAN_RE = re.compile(r"[\s\-]")


def clean_text(value: object) -> str:
    """Text as typed, NFKC-normalised (full-width digits and letters become ASCII), trimmed."""
    if value is None:
        return ""
    if type(value) is str and value.isascii():
        return value.strip()  # NFKC leaves ASCII as it is (most cells: numbers, codes)
    return unicodedata.normalize("NFKC", str(value)).strip()


@lru_cache(maxsize=8192)
def _region_known(code: str) -> bool:
    # stdnum's ric.validate also checks that the region code existed in the birth year.
    # That rejects real people: a code is assigned when the card is first issued, so a
    # Weining resident born in 1980 and first registered after 2011 holds 520526…, a code
    # that only exists since 2011. We only require the code to be a known county, any era.
    info = {k: v for _part, props in numdb.get("cn/loc").info(code) for k, v in props.items()}
    return bool(info.get("county"))


def parse_id_number(value: object, today: date | None = None) -> IdNumber:
    """Check a resident ID number (cn.ric) and derive birth date and sex; FieldError if bad."""
    text = _ID_CLEAN_RE.sub("", clean_text(value)).upper()
    if not text:
        raise FieldError(_l("Enter the resident ID number."))
    if len(text) == 15 and text.isdigit():
        raise FieldError(_l("This is an old 15-digit ID number; enter the 18-digit number "
                            "on the current resident ID card."))
    if len(text) != 18:
        raise FieldError(_l("An ID number has 18 characters; this one has %(n)d.", n=len(text)))
    if not text[:17].isdigit() or not (text[17].isdigit() or text[17] == "X"):
        raise FieldError(_l("An ID number is 17 digits followed by a digit or X."))
    try:  # ric.get_birth_date, without cleaning the number a second time
        born = date(int(text[6:10]), int(text[10:12]), int(text[12:14]))
    except ValueError:
        raise FieldError(_l("The birth date in this ID number (%(part)s) is not a real date.",
                            part=text[6:14])) from None
    today = today or clock.today()
    if born > today or born.year < 1900:
        raise FieldError(_l("The birth date in this ID number (%(part)s) is not possible.",
                            part=text[6:14]))
    if text[17] != ric.calc_check_digit(text):
        raise FieldError(_l("The ID number's check digit is wrong; please check every digit."))
    if text[4:6] == "00":
        raise FieldError(_l("The first six digits (%(code)s) name a province or a prefecture; "
                            "an ID number starts with the code of a county.", code=text[:6]))
    if not _region_known(text[:6]):
        raise FieldError(_l("The first six digits (%(code)s) are not a known area code.",
                            code=text[:6]))
    sex = "M" if int(text[16]) % 2 else "F"
    return IdNumber(text, born, sex)


def check_working_age(id_number: IdNumber, today: date | None = None) -> None:
    """FieldError when the holder is younger than the legal working age."""
    today = today or clock.today()
    born = id_number.birth_date
    age = today.year - born.year - ((today.month, today.day) < (born.month, born.day))
    if age < MIN_WORKING_AGE:
        raise FieldError(_l("The holder of this ID number is %(age)d, under the working age "
                            "of %(min)d.", age=age, min=MIN_WORKING_AGE))


def parse_phone(value: object) -> str | None:
    """Check a Chinese mobile number and return its 11 digits (None when empty)."""
    text = clean_text(value)
    if not text:
        return None
    if isinstance(value, float) and value.is_integer():  # a spreadsheet's number cell
        text = str(int(value))
    if re.search(r"[A-Za-z]", text):
        # phonenumbers would read letters as keypad digits (1398500abcd → 13985002223).
        raise FieldError(_l("A phone number has digits only; this one has letters."))
    if _PLAIN_MOBILE_RE.match(text):
        # 11 digits: validity depends only on the first five (checked exhaustively against
        # phonenumbers' CN metadata), so parse once per prefix; parse was the slowest step
        # of a large import otherwise.
        if not _mobile_prefix_ok(text[:5]):
            raise FieldError(_l("Enter an 11-digit mainland mobile number, e.g. 138 0013 8000."))
        return text
    try:
        number = phonenumbers.parse(text, "CN")
    except phonenumbers.NumberParseException:
        raise FieldError(_l("This is not a phone number.")) from None
    kind = phonenumbers.number_type(number)
    mobile = kind in (phonenumbers.PhoneNumberType.MOBILE,
                      phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
    if number.country_code != 86 or not phonenumbers.is_valid_number(number) or not mobile:
        raise FieldError(_l("Enter an 11-digit mainland mobile number, e.g. 138 0013 8000."))
    return str(number.national_number)


_PLAIN_MOBILE_RE = re.compile(r"^1\d{10}$")


@lru_cache(maxsize=65536)
def _mobile_prefix_ok(prefix: str) -> bool:
    try:
        number = phonenumbers.parse(prefix + "0" * (11 - len(prefix)), "CN")
    except phonenumbers.NumberParseException:
        return False
    kind = phonenumbers.number_type(number)
    return phonenumbers.is_valid_number(number) and kind in (
        phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def parse_name(value: object) -> str:
    """A person's name: required, at most 64 characters, inner spaces removed for Chinese."""
    text = clean_text(value)
    if invisible_characters(text):
        raise FieldError(_l("The name contains invisible or text-direction characters (%(chars)s); "
                            "please type it again.", chars=", ".join(invisible_characters(text))))
    if not text:
        raise FieldError(_l("Enter the name."))
    if len(text) > 64:
        raise FieldError(_l("The name is too long (at most 64 characters)."))
    if re.search(r"[\u3400-\u9fff]", text):
        text = re.sub(r"\s+", "", text)
    return text


@lru_cache(maxsize=65536)
def name_keys(name: str) -> tuple[str, str]:
    """(full pinyin, initials) of a name, lower-case ASCII: 张三 → ("zhangsan", "zs").

    lazy_pinyin picks the common reading of each character (heteronyms such as 单 or 曾
    get one stable reading, so the same name always gives the same key); Latin letters
    and digits are kept, everything else is dropped.
    """
    parts = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in _syllables(name)]
    parts = [p for p in parts if p]
    return "".join(parts)[:128], "".join(p[0] for p in parts)[:32]


def _syllables(name: str) -> list[str]:
    # lazy_pinyin reads a run of Chinese characters word by word (the longest word of its
    # phrase list at each place); where no two neighbours start a word of that list, every
    # character is its own word, read alone: the same syllables, from a per-character memo
    # (most names; a whole-name lazy_pinyin was the slowest check of a roster import).
    if RE_HANS.match(name) and not any(name[i:i + 2] in _PHRASE_PREFIXES
                                       for i in range(len(name) - 1)):
        return [syllable for char in name for syllable in _char_syllables(char)]
    # pypinyin documents that ``errors`` may return a list; its annotation says a str.
    return lazy_pinyin(name, style=Style.NORMAL,
                       errors=lambda s: s.split(),  # type: ignore[arg-type,return-value]
                       v_to_u=False)


@cache  # one entry per character ever seen: bounded by the script
def _char_syllables(char: str) -> tuple[str, ...]:
    return tuple(lazy_pinyin(char, style=Style.NORMAL,
                             errors=lambda s: s.split(),  # type: ignore[arg-type,return-value]
                             v_to_u=False))


def prefix_bounds(prefix: str, width: int) -> tuple[str, str]:
    """Inclusive (low, high) covering every key of at most ``width`` characters that starts
    with ``prefix``; keys are ASCII digits, lower-case letters and X.

    ``col BETWEEN low AND high`` is a prefix search that any B-tree index serves, under the
    C collation and under linguistic ones alike (LIKE is case-insensitive on SQLite and
    needs text_pattern_ops on PostgreSQL; ``chr(ord(last) + 1)`` may be punctuation, which
    linguistic collations ignore).
    """
    return prefix, prefix + "z" * max(1, width - len(prefix))


# ---- a worker's fields: one rule per field -----------------------------------------------


def wage_problem() -> Any:
    """The message for a monthly wage out of range (the API's schema shows it too)."""
    return _l("Enter a monthly wage in yuan between 0 and %(max)d.", max=MAX_WAGE)


@dataclass(frozen=True)
class Note:
    """A value a rule changed or dropped: what was given and what is kept (and why)."""

    field: str
    given: Any
    kept: Any
    reason: Any


@dataclass
class WorkerCheck:
    """What :func:`check_worker_fields` found: column ``values`` ready to set, ``problems``
    by field (nothing may be saved while there are any) and ``notes`` on values a rule
    changed or dropped."""

    values: dict[str, Any] = field(default_factory=dict)
    problems: dict[str, Any] = field(default_factory=dict)
    notes: list[Note] = field(default_factory=list)
    today: date | None = field(default=None, repr=False, compare=False)  # the day judged on

    def __bool__(self) -> bool:
        return not self.problems


WORKER_FIELDS = ("name", "id_number", "phone", "category", "education", "skills_text",
                 "health_notes", "regions_acceptable", "job_kinds_wanted", "min_wage",
                 "available_from", "care_duties")
DEFAULTS = {"category": "general", "education": "junior"}  # for a new worker


def check_worker_fields(data: Mapping[str, Any], *, partial: bool = False,
                        care_duties_now: bool = False, today: date | None = None) -> WorkerCheck:
    """Judge a worker's fields by the register's rules (the household and the county need
    the database: the service and the importer check those).

    ``data`` holds plain values (text, choice names, lists of names, a whole number of yuan,
    a date, a bool). A new worker (``partial=False``) needs a name and an ID number, and
    missing fields get their defaults; with ``partial`` only the fields in ``data`` are
    judged (an edit, an import row's filled cells), ``care_duties_now`` being the stored
    care duties when ``data`` does not say. ``notes`` lists values a rule changed or
    dropped (the care-duties rule, text cut to length), for reports that show them.
    ``today`` is the day the working age is judged on (default: the clock's; an import
    passes the day it started, once, instead of asking the clock twice a row).
    """
    check = WorkerCheck(today=today)
    for name in WORKER_FIELDS:
        if name in data or not partial:
            try:
                _RULES[name](data.get(name), check)
            except FieldError as exc:
                check.problems[name] = exc.message
    if care_duties_rule(check.values, care_duties_now):
        given = data.get("regions_acceptable")
        if given and check.values.get("regions_acceptable") != ["local"]:
            check.notes.append(Note("regions_acceptable", given, ["local"],
                                    _l("Children or elders to care for at home means local "
                                       "work only.")))
        check.values["regions_acceptable"] = ["local"]
    return check


def care_duties_rule(values: Mapping[str, Any], care_duties_now: bool = False) -> bool:
    """Whether the worker has children or elders to care for at home, which means local
    work only (``regions_acceptable`` becomes ["local"])."""
    return bool(values.get("care_duties", care_duties_now))


def _name(value: Any, check: WorkerCheck) -> None:
    name = parse_name(value)
    pinyin, initials = name_keys(name)
    check.values.update(name=name, name_pinyin=pinyin, name_initials=initials)


def _id_number(value: Any, check: WorkerCheck) -> None:
    today = check.today or clock.today()
    parsed = parse_id_number(value, today)
    check_working_age(parsed, today)
    check.values.update(id_number=parsed.number, id_number_rev=parsed.number[::-1],
                        birth_date=parsed.birth_date, sex=parsed.sex)


def _phone(value: Any, check: WorkerCheck) -> None:
    phone = parse_phone(value)
    check.values.update(phone=phone, phone_rev=phone[::-1] if phone else None)


def _choice(name: str, allowed: tuple[str, ...]) -> Callable[[Any, WorkerCheck], None]:
    def rule(value: Any, check: WorkerCheck) -> None:
        value = value or DEFAULTS.get(name)
        if value not in allowed:
            raise FieldError(_l("Unknown choice: %(v)s", v=value))
        check.values[name] = value
    return rule


def _choices(name: str, allowed: tuple[str, ...]) -> Callable[[Any, WorkerCheck], None]:
    def rule(value: Any, check: WorkerCheck) -> None:
        items = [v for v in (value or []) if v]
        bad = [v for v in items if v not in allowed]
        if bad:
            raise FieldError(_l("Unknown choice: %(v)s", v=", ".join(map(str, bad))))
        check.values[name] = list(dict.fromkeys(items))  # keeps the preference order
    return rule


def _notes_text(name: str) -> Callable[[Any, WorkerCheck], None]:
    def rule(value: Any, check: WorkerCheck) -> None:
        text = clean_text(value)
        check.values[name] = text[:MAX_NOTES]
        if len(text) > MAX_NOTES:
            check.notes.append(Note(name, text, text[:MAX_NOTES],
                                    _l("Cut to %(n)d characters.", n=MAX_NOTES)))
    return rule


def _min_wage(value: Any, check: WorkerCheck) -> None:
    if value in (None, ""):
        check.values["min_wage"] = None
    elif not isinstance(value, int) or not 0 <= value <= MAX_WAGE:
        raise FieldError(wage_problem())
    else:
        check.values["min_wage"] = value


def _available_from(value: Any, check: WorkerCheck) -> None:
    if value is not None and not isinstance(value, date):
        raise FieldError(_l("Enter a date such as 2025-03-01."))
    check.values["available_from"] = value


def _care_duties(value: Any, check: WorkerCheck) -> None:
    check.values["care_duties"] = bool(value)


_RULES: dict[str, Callable[[Any, WorkerCheck], None]] = {
    "name": _name, "id_number": _id_number, "phone": _phone,
    "category": _choice("category", CATEGORIES), "education": _choice("education", EDUCATION),
    "skills_text": _notes_text("skills_text"), "health_notes": _notes_text("health_notes"),
    "regions_acceptable": _choices("regions_acceptable", REGIONS),
    "job_kinds_wanted": _choices("job_kinds_wanted", JOB_KINDS),
    "min_wage": _min_wage, "available_from": _available_from, "care_duties": _care_duties,
}
