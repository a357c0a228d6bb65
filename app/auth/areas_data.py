"""Administrative areas (GB/T 2260 codes) shipped with Qianlu: reading and validation.

The data file ``data/areas.csv`` holds Guizhou (province, 9 prefectures, 88 county-level
divisions), the Yangtze River Delta (Shanghai with its districts; Jiangsu, Zhejiang and Anhui
with their prefecture-level cities), Guangdong with the nine Pearl River Delta cities and their
county-level divisions, and a catch-all row ``990000 其他地区``.

Pure Python: no Flask, no database.
"""

from __future__ import annotations

import csv
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from app.vocabulary import REGIONS

DEFAULT_AREAS_PATH = Path(__file__).resolve().parent / "data" / "areas.csv"

FIELDS: tuple[str, ...] = ("code", "name", "name_en", "level", "parent_code", "region")
LEVELS: tuple[str, ...] = ("province", "prefecture", "county", "other")

# Rank used for the parent-level order check: a parent must rank strictly lower (higher up).
LEVEL_RANK: dict[str, int] = {"province": 0, "prefecture": 1, "county": 2}

# Province-code prefixes (first two digits) that a region implies, and vice versa.
REGION_PROVINCE_PREFIXES: dict[str, frozenset[str]] = {
    "guizhou": frozenset({"52"}),
    "yrd": frozenset({"31", "32", "33", "34"}),
    "prd": frozenset({"44"}),
}
# Provinces whose every row must carry its region (Guangdong is mixed: PRD cities vs the rest).
_PREFIX_FORCES_REGION: dict[str, str] = {"52": "guizhou", "31": "yrd", "32": "yrd", "33": "yrd",
                                         "34": "yrd"}

# Province-level municipalities (北京 天津 上海 重庆): their districts may sit under the province.
MUNICIPALITY_PREFIXES: frozenset[str] = frozenset({"11", "12", "31", "50"})

_CODE_RE = re.compile(r"^[1-9]\d{5}$")


@dataclass(frozen=True, slots=True)
class AreaRow:
    """One administrative division row of ``areas.csv``."""

    code: str
    name: str
    name_en: str
    level: str
    parent_code: str | None
    region: str


def read_areas(path: str | Path | None = None) -> list[AreaRow]:
    """Read the areas CSV (the shipped file by default) into ``AreaRow`` objects, in file order."""
    csv_path = Path(path) if path is not None else DEFAULT_AREAS_PATH
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        header = tuple(name.strip() for name in (reader.fieldnames or ()))
        missing = [name for name in FIELDS if name not in header]
        if missing:
            raise ValueError(f"{csv_path}: missing column(s) {', '.join(missing)}")
        rows: list[AreaRow] = []
        for record in reader:
            values = {
                (key or "").strip(): (value or "").strip()
                for key, value in record.items()
                if isinstance(value, str) or value is None
            }
            if not any(values.get(name) for name in FIELDS):
                continue  # blank line
            rows.append(
                AreaRow(
                    code=values.get("code", ""),
                    name=values.get("name", ""),
                    name_en=values.get("name_en", ""),
                    level=values.get("level", ""),
                    parent_code=values.get("parent_code") or None,
                    region=values.get("region", ""),
                )
            )
    return rows


def _code_shape_problem(row: AreaRow) -> str | None:
    """Return why the code does not fit the row's level, or None when it does."""
    code = row.code
    if row.level == "province" and not code.endswith("0000"):
        return f"{code} {row.name}: a province code must end in 0000"
    if row.level == "prefecture" and (code.endswith("0000") or not code.endswith("00")):
        return f"{code} {row.name}: a prefecture code must end in 00 but not 0000"
    if row.level == "county" and code.endswith("00"):
        return f"{code} {row.name}: a county-level code must not end in 00"
    return None


def validate_areas(rows: Iterable[AreaRow]) -> list[str]:
    """Check area rows and return a list of problems (empty when the data is consistent)."""
    rows = list(rows)
    problems: list[str] = []
    counts = Counter(row.code for row in rows)
    for code, count in sorted(counts.items()):
        if count > 1:
            problems.append(f"{code}: duplicate code ({count} rows)")
    by_code: dict[str, AreaRow] = {}
    for row in rows:
        by_code.setdefault(row.code, row)

    for row in rows:
        label = f"{row.code} {row.name}".strip()
        if not _CODE_RE.match(row.code):
            problems.append(f"{label}: code must be six digits (GB/T 2260), got {row.code!r}")
            continue
        if not row.name:
            problems.append(f"{row.code}: empty name")
        if not row.name_en:
            problems.append(f"{label}: empty name_en")
        if row.level not in LEVELS:
            problems.append(f"{label}: unknown level {row.level!r} (expected one of {LEVELS})")
            continue
        if row.region not in REGIONS:
            problems.append(f"{label}: unknown region {row.region!r} (expected one of {REGIONS})")
        shape = _code_shape_problem(row)
        if shape:
            problems.append(shape)
        problems.extend(_region_code_problems(row, label))
        problems.extend(_parent_problems(row, label, by_code))

    seen_names: dict[tuple[str | None, str], str] = {}
    for row in rows:
        key = (row.parent_code, row.name)
        if row.name and key in seen_names and seen_names[key] != row.code:
            problems.append(
                f"{row.code} {row.name}: same name as {seen_names[key]} under the same parent"
            )
        seen_names.setdefault(key, row.code)
    return problems


def _region_code_problems(row: AreaRow, label: str) -> list[str]:
    """Return problems where the region contradicts the province part of the code."""
    if row.level == "other" or row.region not in REGIONS:
        return []
    prefix = row.code[:2]
    problems: list[str] = []
    allowed = REGION_PROVINCE_PREFIXES.get(row.region)
    if allowed is not None and prefix not in allowed:
        problems.append(f"{label}: region {row.region!r} does not fit province code {prefix}")
    forced = _PREFIX_FORCES_REGION.get(prefix)
    if forced is not None and row.region != forced:
        problems.append(f"{label}: rows under province {prefix} must have region {forced!r}")
    return problems


def _parent_problems(row: AreaRow, label: str, by_code: dict[str, AreaRow]) -> list[str]:
    """Return problems with a row's parent: presence, existence, level order, code, region."""
    if row.level in ("province", "other"):
        if row.parent_code:
            return [f"{label}: a {row.level}-level row must not have a parent"]
        return []
    if not row.parent_code:
        return [f"{label}: a {row.level}-level row needs a parent_code"]
    parent = by_code.get(row.parent_code)
    if parent is None:
        return [f"{label}: unknown parent {row.parent_code}"]
    problems: list[str] = []
    parent_rank = LEVEL_RANK.get(parent.level)
    if parent_rank is None or parent_rank >= LEVEL_RANK[row.level]:
        problems.append(
            f"{label}: parent {parent.code} is level {parent.level!r}, "
            f"not above {row.level!r}"
        )
    elif row.level == "county" and parent.level == "province" and not (
        parent.code[:2] in MUNICIPALITY_PREFIXES and row.code[2:4] in ("01", "02")
    ):
        # Districts of a municipality (Shanghai 3101xx) may hang directly off the province.
        problems.append(f"{label}: county-level row under a province must be a municipal district")
    prefix_len = 4 if parent.level == "prefecture" else 2
    if row.code[:prefix_len] != parent.code[:prefix_len]:
        problems.append(f"{label}: code does not start with parent {parent.code}'s prefix")
    if parent.region != "other" and row.region != parent.region:
        problems.append(
            f"{label}: region {row.region!r} differs from parent {parent.code}'s "
            f"region {parent.region!r}"
        )
    return problems


def areas_by_code(rows: Sequence[AreaRow]) -> dict[str, AreaRow]:
    """Index area rows by code (first row wins on duplicates)."""
    index: dict[str, AreaRow] = {}
    for row in rows:
        index.setdefault(row.code, row)
    return index


def ancestors(row: AreaRow, by_code: dict[str, AreaRow]) -> list[AreaRow]:
    """Return the row followed by its parents up to the top (stops on unknown or cyclic parents)."""
    chain = [row]
    seen = {row.code}
    current = row
    while current.parent_code and current.parent_code in by_code:
        current = by_code[current.parent_code]
        if current.code in seen:
            break
        seen.add(current.code)
        chain.append(current)
    return chain
