"""Ranking: one worker against all openings (or one opening against all workers),
openings within reach after training, and top-k for every worker in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from app.matching.engine_explain import _match, _reasons
from app.matching.engine_index import JobIndex, WorkerIndex
from app.matching.engine_scoring import (
    _eligible_fast,
    _Grid,
    _grid,
    _rules,
    _score,
    _total_fast,
)
from app.matching.engine_types import (
    BIT,
    FIXABLE_BY_TRAINING,
    RULES,
    JobProfile,
    Match,
    MatchConfig,
    RankResult,
    RuledOut,
    WorkerProfile,
)
from app.skills.taxonomy import Taxonomy


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
