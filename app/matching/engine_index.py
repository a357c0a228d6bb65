"""Compiled indexes: openings and workers as column arrays, and the skill similarity matrix.

:class:`JobIndex` and :class:`WorkerIndex` are built once (with every per-opening and
per-worker constant the kernel needs) and then scored by :mod:`app.matching.engine_kernel`.
Hard rules known at build time are tables here: :data:`OPENING_RULES` (the opening alone)
and :data:`THRESHOLD_RULES` (one number of the opening against one of the worker); a new
rule of either kind is one row plus its reason code in ``RULES`` and its text in
:mod:`app.matching.engine_explain`.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq

from app.matching.engine_kernel import (
    F_MIN_WAGE,
    F_POLICY,
    F_RV,
    J_COUNTY,
    J_ELIG,
    J_KIND,
    J_REGION,
    J_START,
    J_STATIC,
    J_THR,
    J_UNCLASSIFIED,
    JF_AMENITY,
    JF_WAGE,
    W_CARE,
    W_COUNTY,
    W_KINDS,
    W_PRIORITY,
    W_THR,
)
from app.matching.engine_types import (
    BIT,
    EDUCATION_LEVELS,
    JOB_KINDS,
    JOB_REGIONS,
    JobProfile,
    MatchConfig,
    WorkerProfile,
)
from app.matching.taxonomy import Taxonomy, default_taxonomy

_NO_EXPIRY = np.iinfo(np.int32).max


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


@functools.lru_cache(maxsize=8)
def _level_factors(level_penalty: float) -> np.ndarray:
    lf = np.zeros((6, 6), np.float32)  # [worker level, required level]; level 0 = padding
    for w in range(1, 6):
        for r in range(0, 6):
            lf[w, r] = 1.0 if w >= r else max(0.0, 1.0 - level_penalty * (r - w))
    lf.flags.writeable = False
    return lf


def _level_factor(cfg: MatchConfig) -> np.ndarray:
    """Coverage factor by [worker level, required level], made once per level_penalty."""
    return _level_factors(float(cfg.level_penalty))


def _pad(rows: Sequence[Sequence[int]], fill: int, dtype: type) -> np.ndarray:
    width = max((len(r) for r in rows), default=0) or 1
    out: np.ndarray = np.full((len(rows), width), fill, dtype)
    for i, r in enumerate(rows):
        out[i, : len(r)] = r
    return out


def _padded(rows: list[list[tuple[int, float]]], fill: int,
            col_dtype: type) -> tuple[np.ndarray, np.ndarray]:
    """Per-row (column, value) lists as (rows x widest) arrays, padded with ``fill`` and 0.

    Fixed-width rows keep the kernel's loops free of unpredictable branches; a padding
    entry adds 0 to a sum, so results equal those of the unpadded rows.
    """
    lengths = np.fromiter((len(r) for r in rows), np.int64, len(rows))
    width = int(lengths.max(initial=0)) or 1
    cols = np.full((len(rows), width), fill, np.int64)
    vals = np.zeros((len(rows), width), np.float32)
    total = int(lengths.sum())
    if total:
        at = np.repeat(np.arange(len(rows)), lengths)
        slot = np.arange(total) - np.repeat(np.cumsum(lengths) - lengths, lengths)
        cols[at, slot] = np.fromiter((c for r in rows for c, _ in r), np.int64, total)
        vals[at, slot] = np.fromiter((v for r in rows for _, v in r), np.float64, total)
    return cols.astype(col_dtype), vals


def _small_int(size: int) -> type:
    """The narrowest integer type that indexes ``size`` entries (less memory to stream)."""
    return np.int8 if size <= 127 else np.int16 if size <= 32767 else np.int32


# Columns of JobIndex.ji and JobIndex.jf as the build loop writes them.
_JI_COLUMNS = (J_STATIC, J_REGION, J_COUNTY, J_KIND, J_ELIG, J_START, J_UNCLASSIFIED, J_THR)
_JF_COLUMNS = (JF_WAGE, JF_AMENITY)
if _JI_COLUMNS != tuple(range(J_THR + 1)) or _JF_COLUMNS != (0, 1):  # also under python -O
    raise RuntimeError("engine_index's ji/jf columns are out of step with engine_kernel")


# ---- hard rules known at index build -------------------------------------------------------
# Rules that need only the opening: (reason code, predicate on the JobProfile).
OPENING_RULES: tuple[tuple[str, Callable[[JobProfile], bool]], ...] = (
    ("closed", lambda j: j.status != "open" or j.openings_left <= 0),
    ("employer_suspended", lambda j: j.employer_suspended),
)


@dataclass(frozen=True)
class ThresholdRule:
    """A hard rule comparing one number of the opening with one number of the worker.

    The pair is ruled out with ``code`` when ``job_value(opening) > worker_value(worker)``;
    several rows may share a code. Values must fit in int32.
    """

    code: str
    job_value: Callable[[JobProfile], int]
    worker_value: Callable[[WorkerProfile], int]


def _born_after(j: JobProfile) -> int:  # born on or before this day: older than age_max
    return _minus_years(j.start_date, j.age_max + 1).toordinal() if j.age_max else 0


def _born_by(j: JobProfile) -> int:  # born after this day: younger than age_min
    return _minus_years(j.start_date, j.age_min).toordinal() if j.age_min else _NO_EXPIRY


_EDU_UNKNOWN = max(EDUCATION_LEVELS.values()) + 1

THRESHOLD_RULES: tuple[ThresholdRule, ...] = (
    ThresholdRule("age", _born_after, lambda w: w.birth_date.toordinal() - 1),
    ThresholdRule("age", lambda j: -_born_by(j), lambda w: -w.birth_date.toordinal()),
    ThresholdRule("not_available", lambda j: -j.start_date.toordinal(),
                  lambda w: -(w.available_from.toordinal() if w.available_from else 0)),
    # Minimum education (高中 and 中专 are one level); a worker whose education is not
    # known (or not a known code) is above every requirement: never ruled out on a guess.
    ThresholdRule("education", lambda j: EDUCATION_LEVELS.get(j.min_education, 0),
                  lambda w: EDUCATION_LEVELS.get(w.education, _EDU_UNKNOWN)),
)


class JobIndex:
    """Openings compiled to column arrays, built once and ranked against many times."""

    def __init__(self, jobs: Sequence[JobProfile], taxonomy: Taxonomy | None = None):
        self.taxonomy = tax = taxonomy or default_taxonomy()
        self.jobs = list(jobs)
        self.pos = {j.id: i for i, j in enumerate(self.jobs)}
        n, v = len(self.jobs), len(tax)
        bits = _cert_bits(tax)
        ncert = len(bits)
        req_rows: list[list[tuple[int, float]]] = []
        pref_rows: list[list[tuple[int, float]]] = []
        if ncert > 62:
            raise ValueError("the engine keeps certificates in a 63-bit mask; "
                             f"the taxonomy has {ncert}")
        opening_rules = [(BIT[code], rule) for code, rule in OPENING_RULES]
        thresholds = [rule.job_value for rule in THRESHOLD_RULES]
        ji_rows, jf_rows, retention, masks = [], [], [], []
        for j in self.jobs:
            ji_rows.append([  # in the kernel's column order: _JI_COLUMNS

                sum(bit for bit, rule in opening_rules if rule(j)),
                JOB_REGIONS.index(j.region) if j.region in JOB_REGIONS else 3,
                _area(j.county, -2), JOB_KINDS.index(j.kind) if j.kind in JOB_KINDS else 0,
                _area(j.eligible_county or j.county, -2), j.start_date.toordinal(),
                int(j.unclassified), *(value(j) for value in thresholds)])
            jf_rows.append(((j.wage_min + (j.wage_max or j.wage_min)) / 2,
                            0.5 * j.housing + 0.5 * j.meals))
            retention.append(np.nan if j.employer_retention is None else j.employer_retention)
            # Unknown codes share bit ncert, which no worker holds.
            masks.append(sum(1 << b for b in {bits.get(c, ncert) for c in
                                              j.required_certificates}))
            req: dict[int, int] = {}
            for code, level in j.required_skills:
                col = tax.index_of(code) if code in tax else v
                req[col] = max(req.get(col, 1), min(max(int(level), 1), 5))
            # A column is (required level, skill) flattened; kept in column order per row.
            req_rows.append(sorted((level * (v + 1) + col, 1.0 / len(req))
                                   for col, level in req.items()))
            pref = {tax.index_of(c) if c in tax else v for c in j.preferred_skills}
            pref_rows.append(sorted((1 * (v + 1) + col, 1.0 / len(pref)) for col in pref))
        ji = np.array(ji_rows, np.int32).reshape(n, J_THR + len(THRESHOLD_RULES))
        self.ji, self.jf = ji, np.array(jf_rows, np.float32).reshape(n, 2)
        self.retention = np.array(retention, np.float32)
        self.arrears = np.array([j.employer_wage_arrears for j in self.jobs], bool)
        self.cert_mask = np.array(masks, np.int64)
        # Skill columns used by these jobs, renumbered 0..; cov is computed for these only,
        # plus one last column that is always 0, where padding entries point. All entries
        # of a row have the same weight (1 / entries), kept once per row.
        req_flat, req_val = _padded(req_rows, -1, np.int64)
        pref_flat, pref_val = _padded(pref_rows, -1, np.int64)
        self.req_w, self.pref_w = req_val[:, 0].copy(), pref_val[:, 0].copy()
        used = np.unique(np.concatenate([req_flat.ravel(), pref_flat.ravel()]))
        used = used[used >= 0]
        col_type = _small_int(used.size + 1)
        self.req_col: np.ndarray = np.where(req_flat >= 0, np.searchsorted(used, req_flat),
                                used.size).astype(col_type)
        self.pref_col: np.ndarray = np.where(pref_flat >= 0, np.searchsorted(used, pref_flat),
                                 used.size).astype(col_type)
        col_level, col_skill = np.divmod(used, v + 1)
        self.col_skill, self.col_level = col_skill.astype(np.int32), col_level.astype(np.int8)
        self.all_pos = np.arange(n, dtype=np.int64)
        # Positions by region then county, for the batch to skip regions a worker rules out.
        self.by_region = np.lexsort((ji[:, J_COUNTY], ji[:, J_REGION])).astype(np.int64)
        self.region_ends = np.searchsorted(ji[self.by_region, J_REGION],
                                           np.arange(1, len(JOB_REGIONS) + 1)).astype(np.int64)
        self.region_county = np.ascontiguousarray(ji[self.by_region, J_COUNTY])
        # The same columns opening-wise in region order, for the vectorised kernel
        # (engine_kernel.scan_cols): one contiguous row per column.
        order = self.by_region
        self.cols = np.ascontiguousarray(ji[order, :J_THR].T)
        self.thr_col = np.ascontiguousarray(ji[order, J_THR:].T)
        self.req_colT = np.ascontiguousarray(self.req_col[order].T)
        self.pref_colT = np.ascontiguousarray(self.pref_col[order].T)
        self.cert_by_region = np.ascontiguousarray(self.cert_mask[order])
        self.n_cols = np.ascontiguousarray(np.stack([
            self.jf[order, JF_WAGE], self.jf[order, JF_AMENITY], self.req_w[order],
            self.pref_w[order]]).astype(np.float32))
        self._plans: dict[tuple, object] = {}  # per-config constants, see engine_scoring
        _warm_up()

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
        wi = np.zeros((n, W_THR + len(THRESHOLD_RULES)), np.int32)
        wf = np.zeros((n, F_RV + 5), np.float32)
        held = np.zeros(n, np.int64)  # bit per certificate held
        expiring: list[list[tuple[int, float]]] = []  # (bit, last valid day) of term ones
        sk_rows, lv_rows = [], []
        pv = cfg.policy_values
        thresholds = [(W_THR + r, rule.worker_value) for r, rule in enumerate(THRESHOLD_RULES)]
        for i, w in enumerate(self.workers):
            row = wi[i]
            row[W_COUNTY] = _area(w.county, -1)
            row[W_KINDS] = sum(1 << JOB_KINDS.index(k) for k in set(w.kinds) if k in JOB_KINDS)
            row[W_CARE] = w.care_duties
            row[W_PRIORITY] = w.monitored_household or w.zero_employment_household
            for col, value in thresholds:
                row[col] = value(w)
            wf[i, F_MIN_WAGE] = w.min_wage or cfg.wage_floor
            wf[i, F_POLICY] = _policy_value(w, pv)
            wf[i, F_RV:] = _region_values(w, cfg.region_step)
            until: dict[int, int] = {}
            for c in w.certificates:
                b = bits.get(c.code)
                if b is not None:
                    until[b] = max(until.get(b, 0), c.expires.toordinal() if c.expires
                                   else _NO_EXPIRY)
                    held[i] |= 1 << b
            expiring.append(sorted((b, d) for b, d in until.items() if d != _NO_EXPIRY))
            skills: dict[int, int] = {}
            for code, level in w.skills:
                if code in tax:
                    col = tax.index_of(code)
                    skills[col] = max(skills.get(col, 0), min(max(int(level), 1), 5))
            sk_rows.append(list(skills))
            lv_rows.append(list(skills.values()))
        self.wi, self.wf, self.held = wi, wf, held
        # A certificate with a term: (bit, expiry day); padding (bit 0, never expires) is
        # never before a start date.
        width = max((len(r) for r in expiring), default=0) or 1
        self.exp_bit = np.zeros((n, width), np.int64)
        self.exp_day = np.full((n, width), _NO_EXPIRY, np.int32)
        for i, row in enumerate(expiring):
            for t, (b, d) in enumerate(row):
                self.exp_bit[i, t], self.exp_day[i, t] = b, d
        self.skills = _pad(sk_rows, v, np.int16)
        self.levels = _pad(lv_rows, 0, np.int8)
        _warm_up()

    def __len__(self) -> int:
        return len(self.workers)


_warm = [False]


def _warm_up() -> None:
    """Load (or compile) the numba kernels once per process, at the first index build."""
    if _warm[0]:
        return
    _warm[0] = True
    from app.matching.engine_rank import warm_up

    warm_up()


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
