"""Skill taxonomy: canonical skills and certificates loaded from ``training_catalog/*.toml``.

Pure Python (stdlib ``tomllib``); the matching engine and the text resolver build their
heavy structures once per :class:`Taxonomy` through :meth:`Taxonomy.cached`.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any, TypeVar

CATALOG_DIR = Path(__file__).resolve().parents[2] / "training_catalog"
SKILLS_FILE = CATALOG_DIR / "skills.toml"
CERTIFICATES_FILE = CATALOG_DIR / "certificates.toml"

CATEGORIES = frozenset({
    "manufacturing", "construction", "domestic_care", "catering", "hospitality_tourism",
    "transport_logistics", "retail_services", "ecommerce_digital", "office", "agriculture",
    "crafts", "public_service", "health", "repair", "mining_energy",
})
CODE_RE = re.compile(r"^[a-z][a-z0-9_]*$")
WORD_GROUPS = ("non_trades", "qualifiers")
OCCUPATION_RE = re.compile(r"^\d-\d{2}-\d{2}-\d{2}$")
# Chinese and ASCII punctuation plus symbols people paste from forms and chat apps.
_PUNCT_RE = re.compile(r"[\s\u3000-\u303f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65"
                       r"!-/:-@\[-`{-~·•—–…‘’“”]+")

# Words around a certificate's name in openings and rosters: 持B2驾驶证, 有电工证优先.
_CERT_FILLER_RE = re.compile(r"^(?:持有|持|具备|具有|需要|需|要求|必须有|有)|(?:者优先|优先|以上)$")

T = TypeVar("T")


def fold(text: str) -> str:
    """Fold text for comparison: NFKC, lower case, no whitespace or punctuation."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text)).casefold()


@dataclass(frozen=True)
class Problem:
    """One validation problem in a catalogue file."""

    file: str
    entry: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.file}: [{self.entry}] {self.field}: {self.reason}"


class TaxonomyError(ValueError):
    """Raised when catalogue files do not validate; carries the problems."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass(frozen=True)
class Certificate:
    """A certificate or licence a worker can hold."""

    code: str
    name: str
    name_en: str
    authority: str
    validity_years: int = 0  # 0 means no fixed term
    short_name: str = ""
    short_name_en: str = ""
    aliases: tuple[str, ...] = ()  # names people write: 电工证, B2驾驶证, 叉车证

    @property
    def label_zh(self) -> str:
        """Short Chinese label for sentences such as 缺少焊工证."""
        return self.short_name or self.name

    @property
    def label_en(self) -> str:
        """Short English label for sentences such as 'missing welder certificate'."""
        return self.short_name_en or self.name_en


@dataclass(frozen=True)
class SkillCertificate:
    """A certificate that goes with a skill; ``required`` when the law demands it."""

    code: str
    required: bool = False


@dataclass(frozen=True)
class Skill:
    """A canonical skill or occupation."""

    code: str
    name: str
    name_en: str
    category: str
    occupation_code: str = ""
    certificates: tuple[SkillCertificate, ...] = ()
    aliases: tuple[str, ...] = ()
    related: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True)
class Taxonomy:
    """The validated skill and certificate catalogue with lookups."""

    skills: tuple[Skill, ...]
    certificates: tuple[Certificate, ...]
    # Words of job titles that are not trades (工程师, 设计师, 维护, 自动化): they keep a
    # trade's name from being read inside them (维护工程师 never yields 护工).
    non_trades: tuple[str, ...] = ()
    # Employment forms (小时工, 学徒, 临时工): they qualify the trade named beside them and
    # name none on their own.
    qualifiers: tuple[str, ...] = ()
    _cache: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        by_code = {s.code: s for s in self.skills}
        index = {s.code: i for i, s in enumerate(self.skills)}
        certs = {c.code: c for c in self.certificates}
        names: dict[str, str] = {}
        for s in self.skills:
            for term in (s.name, *s.aliases):
                names.setdefault(fold(term), s.code)
        related: dict[tuple[str, str], float] = {}
        for s in self.skills:
            for other, weight in s.related:
                related[(s.code, other)] = weight
                related[(other, s.code)] = weight
        object.__setattr__(self, "_by_code", by_code)
        object.__setattr__(self, "_index", index)
        object.__setattr__(self, "_certs", certs)
        cert_names: dict[str, str] = {}
        for c in self.certificates:
            for term in (c.code, c.name, c.short_name, c.name_en, c.short_name_en, *c.aliases):
                if term:
                    cert_names.setdefault(fold(term), c.code)
        object.__setattr__(self, "_names", names)
        object.__setattr__(self, "_cert_names", cert_names)
        object.__setattr__(self, "_related", related)

    def __hash__(self) -> int:
        return id(self)

    def __len__(self) -> int:
        return len(self.skills)

    def __iter__(self) -> Iterator[Skill]:
        return iter(self.skills)

    def __contains__(self, code: object) -> bool:
        return code in self._by_code  # type: ignore[attr-defined]

    @property
    def codes(self) -> tuple[str, ...]:
        """Skill codes in vocabulary order (the engine's matrix order)."""
        return tuple(s.code for s in self.skills)

    @property
    def certificate_codes(self) -> tuple[str, ...]:
        """Certificate codes in catalogue order (the engine's bit order)."""
        return tuple(c.code for c in self.certificates)

    def skill(self, code: str) -> Skill:
        """Return the skill with this code (KeyError if unknown)."""
        return self._by_code[code]  # type: ignore[attr-defined]

    def get(self, code: str) -> Skill | None:
        """Return the skill with this code, or None."""
        return self._by_code.get(code)  # type: ignore[attr-defined]

    def index_of(self, code: str) -> int:
        """Return the position of a skill code in the vocabulary (KeyError if unknown)."""
        return self._index[code]  # type: ignore[attr-defined]

    def certificate(self, code: str) -> Certificate:
        """Return the certificate with this code (KeyError if unknown)."""
        return self._certs[code]  # type: ignore[attr-defined]

    def get_certificate(self, code: str) -> Certificate | None:
        """Return the certificate with this code, or None."""
        return self._certs.get(code)  # type: ignore[attr-defined]

    def find_certificate(self, text: str) -> Certificate | None:
        """The certificate a person means by ``text``: its code, full or short name, English
        name or a common alias (电工证, B2驾驶证, 叉车证, 健康证), compared after folding."""
        names = self._cert_names  # type: ignore[attr-defined]
        key = fold(text)
        code = names.get(key) or names.get(_CERT_FILLER_RE.sub("", key))
        return self._certs[code] if code else None  # type: ignore[attr-defined]

    def lookup(self, term: str) -> Skill | None:
        """Return the skill whose name or alias equals ``term`` after folding."""
        code = self._names.get(fold(term))  # type: ignore[attr-defined]
        return self._by_code[code] if code else None  # type: ignore[attr-defined]

    def terms(self) -> Mapping[str, str]:
        """Folded name/alias -> skill code, for every name and alias."""
        return self._names  # type: ignore[attr-defined]

    def transfer(self, a: str, b: str) -> float:
        """Transfer weight between two skills: 1 for identity, declared weight, else 0."""
        if a == b:
            return 1.0
        return self._related.get((a, b), 0.0)  # type: ignore[attr-defined]

    def required_certificates(self, code: str) -> tuple[str, ...]:
        """Certificate codes the law requires for a skill."""
        return tuple(c.code for c in self.skill(code).certificates if c.required)

    def skill_label(self, code: str, lang: str = "zh") -> str:
        """Display name of a skill code, or the code itself when unknown."""
        s = self.get(code)
        if s is None:
            return code
        return s.name if lang == "zh" else s.name_en

    def cert_label(self, code: str, lang: str = "zh") -> str:
        """Short display name of a certificate code, or the code itself when unknown."""
        c = self.get_certificate(code)
        if c is None:
            return code
        return c.label_zh if lang == "zh" else c.label_en

    def cached(self, key: str, build: Callable[[], T]) -> T:
        """Build a derived structure once per taxonomy and keep it."""
        try:
            return self._cache[key]
        except KeyError:
            value = self._cache[key] = build()
            return value


# ---- validation -------------------------------------------------------------------------


def _str_field(problems: list[Problem], file: str, entry: str, data: dict, name: str,
               required: bool = True) -> str:
    value = data.get(name)
    if value is None or value == "":
        if required:
            problems.append(Problem(file, entry, name, "missing"))
        return ""
    if not isinstance(value, str):
        problems.append(Problem(file, entry, name, f"must be a string, got {type(value).__name__}"))
        return ""
    return value


def _check_names(problems: list[Problem], file: str, entry: str, code: str, own: list[str],
                 aliases: object, owners: dict[str, str]) -> None:
    """Names and aliases: a list of strings, each at least two characters after folding and
    owned by one entry only (``owners`` maps folded names to the entry that has them)."""
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        problems.append(Problem(file, entry, "aliases", "must be a list of strings"))
        aliases = []
    for term in own + aliases:
        key = fold(term)
        if len(key) < 2:
            problems.append(Problem(file, entry, "aliases",
                                    f"{term!r} is shorter than two characters"))
            continue
        owner = owners.get(key)
        if owner is not None and owner != code:
            problems.append(Problem(file, entry, "aliases",
                                    f"{term!r} is already a name or alias of {owner!r}"))
        owners.setdefault(key, code)


def validate_certificates(data: dict, file: str = "certificates.toml") -> list[Problem]:
    """Check the parsed certificates file; return problems (empty when clean)."""
    problems: list[Problem] = []
    entries = data.get("certificate")
    if not isinstance(entries, list) or not entries:
        return [Problem(file, "-", "certificate", "no [[certificate]] entries")]
    seen: set[str] = set()
    names: dict[str, str] = {}
    for i, raw in enumerate(entries):
        entry = str(raw.get("code") or f"#{i + 1}")
        code = _str_field(problems, file, entry, raw, "code")
        if code and not CODE_RE.match(code):
            problems.append(Problem(file, entry, "code", "must be lower-case ASCII [a-z0-9_]"))
        if code in seen:
            problems.append(Problem(file, entry, "code", "duplicate certificate code"))
        seen.add(code)
        for name in ("name", "name_en", "authority"):
            _str_field(problems, file, entry, raw, name)
        own = [raw[k] for k in ("name", "short_name") if isinstance(raw.get(k), str)]
        _check_names(problems, file, entry, code, own, raw.get("aliases", []), names)
        years = raw.get("validity_years")
        if not isinstance(years, int) or isinstance(years, bool) or years < 0:
            problems.append(Problem(file, entry, "validity_years",
                                    "must be an integer >= 0 (0 = no fixed term)"))
    if len(seen) > 63:
        problems.append(Problem(file, "-", "certificate", "at most 63 certificates (bit mask)"))
    return problems


def validate_skills(data: dict, cert_codes: set[str], file: str = "skills.toml") -> list[Problem]:
    """Check the parsed skills file against known certificate codes; return problems."""
    problems: list[Problem] = []
    entries = data.get("skill")
    if not isinstance(entries, list) or not entries:
        return [Problem(file, "-", "skill", "no [[skill]] entries")]
    codes = {str(e.get("code")) for e in entries if isinstance(e.get("code"), str)}
    seen: set[str] = set()
    term_owner: dict[str, str] = {}
    pairs: dict[frozenset[str], float] = {}
    for i, raw in enumerate(entries):
        entry = str(raw.get("code") or f"#{i + 1}")
        code = _str_field(problems, file, entry, raw, "code")
        if code and not CODE_RE.match(code):
            problems.append(Problem(file, entry, "code", "must be lower-case ASCII [a-z0-9_]"))
        if code and code in seen:
            problems.append(Problem(file, entry, "code", "duplicate skill code"))
        seen.add(code)
        name = _str_field(problems, file, entry, raw, "name")
        _str_field(problems, file, entry, raw, "name_en")
        category = _str_field(problems, file, entry, raw, "category")
        if category and category not in CATEGORIES:
            problems.append(Problem(file, entry, "category", f"unknown category {category!r}"))
        occ = _str_field(problems, file, entry, raw, "occupation_code", required=False)
        if occ and not OCCUPATION_RE.match(occ):
            problems.append(Problem(file, entry, "occupation_code", "must look like 6-18-02-04"))
        for j, cert in enumerate(raw.get("certificates", [])):
            ccode = cert.get("code") if isinstance(cert, dict) else None
            if not isinstance(ccode, str):
                problems.append(Problem(file, entry, f"certificates[{j}]", "missing code"))
            elif ccode not in cert_codes:
                problems.append(Problem(file, entry, f"certificates[{j}]",
                                        f"unknown certificate {ccode!r}"))
            if isinstance(cert, dict) and not isinstance(cert.get("required", False), bool):
                problems.append(Problem(file, entry, f"certificates[{j}]",
                                        "required must be true or false"))
        _check_names(problems, file, entry, code, [name] if name else [],
                     raw.get("aliases", []), term_owner)
        for j, rel in enumerate(raw.get("related", [])):
            where = f"related[{j}]"
            other = rel.get("code") if isinstance(rel, dict) else None
            weight = rel.get("weight") if isinstance(rel, dict) else None
            if not isinstance(other, str):
                problems.append(Problem(file, entry, where, "missing code"))
                continue
            if other not in codes:
                problems.append(Problem(file, entry, where, f"unknown skill {other!r}"))
            if other == code:
                problems.append(Problem(file, entry, where, "a skill cannot relate to itself"))
            if not isinstance(weight, int | float) or isinstance(weight, bool) \
                    or not 0 < weight < 1:
                problems.append(Problem(file, entry, where,
                                        f"weight must be a number with 0 < w < 1, got {weight!r}"))
                continue
            pair = frozenset((code, other))
            if pair in pairs:
                problems.append(Problem(file, entry, where,
                                        f"pair with {other!r} declared twice"))
            pairs[pair] = float(weight)
    problems += _validate_words(data.get("words", {}), term_owner, file)
    return problems


def _validate_words(words: object, term_owner: dict[str, str], file: str) -> list[Problem]:
    """The [words] table: lists of title words that are not trades, or employment forms."""
    problems: list[Problem] = []
    if not isinstance(words, dict):
        return [Problem(file, "words", "-", "must be a table")]
    seen: dict[str, str] = {}
    for group in WORD_GROUPS:
        values = words.get(group, [])
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            problems.append(Problem(file, "words", group, "must be a list of strings"))
            continue
        for term in values:
            key = fold(term)
            if len(key) < 2:
                problems.append(Problem(file, "words", group,
                                        f"{term!r} is shorter than two characters"))
            elif key in term_owner:
                problems.append(Problem(file, "words", group,
                                        f"{term!r} is a name or alias of {term_owner[key]!r}"))
            elif key in seen:
                problems.append(Problem(file, "words", group, f"{term!r} is already in "
                                                              f"{seen[key]!r}"))
            seen.setdefault(key, group)
    for group in set(words) - set(WORD_GROUPS):
        problems.append(Problem(file, "words", group,
                                f"unknown list (one of {', '.join(WORD_GROUPS)})"))
    return problems


def _read(path: Path) -> tuple[dict, list[Problem]]:
    try:
        with path.open("rb") as fh:
            return tomllib.load(fh), []
    except FileNotFoundError:
        return {}, [Problem(path.name, "-", "-", "file not found")]
    except tomllib.TOMLDecodeError as exc:
        return {}, [Problem(path.name, "-", "-", f"not valid TOML: {exc}")]


def validate_files(skills_path: Path = SKILLS_FILE,
                   certificates_path: Path = CERTIFICATES_FILE) -> list[Problem]:
    """Validate both catalogue files; return every problem found."""
    cdata, problems = _read(Path(certificates_path))
    sdata, sproblems = _read(Path(skills_path))
    problems += sproblems
    if cdata:
        problems += validate_certificates(cdata, Path(certificates_path).name)
    cert_codes = {str(c["code"]) for c in cdata.get("certificate", [])
                  if isinstance(c, dict) and c.get("code")}
    if sdata:
        problems += validate_skills(sdata, cert_codes, Path(skills_path).name)
    return problems


def build_taxonomy(skills_data: dict, certificates_data: dict) -> Taxonomy:
    """Build a Taxonomy from already parsed and validated TOML data."""
    certs = tuple(
        Certificate(code=c["code"], name=c["name"], name_en=c["name_en"],
                    authority=c["authority"], validity_years=int(c["validity_years"]),
                    short_name=c.get("short_name", ""), short_name_en=c.get("short_name_en", ""),
                    aliases=tuple(c.get("aliases", ())))
        for c in certificates_data["certificate"])
    skills = tuple(
        Skill(code=s["code"], name=s["name"], name_en=s["name_en"], category=s["category"],
              occupation_code=s.get("occupation_code", ""),
              certificates=tuple(SkillCertificate(c["code"], bool(c.get("required", False)))
                                 for c in s.get("certificates", [])),
              aliases=tuple(s.get("aliases", [])),
              related=tuple((r["code"], float(r["weight"])) for r in s.get("related", [])))
        for s in skills_data["skill"])
    words = skills_data.get("words", {})
    return Taxonomy(skills=skills, certificates=certs,
                    non_trades=tuple(words.get("non_trades", ())),
                    qualifiers=tuple(words.get("qualifiers", ())))


def load_taxonomy(skills_path: Path = SKILLS_FILE,
                  certificates_path: Path = CERTIFICATES_FILE) -> Taxonomy:
    """Load and validate the catalogue; raise TaxonomyError listing every problem."""
    problems = validate_files(skills_path, certificates_path)
    if problems:
        raise TaxonomyError(problems)
    sdata, _ = _read(Path(skills_path))
    cdata, _ = _read(Path(certificates_path))
    return build_taxonomy(sdata, cdata)


@lru_cache(maxsize=1)
def default_taxonomy() -> Taxonomy:
    """The shipped catalogue, loaded once per process."""
    return load_taxonomy()
