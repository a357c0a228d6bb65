"""Wage and place parsers for labour-cooperation imports (劳务协作岗位表).

Partner cities send spreadsheets of openings with wages and places written the way people
really write them ("6-8千/月", "12-30k·13薪", "东莞市长安镇", "遵义汇川"). These functions turn
such text into structured values. Whatever cannot be read with confidence raises
``ParseError`` carrying a reason in Chinese and English; nothing is guessed silently.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from app.auth.areas_data import AreaRow, ancestors, areas_by_code

__all__ = [
    "DAYS_PER_MONTH",
    "HOURS_PER_DAY",
    "MAX_MONTHLY",
    "MIN_MONTHLY",
    "ParseError",
    "Place",
    "PlaceIndex",
    "Wage",
    "parse_place",
    "parse_wage",
]

# Statutory average number of working days per month (劳社部发〔2008〕3号: 21.75 天).
DAYS_PER_MONTH = Decimal("21.75")
HOURS_PER_DAY = Decimal("8")
# Monthly amounts outside this range are rejected as absurd (likely typos or wrong units).
MIN_MONTHLY = 500
MAX_MONTHLY = 200_000

WAGE_BASES: tuple[str, ...] = ("month", "year", "day", "hour", "piece", "negotiable", "text")


class ParseError(ValueError):
    """A value that could not be parsed, with the reason in Chinese and English."""

    def __init__(self, text: object, kind: str, reason_zh: str, reason_en: str) -> None:
        self.text = "" if text is None else str(text)
        self.kind = kind
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        super().__init__(f"{reason_zh} / {reason_en}: {self.text!r}")

    @property
    def reason(self) -> str:
        """Both reasons on one line, Chinese first."""
        return f"{self.reason_zh} / {self.reason_en}"


# --------------------------------------------------------------------------------------------
# Shared text normalisation
# --------------------------------------------------------------------------------------------

_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b\u301c\u3030\uff5e~\u2053]")
_SPACES = re.compile(r"\s+")


def _normalise(text: str) -> str:
    """NFKC, unify dashes/tildes to '-', drop all whitespace, lower-case Latin letters."""
    s = unicodedata.normalize("NFKC", text)
    s = _DASHES.sub("-", s)
    s = _SPACES.sub("", s)
    return s.lower()


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


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Place:
    """A parsed work place: the most specific GB/T 2260 codes that could be resolved."""

    province_code: str | None
    city_code: str | None
    county_code: str | None
    region: str | None  # guizhou | yrd | prd | other; None only for remote recruitment
    remote_recruitment: bool
    original: str
    note: str = ""  # leftover text below the resolved level, e.g. a town: "长安镇"

    @property
    def code(self) -> str | None:
        """The most specific resolved code (county, else city, else province)."""
        return self.county_code or self.city_code or self.province_code


OTHER_AREA_CODE = "990000"

_ETHNIC = ("布依族|苗族|侗族|彝族|回族|仡佬族|土家族|水族|壮族|瑶族|畲族|黎族|蒙古族|满族|藏族"
           "|羌族|白族|哈尼族|傣族|傈僳族|佤族|拉祜族|纳西族|毛南族|仫佬族|各族")
_AUTONOMOUS_RE = re.compile(rf"(?:{_ETHNIC})+自治(?:州|县|旗)$")
_NAME_SUFFIXES = ("特别行政区", "自治区", "新区", "特区", "省", "市", "区", "县", "州")
_FOLLOW_SUFFIXES = ("自治州", "自治县", "特区", "新区", "省", "市", "区", "县", "州")
# Historical names still seen in spreadsheets -> current code.
_OLD_NAMES: dict[str, str] = {"盘县": "520281", "遵义县": "520304"}
# Functional zones without a GB/T 2260 code -> the division that contains them.
_ZONES: dict[str, str] = {
    "贵安新区": "520000",
    "大鹏新区": "440300",
    "前海": "440300",
    "横琴": "440400",
    "松山湖": "441900",
}
# Provinces outside the shipped data: a place there resolves to 990000 (其他地区).
_OTHER_PROVINCES = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "福建", "江西", "山东",
    "河南", "湖北", "湖南", "广西", "海南", "重庆", "四川", "云南", "西藏", "陕西", "甘肃",
    "青海", "宁夏", "新疆", "台湾", "香港", "澳门",
)
_REMOTE_RE = re.compile(r"异地招聘|异地招工|异地用工|异地")
_PLACE_PREFIX_RE = re.compile(r"^(?:工作地点|工作地址|工作地|地点|地址|中国)[:]?")
_PLACE_PUNCT = " ,;:.。，；：、/|()[]【】<>《》-·•_+&"


def _short_name(name: str) -> str:
    """Strip the administrative suffix from a name: 黔南布依族苗族自治州 -> 黔南, 南山区 -> 南山."""
    m = _AUTONOMOUS_RE.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


class PlaceIndex:
    """Name lookup over area rows; build once and reuse for a whole import."""

    def __init__(self, areas: Sequence[AreaRow]) -> None:
        self.by_code: dict[str, AreaRow] = areas_by_code(areas)
        self.names: dict[str, set[str]] = {}
        self.full_names: set[str] = set()
        self.zones: set[str] = set()
        for row in self.by_code.values():
            self._add(row.name, row.code)
            self.full_names.add(row.name)
            if row.level == "other":
                continue
            short = _short_name(row.name)
            if len(short) >= 2:
                self._add(short, row.code)
                if row.level == "prefecture" and row.name.endswith("自治州"):
                    self._add(short + "州", row.code)  # 黔南州, 黔东南州, 黔西南州
        for alias, code in _OLD_NAMES.items():
            if code in self.by_code:
                self._add(alias, code)
                self.full_names.add(alias)
        for zone, code in _ZONES.items():
            if code in self.by_code:
                self._add(zone, code)
                self.full_names.add(zone)
                self.zones.add(zone)
        self.max_len = max((len(n) for n in self.names), default=0)

    def _add(self, name: str, code: str) -> None:
        self.names.setdefault(name, set()).add(code)

    def longest_at(self, s: str, i: int) -> str | None:
        """Return the longest known name starting at position i of s, if any."""
        for length in range(min(self.max_len, len(s) - i), 1, -1):
            candidate = s[i : i + length]
            if candidate in self.names:
                return candidate
        return None


@dataclass(frozen=True, slots=True)
class _Token:
    text: str
    codes: frozenset[str]


def _place_error(text: str, kind: str, zh: str, en: str) -> ParseError:
    return ParseError(text, kind, zh, en)


def _scan(s: str, index: PlaceIndex) -> tuple[list[_Token], list[str]]:
    """Split s into known-name tokens and leftover segments."""
    tokens: list[_Token] = []
    leftovers: list[str] = []
    buf = ""
    i = 0
    while i < len(s):
        name = index.longest_at(s, i)
        if name is None:
            buf += s[i]
            i += 1
            continue
        if buf:
            leftovers.append(buf)
            buf = ""
        tokens.append(_Token(name, frozenset(index.names[name])))
        if name in index.zones:
            leftovers.append(name)
        i += len(name)
        if name not in index.full_names:
            for suffix in _FOLLOW_SUFFIXES:
                if s.startswith(suffix, i):
                    i += len(suffix)
                    break
    if buf:
        leftovers.append(buf)
    return tokens, leftovers


def _resolve(tokens: list[_Token], index: PlaceIndex, original: str) -> AreaRow:
    """Pick the single deepest area consistent with every token, or raise ParseError."""
    chains = {
        code: {r.code for r in ancestors(index.by_code[code], index.by_code)}
        for token in tokens
        for code in token.codes
    }
    valid = [
        code for code, chain in chains.items()
        if all(token.codes & chain for token in tokens)
    ]
    leaves = [c for c in valid if not any(c != o and c in chains[o] for o in valid)]
    if not leaves:
        names = "、".join(dict.fromkeys(t.text for t in tokens))
        raise _place_error(
            original, "inconsistent",
            f"地名互相矛盾或包含多个地点：{names}",
            f"place names contradict each other or name several places: {names}",
        )
    if len(leaves) > 1:
        options = "、".join(
            "".join(r.name for r in reversed(ancestors(index.by_code[c], index.by_code)))
            for c in sorted(leaves)
        )
        raise _place_error(
            original, "ambiguous",
            f"地名有歧义，可能是：{options}；请写明所属省市",
            f"ambiguous place name, could be: {options}; add the province or city",
        )
    return index.by_code[leaves[0]]


def _clean_note(leftovers: list[str]) -> str:
    """Join leftover segments into a readable note, dropping separators and lone suffixes."""
    parts = []
    for part in leftovers:
        part = part.strip(_PLACE_PUNCT)
        if part and part not in _FOLLOW_SUFFIXES:
            parts.append(part)
    return " ".join(parts)


def parse_place(text: str | None, areas: Sequence[AreaRow] | PlaceIndex) -> Place:
    """Parse a work place as written in a job spreadsheet; raise ParseError when unknown."""
    original = "" if text is None else str(text)
    index = areas if isinstance(areas, PlaceIndex) else PlaceIndex(areas)
    s = _normalise(original)
    s = _PLACE_PREFIX_RE.sub("", s)
    if not s.strip(_PLACE_PUNCT):
        raise _place_error(original, "empty", "工作地点为空", "place is empty")

    remote = bool(_REMOTE_RE.search(s))
    if remote:
        s = _REMOTE_RE.sub(",", s)
        if not s.strip(_PLACE_PUNCT):
            return Place(None, None, None, None, True, original)

    tokens, leftovers = _scan(s, index)
    outside = [
        p for seg in leftovers for p in _OTHER_PROVINCES if seg.strip(_PLACE_PUNCT).startswith(p)
    ]
    if outside and tokens:
        names = "、".join(dict.fromkeys(t.text for t in tokens))
        raise _place_error(
            original, "inconsistent",
            f"地点提到{outside[0]}，但又匹配到{names}，无法判断",
            f"the place mentions {outside[0]} but also matched {names}; cannot tell which",
        )
    if outside:
        other = index.by_code.get(OTHER_AREA_CODE)
        if other is None:
            raise _place_error(
                original, "unknown",
                f"{outside[0]}不在地区数据中", f"{outside[0]} is not in the area data",
            )
        return Place(other.code, None, None, other.region, remote, original,
                     _clean_note([s]))
    if not tokens:
        raise _place_error(
            original, "unknown",
            "无法识别的地名（不在地区数据中）",
            "unknown place name (not in the area data)",
        )

    leaf = _resolve(tokens, index, original)
    province = city = county = None
    for row in ancestors(leaf, index.by_code):
        if row.level in ("province", "other"):
            province = row.code
        elif row.level == "prefecture":
            city = row.code
        elif row.level == "county":
            county = row.code
    return Place(province, city, county, leaf.region, remote, original, _clean_note(leftovers))
