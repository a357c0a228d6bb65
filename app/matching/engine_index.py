"""Compiled indexes: openings and workers as column arrays, and the skill similarity matrix.

:class:`JobIndex` and :class:`WorkerIndex` are built once and then scored in blocks by
:mod:`app.matching.engine_scoring`.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

import numpy as np
from rapidfuzz import fuzz, process
from rapidfuzz.distance import LCSseq
from scipy import sparse

from app.matching.engine_types import JOB_KINDS, JOB_REGIONS, JobProfile, MatchConfig, WorkerProfile
from app.skills.taxonomy import Taxonomy, default_taxonomy

_NO_EXPIRY = np.iinfo(np.int32).max
_UNKNOWN_CERT_BIT = 63


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
