"""Ranking: one worker against all openings (or one opening against all workers),
openings within reach after training, and top-k for every worker in bulk.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date

import numpy as np

from app.matching.engine_explain import _match, _reasons
from app.matching.engine_index import JobIndex, WorkerIndex
from app.matching.engine_kernel import J_COUNTY, W_COUNTY
from app.matching.engine_scoring import score_pairs, top_rows
from app.matching.engine_types import (
    BIT,
    FIXABLE_BY_TRAINING,
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


def _rank(jobs: JobIndex, workers: WorkerIndex, job_pos: np.ndarray, worker_pos: np.ndarray,
          k: int, cfg: MatchConfig) -> RankResult:
    """Score every listed pair (one side has one entry), explain the top k and rule-outs."""
    sc = score_pairs(jobs, workers, job_pos, worker_pos, cfg, best=k,
                     best_out=cfg.max_ruled_out, totals=False)
    flat_bits = sc.bits.ravel()
    by_job = worker_pos.size == 1

    def pair(p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (job_pos[p], worker_pos[np.zeros_like(p)]) if by_job else (
            job_pos[np.zeros_like(p)], worker_pos[p])

    best = sc.best
    shown_j, shown_w = pair(best)
    tax = jobs.taxonomy
    matches: tuple[Match, ...] = ()
    if best.size:
        # Components of the shown pairs only: the same kernel on those pairs.
        one = score_pairs(jobs, workers, shown_j, shown_w[:1], cfg, components=True) if by_job \
            else score_pairs(jobs, workers, shown_j[:1], shown_w, cfg, components=True)
        local = jobs.ji[shown_j, J_COUNTY] == workers.wi[shown_w, W_COUNTY]
        matches = tuple(_match(jobs.jobs[n], workers.workers[w], one.comps[i], one.weights,
                               bool(local[i]), tax, cfg)
                        for i, (n, w) in enumerate(zip(shown_j.tolist(), shown_w.tolist(),
                                                       strict=True)))
    shown = sc.best_out
    out_j, out_w = pair(shown)
    ruled = tuple(
        RuledOut(jobs.jobs[n].id, workers.workers[w].id,
                 _reasons(int(flat_bits[p]), jobs.jobs[n], workers.workers[w], tax, cfg))
        for p, n, w in zip(shown.tolist(), out_j.tolist(), out_w.tolist(), strict=True))
    return RankResult(matches, ruled, sc.counts, flat_bits.size,
                      flat_bits.size - int(np.count_nonzero(flat_bits)), flat_bits)


def rank_jobs(worker: WorkerProfile, index: JobIndex, k: int = 20,
              cfg: MatchConfig | None = None) -> RankResult:
    """Rank all openings of ``index`` for one worker; explain the top k and rule-outs."""
    cfg = cfg or MatchConfig()
    workers = WorkerIndex([worker], index.taxonomy, cfg)
    return _rank(index, workers, index.all_pos, _ONE, k, cfg)


def rank_workers(job: JobProfile, workers: WorkerIndex, k: int = 20,
                 cfg: MatchConfig | None = None) -> RankResult:
    """Rank all workers of ``workers`` for one opening; explain the top k and rule-outs."""
    cfg = cfg or MatchConfig()
    jobs = JobIndex([job], workers.taxonomy)
    return _rank(jobs, workers, _ONE, np.arange(len(workers), dtype=np.int64), k, cfg)


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
    sc = score_pairs(index, workers, index.all_pos, _ONE, cfg)
    fixable = sum(BIT[c] for c in FIXABLE_BY_TRAINING)
    flat_bits = sc.bits.ravel()
    cand = np.flatnonzero((flat_bits != 0) & ((flat_bits & ~fixable) == 0))
    chosen = cand[_top(sc.total.ravel()[cand], limit)]
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
    """Top-k openings for every worker (no explanations), ``threads`` blocks at a time.

    Memory is the (workers x k) result only: each worker's openings are scored in one
    compiled pass that keeps its k best (ties: the earlier opening first).
    """
    cfg = cfg or MatchConfig()
    widx = workers if isinstance(workers, WorkerIndex) else WorkerIndex(
        workers, index.taxonomy, cfg)
    n_w, n_j = len(widx), len(index)
    kk = min(k, n_j)
    pos = np.full((n_w, kk), -1, np.int32)
    scores = np.full((n_w, kk), -1.0, np.float32)
    step = max(1, min(cfg.block_pairs // max(n_j, 1), -(-n_w // max(1, threads))))

    def run(start: int) -> int:
        stop = min(start + step, n_w)
        top_rows(index, widx, cfg, start, stop, pos, scores)
        return stop - start

    done = 0
    if kk and n_w:
        with ThreadPoolExecutor(max_workers=max(1, threads)) as pool:
            for count in pool.map(run, range(0, n_w, step)):
                done += count
                if progress:
                    progress(done, n_w)
    if kk < k:
        pos = np.hstack([pos, np.full((n_w, k - kk), -1, np.int32)])
        scores = np.hstack([scores, np.full((n_w, k - kk), -1.0, np.float32)])
    return BatchResult([w.id for w in widx.workers], pos, scores, index)


_ONE = np.zeros(1, np.int64)


def warm_up() -> None:
    """Run every kernel once on a one-opening, one-worker index (loads numba's cache)."""
    job = JobProfile(id=0, employer_id=0, start_date=date(2026, 1, 1),
                     required_skills=(("x", 1),), preferred_skills=("x",),
                     required_certificates=("x",))
    worker = WorkerProfile(id=0, birth_date=date(1990, 1, 1), county="520102")
    index = JobIndex([job])
    rank_jobs(worker, index, 1)
    trainable_openings(worker, index)
    batch([worker], index, 1, threads=1)
