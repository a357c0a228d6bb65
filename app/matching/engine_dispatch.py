"""Organised group dispatch: dense score matrix and the capacity-aware assignment solver."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

from app.matching.engine_index import JobIndex, WorkerIndex
from app.matching.engine_scoring import score_pairs
from app.matching.engine_types import MatchConfig


def score_matrix(workers: WorkerIndex, index: JobIndex,
                 cfg: MatchConfig | None = None) -> np.ndarray:
    """Dense (workers x openings) scores with ruled-out pairs as -1 (for small groups)."""
    cfg = cfg or MatchConfig()
    if len(workers) * len(index) > 50_000_000:
        raise ValueError("score_matrix is for group dispatch; use batch() for large sets")
    sc = score_pairs(index, workers, index.all_pos, np.arange(len(workers), dtype=np.int64), cfg)
    return np.ascontiguousarray(np.where(sc.bits == 0, sc.total, np.float32(-1.0)).T)


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
