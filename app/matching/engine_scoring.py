"""Scoring a block of (openings x workers) with the compiled kernel: hard rules and totals.

The kernel (:mod:`app.matching.engine_kernel`) computes the seven components of
:data:`SCORERS` for each pair; weights from
:class:`~app.matching.engine_types.MatchConfig` turn them into a 0..100 score. Constants
that depend only on the index and the config (weights, employer values, the similarity
matrix, level factors) are made once per (index, config) in a :class:`_Plan`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import numpy as np

from app.matching import engine_kernel as K
from app.matching.engine_index import (
    THRESHOLD_RULES,
    JobIndex,
    WorkerIndex,
    _level_factor,
    similarity_matrix,
)
from app.matching.engine_types import BIT, RULES, MatchConfig

SCORERS: tuple[str, ...] = K.COMPONENTS  # score components, in the kernel's order
_THR_BIT = np.array([BIT[r.code] for r in THRESHOLD_RULES], np.int16)
_PAIR_BIT = np.array([BIT[code] for code in K.PAIR_RULES], np.int16)


def _weights(cfg: MatchConfig) -> dict[str, float]:
    """Weights normalised to shares of 100 points, for known components only."""
    raw = {k: float(v) for k, v in cfg.weights.items() if k in SCORERS and v > 0}
    total = sum(raw.values()) or 1.0
    return {k: 100.0 * v / total for k, v in raw.items()}


def _employer_value(jobs: JobIndex, cfg: MatchConfig) -> np.ndarray:
    ret = np.where(np.isnan(jobs.retention), cfg.retention_default, jobs.retention)
    return np.where(jobs.arrears, ret * cfg.arrears_factor, ret).astype(np.float32)


@dataclass(frozen=True)
class _Plan:
    """Per (index, config) constants, in the kernel's argument order."""

    weights: dict[str, float]
    job_args: tuple
    rule_args: tuple  # (sim, lf, no_req_fit, gap, comp_idx, comp_w, by_comp, in_order)
    col_args: tuple  # the openings' columns in region order, for scan_cols
    col_rules: tuple  # (sim, lf, no_req_fit, gap, q_idx, q_w)


def _plan(jobs: JobIndex, cfg: MatchConfig) -> _Plan:
    key = (tuple(cfg.weights.items()), cfg.retention_default, cfg.arrears_factor,
           cfg.level_penalty, cfg.name_sim_weight, cfg.name_sim_cutoff,
           cfg.no_requirement_fit, cfg.skill_gap_rules_out)
    plan = cast("_Plan | None", jobs._plans.get(key))
    if plan is None:
        weights = _weights(cfg)
        idx = np.array([SCORERS.index(k) for k in weights], np.int64)
        w = np.array([np.float32(x) for x in weights.values()], np.float32)
        job_args = (jobs.by_region, jobs.region_ends, jobs.region_county, jobs.ji, jobs.jf,
                    _employer_value(jobs, cfg), jobs.req_col, jobs.req_w,
                    jobs.pref_col, jobs.pref_w, jobs.cert_mask,
                    jobs.col_skill, jobs.col_level, _THR_BIT, _PAIR_BIT)
        # Weights by component (0 = unused) for the straight sum when the config lists its
        # components in the kernel's order; adding 0 x value changes no float32 total.
        by_comp = np.zeros(len(SCORERS), np.float32)
        by_comp[idx] = w
        in_order = bool(np.all(np.diff(idx) > 0))
        rule_args = (similarity_matrix(jobs.taxonomy, cfg), _level_factor(cfg),
                     np.float32(cfg.no_requirement_fit), bool(cfg.skill_gap_rules_out), idx, w,
                     by_comp, in_order)
        emp = job_args[5]
        col_args = (jobs.cols, jobs.thr_col, jobs.req_colT, jobs.pref_colT, jobs.cert_by_region,
                    jobs.n_cols, np.ascontiguousarray(emp[jobs.by_region]), jobs.by_region,
                    jobs.region_ends, jobs.region_county, _THR_BIT, _PAIR_BIT)
        q_idx, q_w = (np.arange(len(SCORERS), dtype=np.int64), by_comp) if in_order else (idx, w)
        col_rules = (jobs.col_skill, jobs.col_level, *rule_args[:4], q_idx, q_w)
        plan = _Plan(weights, job_args, rule_args, col_args, col_rules)
        if len(jobs._plans) > 8:
            jobs._plans.clear()
        jobs._plans[key] = plan
    return plan


def _worker_args(workers: WorkerIndex) -> tuple:
    return (workers.wi, workers.wf, workers.held, workers.exp_bit, workers.exp_day,
            workers.skills, workers.levels)


@dataclass(frozen=True)
class Scored:
    """Totals and reason bits of (openings x workers) pairs, with complete reason counts."""

    total: np.ndarray  # float32
    bits: np.ndarray  # int16, OR of BIT[code]; 0 = eligible
    counts: dict[str, int]  # pairs per reason code (codes with none left out)
    comps: np.ndarray  # (pairs x 7) component values when asked for, else empty
    weights: dict[str, float]
    best: np.ndarray  # flat positions of the best eligible pairs, best first
    best_out: np.ndarray  # flat positions of the best ruled-out pairs, best first


_NO_COMPS = np.zeros((0, len(SCORERS)), np.float32)
_NO_GRID, _NO_BITS = np.zeros((0, 0), np.float32), np.zeros((0, 0), np.int16)
_NO_TOP, _NO_TOP_SCORES = np.zeros((0, 0), np.int32), np.zeros((0, 0), np.float32)


def score_pairs(jobs: JobIndex, workers: WorkerIndex, job_pos: np.ndarray,
                worker_pos: np.ndarray, cfg: MatchConfig, components: bool = False,
                best: int = 0, best_out: int = 0, totals: bool = True) -> Scored:
    """Every (opening, worker) pair of the listed index positions, scored in one pass.

    ``best`` and ``best_out``: how many of the best eligible and ruled-out pairs to pick
    (by total; ties: the lower flat position, i.e. the earlier pair, first). Without
    ``totals`` the totals are not kept (``total`` is empty), which saves a write per pair.
    """
    plan = _plan(jobs, cfg)
    job_pos = job_pos if job_pos is jobs.all_pos else np.asarray(job_pos, np.int64)
    worker_pos = np.asarray(worker_pos, np.int64)
    shape = (job_pos.size, worker_pos.size)
    total = np.empty(shape if totals else (0, 0), np.float32)
    bits = np.empty(shape, np.int16)
    counts = np.zeros(len(RULES), np.int64)
    comps = np.empty((bits.size, len(SCORERS)), np.float32) if components else _NO_COMPS
    ok_pos, out_pos = np.full(max(best, 0), -1, np.int64), np.full(max(best_out, 0), -1, np.int64)
    ok_val, out_val = np.full(ok_pos.size, -1, np.float32), np.full(out_pos.size, -1, np.float32)
    if job_pos is jobs.all_pos and worker_pos.size == 1 and not components:
        # One worker against every opening (rank_jobs): the column-wise vectorised pass.
        K.scan_cols(*plan.col_args, *_worker_args(workers), *plan.col_rules, worker_pos,
                    total.reshape(-1), bits.reshape(-1), counts, ok_pos, ok_val, out_pos,
                    out_val, _NO_TOP, _NO_TOP_SCORES)
    else:
        K.scan(job_pos, job_pos is jobs.all_pos, worker_pos, *plan.job_args,
               *_worker_args(workers), *plan.rule_args, total, bits, counts, comps, ok_pos,
               ok_val, out_pos, out_val, _NO_TOP, _NO_TOP_SCORES)
    return Scored(total, bits, {c: int(n) for c, n in zip(RULES, counts, strict=True) if n},
                  comps, plan.weights, ok_pos[ok_pos >= 0], out_pos[out_pos >= 0])


_NO_LIST, _NO_LIST_VAL = np.zeros(0, np.int64), np.zeros(0, np.float32)
_NO_BITS_1 = np.zeros(0, np.int16)


def top_rows(jobs: JobIndex, workers: WorkerIndex, cfg: MatchConfig, w0: int, w1: int,
             pos: np.ndarray, scores: np.ndarray) -> None:
    """Best eligible openings of workers w0..w1 into rows of ``pos``/``scores`` (k columns).

    Rows are best first; ties: the earlier opening first.
    """
    plan = _plan(jobs, cfg)
    K.scan_cols(*plan.col_args, *_worker_args(workers), *plan.col_rules,
                np.arange(w0, w1, dtype=np.int64), _NO_LIST_VAL, _NO_BITS_1,
                np.zeros(len(RULES), np.int64), _NO_LIST, _NO_LIST_VAL, _NO_LIST,
                _NO_LIST_VAL, pos, scores)
