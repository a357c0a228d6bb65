"""Resolve what people type ("会电焊", "做过月嫂", "汗工", "Hangong") to canonical skills.

Order of methods, cheapest and surest first: exact name/alias, the names found as words of
the text, character similarity (rapidfuzz), and pinyin (pypinyin) only when characters fail.

Words, not substrings: the text is segmented by maximum matching over the taxonomy's names
and aliases plus the words of titles that are not trades (``[words]`` in skills.toml: 维护,
自动化, 工程师, 设计师 …). The segmentation that covers the most characters with the fewest
words wins, so 维护工程师 reads 维护|工程师 and never yields 护工, and 自动化工程师 never
yields 化工. A job title's trade is its head, the last trade or non-trade word
(:func:`resolve_title`): 电子厂普工 is a 普工, 包装设计师 is a designer (no trade).
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

GENERIC_SKILL = "general_worker"  # 普工, 操作工: a title's head that a trade before it refines
_WORKPLACE_RE = re.compile(r"(厂|场|车间|工地|公司|基地|酒店|饭店|餐厅|超市|医院|学校)$")
NON_TRADE = "-"  # segmentation marks: a word that is not a trade, an employment form
QUALIFIER = "~"
_ALNUM_RE = re.compile(r"[a-z0-9]")
_BRACKETS_RE = re.compile(r"[(（\[【〔<《][^)）\]】〕>》]*[)）\]】〕>》]?")

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
    words: dict[str, str]  # folded word -> skill code, NON_TRADE or QUALIFIER (segmentation)
    longest: int  # length of the longest word
    cjk_terms: tuple[str, ...]  # CJK terms, longest first
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
    words: dict[str, str] = {}
    for s in tax.skills:  # names and aliases only: English names are for exact matches
        for term in (s.name, *s.aliases):
            words.setdefault(fold(term), s.code)
    for group, mark in ((tax.non_trades, NON_TRADE), (tax.qualifiers, QUALIFIER)):
        for term in group:
            words.setdefault(fold(term), mark)
    return _TextIndex(terms=terms, words=words, longest=max(map(len, words), default=1),
                      cjk_terms=cjk, all_terms=tuple(terms),
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


def segment(text: str, taxonomy: Taxonomy | None = None) -> list[tuple[str, str]]:
    """The known words of ``text`` in order, as (word, skill code | NON_TRADE | QUALIFIER).

    Maximum matching by dynamic programming: most characters covered by known words, then
    fewest words. A Latin word (QC, CNC) must stand alone, not inside a longer Latin run.
    """
    idx = text_index(taxonomy or default_taxonomy())
    folded = fold(text)
    n = len(folded)
    # best[i]: (characters covered, -words, -trade words) of the best reading of folded[:i];
    # between two equal readings the one naming fewer trades wins (no trade is invented).
    best: list[tuple[int, int, int] | None] = [(0, 0, 0)] + [None] * n
    back: list[tuple[int, str | None]] = [(0, None)] * (n + 1)
    for i in range(n):
        here = best[i]
        if here is None:
            continue
        steps: list[tuple[int, str | None]] = [(i + 1, None)]
        for end in range(i + 2, min(n, i + idx.longest) + 1):
            word = folded[i:end]
            if word in idx.words and _stands_alone(folded, i, end):
                steps.append((end, word))
        for end, step in steps:
            trade = step is not None and idx.words[step] not in (NON_TRADE, QUALIFIER)
            score = (here[0] + (end - i), here[1] - 1, here[2] - trade) if step else here
            if best[end] is None or score > best[end]:  # type: ignore[operator]
                best[end] = score
                back[end] = (i, step)
    out: list[tuple[str, str]] = []
    pos = n
    while pos > 0:
        start, found = back[pos]
        if found:
            out.append((found, idx.words[found]))
        pos = start
    return out[::-1]


def _stands_alone(folded: str, start: int, end: int) -> bool:
    """A Latin/digit word is a word only between non-Latin characters (QC, not inside QCC)."""
    if not _ALNUM_RE.match(folded[start]) and not _ALNUM_RE.match(folded[end - 1]):
        return True
    before = start > 0 and _ALNUM_RE.match(folded[start - 1]) is not None
    after = end < len(folded) and _ALNUM_RE.match(folded[end]) is not None
    return not (before or after)


def _contained(idx: _TextIndex, text: str, key: str,
               tax: Taxonomy) -> tuple[list[Resolution], bool]:
    """Skills named as words of the text, in order; and whether a non-trade word was seen."""
    found: list[Resolution] = []
    non_trade = False
    for word, code in segment(text, tax):
        if code in (NON_TRADE, QUALIFIER):
            non_trade = True
        elif all(r.skill != code for r in found):
            conf = 0.75 + 0.2 * len(word) / max(len(key), len(word))
            found.append(Resolution(text, key, code, "contains", round(conf, 3), word))
    return found, non_trade


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
    contained, non_trade = _contained(idx, text, key, tax)
    if contained or non_trade:
        # A known word that is not a trade (工程师, 维护) is evidence too: no guessing.
        return contained or [Resolution(text, key)]
    for method in (_chars, _pinyin):
        hit = method(idx, text, key)
        if hit:
            return [hit]
    return [Resolution(text, key)]


def resolve(text: str, taxonomy: Taxonomy | None = None) -> Resolution:
    """Resolve one piece of typed text to its most likely canonical skill."""
    return max(resolve_all(text, taxonomy), key=lambda r: r.confidence)


def resolve_title(text: str, taxonomy: Taxonomy | None = None) -> Resolution:
    """The trade a job title names: the head of the title, its last trade or non-trade word.

    电子厂普工 → 普工 (a workplace, then the trade); 包装设计师 → nothing (a designer);
    电子厂小时工 → 电子装配工 (an employment form qualifies, it names no trade); remarks in
    brackets count only when the rest names nothing ("普工（会电焊优先）" is a 普工).
    Several titles in one ("电工/焊工") take the first that resolves.
    """
    tax = taxonomy or default_taxonomy()
    plain = _BRACKETS_RE.sub(" ", unicodedata.normalize("NFKC", text or ""))
    for candidate in (plain, text or ""):
        for part in split_parts(candidate):
            hit = _title_part(part, tax)
            if hit is not None:
                return hit
    return Resolution(text or "", normalise(text or ""))


def _title_part(part: str, tax: Taxonomy) -> Resolution | None:
    idx = text_index(tax)
    key = normalise(part)
    if not key:
        return None
    exact = _exact(idx, part, key)
    if exact:
        return exact
    words = [(w, c) for w, c in segment(part, tax) if c != QUALIFIER]
    if words:
        word, code = words[-1]
        if code == NON_TRADE:
            return None
        if code == GENERIC_SKILL:
            # 注塑操作工, 叉车操作员: a generic head after a trade is that trade; after a
            # workplace (电子厂普工, 化工厂操作工) it stays the generic trade.
            for w, c in reversed(words[:-1]):
                if c not in (NON_TRADE, GENERIC_SKILL) and not _WORKPLACE_RE.search(w):
                    word, code = w, c
                    break
        conf = 0.75 + 0.2 * len(word) / max(len(key), len(word))
        return Resolution(part, key, code, "contains", round(conf, 3), word)
    if any(c == QUALIFIER for _, c in segment(part, tax)):
        return None  # 小时工, 学徒 alone: an employment form, no trade
    for method in (_chars, _pinyin):
        hit = method(idx, part, key)
        if hit:
            return hit
    return None


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
