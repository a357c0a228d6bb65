"""Job-board search: the stored search text of an opening and the SQL condition for a query.

``Job.search_text`` holds, folded (NFKC, lower case, no punctuation or spaces): the title,
the free-text occupation, the employer's name, the place detail (长安镇), the occupation's
name and aliases, the pinyin of title and occupation, and every skill code as ``#code#``.
A query matches an opening when

- the resolver maps it to skill codes (焊工 from hangong, 电焊 or the homophone 汗工) and
  the opening's occupation is one of them (indexed) or requires one of them, or
- its folded text, or its pinyin for a Chinese query of two or more characters, is part
  of the search text.

The LIKE conditions scan only the rows left after the indexed status filter; the figures
for 20,000 open openings are in ``bench/README.md ("Job board")``.
"""
from __future__ import annotations

import re
from functools import lru_cache

import sqlalchemy as sa

from app.skills.entries import taxonomy
from app.skills.taxonomy import fold
from app.skills.text import search_terms, to_pinyin

from .models import Job

_CJK_RE = re.compile(r"[\u3400-\u9fff]")


# Titles and employer names repeat across a partner's sheet: their pinyin is memoised.
_pinyin = lru_cache(maxsize=8192)(to_pinyin)


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    return fold(text)


def build_search_text(job: Job, employer_name: str) -> str:
    """The folded text a board search looks through for one opening."""
    tax = taxonomy()
    parts = [job.title, job.occupation_text, employer_name, job.place_detail]
    pinyin = [job.title]
    codes = [job.occupation_code] if job.occupation_code else []
    codes += [e.get("code") for e in (job.required_skills or []) if e.get("code")]
    if job.occupation_code and (occ := tax.get(job.occupation_code)):
        parts += [occ.name, occ.name_en, *occ.aliases]
        pinyin.append(occ.name)
    for code in dict.fromkeys(codes):
        skill = tax.get(code)
        if skill is not None and code != job.occupation_code:
            parts.append(skill.name)
    text = " ".join(dict.fromkeys(f for f in map(_fold, filter(None, parts)) if f))
    pys = " ".join(dict.fromkeys(_pinyin(p) for p in pinyin if p))
    tokens = " ".join(f"#{c}#" for c in dict.fromkeys(codes))
    return f"{text} {pys} {tokens}".strip()


def refresh_search_text(job: Job) -> None:
    """Recompute an opening's search text after its fields or employer name changed."""
    job.search_text = build_search_text(job, job.employer.name if job.employer else "")


@lru_cache(maxsize=4096)
def query_skill_codes(query: str) -> tuple[str, ...]:
    """Skill codes a query resolves to; cached, since the resolver's fuzzy and pinyin steps
    cost ~15 ms and board visitors repeat the same few words (pure function of the
    shipped taxonomy, so a per-process cache is safe)."""
    return tuple(sorted(search_terms(query)))


def _like(term: str) -> sa.ColumnElement[bool]:
    escaped = term.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return Job.search_text.like(f"%{escaped}%", escape="\\")


def search_condition(query: str) -> sa.ColumnElement[bool] | None:
    """The WHERE condition for a board search box, or None for an empty query."""
    key = fold(query or "")
    if not key:
        return None
    conditions = [_like(key)]
    if _CJK_RE.search(key) and len(key) >= 2:
        py = to_pinyin(key)
        if len(py) >= 5:
            conditions.append(_like(py))
    codes = query_skill_codes(query.strip())
    if codes:
        conditions.append(Job.occupation_code.in_(codes))
        conditions += [_like(f"#{code}#") for code in codes]
    return sa.or_(*conditions)
