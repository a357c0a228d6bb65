"""Pure matching engine: frozen profiles in, ranked and explained matches out.

Jobs and workers are compiled once into column arrays (:class:`JobIndex`,
:class:`WorkerIndex`). Scoring is compiled by numba: one worker against every opening
(``rank_jobs``) and every worker's top k (``batch``) run column-wise over blocks of
openings that the CPU vectorises (hard rules, the seven components, reason counts and the
best k); other pair lists go through a per-pair kernel with the same results. Python only
runs for the few pairs that get explained, and their texts are kept by the fields they
depend on. Skill fit uses a skill-to-skill similarity matrix built once per taxonomy.

This module is the public facade; import from here. The implementation lives in:

- :mod:`app.matching.engine_types`: vocabularies, rule bits, profiles, config, outputs
- :mod:`app.matching.engine_index`: JobIndex, WorkerIndex, the similarity matrix and the
  hard-rule tables known at build (OPENING_RULES, THRESHOLD_RULES)
- :mod:`app.matching.engine_kernel`: the compiled passes (rules, components, totals, top k)
- :mod:`app.matching.engine_scoring`: per-config constants and the calls into the kernel
- :mod:`app.matching.engine_explain`: score components and rule-out reasons (REASON_TEXT),
  zh and en
- :mod:`app.matching.engine_rank`: rank_jobs, rank_workers, explain, trainable_openings, batch
- :mod:`app.matching.engine_dispatch`: score_matrix, assign and group dispatch
"""

from __future__ import annotations

from app.matching.engine_dispatch import Assignment, assign, dispatch, score_matrix
from app.matching.engine_index import JobIndex, WorkerIndex, similarity_matrix
from app.matching.engine_rank import (
    BatchResult,
    batch,
    explain,
    rank_jobs,
    rank_workers,
    trainable_openings,
)
from app.matching.engine_scoring import SCORERS
from app.matching.engine_types import (
    BIT,
    DEFAULT_WEIGHTS,
    FIXABLE_BY_TRAINING,
    JOB_KINDS,
    JOB_REGIONS,
    RULES,
    WORKER_CATEGORIES,
    Component,
    HeldCertificate,
    JobProfile,
    Match,
    MatchConfig,
    RankResult,
    Reason,
    RuledOut,
    WorkerProfile,
    decode_bits,
)
from app.vocabulary import WORKER_REGIONS

__all__ = [
    "BIT",
    "DEFAULT_WEIGHTS",
    "FIXABLE_BY_TRAINING",
    "JOB_KINDS",
    "JOB_REGIONS",
    "RULES",
    "SCORERS",
    "WORKER_CATEGORIES",
    "WORKER_REGIONS",
    "Assignment",
    "BatchResult",
    "Component",
    "HeldCertificate",
    "JobIndex",
    "JobProfile",
    "Match",
    "MatchConfig",
    "RankResult",
    "Reason",
    "RuledOut",
    "WorkerIndex",
    "WorkerProfile",
    "assign",
    "batch",
    "decode_bits",
    "dispatch",
    "explain",
    "rank_jobs",
    "rank_workers",
    "score_matrix",
    "similarity_matrix",
    "trainable_openings",
]
