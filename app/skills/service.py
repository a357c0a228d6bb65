"""What workers' typed skills and openings' skill entries resolve to, stored for matching.

``parse_worker_skills`` splits a worker's free text, reads a level from it (years or a grade
word) and resolves each part through ``text.resolve_all``; ``resolve_worker_skills`` stores
the result as ``WorkerSkill`` rows (flushes, never commits).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Protocol

import sqlalchemy as sa

from app.extensions import db

from .models import WorkerSkill
from .text import resolve_all, split_parts


class HasSkillsText(Protocol):
    """A worker as far as skill resolution needs one (read only)."""

    @property
    def id(self) -> int: ...

    @property
    def skills_text(self) -> str | None: ...


class HasSkillEntries(Protocol):
    """An opening as far as skill resolution needs one."""

    required_skills: list[dict] | None


DEFAULT_LEVEL = 2  # a skill named without years or grade: can do the work, not a master
_LEVEL_WORDS = (("高级技师", 5), ("技师", 4), ("精通", 4), ("高级", 3), ("熟练", 3),
                ("中级", 2), ("初级", 1), ("学徒", 1), ("入门", 1), ("学过", 1))
_YEARS_RE = re.compile(r"(\d+|[一二两三四五六七八九十]+)\s*多?\s*年")
_CN_NUM = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8,
           "九": 9, "十": 10}



@dataclass(frozen=True)
class ParsedSkill:
    """One part of typed skills with its resolution and the level read from the text."""

    text: str
    skill: str | None
    level: int
    method: str | None
    confidence: float


def _level_of(part: str) -> int:
    m = _YEARS_RE.search(part)
    if m:
        raw = m.group(1)
        years = int(raw) if raw.isdigit() else sum(_CN_NUM.get(c, 0) for c in raw) or 1
        return 1 if years < 1 else 2 if years < 3 else 3 if years < 6 else 4 if years < 10 else 5
    for word, level in _LEVEL_WORDS:
        if word in part:
            return level
    return DEFAULT_LEVEL


def parse_worker_skills(text: str) -> list[ParsedSkill]:
    """Split and resolve a worker's skills text; unresolved parts are kept (skill None)."""
    out: list[ParsedSkill] = []
    seen: set[str] = set()
    for part in split_parts(text or ""):
        level = _level_of(part)
        for r in resolve_all(part):
            if r.skill is not None and r.skill in seen:
                continue
            if r.skill:
                seen.add(r.skill)
            out.append(ParsedSkill(part[:128], r.skill, level, r.method, r.confidence))
    return out


def resolve_worker_skills(worker: HasSkillsText) -> list[WorkerSkill]:
    """Replace a worker's resolved skills from ``Worker.skills_text`` (flushes)."""
    db.session.execute(sa.delete(WorkerSkill).where(WorkerSkill.worker_id == worker.id))
    rows = [WorkerSkill(worker_id=worker.id, skill_code=p.skill, level=p.level,
                        source_text=p.text, method=p.method, confidence=p.confidence)
            for p in parse_worker_skills(worker.skills_text or "")]
    db.session.add_all(rows)
    db.session.flush()
    return rows


def worker_skills(worker: HasSkillsText) -> list[WorkerSkill]:
    """A worker's skill resolutions, resolved ones first.

    The stored rows when they match the current skills text; otherwise (never resolved,
    or the text changed without a resolve) a fresh resolution that is not stored.
    """
    rows = list(db.session.scalars(
        sa.select(WorkerSkill).where(WorkerSkill.worker_id == worker.id)
        .order_by(WorkerSkill.skill_code.is_(None), WorkerSkill.id)))
    parts = {p[:128] for p in split_parts(worker.skills_text or "")}
    if {r.source_text for r in rows} != parts:
        rows = sorted((WorkerSkill(worker_id=worker.id, skill_code=p.skill, level=p.level,
                                   source_text=p.text, method=p.method,
                                   confidence=p.confidence)
                       for p in parse_worker_skills(worker.skills_text or "")),
                      key=lambda r: r.skill_code is None)
    return rows


def resolve_job_skills(job: HasSkillEntries) -> list[dict]:
    """Give skill entries typed as text only ({text, level}) their code (flushes).

    The opening forms already store codes (``app.skills.entries.parse_skill_entries``);
    this fills in entries that arrive without one (imports, the API). Entries the
    resolver cannot place keep ``code`` None and their text.
    """
    changed = False
    entries = []
    for e in job.required_skills or []:
        e = dict(e)
        if not e.get("code") and e.get("text"):
            hit = max(resolve_all(e["text"]), key=lambda r: r.confidence)
            if hit.skill:
                e.update(code=hit.skill, method=hit.method, confidence=hit.confidence)
                changed = True
        entries.append(e)
    if changed:
        job.required_skills = entries
        db.session.flush()
    return entries
