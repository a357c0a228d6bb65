"""Vectorised scoring of a (jobs x workers) block: hard rules, scorers and totals.

Each scorer in :data:`SCORERS` maps a :class:`_Grid` to a 0..1 array; weights from
:class:`~app.matching.engine_types.MatchConfig` turn them into a 0..100 score. The ``_fast``
variants give the same verdicts and totals in fewer array passes for batch work.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from app.matching.engine_index import JobIndex, WorkerIndex, _level_factor, similarity_matrix
from app.matching.engine_types import BIT, JOB_KINDS, MatchConfig


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
    # An opening that names no skill yet (unclassified) is offered to nobody on skill.
    fit[jobs.unclassified] = 0.0
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
    if J.any_edu:
        checks.append(("education", W.edu[None, w] < J.min_edu[:, None]))
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
    rows = np.flatnonzero(J.min_edu)
    if rows.size:
        bad[rows] |= W.edu[None, w] < J.min_edu[rows, None]
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
