"""Occupations, skills and certificates of openings, taken from the shared taxonomy.

The taxonomy (``app.skills.taxonomy``) and the text resolver (``app.skills.text``) are
the only source of skill codes; this module only adapts them to opening forms and checks.
"""
from __future__ import annotations

import re

from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.errors_domain import DomainError
from app.skills.taxonomy import Taxonomy, default_taxonomy
from app.skills.text import resolve, resolve_title, split_parts

# The engine's scale, 1 beginner .. 5 expert (national levels run the other way round).
LEVELS = {
    1: _l("Beginner"), 2: _l("Intermediate (中级工)"), 3: _l("Advanced (高级工)"),
    4: _l("Technician (技师)"), 5: _l("Senior technician (高级技师)"),
}
_LEVEL_WORDS = {"初级": 1, "入门": 1, "学徒": 1, "中级": 2, "熟练": 2, "高级技师": 5,
                "高级": 3, "技师": 4, "精通": 4}
_LEVEL_RE = re.compile(r"^(?P<name>.+?)[\s:：(（]*(?:(?P<num>[1-5])级?|(?P<word>"
                       + "|".join(sorted(_LEVEL_WORDS, key=len, reverse=True))
                       + r")(?:工)?)[)）]?$")
CATEGORY_LABELS = {
    "manufacturing": _l("Manufacturing"), "construction": _l("Construction"),
    "domestic_care": _l("Housekeeping and care"), "catering": _l("Catering"),
    "hospitality_tourism": _l("Hospitality and tourism"),
    "transport_logistics": _l("Transport and logistics"),
    "retail_services": _l("Retail and services"), "ecommerce_digital": _l("E-commerce and digital"),
    "office": _l("Office"), "agriculture": _l("Agriculture"), "crafts": _l("Crafts"),
    "public_service": _l("Public service"), "health": _l("Health"), "repair": _l("Repair"),
    "mining_energy": _l("Mining and energy"),
}


def taxonomy() -> Taxonomy:
    """The shipped skill taxonomy (loaded once per process)."""
    return default_taxonomy()


def _lang() -> str:
    try:
        return "en" if str(get_locale()) == "en" else "zh"
    except (RuntimeError, AttributeError):
        return "zh"


def occupation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """Occupations grouped by category for a select with option groups."""
    lang = _lang()
    groups: dict[str, list[tuple[str, str]]] = {}
    for s in taxonomy():
        groups.setdefault(s.category, []).append((s.code, s.name if lang == "zh" else s.name_en))
    return [(str(CATEGORY_LABELS.get(cat, cat)), items) for cat, items in groups.items()]


def certificate_choices() -> list[tuple[str, str]]:
    """Every certificate of the taxonomy as (code, label)."""
    lang = _lang()
    return [(c.code, c.name if lang == "zh" else c.name_en) for c in taxonomy().certificates]


def skill_label(code: str | None) -> str:
    """Display name of a skill/occupation code."""
    return taxonomy().skill_label(code, _lang()) if code else ""


def cert_label(code: str) -> str:
    """Display name of a certificate code."""
    return taxonomy().cert_label(code, _lang())


def check_occupation(code: str | None) -> None:
    """An occupation code, when given, must be in the taxonomy."""
    if code and code not in taxonomy():
        raise DomainError(_("Choose an occupation from the list."), field="occupation_code")


def check_skills(entries: list[dict], field: str) -> None:
    """Skill entries must name taxonomy codes with a level from 1 to 5."""
    for e in entries:
        if e.get("code") is None and (e.get("text") or "").strip():
            pass  # free text kept for an officer to classify (the job form's picker)
        elif e.get("code") not in taxonomy():
            raise DomainError(_("Unknown skill: %(s)s", s=e.get("text") or e.get("code")),
                              field=field)
        if not isinstance(e.get("level"), int) or not 1 <= e["level"] <= 5:
            raise DomainError(_("A skill level runs from 1 to 5."), field=field)


def check_certificates(codes: list[str]) -> None:
    """Certificate codes must be in the taxonomy."""
    tax = taxonomy()
    for code in codes:
        if tax.get_certificate(code) is None:
            raise DomainError(_("Unknown certificate: %(c)s", c=code),
                              field="required_certificates")


def parse_skill_entries(text: str, field: str, *, keep_unknown: bool = False) -> list[dict]:
    """Read "焊工:3, 电工 中级" into [{code, text, level}]; an unknown skill is an error,
    never dropped or guessed (the resolver's alias, character and pinyin steps apply).
    With ``keep_unknown`` (the job form) it is kept as typed, ``code`` None, for an
    officer to classify (the unclassified queue) instead."""
    entries: list[dict] = []
    seen: set[str] = set()
    for raw in re.split(r"[,，、;；\n]+", text or ""):
        raw = raw.strip()
        if not raw:
            continue
        level = 1
        m = _LEVEL_RE.match(raw)
        name = raw
        if m and m.group("name").strip():
            name = m.group("name").strip()
            level = int(m.group("num")) if m.group("num") else _LEVEL_WORDS[m.group("word")]
        parts = split_parts(name) or [name]
        hit = resolve(parts[0])
        if len(parts) > 1 or not hit.resolved or hit.skill is None or hit.confidence < 0.5:
            if keep_unknown:
                if name not in seen:
                    seen.add(name)
                    entries.append({"code": None, "text": name[:64], "level": level})
                continue
            raise DomainError(_("Unknown skill: %(s)s. Use a name from the skill list.", s=raw),
                              field=field, code="skill_unknown")
        if hit.skill in seen:
            continue
        seen.add(hit.skill)
        entries.append({"code": hit.skill, "text": name, "level": level})
    return entries


def format_skill_entries(entries: list[dict]) -> str:
    """The text form of skill entries, for editing: "焊工:3, 电工:1"."""
    return ", ".join(f"{skill_label(e['code']) or e.get('text', '')}:{e.get('level', 1)}"
                     for e in entries or [])


def resolve_occupation(text: str) -> str | None:
    """The taxonomy code of the trade a free-text title or occupation names, by words (the
    title's head: 电子厂普工 → 普工, 维护工程师 → none); None when it names no trade or the
    resolver is not confident, and the opening then waits to be classified by an officer."""
    if not (text or "").strip():
        return None
    hit = resolve_title(text)
    return hit.skill if hit.resolved and hit.confidence >= 0.75 else None
