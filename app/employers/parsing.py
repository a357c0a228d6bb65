"""Wage parsers for labour-cooperation imports (劳务协作岗位表); places: app.areas.resolver.

Partner cities send spreadsheets of openings with wages and places written the way people
really write them ("6-8千/月", "12-30k·13薪", "东莞市长安镇", "遵义汇川"). These functions turn
such text into structured values. Whatever cannot be read with confidence raises
``ParseError`` carrying a reason in Chinese and English; nothing is guessed silently.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.areas.resolver import normalise as _normalise
from app.errors_domain import ParseError

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_DAY",
    "MAX_MONTHLY",
    "MIN_MONTHLY",
    "ParseError",
    "Wage",
    "parse_wage",
]

# Statutory average number of working days per month (劳社部发〔2008〕3号: 21.75 天).
DAYS_PER_MONTH = Decimal("21.75")
HOURS_PER_DAY = Decimal("8")
# Monthly amounts outside this range are rejected as absurd (likely typos or wrong units).
MIN_MONTHLY = 500
MAX_MONTHLY = 200_000

WAGE_BASES: tuple[str, ...] = ("month", "year", "day", "hour", "piece", "negotiable", "text")


# --------------------------------------------------------------------------------------------
# Wages
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Wage:
    """A parsed wage; monthly amounts are whole CNY, ``None`` where open or not stated."""

    monthly_min: int | None
    monthly_max: int | None
    basis: str  # month | year | day | hour | piece | negotiable | text (words, no amount)
    months_per_year: int = 12
    piece_rate: bool = False
    original: str = ""
    amount_min: Decimal | None = None  # as written, CNY per basis unit (per year/day/hour/…)
    amount_max: Decimal | None = None
    amount_unit: str | None = None  # month | year | day | hour | piece (CNY per piece)
    notes: tuple[str, ...] = field(default=())


_NUM = r"\d+(?:\.\d+)?"
_UNIT = r"千元|万元|千|万|k|w|元|块"
_UNIT_FACTOR: dict[str, Decimal] = {
    "": Decimal(1), "元": Decimal(1), "块": Decimal(1),
    "千": Decimal(1000), "千元": Decimal(1000), "k": Decimal(1000),
    "万": Decimal(10000), "万元": Decimal(10000), "w": Decimal(10000),
}
_CORE_RE = re.compile(
    rf"^(?P<a>{_NUM})(?P<ua>{_UNIT})?(?:-(?P<b>{_NUM})(?P<ub>{_UNIT})?)?$"
)
_THOUSANDS_RE = re.compile(r"(?<=\d),(?=\d{3}(?!\d))")
_TO_RE = re.compile(r"(?<=[\d千万kw元])(?:至|到)(?=\d)")
# "6000一9000元": partners type the character 一 (one) for a dash between two amounts.
_YI_DASH_RE = re.compile(r"(?<=[\d千万kw元])一(?=\d)")
# "1小时28元", "每小时19.5元", "每天200元": the unit written before the amount.
_UNIT_FIRST_RE = re.compile(r"^(?:每|1|一)(个月|小时|工作日|月|天|日|年)(?=\d)")
# "可达6500元以上", "最高可达8000": the figure is what the best-paid reach, not a floor.
_REACH_RE = re.compile(r"^(?:最高可达|最高|可达|高达)")
_CN_NUMERALS = re.compile(r"[〇零一二两三四五六七八九十百千万亿]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_MONTHS_RE = re.compile(r"[·•・*x×]?(\d{1,2})薪")
_NEGOTIABLE_RE = re.compile(r"[(]?(?:可|薪资|工资|待遇|薪酬)?(?:面议|面谈|议定|协商)[)]?")
_PIECE_RE = re.compile(r"计件工资|计件制|按件计酬|按件计|计件")
_EXTRAS = ("包吃包住", "包吃住", "包食宿", "包住", "包吃", "五险一金", "提成", "绩效", "奖金",
           "补贴", "加班费", "全勤奖", "多劳多得", "上不封顶")
_EXTRA_RE = re.compile(r"[+加]?(?:另有|另加|另)?(" + "|".join(_EXTRAS) + r")")
_COMMISSION = {"提成", "绩效", "奖金"}

# Leading words: (word, basis hint or None, is_base_pay). Longer words first.
_PREFIXES: tuple[tuple[str, str | None, bool], ...] = (
    ("综合工资", None, False), ("综合收入", None, False), ("综合月薪", "month", False),
    ("综合薪资", None, False), ("基本工资", None, True),
    ("月收入", "month", False), ("月工资", "month", False), ("年收入", "year", False),
    ("日工资", "day", False), ("小时工资", "hour", False), ("工资待遇", None, False),
    ("月薪", "month", False), ("月均", "month", False), ("月入", "month", False),
    ("每月", "month", False), ("年薪", "year", False), ("日薪", "day", False),
    ("日均", "day", False), ("时薪", "hour", False), ("薪资", None, False),
    ("薪酬", None, False), ("工资", None, False), ("待遇", None, False), ("综合", None, False),
    ("税前", None, False), ("税后", None, False), ("到手", None, False),
    ("底薪", None, True), ("保底", None, True), ("收入", None, False), ("平均", None, False),
    ("大约", None, False), ("约", None, False), ("rmb", None, False),
    ("cny", None, False), ("人民币", None, False),
)
_PERIOD_WORDS: dict[str, str] = {
    "个月": "month", "月": "month", "年": "year", "天": "day", "日": "day", "工作日": "day",
    "小时": "hour", "时": "hour", "h": "hour", "hr": "hour", "件": "piece",
}
_PERIOD_RE = re.compile(
    r"(?:元|块|rmb)?(?:/|每|一|per)(工作日|个月|小时|hr|月|年|天|日|时|h|件)$"
)
_QUALIFIER_RE = re.compile(r"(及以上|以上|起步|起|左右|上下|及以下|以下|以内|\+)$")
_OPEN_UP = {"及以上", "以上", "起步", "起", "+"}
_OPEN_DOWN = {"及以下", "以下", "以内"}
_PUNCT = " ,;:.。，；：、/()[]【】-+"
_EDGE_PUNCT = " ,;:。、"
_EMPTY_BRACKETS_RE = re.compile(r"[(\[【][,;:\s]*[)\]】]")


def _wage_error(text: object, kind: str, zh: str, en: str) -> ParseError:
    return ParseError(text, kind, zh, en)


def _to_monthly(amount: Decimal, unit: str) -> Decimal | None:
    """Convert an amount per unit to CNY per month (None for per-piece rates)."""
    if unit == "month":
        return amount
    if unit == "year":
        return amount / 12
    if unit == "day":
        return amount * DAYS_PER_MONTH
    if unit == "hour":
        return amount * HOURS_PER_DAY * DAYS_PER_MONTH
    return None


def _tidy(value: Decimal | None) -> Decimal | None:
    """Drop meaningless trailing zeros: Decimal('8000.0') -> Decimal('8000')."""
    if value is None:
        return None
    integral = value.to_integral_value()
    return integral if value == integral else value.normalize()


def _round(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def _strip_prefixes(s: str) -> tuple[str, list[str], bool]:
    """Strip leading filler/basis words; return rest, basis hints and the base-pay flag."""
    hints: list[str] = []
    base = False
    changed = True
    while changed and s:
        changed = False
        stripped = s.lstrip(_PUNCT)
        if stripped != s:
            s, changed = stripped, True
        for word, hint, is_base in _PREFIXES:
            if s.startswith(word):
                s = s[len(word):]
                if hint:
                    hints.append(hint)
                base = base or is_base
                changed = True
                break
    return s, hints, base


def parse_wage(text: str | int | float | None) -> Wage:
    """Parse a wage as written in a job spreadsheet; raise ParseError when it cannot be read."""
    original = "" if text is None else str(text)
    if not original.strip():
        raise _wage_error(original, "empty", "薪资为空", "wage is empty")
    s = _normalise(original)
    s = _THOUSANDS_RE.sub("", s).replace("¥", "")
    s = _TO_RE.sub("-", s)
    s = _YI_DASH_RE.sub("-", s)

    notes: list[str] = []
    months_per_year = 12
    month_matches = list(_MONTHS_RE.finditer(s))
    if len(month_matches) > 1:
        raise _wage_error(original, "unrecognised", "出现多个“N薪”", "more than one 'N薪' given")
    if month_matches:
        months_per_year = int(month_matches[0].group(1))
        if not 12 <= months_per_year <= 24:
            raise _wage_error(
                original, "out_of_range",
                f"每年{months_per_year}薪不合理（应在12到24之间）",
                f"{months_per_year} salaries a year is implausible (expected 12 to 24)",
            )
        s = _MONTHS_RE.sub("", s)

    negotiable = bool(_NEGOTIABLE_RE.search(s))
    if negotiable:
        s = _NEGOTIABLE_RE.sub(",", s)
        notes.append("面议")
    piece = bool(_PIECE_RE.search(s))
    if piece:
        s = _PIECE_RE.sub(",", s)
    extras = _EXTRA_RE.findall(s)
    if extras:
        s = _EXTRA_RE.sub(",", s)
        notes.extend(dict.fromkeys(extras))

    s = _EMPTY_BRACKETS_RE.sub(",", s)
    s, hints, base = _strip_prefixes(s)
    reach = _REACH_RE.match(s)
    if reach:
        s, more_hints, _base = _strip_prefixes(s[reach.end():])
        hints += more_hints
    unit_first = _UNIT_FIRST_RE.match(s)
    if unit_first:
        hints.append(_PERIOD_WORDS[unit_first.group(1)])
        s = s[unit_first.end():]
    s = s.strip(_EDGE_PUNCT)

    if not re.search(r"\d", s):
        rest = _strip_prefixes(s)[0].strip(_PUNCT)
        if not rest and piece:
            return Wage(None, None, "piece", months_per_year, True, original, notes=tuple(notes))
        if not rest and negotiable:
            return Wage(None, None, "negotiable", months_per_year, False, original,
                        notes=tuple(n for n in notes if n != "面议"))
        if _CN_NUMERALS.search(rest) or (rest and not _CJK.search(rest)):
            raise _wage_error(original, "unrecognised", "无法识别的薪资写法",
                              "unrecognised wage notation")
        # "多劳多得", "待遇优厚": words with no amount are kept as written, nothing guessed.
        return Wage(None, None, "text", months_per_year, piece, original, notes=tuple(notes))

    # Trailing qualifier and period, in either order: "4000元以上/月", "4000元/月以上".
    qualifier: str | None = None
    period: str | None = None
    for _ in range(2):
        q = _QUALIFIER_RE.search(s)
        if q and qualifier is None:
            qualifier = q.group(1)
            s = s[: q.start()]
            continue
        p = _PERIOD_RE.search(s)
        if p and period is None:
            period = _PERIOD_WORDS[p.group(1)]
            s = s[: p.start()]
            continue
    s, more_hints, more_base = _strip_prefixes(s)
    hints += more_hints
    base = base or more_base

    core = _CORE_RE.match(s)
    if not core:
        raise _wage_error(original, "unrecognised", "无法识别的薪资写法",
                          "unrecognised wage notation")

    units = set(hints) | ({period} if period else set())
    if len(units) > 1:
        raise _wage_error(
            original, "conflict", "薪资周期前后矛盾（如“月薪……/天”）",
            "conflicting pay periods (e.g. monthly wording with a per-day unit)",
        )
    unit = units.pop() if units else "month"

    try:
        a = Decimal(core.group("a"))
        b = Decimal(core.group("b")) if core.group("b") else None
    except InvalidOperation as exc:  # pragma: no cover - regex only lets digits through
        raise _wage_error(original, "unrecognised", "金额无效", "invalid amount") from exc
    fa = _UNIT_FACTOR[core.group("ua") or ""]
    fb = _UNIT_FACTOR[core.group("ub") or ""]
    if b is None:
        low = high = a * fa
    else:
        high = b * fb
        low = a * fa
        if not core.group("ua") and fb > 1 and a * fb <= high:
            low = a * fb  # "6-8千": the unit written once applies to both ends

    if b is not None and qualifier in _OPEN_UP | _OPEN_DOWN:
        raise _wage_error(
            original, "unrecognised", f"范围后面不能再写“{qualifier}”",
            f"a range cannot also be open-ended ('{qualifier}')",
        )
    amount_min: Decimal | None = _tidy(low)
    amount_max: Decimal | None = _tidy(high)
    if b is None and reach:
        amount_min = None  # "可达6500元以上": what the best-paid reach, not what all get
    elif b is None:
        if qualifier in _OPEN_UP or (qualifier is None and (base or _COMMISSION & set(extras))):
            amount_max = None
        elif qualifier in _OPEN_DOWN:
            amount_min = None
    if amount_min is not None and amount_max is not None and amount_min > amount_max:
        raise _wage_error(
            original, "min_gt_max", "最低薪资高于最高薪资",
            "minimum wage is higher than the maximum",
        )
    for value in (amount_min, amount_max):
        if value is not None and value <= 0:
            raise _wage_error(original, "out_of_range", "金额必须大于0",
                              "amount must be greater than zero")

    basis = "piece" if piece else unit
    if unit == "piece":
        # "0.5元/件": a rate per piece, no monthly estimate.
        return Wage(None, None, "piece", months_per_year, True, original,
                    amount_min, amount_max, "piece", tuple(notes))

    monthly = [None if v is None else _to_monthly(v, unit) for v in (amount_min, amount_max)]
    for value in monthly:
        if value is not None and not MIN_MONTHLY <= value <= MAX_MONTHLY:
            raise _wage_error(
                original, "out_of_range",
                f"折合月薪{_round(value)}元不合理（应在{MIN_MONTHLY}到{MAX_MONTHLY}元之间）",
                f"monthly equivalent {_round(value)} CNY is implausible "
                f"(expected {MIN_MONTHLY} to {MAX_MONTHLY})",
            )
    return Wage(
        monthly_min=None if monthly[0] is None else _round(monthly[0]),
        monthly_max=None if monthly[1] is None else _round(monthly[1]),
        basis=basis,
        months_per_year=months_per_year,
        piece_rate=piece,
        original=original,
        amount_min=amount_min,
        amount_max=amount_max,
        amount_unit=unit,
        notes=tuple(notes),
    )
