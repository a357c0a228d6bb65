"""The one place resolver: a work place as people write it -> GB/T 2260 codes and the rest.

Every importer, form and API that takes a place as text reads it here. The rules:

- The text is read as known names in order ("福州-台江区", "东莞市长安镇", "遵义汇川"): full
  names (台江区), short names (台江), autonomous-area short names (黔南州), names retired since
  2000 (盘县, 郫县, 襄樊: ``area_changes.csv``), well-known towns (长安镇, 虎门: ``towns.csv``) and
  named zones without a code of their own (贵安新区, 前海).
- A city first, then a district only inside that city: every name must fit one chain of areas;
  the deepest area that fits all of them is the answer (海口-龙华区 is 海口's 龙华区, never
  深圳's). A short name that runs on into other text ("长安" in "长安街道") after the place is
  settled is part of the detail, not another place.
- A county-level city or a well-known town alone is enough (昆山 -> 苏州市昆山市; 虎门 ->
  东莞市, detail 虎门镇).
- Whatever lies below the resolved level (a town, a street, an industrial park, a development
  zone such as 高新区) is kept as the place detail.
- 异地招聘 / 全国 alone: the place is to be confirmed (no code), not an error.
- A name that fits several areas equally well ("龙华区": 深圳 or 海口) raises ``ParseError``
  listing the candidates; nothing is guessed. Only where one candidate is a higher level than
  all others (a province or city against districts elsewhere: 中山 is 中山市, not 大连's 中山区)
  is that one taken, since that is how people write cities.
- Text that names no place raises ``ParseError``; the catch-all area (990000) is only for text
  that says the place is abroad or other (境外, 其他地区).

Pure Python: no Flask, no database.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.errors_domain import ParseError

from .records import (
    CATCH_ALL_CODE,
    AreaChange,
    AreaRow,
    Town,
    ancestors,
    areas_by_code,
    read_changes,
    read_towns,
)

__all__ = ["ETHNIC_GROUPS", "ParseError", "Place", "PlaceIndex", "normalise", "parse_place",
           "short_name"]


@dataclass(frozen=True, slots=True)
class Place:
    """A resolved work place: the most specific GB/T 2260 codes, and the text below them."""

    province_code: str | None
    city_code: str | None
    county_code: str | None
    region: str | None  # guizhou | yrd | prd | other; None while the place is to be confirmed
    remote_recruitment: bool  # 异地招聘 / 全国 was written
    original: str
    detail: str = ""  # below the resolved level: "长安镇", "高新区", "沙头工业区"

    @property
    def code(self) -> str | None:
        """The most specific resolved code (county, else city, else province)."""
        return self.county_code or self.city_code or self.province_code

    @property
    def to_be_confirmed(self) -> bool:
        """No place named (异地招聘 / 全国 alone)."""
        return self.code is None


ETHNIC_GROUPS = (
    "布依族", "苗族", "侗族", "彝族", "回族", "仡佬族", "土家族", "水族", "壮族", "瑶族", "畲族",
    "黎族", "蒙古族", "满族", "藏族", "羌族", "白族", "哈尼族", "傣族", "傈僳族", "佤族", "拉祜族",
    "纳西族", "毛南族", "仫佬族", "各族", "哈萨克族", "柯尔克孜族", "维吾尔", "锡伯族", "塔吉克",
    "朝鲜族", "达斡尔族", "鄂温克族", "鄂伦春族", "东乡族", "保安族", "撒拉族", "土族", "裕固族",
    "景颇族", "普米族", "怒族", "独龙族", "阿昌族", "德昂族", "布朗族", "基诺族", "京族",
    "赫哲族", "门巴族", "珞巴族",
)
_AUTONOMOUS_RE = re.compile(
    "(?:" + "|".join(sorted(ETHNIC_GROUPS, key=len, reverse=True)) + ")*自治(?:区|州|县|旗)$")
_NAME_SUFFIXES = ("特别行政区", "行政委员会", "地区", "林区", "新区", "特区", "省", "市", "区",
                  "县", "州", "盟", "旗")
_FOLLOW_SUFFIXES = ("自治州", "自治县", "特区", "新区", "地区", "省", "市", "区", "县", "州")
# Full names too generic to be read out of running text (郊区 of 阳泉 …): only with their city.
_GENERIC_NAMES = frozenset({"城区", "郊区", "矿区", "市区", "新区", "开发区", "市辖区"})
# Named zones without a GB/T 2260 code of their own -> the area that contains them.
_ZONES: dict[str, str] = {
    "贵安新区": "520000", "雄安新区": "130600", "天府新区": "510100",
    "大鹏新区": "440300", "前海": "440300", "横琴": "440400", "松山湖": "441900",
}
# Not a place in China: the catch-all area.
_ABROAD = ("境外", "国外", "海外")
_REMOTE_RE = re.compile(r"异地招聘|异地招工|异地用工|全国各地|全国范围|全国|异地")
_PREFIX_RE = re.compile(r"^(?:工作地点|工作地址|工作地|地点|地址|中国)[:]?")
_PUNCT = " ,;:.。，；：、/|()[]【】<>《》-·•_+&"
_DASHES = re.compile(r"[\u2010-\u2015\u2212\u2e3a\u2e3b\u301c\u3030\uff5e~\u2053]")


def short_name(name: str) -> str:
    """The name without its administrative suffix: 黔南布依族苗族自治州 -> 黔南, 南山区 -> 南山,
    广西壮族自治区 -> 广西."""
    m = _AUTONOMOUS_RE.search(name)
    if m and m.start() >= 2:
        return name[: m.start()]
    for suffix in _NAME_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


def normalise(text: str) -> str:
    """NFKC, unify dashes/tildes to '-', drop all whitespace, lower-case Latin letters (the
    shared first step of reading what partners write: places here, wages in employers)."""
    s = unicodedata.normalize("NFKC", text)
    s = _DASHES.sub("-", s)
    return re.sub(r"\s+", "", s).lower()


@dataclass(frozen=True, slots=True)
class _Name:
    codes: frozenset[str]
    full: bool  # the full name (台江区), not a short form (台江)
    towns: tuple[tuple[str, str], ...] = ()  # (area code, town's full name) for town names
    zone: bool = False


class PlaceIndex:
    """Name lookup over the national map; build once and reuse for a whole import."""

    def __init__(self, areas: Sequence[AreaRow], changes: Iterable[AreaChange] | None = None,
                 towns: Iterable[Town] | None = None) -> None:
        self.by_code: dict[str, AreaRow] = areas_by_code(areas)
        self._chains: dict[str, frozenset[str]] = {}
        current: dict[str, dict[str, bool]] = {}  # name -> {code: full}

        def add(table: dict[str, dict[str, bool]], name: str, code: str, full: bool) -> None:
            if len(name) >= 2 and code in self.by_code:
                slot = table.setdefault(name, {})
                slot[code] = slot.get(code, False) or full

        for row in self.by_code.values():
            if row.name in _GENERIC_NAMES:
                continue
            add(current, row.name, row.code, True)
            if row.level == "other":
                continue
            short = short_name(row.name)
            if short != row.name:
                add(current, short, row.code, False)
                if row.name.endswith("自治州"):
                    add(current, short + "州", row.code, True)  # 黔南州, 红河州
        for word in _ABROAD:
            add(current, word, CATCH_ALL_CODE, True)
        retired: dict[str, dict[str, bool]] = {}
        for change in read_changes() if changes is None else changes:
            if change.old_name not in _GENERIC_NAMES:
                add(retired, change.old_name, change.code, True)
                add(retired, short_name(change.old_name), change.code, False)
        self.names: dict[str, _Name] = {
            n: _Name(frozenset(c), any(c.values())) for n, c in retired.items()
            if n not in current}
        self.names.update({n: _Name(frozenset(c), any(c.values())) for n, c in current.items()})
        town_names: dict[str, list[tuple[str, str]]] = {}
        for town in read_towns() if towns is None else towns:
            if town.area_code not in self.by_code:
                continue
            town_names.setdefault(town.name, []).append((town.area_code, town.name))
            short = re.sub(r"(?:街道|镇|乡)$", "", town.name)
            if len(short) >= 2 and short != town.name:
                town_names.setdefault(short, []).append((town.area_code, town.name))
        for name, places in town_names.items():
            known = self.names.get(name)
            codes = frozenset(c for c, _ in places) | (known.codes if known else frozenset())
            self.names[name] = _Name(codes, known.full if known else name.endswith(
                ("镇", "乡", "街道")), tuple(places))
        for zone, code in _ZONES.items():
            if code in self.by_code:
                self.names[zone] = _Name(frozenset({code}), True, zone=True)
        self.max_len = max((len(n) for n in self.names), default=0)

    def chain(self, code: str) -> frozenset[str]:
        """The code and the codes of every area containing it."""
        found = self._chains.get(code)
        if found is None:
            found = frozenset(r.code for r in ancestors(self.by_code[code], self.by_code))
            self._chains[code] = found
        return found

    def longest_at(self, s: str, i: int) -> str | None:
        """Return the longest known name starting at position i of s, if any."""
        for length in range(min(self.max_len, len(s) - i), 1, -1):
            if s[i: i + length] in self.names:
                return s[i: i + length]
        return None

    def path(self, code: str) -> str:
        """Full written path of an area: 广东省深圳市龙华区."""
        return "".join(r.name for r in reversed(ancestors(self.by_code[code], self.by_code)))


@dataclass(slots=True)
class _Token:
    text: str
    name: _Name
    start: int
    end: int
    embedded: bool  # a short name running on into text that is no place name (长安 in 长安街道)


def _scan(s: str, index: PlaceIndex) -> tuple[list[_Token], list[tuple[int, int]]]:
    """Split s into known-name tokens and the spans of text between them."""
    tokens: list[_Token] = []
    gaps: list[tuple[int, int]] = []
    i = gap = 0
    while i < len(s):
        text = index.longest_at(s, i)
        if text is None:
            i += 1
            continue
        if gap < i:
            gaps.append((gap, i))
        name = index.names[text]
        end = i + len(text)
        if not name.full:
            for suffix in _FOLLOW_SUFFIXES:
                if s.startswith(suffix, end):
                    end += len(suffix)
                    break
        embedded = (not name.full and end == i + len(text) and end < len(s)
                    and s[end] not in _PUNCT and index.longest_at(s, end) is None)
        tokens.append(_Token(text, name, i, end, embedded))
        i = gap = end
    if gap < len(s):
        gaps.append((gap, len(s)))
    return tokens, gaps


def _leaves(tokens: Sequence[_Token], index: PlaceIndex) -> list[str]:
    """The deepest areas consistent with every token."""
    codes = {code for token in tokens for code in token.name.codes}
    valid = [c for c in codes if all(token.name.codes & index.chain(c) for token in tokens)]
    leaves = {c for c in valid if not any(c != o and c in index.chain(o) for o in valid)}
    # A name that is both a city and a county inside it (长沙: 长沙市 and 长沙县) means the city:
    # go up while the parent still fits every token.
    climbed = set()
    for code in leaves:
        parent = index.by_code[code].parent_code
        while parent and all(token.name.codes & index.chain(parent) for token in tokens):
            code, parent = parent, index.by_code[parent].parent_code
        climbed.add(code)
    return sorted(climbed)


def _inside(tokens: list[_Token], within: str, index: PlaceIndex,
            original: str) -> list[_Token]:
    """The tokens with only their candidates inside ``within`` (or containing it)."""
    above = index.chain(within)
    kept = []
    for token in tokens:
        codes = frozenset(c for c in token.name.codes
                          if c in above or within in index.chain(c))
        if not codes:
            where = index.path(within)
            raise ParseError(original, "outside", f"{token.text}不在{where}",
                             f"{token.text} is not in {index.by_code[within].name_en}")
        token.name = _Name(codes, token.name.full, token.name.towns, token.name.zone)
        kept.append(token)
    return kept


_LEVEL_RANK = {"province": 0, "other": 0, "prefecture": 1, "county": 2}


def _choose(leaves: list[str], index: PlaceIndex) -> str | None:
    """The one leaf, or the one leaf of a higher level than all the others (a city named like
    districts elsewhere), else None."""
    if len(leaves) == 1:
        return leaves[0]
    ranks = sorted((_LEVEL_RANK.get(index.by_code[c].level, 3), c) for c in leaves)
    return ranks[0][1] if ranks[0][0] < ranks[1][0] else None


def parse_place(text: str | None, areas: Sequence[AreaRow] | PlaceIndex, *,
                within: str | None = None) -> Place:
    """Resolve a place as written in a sheet, form or API call; raise ParseError when it
    names no place, contradicts itself or fits several places. ``within``: only areas inside
    this one count (a Guizhou roster's 白云区 is 贵阳's, and 南山区 is no place there)."""
    original = "" if text is None else str(text)
    index = areas if isinstance(areas, PlaceIndex) else PlaceIndex(areas)
    s = _PREFIX_RE.sub("", normalise(original))
    if not s.strip(_PUNCT):
        raise ParseError(original, "empty", "工作地点为空", "place is empty")
    remote = bool(_REMOTE_RE.search(s))
    if remote:
        s = _REMOTE_RE.sub(",", s)
        if not s.strip(_PUNCT):
            return Place(None, None, None, None, True, original)

    tokens, gaps = _scan(s, index)
    if within is not None:
        tokens = _inside(tokens, within, index, original)
    if not tokens:
        raise ParseError(original, "unknown", "无法识别的地名（不在全国行政区划中）",
                         "unknown place name (not a division of China)")
    # A city first: names after it that run on into other text and do not fit are detail.
    kept: list[_Token] = []
    for token in tokens:
        if kept and token.embedded and not _leaves([*kept, token], index):
            gaps.append((token.start, token.end))
            continue
        kept.append(token)
    leaves = _leaves(kept, index)
    if not leaves:
        names = "、".join(dict.fromkeys(t.text for t in kept))
        raise ParseError(original, "inconsistent", f"地名互相矛盾或包含多个地点：{names}",
                         f"place names contradict each other or name several places: {names}")
    leaf = _choose(leaves, index)
    if leaf is None:
        options = "、".join(index.path(c) for c in sorted(leaves))
        raise ParseError(original, "ambiguous",
                         f"地名有歧义，可能是：{options}；请写明所属省市",
                         f"ambiguous place name, could be: {options}; add the province or city")
    return _place(leaf, kept, gaps, s, index, remote, original)


def _place(leaf: str, tokens: list[_Token], gaps: list[tuple[int, int]], s: str,
           index: PlaceIndex, remote: bool, original: str) -> Place:
    chain = index.chain(leaf)
    pieces = list(gaps)
    for token in tokens:
        town = [name for code, name in token.name.towns if code in chain]
        if town and not (token.name.codes - {c for c, _ in token.name.towns}) & chain:
            pieces.append((token.start, token.end, town[0]))  # type: ignore[arg-type]
        elif token.name.zone:
            pieces.append((token.start, token.end))
    detail = _detail(s, pieces)
    province = city = county = None
    for row in ancestors(index.by_code[leaf], index.by_code):
        if row.level in ("province", "other"):
            province = row.code
        elif row.level == "prefecture":
            city = row.code
        elif row.level == "county":
            county = row.code
    return Place(province, city, county, index.by_code[leaf].region, remote, original, detail)


def _detail(s: str, pieces: list[tuple]) -> str:
    """The text below the resolved level, in the order written; touching pieces stay joined."""
    parts: list[str] = []
    last_end = -1
    for piece in sorted(pieces, key=lambda p: p[0]):
        start, end = piece[0], piece[1]
        text = piece[2] if len(piece) > 2 else s[start:end]
        if start == last_end and parts:
            parts[-1] += text
        else:
            parts.append(text)
        last_end = end
    cleaned = [p.strip(_PUNCT) for p in parts]
    return " ".join(p for p in cleaned if p and p not in _FOLLOW_SUFFIXES)[:128]
