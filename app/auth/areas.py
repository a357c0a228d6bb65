"""Loading the administrative areas into the database."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale

from app.extensions import db
from app.freshness import RecentCache, per_request

from .areas_data import read_areas, validate_areas
from .models import Area, User
from .scoping import area_filter

_FIELDS = ("name", "name_en", "level", "parent_code", "region")


def load_areas(path: str | None = None) -> tuple[int, int]:
    """Upsert every area from the data file, parents first; returns (added, changed)."""
    rows = read_areas(path)
    problems = validate_areas(rows)
    if problems:
        raise ValueError("areas file is invalid:\n" + "\n".join(problems))
    existing = {a.code: a for a in db.session.scalars(sa.select(Area))}
    order = {"province": 0, "other": 0, "prefecture": 1, "county": 2}
    added = changed = 0
    for row in sorted(rows, key=lambda r: order.get(r.level, 3)):
        values = {f: getattr(row, f) or None for f in _FIELDS}
        area = existing.get(row.code)
        if area is None:
            db.session.add(Area(code=row.code, **values))
            added += 1
        elif any(getattr(area, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(area, f, v)
            changed += 1
    db.session.flush()
    return added, changed


def county_choices(user: User | None = None, *, blank: str = "—", named_blank: bool = False,
                   levels: tuple[str, ...] = ("county",), with_prefecture: bool = False,
                   indent: bool = False, other_provinces: bool = False) -> list[tuple[str, str]]:
    """(code, name) options for a select field: Guizhou's counties (or the areas of
    ``levels``), within an officer ``user``'s area when one is given, named in the user's
    language, after a ``blank`` option.

    The plain blank ("—", nothing chosen) is left out when there is only one choice; a
    ``named_blank`` (a filter's "My whole area") is always offered. ``with_prefecture`` names
    each county after its prefecture; ``indent`` indents prefectures and counties under the
    province; ``other_provinces`` adds the other provinces after Guizhou's counties ("where
    did you move").
    """
    stmt = sa.select(Area.code, Area.level, Area.parent_code).where(
        Area.region == "guizhou", Area.level.in_(levels))
    if user is not None and user.role == "officer" and user.area is not None:
        stmt = stmt.where(area_filter(Area.code, user.area))
    rows = list(db.session.execute(stmt.order_by(Area.code)))
    if other_provinces:
        rows += db.session.execute(sa.select(Area.code, Area.level, Area.parent_code).where(
            Area.region != "guizhou", Area.level == "province").order_by(Area.code))
    pad = {"prefecture": "　", "county": "　　"} if indent else {}
    choices = [(code, pad.get(level, "") + (f"{area_name(parent)} {area_name(code)}"
                                            if with_prefecture else area_name(code)))
               for code, level, parent in rows]
    return ([("", blank)] if named_blank or len(choices) != 1 else []) + choices


# Area names change only with `flask areas load`: read once per process (and again at once
# after any process committed a change to the table, at the latest after an hour).
_NAMES: RecentCache[dict[str, tuple[str, str]]] = RecentCache(("area",), lambda: 3600.0,
                                                               shared=True)


def area_names() -> dict[str, tuple[str, str]]:
    """{code: (Chinese name, English name)} of every area (looked up once per request: a
    page names dozens of places)."""
    return per_request("area_names", lambda: _NAMES.get("names", lambda: {
        code: (zh, en) for code, zh, en in db.session.execute(
            sa.select(Area.code, Area.name, Area.name_en))}))


def area_name(code: str | None) -> str:
    """Name of an area code in the current language (the code itself when unknown)."""
    if not code:
        return ""
    names = area_names().get(code)
    if names is None:
        return code
    zh, en = names
    locale = get_locale()
    return en if en and locale is not None and locale.language == "en" else zh
