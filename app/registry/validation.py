"""Checking what officers type: resident ID numbers, mobile phones, names in pinyin.

Pure functions (no database); the service, the forms and the roster importer share them,
so a value is judged the same way wherever it comes from. Errors are ``FieldError`` with a
translated message (lazy, so they render in the reader's language).
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

import phonenumbers
from flask_babel import lazy_gettext as _l
from pypinyin import Style, lazy_pinyin
from stdnum import numdb
from stdnum.cn import ric

from app.plaintext import invisible_characters

MIN_WORKING_AGE = 16


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
    try:
        born = ric.get_birth_date(text)
    except ValueError:
        raise FieldError(_l("The birth date in this ID number (%(part)s) is not a real date.",
                            part=text[6:14])) from None
    today = today or date.today()
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
    today = today or date.today()
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
    syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: s.split(),
                            v_to_u=False)
    parts = [re.sub(r"[^a-z0-9]", "", s.lower()) for s in syllables]
    parts = [p for p in parts if p]
    return "".join(parts)[:128], "".join(p[0] for p in parts)[:32]


def prefix_bounds(prefix: str, width: int) -> tuple[str, str]:
    """Inclusive (low, high) covering every key of at most ``width`` characters that starts
    with ``prefix``; keys are ASCII digits, lower-case letters and X.

    ``col BETWEEN low AND high`` is a prefix search that any B-tree index serves, under the
    C collation and under linguistic ones alike (LIKE is case-insensitive on SQLite and
    needs text_pattern_ops on PostgreSQL; ``chr(ord(last) + 1)`` may be punctuation, which
    linguistic collations ignore).
    """
    return prefix, prefix + "z" * max(1, width - len(prefix))
