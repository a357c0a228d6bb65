"""Golden outputs of the matching engine on fixed seeds, to pin it across rewrites.

``tests/unit/test_engine_golden.py`` compares the engine with ``engine_golden.json``, which
was written by the engine as it was before the issue-17 rewrite (commit 9129685) with this
generator. Regenerate it only for an intended change of results, and say so in the
commit; to write it with the old engine again:

    mkdir /tmp/old && git archive 9129685 | tar -x -C /tmp/old && \
    cp tests/unit/engine_golden.py tests/unit/engine_golden_*.toml /tmp/old/tests/unit/ && \
    (cd /tmp/old && /work/main/.venv/bin/python -m tests.unit.engine_golden --write) && \
    cp /tmp/old/tests/unit/engine_golden.json tests/unit/

The data are synthetic and self-contained (not the bench generator, which may change):
openings and workers drawn from a fixed taxonomy (:func:`golden_taxonomy`: the catalogue as
it was when the golden file was written, kept beside it as ``engine_golden_skills.toml`` and
``engine_golden_certificates.toml``, so growing the shipped catalogue does not move the
pinned outputs) with every rule and scorer in play,
plus unknown skill and certificate codes, unstated wages, no-term certificates, closed and
suspended openings and public-welfare posts.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import random
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import numpy as np

from app.matching.engine import (
    JOB_KINDS,
    HeldCertificate,
    JobIndex,
    JobProfile,
    Match,
    MatchConfig,
    RankResult,
    RuledOut,
    WorkerIndex,
    WorkerProfile,
    batch,
    dispatch,
    explain,
    rank_jobs,
    rank_workers,
    score_matrix,
    trainable_openings,
)
from app.skills.taxonomy import Taxonomy, load_taxonomy

GOLDEN = Path(__file__).with_name("engine_golden.json")
GOLDEN_SKILLS = Path(__file__).with_name("engine_golden_skills.toml")
GOLDEN_CERTIFICATES = Path(__file__).with_name("engine_golden_certificates.toml")
START = date(2026, 3, 1)
COUNTIES = ["520102", "520111", "520203", "522301", "522601", "522626"]
AWAY = {"yrd": ["310115", "320505"], "prd": ["440305", "441900"], "other": ["110105"]}
N_JOBS, N_WORKERS, N_FULL = 1500, 60, 3  # N_FULL workers are kept in full, the rest digested


@functools.lru_cache(maxsize=1)
def golden_taxonomy() -> Taxonomy:
    """The catalogue the golden file was written with (a fixed copy, not the shipped one)."""
    return load_taxonomy(GOLDEN_SKILLS, GOLDEN_CERTIFICATES)


def make_jobs(tax: Taxonomy, n: int = N_JOBS, seed: int = 17) -> list[JobProfile]:
    """Openings with every rule in play; wages and retention vary finely, so that two
    openings seldom tie on score (the old engine ordered exact ties arbitrarily)."""
    rnd = random.Random(seed)
    codes = list(tax.codes)
    jobs: list[JobProfile] = []
    for i in range(n):
        region = rnd.choices(["guizhou", "yrd", "prd", "other"], [50, 25, 20, 5])[0]
        county = rnd.choice(COUNTIES) if region == "guizhou" else rnd.choice(AWAY[region])
        kind = rnd.choices(JOB_KINDS, [80, 12, 8])[0] if region == "guizhou" else "market"
        req = rnd.sample(codes[:40] if rnd.random() < 0.6 else codes, rnd.choice([0, 1, 1, 2, 3]))
        if rnd.random() < 0.03:
            req.append("no_such_skill")
        certs = sorted({c for s in req if s in tax for c in tax.required_certificates(s)})
        if rnd.random() < 0.02:
            certs.append("no_such_cert")
        wage = rnd.randrange(2000, 9000)
        jobs.append(JobProfile(
            id=f"j{i}", employer_id=rnd.randrange(200),
            start_date=START + timedelta(days=rnd.randrange(0, 120)),
            status="open" if rnd.random() < 0.97 else "closed",
            openings_left=rnd.choice([0, 1, 2, 5, 20]) if rnd.random() < 0.1 else 3,
            age_min=rnd.choice([None, 16, 18, 20]), age_max=rnd.choice([None, 40, 50, 60]),
            required_certificates=tuple(certs),
            required_skills=tuple((s, rnd.randint(1, 5)) for s in req),
            preferred_skills=tuple(rnd.sample(codes, rnd.choice([0, 0, 1, 2]))
                                   + (["no_such_skill"] if rnd.random() < 0.02 else [])),
            wage_min=wage, wage_max=rnd.choice([0, wage + rnd.randrange(0, 3000)]),
            region=region, county=county, kind=kind,
            eligible_county=rnd.choice(["", county, rnd.choice(COUNTIES)]),
            housing=rnd.random() < 0.6, meals=rnd.random() < 0.5,
            employer_suspended=rnd.random() < 0.02, employer_wage_arrears=rnd.random() < 0.05,
            employer_retention=None if rnd.random() < 0.005 else round(rnd.uniform(0.2, 1.0), 7),
            title=f"opening {i}"))
    return jobs


def make_workers(tax: Taxonomy, n: int = N_WORKERS, seed: int = 18) -> list[WorkerProfile]:
    """Workers with skills, certificates (some expiring, some without a term), preferences."""
    rnd = random.Random(seed)
    codes = list(tax.codes)
    prefs = [("local",), ("local", "guizhou"), ("guizhou", "yrd", "prd"), ("yrd", "prd"),
             ("any",), ("local", "guizhou", "prd"), (), ("prd", "any")]
    out = []
    for i in range(n):
        skills = rnd.sample(codes[:40] if rnd.random() < 0.6 else codes, rnd.randint(0, 4))
        if rnd.random() < 0.05:
            skills.append("no_such_skill")
        certs = []
        for s in skills:
            for c in (tax.required_certificates(s) if s in tax else ()):
                if rnd.random() < 0.8:
                    exp = rnd.choice([None, START + timedelta(days=rnd.randrange(-100, 300))])
                    certs.append(HeldCertificate(c, exp))
        if certs and rnd.random() < 0.2:  # the same certificate twice, renewed
            certs.append(HeldCertificate(certs[0].code, START + timedelta(days=400)))
        out.append(WorkerProfile(
            id=f"w{i}", birth_date=date(rnd.randint(1962, 2010), rnd.randint(1, 12),
                                        rnd.randint(1, 28)),
            county=rnd.choice(COUNTIES), skills=tuple((s, rnd.randint(1, 5)) for s in skills),
            certificates=tuple(certs), regions=rnd.choice(prefs),
            min_wage=rnd.choice([0, rnd.randrange(1500, 8000, 500)]),
            kinds=rnd.choice([JOB_KINDS, ("market",), ("market", "public_welfare")]),
            available_from=rnd.choice([None, START + timedelta(days=rnd.randrange(-30, 90))]),
            care_duties=rnd.random() < 0.15,
            category=rnd.choices(["relocated", "graduate", "returnee", "general"], [4, 1, 2, 3])[0],
            monitored_household=rnd.random() < 0.25,
            zero_employment_household=rnd.random() < 0.1))
    return out


CONFIGS = {
    "default": MatchConfig(),
    "skill_gap": MatchConfig(skill_gap_rules_out=True, max_ruled_out=30),
    "weights": MatchConfig(weights={"skill": 50.0, "wage": 30.0, "region": 10.0, "policy": 0.0,
                                    "employer": 10.0, "unknown": 5.0}, level_penalty=0.4),
}


def _match(m: Match) -> dict:
    return {"job": m.job_id, "worker": m.worker_id, "score": m.score,
            "components": [[c.key, c.value, c.weight, c.points, c.text_zh, c.text_en]
                           for c in m.components]}


def _ruled(r: RuledOut) -> dict:
    return {"job": r.job_id, "worker": r.worker_id,
            "reasons": [[x.code, x.text_zh, x.text_en, x.subject] for x in r.reasons]}


def _result(r: RankResult) -> dict:
    return {"matches": [_match(m) for m in r.matches],
            "ruled_out": [_ruled(x) for x in r.ruled_out],
            "counts": dict(sorted(r.ruled_out_counts.items())), "considered": r.considered,
            "eligible": r.eligible,
            "bits": hashlib.sha256(np.asarray(r.reason_bits, np.int64).tobytes()).hexdigest()}


def _canonical(result: dict) -> dict:
    """Matches by score then id, rule-outs by id: an order that ties cannot change."""
    result["matches"].sort(key=lambda m: (-m["score"], str(m["worker"])))
    result["ruled_out"].sort(key=lambda r: str(r["worker"]))
    return result


def _digest(obj: object) -> str:
    return hashlib.sha256(json.dumps(obj, ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _keep(i: int, obj: object) -> object:
    return obj if i < N_FULL else _digest(obj)


def compute() -> dict:
    """Every output the golden file pins, as JSON-ready data."""
    tax = golden_taxonomy()
    jobs, workers = make_jobs(tax), make_workers(tax)
    index = JobIndex(jobs, tax)
    out: dict = {}
    for name, cfg in CONFIGS.items():
        out[f"rank_jobs/{name}"] = [_keep(i, _result(rank_jobs(w, index, 20, cfg)))
                                    for i, w in enumerate(workers)]
    out["rank_jobs/k0"] = _result(rank_jobs(workers[0], index, 0))
    out["trainable"] = [_keep(i, [_ruled(r) for r in trainable_openings(w, index, 25)])
                        for i, w in enumerate(workers)]
    pairs = [(workers[i % len(workers)], jobs[(37 * i) % len(jobs)]) for i in range(80)]
    out["explain"] = [(_match if isinstance(r, Match) else _ruled)(r)
                      for r in (explain(w, j, tax) for w, j in pairs)]
    widx = WorkerIndex(workers, tax)
    for name, cfg in CONFIGS.items():
        wi = WorkerIndex(workers, tax, cfg)
        # Workers tie often (discrete wages, regions, policy values), and the old engine
        # ordered exact ties arbitrarily: rank and explain all of them, in a canonical order.
        every = replace(cfg, max_ruled_out=len(workers))
        out[f"rank_workers/{name}"] = [
            _keep(i, _canonical(_result(rank_workers(j, wi, len(workers), every))))
            for i, j in enumerate(jobs[:40])]
        res = batch(wi, index, k=10, cfg=replace(cfg, block_pairs=20_000), threads=2)
        out[f"batch/{name}"] = {"pos": res.job_pos.tolist(),
                                "scores": [[float(s) for s in row] for row in res.scores]}
    small = JobIndex(jobs[:60], tax)
    out["score_matrix"] = [[float(s) for s in row] for row in score_matrix(widx, small)]
    out["dispatch"] = [[a.worker_id, a.job_id, a.score] for a in dispatch(widx, small)]
    return out


def main() -> None:
    """Print a summary, or write the golden file with --write."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--write", action="store_true", help=f"overwrite {GOLDEN.name}")
    args = ap.parse_args()
    data = compute()
    text = json.dumps(data, ensure_ascii=False, indent=0, sort_keys=True)
    if args.write:
        GOLDEN.write_text(text + "\n", encoding="utf-8")
    print(f"{len(data)} sections, {len(text):,} characters, digest {_digest(data)[:16]}")


if __name__ == "__main__":
    main()
