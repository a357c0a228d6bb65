"""Benchmark the matching engine on synthetic Guizhou-like data; prints figures.

Usage: .venv/bin/python bench/bench_matching.py [--tiny] [--runs 5] [--baseline DIR]
           [--workers 100000] [--jobs 20000] [--big 100000] [--huge 1000000] [--skip-batch]
           [--skip-rank]

Every figure is a median over ``--runs`` repetitions with wall time beside CPU time
(time.process_time; the machine is shared, so CPU time travels better), and the load
average is printed with each section. ``--baseline DIR`` runs the same measurements in a
child process on another checkout (e.g. the engine before a change:
``mkdir /tmp/old && git archive 9129685 | tar -x -C /tmp/old``) and prints both side by
side with the ratio; with ``--together`` both run at the same time (same load).
``--tiny`` runs every step at toy sizes (the smoke test does).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path


def _root() -> Path:
    """The checkout whose engine is measured: --root DIR, else this one."""
    if "--root" in sys.argv:
        return Path(sys.argv[sys.argv.index("--root") + 1]).resolve()
    return Path(__file__).resolve().parents[1]


sys.path.insert(0, str(_root()))

from rapidfuzz import fuzz  # noqa: E402

from app.matching.engine import (  # noqa: E402
    JOB_KINDS,
    HeldCertificate,
    JobIndex,
    JobProfile,
    WorkerIndex,
    WorkerProfile,
    batch,
    rank_jobs,
    rank_workers,
)
from app.matching.taxonomy import Taxonomy, default_taxonomy  # noqa: E402

PREFECTURES = ["5201", "5202", "5203", "5204", "5205", "5206", "5223", "5226", "5227"]
COUNTIES = [f"{p}{c:02d}" for p in PREFECTURES for c in range(1, 11)]
YRD = ["310115", "320505", "330110", "340104"]
PRD = ["440305", "441900", "442000", "440604"]
START = date(2026, 3, 1)


def make_jobs(n: int, tax: Taxonomy, seed: int = 1) -> list[JobProfile]:
    """Synthetic openings: mostly in-province, a quarter YRD, a fifth PRD."""
    rnd = random.Random(seed)
    codes = tax.codes
    popular = codes[:60]  # manufacturing and construction come first in the catalogue
    jobs = []
    for i in range(n):
        region = rnd.choices(["guizhou", "yrd", "prd", "other"], [50, 25, 20, 5])[0]
        county = {"guizhou": rnd.choice(COUNTIES), "yrd": rnd.choice(YRD),
                  "prd": rnd.choice(PRD), "other": "110105"}[region]
        kind = rnd.choices(JOB_KINDS, [90, 7, 3])[0] if region == "guizhou" else "market"
        req = rnd.sample(popular if rnd.random() < 0.6 else codes, rnd.choice([0, 1, 1, 2, 3]))
        certs = sorted({c for s in req for c in tax.required_certificates(s)})
        lo = rnd.choice([16, 18, 18, 20])
        wage = rnd.randrange(2500, 9000, 100)
        jobs.append(JobProfile(
            id=i, employer_id=rnd.randrange(n // 5 + 1), start_date=START + timedelta(
                days=rnd.randrange(0, 120)),
            status="open" if rnd.random() < 0.97 else "closed",
            openings_left=rnd.randint(1, 30), age_min=lo, age_max=rnd.choice([40, 45, 50, 55, 60]),
            required_certificates=tuple(certs),
            required_skills=tuple((s, rnd.randint(1, 4)) for s in req),
            preferred_skills=tuple(rnd.sample(codes, rnd.choice([0, 0, 1, 2]))),
            wage_min=wage, wage_max=wage + rnd.randrange(0, 3000, 100), region=region,
            county=county, kind=kind, eligible_county=county,
            housing=rnd.random() < 0.6, meals=rnd.random() < 0.5,
            employer_suspended=rnd.random() < 0.01, employer_wage_arrears=rnd.random() < 0.03,
            employer_retention=rnd.choice([None, round(rnd.uniform(0.3, 0.95), 2)])))
    return jobs


def make_workers(n: int, tax: Taxonomy, seed: int = 2) -> list[WorkerProfile]:
    """Synthetic labourers from relocation sites and formerly poor households."""
    rnd = random.Random(seed)
    codes = tax.codes
    prefs = [("local",), ("local", "guizhou"), ("guizhou", "yrd", "prd"), ("yrd", "prd"),
             ("any",), ("local", "guizhou", "prd")]
    workers = []
    for i in range(n):
        skills = rnd.sample(codes[:60] if rnd.random() < 0.6 else codes, rnd.randint(1, 4))
        certs = []
        for s in skills:
            for c in tax.required_certificates(s):
                if rnd.random() < 0.8:
                    certs.append(HeldCertificate(c, START + timedelta(days=rnd.randrange(-200,
                                                                                       2000))))
        workers.append(WorkerProfile(
            id=i, birth_date=date(rnd.randint(1966, 2007), rnd.randint(1, 12), rnd.randint(1, 28)),
            county=rnd.choice(COUNTIES), skills=tuple((s, rnd.randint(1, 5)) for s in skills),
            certificates=tuple(certs), regions=rnd.choice(prefs),
            min_wage=rnd.randrange(0, 7000, 500), available_from=START + timedelta(
                days=rnd.randrange(-30, 60)),
            care_duties=rnd.random() < 0.15,
            category=rnd.choices(["relocated", "graduate", "returnee", "general"], [4, 1, 2, 3])[0],
            monitored_household=rnd.random() < 0.2, zero_employment_household=rnd.random() < 0.05))
    return workers


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MB (Linux reports KB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def load() -> str:
    """The 1-, 5- and 15-minute load averages, for the figures' context."""
    return "load {:.1f} / {:.1f} / {:.1f} on {} CPUs".format(*os.getloadavg(), os.cpu_count())


def timed(fn, runs: int) -> dict:
    """Median and p95 wall and CPU milliseconds of ``runs`` calls of fn()."""
    wall, cpu = [], []
    for _ in range(runs):
        w, c = time.perf_counter(), time.process_time()
        fn()
        cpu.append(1000 * (time.process_time() - c))
        wall.append(1000 * (time.perf_counter() - w))
    p95 = sorted(wall)[max(0, int(0.95 * len(wall)) - 1)]
    return {"wall_ms": statistics.median(wall), "cpu_ms": statistics.median(cpu),
            "p95_ms": p95, "runs": runs}


def time_rank_jobs(workers: list[WorkerProfile], index: JobIndex, runs: int,
                   k: int = 20) -> dict:
    """rank_jobs with the top k explained, one call per worker, ``runs`` calls."""
    rank_jobs(workers[0], index, k)  # warm caches (similarity matrix, kernels)
    it = iter(workers * (runs // len(workers) + 1))
    return timed(lambda: rank_jobs(next(it), index, k), runs)


def rank_phases(workers: list[WorkerProfile], index: JobIndex, k: int = 20) -> dict | None:
    """CPU share of each phase of rank_jobs (this engine's internals; None if absent)."""
    try:
        import numpy as np

        from app.matching.engine import MatchConfig, WorkerIndex
        from app.matching.engine_explain import _match, _reasons
        from app.matching.engine_kernel import J_COUNTY, W_COUNTY
        from app.matching.engine_scoring import score_pairs
    except ImportError:
        return None
    cfg, one = MatchConfig(), np.zeros(1, np.int64)
    spent = dict.fromkeys(("worker profile compiled", "fused kernel (rules, scores, top k)",
                           "components of the shown 20", "explained matches (text)",
                           "explained rule-outs (text)"), 0.0)
    names = list(spent)
    for w in workers:
        marks = [time.process_time()]
        widx = WorkerIndex([w], index.taxonomy, cfg)
        marks.append(time.process_time())
        sc = score_pairs(index, widx, index.all_pos, one, cfg, best=k,
                         best_out=cfg.max_ruled_out, totals=False)
        marks.append(time.process_time())
        shown = score_pairs(index, widx, sc.best, one, cfg, components=True)
        marks.append(time.process_time())
        local = index.ji[sc.best, J_COUNTY] == widx.wi[0, W_COUNTY]
        for i, p in enumerate(sc.best.tolist()):
            _match(index.jobs[p], w, shown.comps[i], shown.weights, bool(local[i]),
                   index.taxonomy, cfg)
        marks.append(time.process_time())
        bits = sc.bits.ravel()
        for p in sc.best_out.tolist():
            _reasons(int(bits[p]), index.jobs[p], w, index.taxonomy, cfg)
        marks.append(time.process_time())
        for name, a, b in zip(names, marks, marks[1:], strict=False):
            spent[name] += b - a
    total = sum(spent.values())
    return {name: round(100 * t / total, 1) for name, t in spent.items()}


def kernel_ab(workers: list[WorkerProfile], index: JobIndex, runs: int = 40) -> dict | None:
    """The one-worker kernel call, column-wise against the per-pair kernel, interleaved.

    Both give the same results (tests/unit/test_engine_kernels.py); timing them call by
    call in one process puts them under the same load. None for an engine without both.
    """
    try:
        import numpy as np

        from app.matching.engine import MatchConfig, WorkerIndex
        from app.matching.engine_kernel import scan_cols  # noqa: F401
        from app.matching.engine_scoring import score_pairs
    except ImportError:
        return None
    cfg, one, listed = MatchConfig(), np.zeros(1, np.int64), np.arange(len(index))
    widx = [WorkerIndex([w], index.taxonomy, cfg) for w in workers]
    spent: dict[str, list[float]] = {"column-wise": [], "per-pair": []}
    for r in range(runs):
        for name, pos in (("column-wise", index.all_pos), ("per-pair", listed)):
            c = time.process_time()
            score_pairs(index, widx[r % len(widx)], pos, one, cfg, best=20, best_out=50,
                        totals=False)
            spent[name].append(1000 * (time.process_time() - c))
    return {name: statistics.median(v) for name, v in spent.items()}


def naive_fit(worker: WorkerProfile, job: JobProfile, tax: Taxonomy) -> float:
    """Skill fit the slow way: a rapidfuzz call per required x held skill."""
    fit = 0.0
    for code, _ in job.required_skills:
        name = tax.skill(code).name
        fit += max((fuzz.ratio(name, tax.skill(w).name) / 100 for w, _ in worker.skills),
                   default=0.0)
    return fit / len(job.required_skills) if job.required_skills else 0.6


def naive_pair(worker: WorkerProfile, job: JobProfile, tax: Taxonomy,
               score_first: bool = True) -> float:
    """The slow way: every rule in Python and rapidfuzz per worker-opening pair.

    ``score_first`` scores every pair before the rules (the literal naive way); without it
    the rules run first and rapidfuzz only runs for eligible pairs (a smarter naive loop).
    """
    fit = naive_fit(worker, job, tax) if score_first else None
    if job.status != "open" or job.openings_left <= 0 or job.employer_suspended:
        return -1.0
    s, b = job.start_date, worker.birth_date
    age = s.year - b.year - ((s.month, s.day) < (b.month, b.day))
    if (job.age_min and age < job.age_min) or (job.age_max and age > job.age_max):
        return -1.0
    local = job.county == worker.county
    if worker.care_duties and not local:
        return -1.0
    prefs = worker.regions
    ok_regions = {"local"} if local else set()
    ok_regions |= {"any", job.region}
    if job.region == "guizhou":
        ok_regions.add("guizhou")
    hits = [i for i, p in enumerate(prefs) if p in ok_regions]
    if not hits:
        return -1.0
    if job.kind != "market" and not (
            (worker.monitored_household or worker.zero_employment_household)
            and worker.county == job.eligible_county):
        return -1.0
    if job.kind not in worker.kinds:
        return -1.0
    if worker.available_from and worker.available_from > job.start_date:
        return -1.0
    held = {c.code: c.expires for c in worker.certificates}
    for c in job.required_certificates:
        if c not in held or (held[c] is not None and held[c] < job.start_date):
            return -1.0
    if fit is None:
        fit = naive_fit(worker, job, tax)
    ratio = (job.wage_min + job.wage_max) / 2 / (worker.min_wage or 2000)
    wage = min(1.0, max(0.0, 0.5 + 1.5 * (ratio - 1)))
    region = max(0.2, 1 - 0.25 * hits[0])
    amen = 1.0 if local else 0.5 * job.housing + 0.5 * job.meals
    return 45 * fit + 20 * wage + 15 * region + 5 * amen + 10 * (job.employer_retention or 0.6)


def measure(args: argparse.Namespace) -> dict:
    """Every measurement of this engine, as a dict of figures (also printed)."""
    tax = default_taxonomy()
    out: dict = {"engine": str(_root())}
    t = time.perf_counter()
    all_jobs = make_jobs(args.huge, tax)
    workers = make_workers(args.workers, tax)
    print(f"generated {len(all_jobs):,} openings and {len(workers):,} workers "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    sample = workers[:40]
    for n in [] if args.skip_rank else sorted({args.big, args.huge}):
        t = time.perf_counter()
        index = JobIndex(all_jobs[:n], tax)
        build = time.perf_counter() - t
        fig = time_rank_jobs(sample, index, max(args.runs, 5 if n > args.big else 40))
        fig["index_build_s"] = round(build, 2)
        fig["load"] = load()
        out[f"rank_jobs/{n}"] = fig
        print(f"rank_jobs, one worker x {n:,} openings, top 20 explained: "
              f"median {fig['wall_ms']:.2f} ms wall, {fig['cpu_ms']:.2f} ms CPU "
              f"(p95 {fig['p95_ms']:.2f} ms; index build {build:.2f} s; {fig['load']})",
              flush=True)
        if n == args.big:
            # Other workers than the timed ones: explanation texts are cached by their
            # fields, and the phases should not see the timed runs' texts again.
            phases = rank_phases(workers[40:80], index)
            if phases:
                out["phases"] = phases
                print("  CPU share per phase: " + "; ".join(
                    f"{k} {v:.1f} %" for k, v in phases.items()), flush=True)
            ab = kernel_ab(sample, index)
            if ab:
                out["kernel_ab"] = ab
                print(f"  kernel alone, interleaved in this process: column-wise "
                      f"{ab['column-wise']:.2f} ms CPU, per-pair kernel {ab['per-pair']:.2f} ms"
                      f" CPU ({ab['per-pair'] / ab['column-wise']:.1f}x; {load()})", flush=True)
        del index
    t = time.perf_counter()
    widx = WorkerIndex(workers, tax)
    wbuild = time.perf_counter() - t
    jobs_iter = iter(all_jobs)
    if not args.skip_rank:
        fig = timed(lambda: rank_workers(next(jobs_iter), widx, 20), max(args.runs, 5))
        out["rank_workers"] = fig
        print(f"rank_workers, one opening x {len(workers):,} workers: median "
              f"{fig['wall_ms']:.1f} ms wall, {fig['cpu_ms']:.1f} ms CPU (worker index build "
              f"{wbuild:.1f} s; {load()})", flush=True)
    if args.skip_batch:
        return out
    index = JobIndex(all_jobs[: args.jobs], tax)
    del all_jobs
    pairs = len(workers) * len(index)
    walls, cpus = [], []
    for _ in range(args.batch_runs):
        w, c = time.perf_counter(), time.process_time()
        result = batch(widx, index, k=10, threads=args.threads)
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    engine_s = statistics.median(walls)
    found = int((result.job_pos[:, 0] >= 0).sum())
    out["batch"] = {"wall_s": engine_s, "cpu_s": statistics.median(cpus), "pairs": pairs,
                    "runs": len(walls), "peak_rss_mb": peak_rss_mb(), "load": load()}
    print(f"batch, {len(workers):,} workers x {len(index):,} openings, top 10, "
          f"{args.threads} threads: median {engine_s:.2f} s wall, {statistics.median(cpus):.2f}"
          f" s CPU over {len(walls)} runs ({pairs / engine_s / 1e6:.0f} M pairs/s; "
          f"{1e9 * statistics.median(cpus) / pairs:.2f} ns CPU per pair; on {args.threads} "
          f"idle cores about {statistics.median(cpus) / args.threads:.1f} s wall), "
          f"{found:,} workers with an opening, peak RSS {peak_rss_mb():.0f} MB (the whole "
          f"process; the result is {(result.job_pos.nbytes + result.scores.nbytes) / 1e6:.0f}"
          f" MB) ({load()})", flush=True)
    sample_w, sample_j = workers[: args.naive_workers], list(index.jobs[:1000])
    for label, score_first in (("naive, rapidfuzz on every pair", True),
                               ("naive, rules first then rapidfuzz", False)):
        t, c = time.perf_counter(), time.process_time()
        for w in sample_w:
            for j in sample_j:
                naive_pair(w, j, tax, score_first)
        per_pair = (time.perf_counter() - t) / (len(sample_w) * len(sample_j))
        cpu_pair = (time.process_time() - c) / (len(sample_w) * len(sample_j))
        naive_s = per_pair * pairs
        # CPU against CPU travels across loads; wall is the one-thread loop against the
        # batch on --threads cores, as a user would wait.
        cpu_ratio = cpu_pair * pairs / statistics.median(cpus)
        out[f"naive/{'score_first' if score_first else 'rules_first'}"] = {
            "us_per_pair": 1e6 * per_pair, "cpu_us_per_pair": 1e6 * cpu_pair,
            "extrapolated_s": naive_s, "speedup": naive_s / engine_s, "cpu_speedup": cpu_ratio}
        print(f"{label}: {1e6 * per_pair:.2f} us wall, {1e6 * cpu_pair:.2f} us CPU per pair "
              f"on a {len(sample_w)} x {len(sample_j):,} sample, extrapolated "
              f"{naive_s:,.0f} s for the batch (the loop timed on the sample, scaled by the "
              f"batch's {pairs:,} pairs): the batch is "
              f"{naive_s / engine_s:,.0f}x faster in wall time, {cpu_ratio:,.0f}x in CPU time "
              f"({load()})", flush=True)
    return out


def main() -> None:
    """Run every benchmark and print the figures (with --baseline, both engines)."""
    ap = argparse.ArgumentParser()
    ap.add_argument("--tiny", action="store_true", help="toy sizes, for the smoke test")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--batch-runs", type=int, default=5)
    ap.add_argument("--workers", type=int, default=100_000)
    ap.add_argument("--jobs", type=int, default=20_000)
    ap.add_argument("--big", type=int, default=100_000)
    ap.add_argument("--huge", type=int, default=1_000_000)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--naive-workers", type=int, default=200)
    ap.add_argument("--skip-batch", action="store_true")
    ap.add_argument("--skip-rank", action="store_true", help="batch only (its peak RSS)")
    ap.add_argument("--baseline", default="", help="another checkout to measure too")
    ap.add_argument("--together", action="store_true",
                    help="measure --baseline at the same time, not before")
    ap.add_argument("--root", default="", help=argparse.SUPPRESS)
    ap.add_argument("--json", default="", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.tiny:
        args.workers, args.jobs, args.big, args.huge = 300, 200, 1_000, 2_000
        args.runs, args.batch_runs, args.naive_workers = 3, 1, 5
    print(f"matching engine benchmark ({load()})", flush=True)
    base = None
    child = None
    if args.baseline:
        own = [a for a in sys.argv[1:] if a not in ("--baseline", args.baseline, "--together")]
        path = Path(args.json or "/tmp") / f"bench_matching_baseline_{os.getpid()}.json"
        cmd = [sys.executable, __file__, *own, "--root", args.baseline, "--json", str(path)]
        if args.together:
            # Both engines at once, each in its own process: on a shared machine they see
            # the same load, so their CPU times compare (the baseline's lines are prefixed).
            child = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
        else:
            print(f"\n# baseline: {args.baseline}", flush=True)
            subprocess.run(cmd, check=True)
            base = json.loads(path.read_text())
            path.unlink()
        print(f"\n# this engine: {_root()}", flush=True)
    figures = measure(args)
    if child is not None:
        out, _ = child.communicate()
        if child.returncode:
            raise SystemExit(f"the baseline run failed ({child.returncode})")
        print("\n# baseline, run at the same time: " + args.baseline)
        print("".join(f"  [baseline] {line}\n" for line in out.splitlines()), end="")
        base = json.loads(path.read_text())
        path.unlink()
    if args.root and args.json:
        Path(args.json).write_text(json.dumps(figures))
    if base:
        print("\n| figure | baseline | this engine | ratio |\n| --- | ---: | ---: | ---: |")
        for key, fig in figures.items():
            if key in base and isinstance(fig, dict):
                for unit in ("wall_ms", "cpu_ms", "wall_s", "cpu_s", "speedup", "cpu_speedup"):
                    if unit in fig and unit in base[key]:
                        b, n = base[key][unit], fig[unit]
                        print(f"| {key} {unit} | {b:,.2f} | {n:,.2f} | "
                              f"{(n / b if 'speedup' in unit else b / n):.1f}x |")


if __name__ == "__main__":
    main()
