"""Matching engine data: vocabularies, rule bits, input profiles, config and outputs.

Plain frozen dataclasses shared by every ``engine_*`` module; import them through the
:mod:`app.matching.engine` facade.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

import numpy as np

from app.vocabulary import JOB_KINDS, REGIONS

JOB_REGIONS = REGIONS  # index = region code; 4 = worker's own county
WORKER_CATEGORIES = ("relocated", "graduate", "returnee", "general")
RULES = ("closed", "employer_suspended", "age", "region", "care_duties", "kind_ineligible",
         "kind_unwanted", "not_available", "cert_missing", "cert_expired", "skill_gap",
         "education")
BIT = {code: 1 << i for i, code in enumerate(RULES)}
FIXABLE_BY_TRAINING = frozenset({"cert_missing", "cert_expired", "skill_gap"})
# Education codes (as stored on workers and openings) and their level: 高中 and 中专 are
# the same stage, so either meets a requirement of the other.
EDUCATION_LEVELS = {"none": 0, "primary": 1, "junior": 2, "senior": 3, "vocational": 3,
                    "college": 4, "bachelor": 5}
DEFAULT_WEIGHTS = {"skill": 40.0, "preferred": 5.0, "wage": 20.0, "region": 15.0,
                   "amenities": 5.0, "policy": 5.0, "employer": 10.0}


@dataclass(frozen=True)
class HeldCertificate:
    """A certificate a worker holds; ``expires`` None means no fixed term."""

    code: str
    expires: date | None = None


@dataclass(frozen=True)
class WorkerProfile:
    """What the engine needs to know about a labourer (plain data, no ORM)."""

    id: int | str
    birth_date: date
    county: str  # GB/T 2260 area codes, e.g. "522301"
    prefecture: str = ""
    province: str = ""
    skills: tuple[tuple[str, int], ...] = ()  # (skill code, level 1 beginner .. 5 expert)
    certificates: tuple[HeldCertificate, ...] = ()
    regions: tuple[str, ...] = ("local", "guizhou")  # acceptable, in preference order
    min_wage: int = 0  # lowest acceptable monthly wage, CNY; 0 = not stated
    kinds: tuple[str, ...] = JOB_KINDS  # job kinds wanted
    available_from: date | None = None
    care_duties: bool = False  # must stay in own county
    category: str = "general"
    education: str = ""  # highest completed (EDUCATION_LEVELS); "" = not known, never ruled out
    monitored_household: bool = False
    zero_employment_household: bool = False


@dataclass(frozen=True)
class JobProfile:
    """What the engine needs to know about an opening (plain data, no ORM)."""

    id: int | str
    employer_id: int | str
    start_date: date
    status: str = "open"
    openings_left: int = 1
    age_min: int | None = None
    age_max: int | None = None
    required_certificates: tuple[str, ...] = ()
    required_skills: tuple[tuple[str, int], ...] = ()  # (skill code, minimum level)
    preferred_skills: tuple[str, ...] = ()
    wage_min: int = 0  # monthly CNY
    wage_max: int = 0
    region: str = "guizhou"  # yrd / prd / guizhou / other
    county: str = ""  # workplace area codes
    prefecture: str = ""
    province: str = ""
    kind: str = "market"
    eligible_county: str = ""  # public_welfare / work_relief: whose residents may apply
    housing: bool = False
    meals: bool = False
    employer_suspended: bool = False
    employer_wage_arrears: bool = False
    employer_retention: float | None = None  # share of placements still in work, 0..1
    title: str = ""
    min_education: str = "none"  # EDUCATION_LEVELS code; a hard rule
    unclassified: bool = False  # names no skill or occupation: no skill fit until classified


@dataclass(frozen=True)
class MatchConfig:
    """Weights and tuning knobs; every default can be overridden with dataclasses.replace."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    skill_gap_rules_out: bool = False  # a required skill with zero coverage rules a job out
    level_penalty: float = 0.25  # coverage lost per level below the required one
    no_requirement_fit: float = 0.6  # skill value of an opening that asks for no skill
    name_sim_weight: float = 0.5  # similarity from skill names alone, when no relation
    name_sim_cutoff: float = 60.0
    wage_floor: int = 2000  # stands in for an unstated lowest wage (about the local minimum)
    region_step: float = 0.25  # value lost per place down the worker's preference list
    retention_default: float = 0.6
    arrears_factor: float = 0.2  # employer value multiplier when wages are in arrears
    policy_values: Mapping[str, float] = field(default_factory=lambda: {
        "monitored": 1.0, "zero_employment": 1.0, "relocated": 0.8, "graduate": 0.6,
        "returnee": 0.5, "general": 0.0})
    max_ruled_out: int = 50  # explained rule-outs returned; counts are always complete
    block_pairs: int = 4_000_000  # pairs scored at once in batch (memory bound)


# ---- outputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Component:
    """One explained part of a score; ``points`` add up to the match score."""

    key: str
    value: float  # 0..1
    weight: float  # share of 100 points
    points: float
    text_zh: str
    text_en: str


@dataclass(frozen=True)
class Reason:
    """Why an opening is ruled out; ``subject`` is the missing certificate or skill code."""

    code: str
    text_zh: str
    text_en: str
    subject: str | None = None


@dataclass(frozen=True)
class Match:
    """A ranked worker-opening pair with its explanation."""

    job_id: int | str
    worker_id: int | str
    score: float  # 0..100
    components: tuple[Component, ...]


@dataclass(frozen=True)
class RuledOut:
    """An opening (or worker) ruled out by hard rules, with every reason."""

    job_id: int | str
    worker_id: int | str
    reasons: tuple[Reason, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        """Reason codes only."""
        return tuple(r.code for r in self.reasons)


@dataclass(frozen=True)
class RankResult:
    """Ranking of one worker (or one job) against the other side."""

    matches: tuple[Match, ...]
    ruled_out: tuple[RuledOut, ...]  # capped at MatchConfig.max_ruled_out
    ruled_out_counts: dict[str, int]  # complete
    considered: int
    eligible: int
    reason_bits: np.ndarray  # per candidate, OR of BIT[code]; 0 = eligible

    def codes_at(self, pos: int) -> tuple[str, ...]:
        """Rule-out reason codes of the candidate at index position ``pos``."""
        return decode_bits(int(self.reason_bits[pos]))


def decode_bits(bits: int) -> tuple[str, ...]:
    """Reason codes set in a reason bit field."""
    return tuple(code for code in RULES if bits & BIT[code])
