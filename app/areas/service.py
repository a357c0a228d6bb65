"""The areas in the database: loading the national map, names, choices, and the place
resolver over them."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import get_locale
from markupsafe import Markup

from app.auth.models import Area, User
from app.auth.scoping import area_filter
from app.errors_domain import DomainError, ParseError
from app.extensions import db
from app.freshness import Cache, per_request

from .records import AreaRow, read_areas, validate_areas
from .resolver import Place, PlaceIndex, parse_place

_FIELDS = ("name", "name_en", "level", "parent_code", "region")


def load_areas(path: str | None = None) -> tuple[int, int]:
    """Upsert every area from the data file, parents first; returns (added, changed).
    Bulk statements, one per level (the national map is 3,000+ rows)."""
    rows = read_areas(path)
    problems = validate_areas(rows)
    if problems:
        raise ValueError("areas file is invalid:\n" + "\n".join(problems))
    columns = [getattr(Area, f) for f in _FIELDS]
    existing = {code: tuple(values) for code, *values in db.session.execute(
        sa.select(Area.code, *columns))}
    order = {"province": 0, "other": 0, "prefecture": 1, "county": 2}
    added: dict[int, list[dict]] = {}
    changed: list[dict] = []
    for row in rows:
        values = {f: getattr(row, f) or None for f in _FIELDS}
        current = existing.get(row.code)
        if current is None:
            added.setdefault(order.get(row.level, 3), []).append({"code": row.code, **values})
        elif current != tuple(values.values()):
            changed.append({"code": row.code, **values})
    for level in sorted(added):
        db.session.execute(sa.insert(Area), added[level])
    if changed:
        db.session.execute(sa.update(Area), changed)
    return sum(len(batch) for batch in added.values()), len(changed)


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


# Every area as select options, per language: built once per process (3,000+ options, whose
# markup WTForms would take about a second to render on every form).
_CHOICES: Cache[tuple[Markup, frozenset[str]]] = Cache(depends_on=(Area,), max_age=3600.0)


def place_options() -> tuple[Markup, frozenset[str]]:
    """The ``<option>`` markup of every area (a blank first, then option groups per province:
    each city, then its counties, named in the user's language) and the set of their codes."""
    locale = get_locale()
    english = locale is not None and locale.language == "en"

    def build() -> tuple[Markup, frozenset[str]]:
        html = [Markup('<option value="">—</option>')]
        codes = set()
        for group, options in _place_choices(english).items():
            html.append(Markup('<optgroup label="{}">').format(group))
            for code, label in options:
                html.append(Markup('<option value="{}">{}</option>').format(code, label))
                codes.add(code)
            html.append(Markup("</optgroup>"))
        return Markup("").join(html), frozenset(codes)

    return _CHOICES.get(("options", english), build)


def _place_choices(english: bool) -> dict[str, list[tuple[str, str]]]:
    rows = db.session.execute(sa.select(Area.code, Area.name, Area.name_en, Area.level,
                                        Area.parent_code).order_by(Area.code)).all()
    names = {code: (en if english and en else zh) for code, zh, en, _, _ in rows}
    groups: dict[str, list[tuple[str, str]]] = {}
    for code, _zh, _en, level, parent in rows:
        name = names[code]
        if level in ("province", "other"):
            groups.setdefault(name, []).append((code, name))
            continue
        top = code[:2] + "0000"
        label = name if level == "prefecture" or parent == top else \
            f"{names.get(parent, parent)} {name}"
        groups.setdefault(names.get(top, top), []).append(
            (code, ("　" if level == "county" else "") + label))
    return groups


# Area names change only with `flask areas load`: read once per process (and again at once
# after any process committed a change to the table, at the latest after an hour).
_NAMES: Cache[dict[str, tuple[str, str]]] = Cache(depends_on=(Area,), max_age=3600.0)


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


# The resolver's name index over the areas in the database, built once per process (and again
# after any process changed the table).
_INDEX: Cache[PlaceIndex] = Cache(depends_on=(Area,), max_age=3600.0)


def place_index() -> PlaceIndex:
    """The place resolver's index over the loaded areas (with the shipped retired names and
    towns)."""
    return _INDEX.get("index", lambda: PlaceIndex([
        AreaRow(a.code, a.name, a.name_en, a.level, a.parent_code, a.region)
        for a in db.session.scalars(sa.select(Area))]))


def parse_reason(exc: ParseError) -> str:
    """A resolver's or parser's reason in the current language."""
    locale = get_locale()
    return exc.reason_en if locale is not None and locale.language == "en" else exc.reason_zh


def resolve_place(text: str | None, *, field: str = "place") -> Place:
    """Resolve a place written as text (forms, API); DomainError naming the candidates when it
    is unknown, contradictory or ambiguous."""
    try:
        return parse_place(text, place_index())
    except ParseError as exc:
        raise DomainError(parse_reason(exc), field=field, code=f"place_{exc.kind}") from exc
