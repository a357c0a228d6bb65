"""Resolve what people type ("会电焊", "做过月嫂", "汗工", "Hangong") to canonical skills.

Order of methods, cheapest and surest first: exact name/alias, alias contained in the text,
character similarity (rapidfuzz), and pinyin (pypinyin) only when characters fail.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from app.skills.taxonomy import Taxonomy, default_taxonomy, fold

METHODS = ("alias", "contains", "chars", "pinyin")

# Separators between several skills in one field: punctuation, whitespace and joining words.
_SPLIT_RE = re.compile(r"[\s,，、;；/|｜。.!！?？+＋&＆]+|以及|还有|和|及|与")
# Filler around a skill: "会", "做过", "熟练", "3年经验" ... Stripped only after an exact match
# on the whole text failed, so 会计 stays 会计.
_PREFIX_RE = re.compile(r"^(?:我|本人)?(?:会|能|懂|有过|有|做过|干过|当过|从事过|从事|学过|"
                        r"熟练|熟悉|擅长|精通|一般|可以|想做|想找|找|"
                        r"(?:\d+|[一二两三四五六七八九十]+)多?年(?:以上)?(?:的)?)+")
_SUFFIX_RE = re.compile(r"(?:\d+|[一二两三四五六七八九十]+)?(?:多)?年(?:以上)?(?:的)?"
                        r"(?:工作)?经验$|(?:工作)?经验$|多年$|师傅$|工作$|岗位$|方面$|技术$")
_CJK_RE = re.compile(r"[\u3400-\u9fff]")
_LATIN_RE = re.compile(r"^[a-z]+$")

CHARS_CUTOFF = 60.0  # fuzz.ratio; two shared characters of 3-4 character terms pass
LATIN_CHARS_CUTOFF = 85.0  # English names tolerate a typo, not a different word
PINYIN_CUTOFF = 88.0  # one letter off in a 7-letter syllable string


@dataclass(frozen=True)
class Resolution:
    """How one piece of typed text was resolved (or not) to a canonical skill."""

    text: str
    normalised: str
    skill: str | None = None
    method: str | None = None
    confidence: float = 0.0
    matched: str | None = None  # the name or alias that matched

    @property
    def resolved(self) -> bool:
        """True when a skill was found."""
        return self.skill is not None


@dataclass(frozen=True)
class _TextIndex:
    terms: dict[str, str]  # folded name/alias/English name/code -> skill code
    cjk_terms: tuple[str, ...]  # CJK terms, longest first, for containment
    all_terms: tuple[str, ...]
    latin_terms: tuple[str, ...]
    pinyin: dict[str, tuple[str, str]]  # pinyin string -> (skill code, term)
    pinyin_keys: tuple[str, ...]


def to_pinyin(text: str) -> str:
    """Toneless pinyin of text, joined without spaces ('焊工' -> 'hangong')."""
    return "".join(lazy_pinyin(text, style=Style.NORMAL, errors="default")).casefold()


def _build_index(tax: Taxonomy) -> _TextIndex:
    terms: dict[str, str] = {}
    for s in tax.skills:
        for term in (s.name, *s.aliases, s.name_en, s.code.replace("_", " ")):
            terms.setdefault(fold(term), s.code)
    cjk = tuple(sorted((t for t in terms if _CJK_RE.search(t)), key=len, reverse=True))
    pinyin: dict[str, tuple[str, str]] = {}
    for t in cjk:
        # Canonical names first so a shared pinyin string resolves to the name's skill.
        pinyin.setdefault(to_pinyin(t), (terms[t], t))
    return _TextIndex(terms=terms, cjk_terms=cjk, all_terms=tuple(terms),
                      latin_terms=tuple(t for t in terms if not _CJK_RE.search(t)),
                      pinyin=pinyin, pinyin_keys=tuple(pinyin))


def text_index(tax: Taxonomy) -> _TextIndex:
    """The per-taxonomy lookup structures (built once, then cached on the taxonomy)."""
    return tax.cached("text.index", lambda: _build_index(tax))


def normalise(text: str) -> str:
    """Fold text (NFKC, case, punctuation, spaces) and strip filler words around a skill."""
    key = fold(text)
    stripped = _SUFFIX_RE.sub("", _PREFIX_RE.sub("", key))
    return stripped if len(stripped) >= 2 else key


def split_parts(text: str) -> list[str]:
    """Split a field listing several skills ("电焊、叉车；会做饭") into its parts."""
    text = unicodedata.normalize("NFKC", text)
    return [p for p in (s.strip() for s in _SPLIT_RE.split(text)) if p]


def _exact(idx: _TextIndex, text: str, key: str) -> Resolution | None:
    for candidate in dict.fromkeys((fold(text), key)):
        code = idx.terms.get(candidate)
        if code:
            return Resolution(text, key, code, "alias", 1.0, candidate)
    return None


def _contained(idx: _TextIndex, text: str, key: str) -> list[Resolution]:
    """Aliases found inside the text, longest first, not overlapping each other."""
    folded = fold(text)
    taken = [False] * len(folded)
    found: list[Resolution] = []
    for term in idx.cjk_terms:
        start = folded.find(term)
        while start >= 0:
            span = range(start, start + len(term))
            if not any(taken[i] for i in span):
                for i in span:
                    taken[i] = True
                code = idx.terms[term]
                if all(r.skill != code for r in found):
                    conf = 0.75 + 0.2 * len(term) / max(len(key), len(term))
                    found.append(Resolution(text, key, code, "contains", round(conf, 3), term))
            start = folded.find(term, start + 1)
    return found


def _chars(idx: _TextIndex, text: str, key: str) -> Resolution | None:
    latin = not _CJK_RE.search(key)
    choices = idx.latin_terms if latin else idx.cjk_terms
    cutoff = LATIN_CHARS_CUTOFF if latin else CHARS_CUTOFF
    best: tuple[float, str] | None = None
    for term, score, _ in process.extract(key, choices, scorer=fuzz.ratio,
                                          score_cutoff=cutoff, limit=8):
        # One shared character is never evidence: 木工 and 焊工 share only 工.
        if LCSseq.similarity(key, term) < 2:
            continue
        if best is None or score > best[0]:
            best = (score, term)
    if best is None:
        return None
    score, term = best
    return Resolution(text, key, idx.terms[term], "chars", round(0.9 * score / 100, 3), term)


def _pinyin(idx: _TextIndex, text: str, key: str) -> Resolution | None:
    if _CJK_RE.search(key):
        if len(key) < 2:
            return None
        py = to_pinyin(key)
    elif _LATIN_RE.match(key):
        py = key
    else:
        return None
    if len(py) < 4:
        return None
    hit = idx.pinyin.get(py)
    if hit:
        return Resolution(text, key, hit[0], "pinyin", 0.8, hit[1])
    match = process.extractOne(py, idx.pinyin_keys, scorer=fuzz.ratio, score_cutoff=PINYIN_CUTOFF)
    if match is None:
        return None
    code, term = idx.pinyin[match[0]]
    return Resolution(text, key, code, "pinyin", round(0.7 * match[1] / 100, 3), term)


def resolve_all(text: str, taxonomy: Taxonomy | None = None) -> list[Resolution]:
    """Resolve one part of typed text; several skills when it names several (电工焊工)."""
    tax = taxonomy or default_taxonomy()
    idx = text_index(tax)
    key = normalise(text)
    if not key:
        return [Resolution(text, key)]
    exact = _exact(idx, text, key)
    if exact:
        return [exact]
    contained = _contained(idx, text, key)
    if contained:
        return contained
    for method in (_chars, _pinyin):
        hit = method(idx, text, key)
        if hit:
            return [hit]
    return [Resolution(text, key)]


def resolve(text: str, taxonomy: Taxonomy | None = None) -> Resolution:
    """Resolve one piece of typed text to its most likely canonical skill."""
    return max(resolve_all(text, taxonomy), key=lambda r: r.confidence)


def parse_skills(text: str, taxonomy: Taxonomy | None = None) -> list[Resolution]:
    """Split a free-text skills field and resolve each part; unresolved parts are kept."""
    out: list[Resolution] = []
    seen: set[str] = set()
    for part in split_parts(text):
        for r in resolve_all(part, taxonomy):
            if r.skill is None or r.skill not in seen:
                out.append(r)
                if r.skill:
                    seen.add(r.skill)
    return out


def search_terms(query: str, taxonomy: Taxonomy | None = None,
                 min_confidence: float = 0.5) -> set[str]:
    """Skill codes a job-board search for ``query`` should match (电焊, hangong, 汗工 -> welder)."""
    return {r.skill for r in parse_skills(query, taxonomy)
            if r.skill is not None and r.confidence >= min_confidence}
