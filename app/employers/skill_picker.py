"""Suggestions for the job form's skill picker: the catalogue's skills whose name, alias,
English name or pinyin matches what the employer has typed so far.

Only reads the taxonomy and the resolver's index (``app.skills.taxonomy``,
``app.skills.text``); what is finally stored is still decided by
``skills.parse_skill_entries`` (unknown text is kept for an officer to classify).
"""
from __future__ import annotations

from dataclasses import dataclass

from app.skills.entries import taxonomy
from app.skills.taxonomy import fold
from app.skills.text import normalise, resolve, text_index, to_pinyin

MAX_SUGGESTIONS = 8


@dataclass(frozen=True)
class Suggestion:
    """A skill of the catalogue offered for what was typed."""

    code: str
    label: str  # the skill's name in the user's language
    matched: str  # the name, alias or pinyin that matched ("" when it is the label)

    def as_json(self) -> dict[str, str]:
        """The JSON the picker reads."""
        return {"code": self.code, "label": self.label, "matched": self.matched}


def suggest_skills(query: str, lang: str = "zh", limit: int = MAX_SUGGESTIONS
                   ) -> list[Suggestion]:
    """Skills for ``query``: names and aliases starting with it first, then containing it,
    then pinyin starting with it (hangong, hg…), then the resolver's own best guess."""
    tax = taxonomy()
    idx = text_index(tax)
    key = fold(normalise(query or ""))
    if not key:
        return []
    ranked: dict[str, tuple[int, str]] = {}

    def offer(rank: int, code: str, term: str) -> None:
        if code in tax and (code not in ranked or rank < ranked[code][0]):
            ranked[code] = (rank, term)

    for term, code in idx.terms.items():
        if term == key:
            offer(0, code, term)
        elif term.startswith(key):
            offer(1, code, term)
        elif key in term:
            offer(2, code, term)
    spelled = key if key.isascii() else to_pinyin(key)  # 汉工 sounds like 焊工
    if spelled.isascii() and spelled.isalpha():
        for pinyin, (code, term) in idx.pinyin.items():
            if pinyin.startswith(spelled):
                offer(3, code, term)
    hit = resolve(query, tax)
    if hit.resolved and hit.skill:
        offer(4, hit.skill, hit.text)
    out = []
    for code, (_rank, term) in sorted(ranked.items(), key=lambda kv: (kv[1][0], len(kv[1][1]),
                                                                      kv[0]))[:limit]:
        label = tax.skill_label(code, lang)
        out.append(Suggestion(code, label, "" if fold(label) == term else term))
    return out
