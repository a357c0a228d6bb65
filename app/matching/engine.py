"""Pure matching engine: frozen profiles in, ranked and explained matches out.

Jobs and workers are compiled once into column arrays (:class:`JobIndex`,
:class:`WorkerIndex`). Scoring a block of workers against a block of jobs is vectorised
numpy over a (jobs x workers) grid; Python only runs for the few pairs that get explained.
Skill fit uses a skill-to-skill similarity matrix built once per taxonomy.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq
from scipy import sparse
from scipy.optimize import linear_sum_assignment

from app.matching.taxonomy import Taxonomy, default_taxonomy

WORKER_REGIONS = ("local", "guizhou", "yrd", "prd", "any")
JOB_REGIONS = ("yrd", "prd", "guizhou", "other")  # index = region code; 4 = worker's own county
JOB_KINDS = ("market", "public_welfare", "work_relief")
WORKER_CATEGORIES = ("relocated", "graduate", "returnee", "general")
RULES = ("closed", "employer_suspended", "age", "region", "care_duties", "kind_ineligible",
         "kind_unwanted", "not_available", "cert_missing", "cert_expired", "skill_gap")
BIT = {code: 1 << i for i, code in enumerate(RULES)}
FIXABLE_BY_TRAINING = frozenset({"cert_missing", "cert_expired", "skill_gap"})
DEFAULT_WEIGHTS = {"skill": 40.0, "preferred": 5.0, "wage": 20.0, "region": 15.0,
                   "amenities": 5.0, "policy": 5.0, "employer": 10.0}
_NO_EXPIRY = np.iinfo(np.int32).max
_UNKNOWN_CERT_BIT = 63


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


# ---- compiled indexes -------------------------------------------------------------------


def _area(code: str, empty: int) -> int:
    if not code:
        return empty
    # Area codes are digits; anything else still gets a stable, distinct number.
    if code.isdigit() and len(code) <= 9:
        return int(code)
    return 10**9 + zlib.crc32(code.encode()) % 10**9


def _minus_years(d: date, years: int) -> date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _cert_bits(tax: Taxonomy) -> dict[str, int]:
    return tax.cached("engine.cert_bits",
                      lambda: {c: i for i, c in enumerate(tax.certificate_codes)})


def similarity_matrix(tax: Taxonomy, cfg: MatchConfig | None = None) -> np.ndarray:
    """Skill-to-skill similarity (V+1 square, last row/column = unknown skill, all zero)."""
    cfg = cfg or MatchConfig()
    key = f"engine.S.{cfg.name_sim_weight}.{cfg.name_sim_cutoff}"

    def build() -> np.ndarray:
        names = [s.name for s in tax.skills]
        v = len(names)
        ratio = process.cdist(names, names, scorer=fuzz.ratio, dtype=np.float32, workers=-1)
        lcs = process.cdist(names, names, scorer=LCSseq.similarity, dtype=np.int32, workers=-1)
        # Name similarity needs two shared characters: 电工 and 焊工 share one, no credit.
        sim = np.where((ratio >= cfg.name_sim_cutoff) & (lcs >= 2),
                       cfg.name_sim_weight * ratio / 100, 0).astype(np.float32)
        for i, s in enumerate(tax.skills):
            for other, w in s.related:
                j = tax.index_of(other)
                sim[i, j] = max(sim[i, j], w)
                sim[j, i] = max(sim[j, i], w)
        np.fill_diagonal(sim, 1.0)
        out = np.zeros((v + 1, v + 1), np.float32)
        out[:v, :v] = sim
        return out

    return tax.cached(key, build)


def _level_factor(cfg: MatchConfig) -> np.ndarray:
    lf = np.zeros((6, 6), np.float32)  # [worker level, required level]; level 0 = padding
    for w in range(1, 6):
        for r in range(0, 6):
            lf[w, r] = 1.0 if w >= r else max(0.0, 1.0 - cfg.level_penalty * (r - w))
    return lf


def _pad(rows: Sequence[Sequence[int]], fill: int, dtype: type) -> np.ndarray:
    width = max((len(r) for r in rows), default=0) or 1
    out = np.full((len(rows), width), fill, dtype)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


class JobIndex:
    """Openings compiled to column arrays, built once and ranked against many times."""

    def __init__(self, jobs: Sequence[JobProfile], taxonomy: Taxonomy | None = None):
        self.taxonomy = tax = taxonomy or default_taxonomy()
        self.jobs = list(jobs)
        self.pos = {j.id: i for i, j in enumerate(self.jobs)}
        n, v = len(self.jobs), len(tax)
        bits = _cert_bits(tax)
        closed = np.zeros(n, bool)
        self.suspended = np.zeros(n, bool)
        self.born_after = np.zeros(n, np.int32)
        self.born_by = np.zeros(n, np.int32)
        self.region = np.zeros(n, np.int8)
        self.county = np.zeros(n, np.int32)
        self.kind = np.zeros(n, np.int8)
        self.elig_county = np.zeros(n, np.int32)
        self.start = np.zeros(n, np.int32)
        self.wage_mid = np.zeros(n, np.float32)
        self.amenity = np.zeros(n, np.float32)
        self.retention = np.full(n, np.nan, np.float32)
        self.arrears = np.zeros(n, bool)
        self.cert_mask = np.zeros(n, np.uint64)
        cert_rows: list[list[int]] = []
        req_rows, req_cols, req_vals, pref_rows, pref_cols, pref_vals = [], [], [], [], [], []
        self.req_count = np.zeros(n, np.int16)
        self.pref_count = np.zeros(n, np.int16)
        for i, j in enumerate(self.jobs):
            closed[i] = j.status != "open" or j.openings_left <= 0
            self.suspended[i] = j.employer_suspended
            start = j.start_date
            self.start[i] = start.toordinal()
            self.born_by[i] = (_minus_years(start, j.age_min).toordinal()
                               if j.age_min else _NO_EXPIRY)
            self.born_after[i] = (_minus_years(start, j.age_max + 1).toordinal()
                                  if j.age_max else 0)
            self.region[i] = JOB_REGIONS.index(j.region) if j.region in JOB_REGIONS else 3
            self.county[i] = _area(j.county, -2)
            self.kind[i] = JOB_KINDS.index(j.kind) if j.kind in JOB_KINDS else 0
            self.elig_county[i] = _area(j.eligible_county or j.county, -2)
            self.wage_mid[i] = (j.wage_min + (j.wage_max or j.wage_min)) / 2
            self.amenity[i] = 0.5 * j.housing + 0.5 * j.meals
            if j.employer_retention is not None:
                self.retention[i] = j.employer_retention
            self.arrears[i] = j.employer_wage_arrears
            slots = sorted({bits.get(c, _UNKNOWN_CERT_BIT) for c in j.required_certificates})
            cert_rows.append(slots)
            self.cert_mask[i] = sum(1 << b for b in slots)
            req = {}
            for code, level in j.required_skills:
                col = tax.index_of(code) if code in tax else v
                req[col] = max(req.get(col, 1), min(max(int(level), 1), 5))
            self.req_count[i] = len(req)
            for col, level in req.items():
                req_rows.append(i)
                req_cols.append(level * (v + 1) + col)
                req_vals.append(1.0 / len(req))
            pref = {tax.index_of(c) if c in tax else v for c in j.preferred_skills}
            self.pref_count[i] = len(pref)
            for col in pref:
                pref_rows.append(i)
                pref_cols.append(1 * (v + 1) + col)
                pref_vals.append(1.0 / len(pref))
        self.ok = ~closed & ~self.suspended
        self.closed = closed
        self.cert_slots = _pad(cert_rows, -1, np.int16)
        self.any_certs = bool(self.cert_mask.any())
        self.any_nonmarket = bool((self.kind != 0).any())
        # Skill columns used by these jobs; a column is (required level, skill) flattened.
        used = np.unique(np.array(req_cols + pref_cols, np.int64))
        self.cols = used
        remap = {c: k for k, c in enumerate(used.tolist())}
        shape = (n, len(used))
        self.req = sparse.csr_matrix(
            (np.array(req_vals, np.float32), ([*req_rows], [remap[c] for c in req_cols])), shape)
        self.req_ind = sparse.csr_matrix(
            (np.ones(len(req_rows), np.float32), (req_rows, [remap[c] for c in req_cols])), shape)
        self.pref = sparse.csr_matrix(
            (np.array(pref_vals, np.float32), ([*pref_rows], [remap[c] for c in pref_cols])),
            shape)

    def __len__(self) -> int:
        return len(self.jobs)

    def subset(self, positions: Iterable[int]) -> JobIndex:
        """A new index over some of these jobs (e.g. one opening)."""
        return JobIndex([self.jobs[p] for p in positions], self.taxonomy)


class WorkerIndex:
    """Workers compiled to column arrays, built once and scored in blocks.

    The config's region_step, policy_values and wage_floor are baked in at build time.
    """

    def __init__(self, workers: Sequence[WorkerProfile], taxonomy: Taxonomy | None = None,
                 cfg: MatchConfig | None = None):
        self.taxonomy = tax = taxonomy or default_taxonomy()
        cfg = cfg or MatchConfig()
        self.workers = list(workers)
        self.pos = {w.id: i for i, w in enumerate(self.workers)}
        n, v = len(self.workers), len(tax)
        bits = _cert_bits(tax)
        ncert = len(bits)
        self.birth = np.zeros(n, np.int32)
        self.county = np.zeros(n, np.int32)
        self.rv = np.full((5, n), -1.0, np.float32)  # region value by JOB_REGIONS + local
        self.min_wage = np.zeros(n, np.float32)
        self.kinds = np.zeros(n, np.int8)
        self.available = np.zeros(n, np.int32)
        self.care = np.zeros(n, bool)
        self.priority = np.zeros(n, bool)  # monitored or zero-employment household
        self.policy = np.zeros(n, np.float32)
        self.cert_mask = np.zeros(n, np.uint64)
        self.cert_exp = np.zeros((n, ncert + 1), np.int32)  # 0 = not held
        sk_rows, lv_rows = [], []
        pv = cfg.policy_values
        for i, w in enumerate(self.workers):
            self.birth[i] = w.birth_date.toordinal()
            self.county[i] = _area(w.county, -1)
            self.rv[:, i] = _region_values(w, cfg.region_step)
            self.min_wage[i] = w.min_wage or cfg.wage_floor
            self.kinds[i] = sum(1 << JOB_KINDS.index(k) for k in w.kinds if k in JOB_KINDS)
            self.available[i] = w.available_from.toordinal() if w.available_from else 0
            self.care[i] = w.care_duties
            self.priority[i] = w.monitored_household or w.zero_employment_household
            self.policy[i] = _policy_value(w, pv)
            for c in w.certificates:
                b = bits.get(c.code)
                if b is None:
                    continue
                self.cert_mask[i] |= np.uint64(1 << b)
                exp = c.expires.toordinal() if c.expires else _NO_EXPIRY
                self.cert_exp[i, b] = max(self.cert_exp[i, b], exp)
            skills = {}
            for code, level in w.skills:
                if code in tax:
                    col = tax.index_of(code)
                    skills[col] = max(skills.get(col, 0), min(max(int(level), 1), 5))
            sk_rows.append(list(skills))
            lv_rows.append(list(skills.values()))
        self.skills = _pad(sk_rows, v, np.int16)
        self.levels = _pad(lv_rows, 0, np.int8)

    def __len__(self) -> int:
        return len(self.workers)


def _region_values(w: WorkerProfile, step: float) -> list[float]:
    prefs = w.regions or ("any",)

    def val(*names: str) -> float:
        idx = [prefs.index(p) for p in names if p in prefs]
        return max(0.2, 1.0 - step * min(idx)) if idx else -1.0

    local = val("local", "guizhou", "any")
    if w.care_duties:
        return [-1.0, -1.0, -1.0, -1.0, local]
    return [val("yrd", "any"), val("prd", "any"), val("guizhou", "any"), val("any"), local]


def _policy_value(w: WorkerProfile, pv: Mapping[str, float]) -> float:
    vals = [pv.get(w.category, 0.0)]
    if w.monitored_household:
        vals.append(pv.get("monitored", 0.0))
    if w.zero_employment_household:
        vals.append(pv.get("zero_employment", 0.0))
    return max(vals)


# ---- vectorised scoring -----------------------------------------------------------------


@dataclass
class _Grid:
    """Intermediate arrays of one (jobs x workers) block, shared by scorers and explainers."""

    jobs: JobIndex
    workers: WorkerIndex
    w: slice
    cfg: MatchConfig
    is_local: np.ndarray
    rval: np.ndarray
    fit: np.ndarray
    cov: np.ndarray  # (used skill columns x workers)


def _employer_value(jobs: JobIndex, cfg: MatchConfig) -> np.ndarray:
    ret = np.where(np.isnan(jobs.retention), cfg.retention_default, jobs.retention)
    return np.where(jobs.arrears, ret * cfg.arrears_factor, ret).astype(np.float32)


def _score_skill(g: _Grid) -> np.ndarray:
    return g.fit


def _score_preferred(g: _Grid) -> np.ndarray:
    if g.jobs.pref.nnz == 0:
        return g.fit
    pref = np.asarray(g.jobs.pref @ g.cov)
    return np.where((g.jobs.pref_count > 0)[:, None], pref, g.fit)


def _score_wage(g: _Grid) -> np.ndarray:
    ratio = g.jobs.wage_mid[:, None] / g.workers.min_wage[None, g.w]
    return np.clip(0.5 + 1.5 * (ratio - 1.0), 0.0, 1.0)


def _score_region(g: _Grid) -> np.ndarray:
    return np.maximum(g.rval, 0.0)


def _score_amenities(g: _Grid) -> np.ndarray:
    return np.where(g.is_local, np.float32(1.0), g.jobs.amenity[:, None])


def _score_policy(g: _Grid) -> np.ndarray:
    return g.workers.policy[None, g.w]


def _score_employer(g: _Grid) -> np.ndarray:
    return _employer_value(g.jobs, g.cfg)[:, None]


SCORERS: dict[str, Callable[[_Grid], np.ndarray]] = {
    "skill": _score_skill, "preferred": _score_preferred, "wage": _score_wage,
    "region": _score_region, "amenities": _score_amenities, "policy": _score_policy,
    "employer": _score_employer,
}


def _coverage(jobs: JobIndex, workers: WorkerIndex, w: slice, cfg: MatchConfig) -> np.ndarray:
    """Best coverage of each used (level, skill) column by each worker: (columns x workers)."""
    tax = jobs.taxonomy
    sim = similarity_matrix(tax, cfg)
    lf = _level_factor(cfg)
    level, skill = np.divmod(jobs.cols, len(tax) + 1)
    sk, lv = workers.skills[w], workers.levels[w]
    cov = np.zeros((len(jobs.cols), sk.shape[0]), np.float32)
    for s in range(sk.shape[1]):
        # sim[skill, worker skill] is symmetric, so rows can index the job side directly.
        np.maximum(cov, sim[skill[:, None], sk[None, :, s]] * lf[lv[None, :, s], level[:, None]],
                   out=cov)
    return cov


def _grid(jobs: JobIndex, workers: WorkerIndex, w: slice, cfg: MatchConfig) -> _Grid:
    is_local = jobs.county[:, None] == workers.county[None, w]
    rval = np.where(is_local, workers.rv[4, None, w], workers.rv[:4, w][jobs.region])
    cov = _coverage(jobs, workers, w, cfg)
    fit = np.asarray(jobs.req @ cov) if jobs.req.nnz else np.zeros(
        (len(jobs), cov.shape[1]), np.float32)
    no_req = jobs.req_count == 0
    if no_req.any():
        fit[no_req] = cfg.no_requirement_fit
    return _Grid(jobs, workers, w, cfg, is_local, rval, fit, cov)


def _rules(g: _Grid, with_reasons: bool) -> tuple[np.ndarray, np.ndarray | None]:
    """Hard rules: (eligible mask, reason bits or None), both (jobs x workers)."""
    J, W, w = g.jobs, g.workers, g.w
    checks: list[tuple[str, np.ndarray]] = [
        ("closed", J.closed[:, None]),
        ("employer_suspended", J.suspended[:, None]),
        ("age", (W.birth[None, w] <= J.born_after[:, None])
         | (W.birth[None, w] > J.born_by[:, None])),
    ]
    region_bad = g.rval < 0
    care = W.care[None, w]
    checks += [("region", region_bad & ~care), ("care_duties", region_bad & care)]
    if J.any_nonmarket:
        nonmarket = (J.kind != 0)[:, None]
        eligible = W.priority[None, w] & (J.elig_county[:, None] == W.county[None, w])
        checks.append(("kind_ineligible", nonmarket & ~eligible))
    kind_bit = (np.int8(1) << J.kind)[:, None]
    checks.append(("kind_unwanted", (W.kinds[None, w] & kind_bit) == 0))
    checks.append(("not_available", W.available[None, w] > J.start[:, None]))
    if J.any_certs:
        missing = (J.cert_mask[:, None] & ~W.cert_mask[None, w]) != 0
        checks.append(("cert_missing", missing))
        expired = np.zeros_like(missing)
        rows = np.flatnonzero(J.cert_mask)
        exp_block = W.cert_exp[w]
        for k in range(J.cert_slots.shape[1]):
            slot = J.cert_slots[rows, k]
            exp = exp_block[:, np.where(slot >= 0, np.minimum(slot, exp_block.shape[1] - 1), 0)].T
            bad = (slot >= 0)[:, None] & (exp > 0) & (exp < J.start[rows, None])
            expired[rows] |= bad
        checks.append(("cert_expired", expired))
    if g.cfg.skill_gap_rules_out and J.req.nnz:
        zero = (g.cov <= 1e-6).astype(np.float32)
        checks.append(("skill_gap", np.asarray(J.req_ind @ zero) > 0.5))
    shape = g.fit.shape
    bad = np.zeros(shape, bool)
    bits = np.zeros(shape, np.int16) if with_reasons else None
    for code, arr in checks:
        bad |= arr
        if bits is not None:
            bits |= (arr * BIT[code]).astype(np.int16)
    return ~bad, bits


def _weights(cfg: MatchConfig) -> dict[str, float]:
    """Weights normalised to shares of 100 points, for registered scorers only."""
    raw = {k: float(v) for k, v in cfg.weights.items() if k in SCORERS and v > 0}
    total = sum(raw.values()) or 1.0
    return {k: 100.0 * v / total for k, v in raw.items()}


def _score(g: _Grid, keep: bool) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    total = np.zeros(g.fit.shape, np.float32)
    parts: dict[str, np.ndarray] = {}
    for key, weight in _weights(g.cfg).items():
        value = SCORERS[key](g)
        total += np.float32(weight) * value
        if keep:
            parts[key] = np.broadcast_to(value, total.shape)
    return total, parts



def _eligible_fast(g: _Grid) -> np.ndarray:
    """Same verdict as _rules, fewer passes: row/column subsets where a rule can bite."""
    J, W, w = g.jobs, g.workers, g.w
    birth = W.birth[None, w]
    bad = birth <= J.born_after[:, None]
    bad |= birth > J.born_by[:, None]
    bad |= g.rval < 0
    bad |= W.available[None, w] > J.start[:, None]
    bad[~J.ok] = True
    kinds = W.kinds[w]
    for k in range(len(JOB_KINDS)):
        rows = np.flatnonzero(J.kind == k)
        lacking = np.flatnonzero((kinds & (1 << k)) == 0)
        if rows.size and lacking.size:
            bad[np.ix_(rows, lacking)] = True
    rows = np.flatnonzero(J.kind != 0)
    if rows.size:
        ok = W.priority[None, w] & (J.elig_county[rows, None] == W.county[None, w])
        bad[rows] |= ~ok
    rows = np.flatnonzero(J.cert_mask)
    if rows.size:
        sub = (J.cert_mask[rows, None] & ~W.cert_mask[None, w]) != 0
        exp_block = W.cert_exp[w]
        start = J.start[rows, None]
        for k in range(J.cert_slots.shape[1]):
            slot = J.cert_slots[rows, k]
            exp = exp_block[:, np.where(slot >= 0, np.minimum(slot, exp_block.shape[1] - 1), 0)].T
            sub |= (slot >= 0)[:, None] & (exp > 0) & (exp < start)
        bad[rows] |= sub
    if g.cfg.skill_gap_rules_out and J.req.nnz:
        bad |= np.asarray(J.req_ind @ (g.cov <= 1e-6).astype(np.float32)) > 0.5
    return ~bad


def _total_fast(g: _Grid) -> np.ndarray:
    """Same total as _score for the built-in scorers, fused to fewer array passes."""
    J, W, w, cfg = g.jobs, g.workers, g.w, g.cfg
    wt = _weights(cfg)
    if set(wt) - {"skill", "preferred", "wage", "region", "amenities", "policy", "employer"}:
        return _score(g, keep=False)[0]
    ws, wp, wg, wr, wa = (np.float32(wt.get(k, 0.0)) for k in
                          ("skill", "preferred", "wage", "region", "amenities"))
    total = (wt.get("employer", 0.0) * _employer_value(J, cfg))[:, None].astype(np.float32) \
        + (np.float32(wt.get("policy", 0.0)) * W.policy[None, w])
    total += (ws + wp) * g.fit
    rows = np.flatnonzero(J.pref_count)
    if wp and rows.size:
        pref = np.asarray(J.pref[rows] @ g.cov)
        total[rows] += wp * (pref - g.fit[rows])
    tmp = (wg * 1.5 * J.wage_mid)[:, None] * (1.0 / W.min_wage[None, w])
    tmp -= wg
    np.clip(tmp, 0.0, wg, out=tmp)
    total += tmp
    local = wr * np.maximum(W.rv[4, w], 0) + wa
    away = (wr * np.maximum(W.rv[:4, w], 0))[J.region]
    away += (wa * J.amenity)[:, None]
    total += np.where(g.is_local, local[None, :], away)
    return total

# ---- explanations -----------------------------------------------------------------------

_REGION_ZH = {"yrd": "长三角", "prd": "珠三角", "guizhou": "省内", "other": "其他地区",
              "local": "本县", "any": "不限"}
_REGION_EN = {"yrd": "the Yangtze River Delta", "prd": "the Pearl River Delta",
              "guizhou": "Guizhou", "other": "another region", "local": "the own county",
              "any": "anywhere"}
_KIND_ZH = {"market": "市场岗位", "public_welfare": "公益性岗位", "work_relief": "以工代赈"}
_KIND_EN = {"market": "market job", "public_welfare": "public-welfare post",
            "work_relief": "work-relief project"}


def _age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def _skill_detail(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                  cfg: MatchConfig) -> list[tuple[str, int, str | None, int, float]]:
    """For each required skill: (code, level, best worker skill, its level, coverage)."""
    sim, lf = similarity_matrix(tax, cfg), _level_factor(cfg)
    v = len(tax)
    out = []
    for code, level in job.required_skills:
        j = tax.index_of(code) if code in tax else v
        best: tuple[float, str | None, int] = (0.0, None, 0)
        for wcode, wlevel in worker.skills:
            if wcode not in tax:
                continue
            c = float(sim[tax.index_of(wcode), j] * lf[min(max(wlevel, 1), 5),
                                                        min(max(level, 1), 5)])
            if c > best[0]:
                best = (c, wcode, wlevel)
        out.append((code, level, best[1], best[2], best[0]))
    return out


def _explain(key: str, value: float, job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
             cfg: MatchConfig, is_local: bool) -> tuple[str, str]:
    pct = round(100 * value)
    if key == "skill":
        if not job.required_skills:
            return (f"技能匹配{pct}%：岗位不要求特定技能",
                    f"Skill fit {pct}%: the opening asks for no particular skill")
        zh, en = [], []
        for code, level, wcode, wlevel, cov in _skill_detail(job, worker, tax, cfg):
            need_zh, need_en = tax.skill_label(code), tax.skill_label(code, "en")
            if wcode is None:
                zh.append(f"{need_zh}{level}级：无相关技能")
                en.append(f"{need_en} level {level}: no related skill")
            else:
                zh.append(f"{need_zh}{level}级←{tax.skill_label(wcode)}{wlevel}级"
                          f"（{round(100 * cov)}%）")
                en.append(f"{need_en} level {level} <- {tax.skill_label(wcode, 'en')} "
                          f"level {wlevel} ({round(100 * cov)}%)")
        return f"技能匹配{pct}%：" + "；".join(zh), f"Skill fit {pct}%: " + "; ".join(en)
    if key == "preferred":
        if not job.preferred_skills:
            return ("岗位无加分技能，按技能匹配计", "No preferred skills; counted as skill fit")
        have = {c for c, _ in worker.skills}
        hit = [c for c in job.preferred_skills if c in have]
        names = "、".join(tax.skill_label(c) for c in job.preferred_skills)
        names_en = ", ".join(tax.skill_label(c, "en") for c in job.preferred_skills)
        return (f"加分技能（{names}）满足{pct}%，已有{len(hit)}项",
                f"Preferred skills ({names_en}) met {pct}%, {len(hit)} held outright")
    if key == "wage":
        top = max(job.wage_max, job.wage_min)
        wage = f"{job.wage_min}-{top}" if top != job.wage_min else f"{top}"
        ask = worker.min_wage or cfg.wage_floor
        stated = "期望不低于" if worker.min_wage else "未填期望，按"
        return (f"月薪{wage}元，{stated}{ask}元",
                f"Pays {wage} CNY a month against a lowest acceptable {ask} CNY")
    if key == "region":
        where = "local" if is_local else job.region
        prefs = list(worker.regions or ("any",))
        rank = next((i for i, p in enumerate(prefs) if p in (where, "any")
                     or (where == "local" and p == "guizhou")), 0)
        return (f"工作地在{_REGION_ZH.get(where, where)}，为第{rank + 1}意向",
                f"Workplace in {_REGION_EN.get(where, where)}, preference no. {rank + 1}")
    if key == "amenities":
        if is_local:
            return "在本县工作，无需食宿", "Work in the own county; board and lodging not needed"
        zh = ("包住" if job.housing else "不包住") + "、" + ("包吃" if job.meals else "不包吃")
        en = ("housing" if job.housing else "no housing") + ", " + (
            "meals" if job.meals else "no meals")
        return f"外出务工：{zh}", f"Work away from home: {en}"
    if key == "policy":
        tags = [t for t, on in (("监测户", worker.monitored_household),
                                ("零就业家庭", worker.zero_employment_household),
                                ("搬迁劳动力", worker.category == "relocated"),
                                ("脱贫家庭毕业生", worker.category == "graduate"),
                                ("返乡人员", worker.category == "returnee")) if on]
        tags_en = [t for t, on in (("monitored household", worker.monitored_household),
                                   ("zero-employment household",
                                    worker.zero_employment_household),
                                   ("relocated", worker.category == "relocated"),
                                   ("graduate", worker.category == "graduate"),
                                   ("returnee", worker.category == "returnee")) if on]
        if not tags:
            return "一般劳动力，无政策优先", "General worker, no policy priority"
        return (f"政策优先：{'、'.join(tags)}", f"Policy priority: {', '.join(tags_en)}")
    if key == "employer":
        ret = job.employer_retention
        zh = f"企业留工率{round(100 * ret)}%" if ret is not None else "企业留工率未知"
        en = f"employer retention {round(100 * ret)}%" if ret is not None \
            else "employer retention unknown"
        if job.employer_wage_arrears:
            return (zh + "；有欠薪记录，降低排序",
                    en.capitalize() + "; wage arrears on record, demoted")
        return zh, en.capitalize()
    return key, key


def _reasons(bits: int, job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
             cfg: MatchConfig) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for code in decode_bits(bits):
        if code == "closed":
            out.append(Reason(code, "岗位已招满或已关闭", "The opening is filled or closed"))
        elif code == "employer_suspended":
            out.append(Reason(code, "用人单位已被暂停", "The employer is suspended"))
        elif code == "age":
            age = _age_at(worker.birth_date, job.start_date)
            lo, hi = job.age_min or 16, job.age_max or 99
            out.append(Reason(code, f"开工时{age}岁，不在{lo}-{hi}岁要求内",
                              f"Aged {age} at start, outside {lo}-{hi}"))
        elif code == "region":
            place = _REGION_ZH.get(job.region, job.region)
            out.append(Reason(code, f"工作地（{place}）不在求职意向内",
                              f"Workplace in {_REGION_EN.get(job.region, job.region)} "
                              "is not among the worker's regions"))
        elif code == "care_duties":
            out.append(Reason(code, "需照顾家庭，只能在本县工作",
                              "Care duties: work in the own county only"))
        elif code == "kind_ineligible":
            out.append(Reason(code, f"{_KIND_ZH[job.kind]}仅限本县监测户或零就业家庭成员",
                              f"The {_KIND_EN[job.kind]} is only for members of monitored or "
                              "zero-employment households living in its county"))
        elif code == "kind_unwanted":
            out.append(Reason(code, f"本人不考虑{_KIND_ZH.get(job.kind, job.kind)}",
                              f"The worker does not want a {_KIND_EN.get(job.kind, job.kind)}"))
        elif code == "not_available":
            out.append(Reason(code, f"{worker.available_from}才能到岗，"
                                    f"晚于开工日期{job.start_date}",
                              f"Available from {worker.available_from}, after the start "
                              f"date {job.start_date}"))
        elif code in ("cert_missing", "cert_expired"):
            held = {}
            for c in worker.certificates:
                held[c.code] = max(held.get(c.code, c.expires) or date.max, c.expires or date.max)
            for cert in job.required_certificates:
                if cert not in held and code == "cert_missing":
                    out.append(Reason(code, f"缺少{tax.cert_label(cert)}",
                                      f"Missing {tax.cert_label(cert, 'en')}", cert))
                elif cert in held and held[cert] < job.start_date and code == "cert_expired":
                    out.append(Reason(code, f"{tax.cert_label(cert)}将于开工前过期（{held[cert]}）",
                                      f"{tax.cert_label(cert, 'en').capitalize()} expires "
                                      f"{held[cert]}, before the start date", cert))
        elif code == "skill_gap":
            for scode, level, _, _, cov in _skill_detail(job, worker, tax, cfg):
                if cov <= 1e-6:
                    out.append(Reason(code, f"缺少技能：{tax.skill_label(scode)}（{level}级）",
                                      f"Missing skill: {tax.skill_label(scode, 'en')} "
                                      f"(level {level})", scode))
    return tuple(out)


def _match(g: _Grid, parts: dict[str, np.ndarray], n: int, b: int) -> Match:
    job, worker = g.jobs.jobs[n], g.workers.workers[g.w.start + b]
    tax, cfg = g.jobs.taxonomy, g.cfg
    comps = []
    for key, weight in _weights(cfg).items():
        value = float(parts[key][n, b])
        zh, en = _explain(key, value, job, worker, tax, cfg, bool(g.is_local[n, b]))
        comps.append(Component(key, round(value, 4), round(weight, 2),
                               round(weight * value, 2), zh, en))
    return Match(job.id, worker.id, round(sum(c.points for c in comps), 2), tuple(comps))


# ---- public API -------------------------------------------------------------------------


def _top(values: np.ndarray, k: int) -> np.ndarray:
    """Positions of the k largest values, best first."""
    if k <= 0 or values.size == 0:
        return np.zeros(0, np.int64)
    k = min(k, values.size)
    part = np.argpartition(-values, k - 1)[:k]
    return part[np.argsort(-values[part], kind="stable")]


def _rank(g: _Grid, k: int, by_job: bool) -> RankResult:
    ok, bits = _rules(g, with_reasons=True)
    total, parts = _score(g, keep=True)
    flat_ok, flat_total, flat_bits = ok.ravel(), total.ravel(), bits.ravel()

    def pair(p: int) -> tuple[int, int]:
        return (p, 0) if by_job else (0, p)

    best = _top(np.where(flat_ok, flat_total, -1.0), k)
    matches = tuple(_match(g, parts, *pair(int(p))) for p in best if flat_ok[p])
    out_pos = np.flatnonzero(~flat_ok)
    shown = out_pos[_top(flat_total[out_pos], g.cfg.max_ruled_out)]
    ruled = []
    for p in shown:
        n, b = pair(int(p))
        job, worker = g.jobs.jobs[n], g.workers.workers[g.w.start + b]
        ruled.append(RuledOut(job.id, worker.id, _reasons(int(flat_bits[p]), job, worker,
                                                          g.jobs.taxonomy, g.cfg)))
    counts = {code: int(np.count_nonzero(flat_bits & BIT[code])) for code in RULES}
    return RankResult(matches, tuple(ruled), {c: n for c, n in counts.items() if n},
                      flat_ok.size, int(flat_ok.sum()), flat_bits)



def _topk_columns(total: np.ndarray, k: int, chunk: int = 64) -> tuple[np.ndarray, np.ndarray]:
    """Top k rows of every column of (jobs x workers), best first: (positions, values).

    Rows are grouped in chunks; only the k chunks with the highest maxima can hold a
    column's top k, so the exact selection runs on k*chunk candidates instead of all jobs.
    """
    n, b = total.shape
    n_chunks = -(-n // chunk)
    full = n // chunk
    maxima = np.empty((n_chunks, b), np.float32)
    if full:
        total[: full * chunk].reshape(full, chunk, b).max(axis=1, out=maxima[:full])
    if n_chunks > full:
        maxima[full] = total[full * chunk:].max(axis=0)
    kc = min(k, n_chunks)
    best_chunks = np.argpartition(-maxima.T, kc - 1, axis=1)[:, :kc]  # (workers, kc)
    rows = (best_chunks[:, :, None] * chunk + np.arange(chunk)).reshape(b, -1)
    inside = rows < n
    cand = total[np.minimum(rows, n - 1), np.arange(b)[:, None]]
    cand = np.where(inside, cand, -np.inf).astype(np.float32)
    top = np.argpartition(-cand, k - 1, axis=1)[:, :k]
    vals = np.take_along_axis(cand, top, axis=1)
    order = np.argsort(-vals, axis=1, kind="stable")
    pos = np.take_along_axis(np.take_along_axis(rows, top, axis=1), order, axis=1)
    return pos, np.take_along_axis(vals, order, axis=1)

def rank_jobs(worker: WorkerProfile, index: JobIndex, k: int = 20,
              cfg: MatchConfig | None = None) -> RankResult:
    """Rank all openings of ``index`` for one worker; explain the top k and rule-outs."""
    cfg = cfg or MatchConfig()
    workers = WorkerIndex([worker], index.taxonomy, cfg)
    return _rank(_grid(index, workers, slice(0, 1), cfg), k, by_job=True)


def rank_workers(job: JobProfile, workers: WorkerIndex, k: int = 20,
                 cfg: MatchConfig | None = None) -> RankResult:
    """Rank all workers of ``workers`` for one opening; explain the top k and rule-outs."""
    cfg = cfg or MatchConfig()
    jobs = JobIndex([job], workers.taxonomy)
    return _rank(_grid(jobs, workers, slice(0, len(workers)), cfg), k, by_job=False)


def explain(worker: WorkerProfile, job: JobProfile, taxonomy: Taxonomy | None = None,
            cfg: MatchConfig | None = None) -> Match | RuledOut:
    """Explain one worker-opening pair: its scored Match, or why it is RuledOut."""
    result = rank_jobs(worker, JobIndex([job], taxonomy), 1, cfg)
    return result.matches[0] if result.matches else result.ruled_out[0]


def trainable_openings(worker: WorkerProfile, index: JobIndex, limit: int = 50,
                       cfg: MatchConfig | None = None) -> list[RuledOut]:
    """Openings the worker is ruled out of only for a missing certificate or skill gap."""
    base = cfg or MatchConfig()
    cfg = MatchConfig(**{**base.__dict__, "skill_gap_rules_out": True, "max_ruled_out": 0})
    workers = WorkerIndex([worker], index.taxonomy, cfg)
    g = _grid(index, workers, slice(0, 1), cfg)
    ok, bits = _rules(g, with_reasons=True)
    total, _ = _score(g, keep=False)
    fixable = sum(BIT[c] for c in FIXABLE_BY_TRAINING)
    flat_bits = bits.ravel()
    cand = np.flatnonzero((flat_bits != 0) & ((flat_bits & ~fixable) == 0))
    chosen = cand[_top(total.ravel()[cand], limit)]
    return [RuledOut(index.jobs[p].id, worker.id,
                     _reasons(int(flat_bits[p]), index.jobs[p], worker, index.taxonomy, cfg))
            for p in chosen]


@dataclass(frozen=True)
class BatchResult:
    """Top-k openings per worker: index positions (-1 = none) and scores (-1 = none)."""

    worker_ids: list[int | str]
    job_pos: np.ndarray  # (workers, k) int32 positions in the JobIndex
    scores: np.ndarray  # (workers, k) float32
    index: JobIndex

    def top(self, i: int) -> list[tuple[int | str, float]]:
        """(job id, score) pairs for the i-th worker, best first."""
        return [(self.index.jobs[p].id, float(s))
                for p, s in zip(self.job_pos[i], self.scores[i], strict=True) if p >= 0]


def batch(workers: Sequence[WorkerProfile] | WorkerIndex, index: JobIndex, k: int = 10,
          cfg: MatchConfig | None = None,
          progress: Callable[[int, int], None] | None = None, threads: int = 2) -> BatchResult:
    """Top-k openings for every worker, in memory-bounded blocks (no explanations)."""
    cfg = cfg or MatchConfig()
    widx = workers if isinstance(workers, WorkerIndex) else WorkerIndex(
        workers, index.taxonomy, cfg)
    n_w, n_j = len(widx), len(index)
    kk = min(k, n_j)
    pos = np.full((n_w, k), -1, np.int32)
    scores = np.full((n_w, k), -1.0, np.float32)
    step = max(1, cfg.block_pairs // max(n_j, 1))

    def run(start: int) -> int:
        w = slice(start, min(start + step, n_w))
        g = _grid(index, widx, w, cfg)
        total = _total_fast(g)
        total[~_eligible_fast(g)] = -1.0
        part, vals = _topk_columns(total, kk)
        pos[w, :kk] = np.where(vals >= 0, part, -1)
        scores[w, :kk] = np.where(vals >= 0, vals, -1.0)
        return w.stop - w.start

    done = 0
    if n_j and n_w:
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            for count in pool.map(run, range(0, n_w, step)):
                done += count
                if progress:
                    progress(done, n_w)
    return BatchResult([w.id for w in widx.workers], pos, scores, index)


def score_matrix(workers: WorkerIndex, index: JobIndex,
                 cfg: MatchConfig | None = None) -> np.ndarray:
    """Dense (workers x openings) scores with ruled-out pairs as -1 (for small groups)."""
    cfg = cfg or MatchConfig()
    if len(workers) * len(index) > 50_000_000:
        raise ValueError("score_matrix is for group dispatch; use batch() for large sets")
    g = _grid(index, workers, slice(0, len(workers)), cfg)
    total = _total_fast(g)
    total[~_eligible_fast(g)] = -1.0
    return np.ascontiguousarray(total.T)


def assign(scores: np.ndarray, capacity: Sequence[int],
           min_score: float = 0.0) -> list[tuple[int, int, float]]:
    """Maximise total score: each worker in at most one job, each job up to its capacity.

    ``scores`` is (workers x jobs); NaN or negative entries are ruled out. Returns
    (worker row, job column, score) triples.
    """
    scores = np.asarray(scores, np.float64)
    n_w, n_j = scores.shape
    caps = np.minimum(np.maximum(np.asarray(capacity, np.int64), 0), n_w)
    if n_w == 0 or caps.sum() == 0:
        return []
    cols = np.repeat(np.arange(n_j), caps)
    valid = np.isfinite(scores) & (scores >= min_score) & (scores >= 0)
    forbidden = -1e9  # large enough that no sum of real scores outweighs one forbidden pair
    cost = np.where(valid, scores, forbidden)[:, cols]
    # One "stay unassigned" column per worker, worth 0, so nobody is forced into a bad pair.
    cost = np.hstack([cost, np.full((n_w, n_w), forbidden)])
    cost[np.arange(n_w), len(cols) + np.arange(n_w)] = 0.0
    rows, picked = linear_sum_assignment(cost, maximize=True)
    out = []
    for r, c in zip(rows, picked, strict=True):
        if c < len(cols) and valid[r, cols[c]]:
            out.append((int(r), int(cols[c]), float(scores[r, cols[c]])))
    return out


@dataclass(frozen=True)
class Assignment:
    """One worker dispatched to one opening in an organised group dispatch."""

    worker_id: int | str
    job_id: int | str
    score: float


def dispatch(workers: WorkerIndex, index: JobIndex, cfg: MatchConfig | None = None,
             min_score: float = 0.0) -> list[Assignment]:
    """Organised dispatch: best total assignment within each opening's remaining head-count."""
    scores = score_matrix(workers, index, cfg)
    caps = [j.openings_left for j in index.jobs]
    return [Assignment(workers.workers[r].id, index.jobs[c].id, round(s, 2))
            for r, c, s in assign(scores, caps, min_score)]
