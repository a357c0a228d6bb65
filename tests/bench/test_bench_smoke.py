"""Every benchmark script still runs at a tiny size and prints its figures (so none rots).

The figures themselves are not checked (speed targets live in bench/README.md, not in
tests); a script that crashes, or stops printing what its README table quotes, fails here.
"""
from __future__ import annotations

import os
import py_compile
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "bench"
PG_URL = os.environ.get("TEST_DATABASE_URL", "")

# script -> (arguments for a tiny run, patterns its output must contain)
TINY = {
    "bench_checkins.py": (["--workers", "300"], [
        r"check-in sweep, 300 workers: [\d.]+ s wall, [\d.]+ s CPU, .*'sent': 300",
        r"peak RSS \d+ MB", r"second sweep the same day: .*'created': 0",
        r"load [\d.]+ / [\d.]+ / [\d.]+ on \d+ CPUs"]),
    "bench_matching.py": (["--tiny"], [
        r"rank_jobs, one worker x 1,000 openings, top 20 explained: median [\d.]+ ms wall, "
        r"[\d.]+ ms CPU", r"CPU share per phase: worker profile compiled [\d.]+ %",
        r"rank_workers, one opening x 300 workers: median", r"batch, 300 workers x 200 "
        r"openings, top 10, 2 threads: median [\d.]+ s wall",
        r"the batch is [\d,]+x faster in wall time, [\d,]+x in CPU time",
        r"load [\d.]+ / [\d.]+ / [\d.]+ on \d+ CPUs"]),
    "bench_matching_service.py": (["--jobs", "200", "--workers", "50"], [
        r"index build, cold .* [\d.]+ ms", r"recommend_for_worker, warm, k=20 .* [\d.]+ ms",
        r"batch_rematch 50 workers x \d+ openings, k=10 +[\d.]+ s"]),
    "bench_board.py": (["--jobs", "300", "--repeat", "1"], [
        r"search 普工 & region=yrd +[\d.]+ +[\d.]+ +\d+", r"opening page +[\d.]+"]),
    "bench_registry.py": (["--rows", "200", "--total", "400"], [
        r"import #1: \{'status': 'done'.*'added': 200", r"'cpu_us_per_row': \d+",
        r"'load_1min': \[[\d.]+, [\d.]+\]", r"register now holds 400 workers",
        r"pinyin 'zhang' \(province officer\) +\{'median_ms': [\d.]+",
        r"HTTP GET /registry/workers\?q=zhang \(render included\) +\{'median_ms'"]),
    "quality.py": ([], [r"\| 68 \| \d+ \| [\d.]+ \| [\d.]+ \|"]),
    "bench_jobs_import.py": (["--tiny"], [
        r"partner sheet: 200 rows, 20 employers", r"first import +[\d,]+ rows/s",
        r"[\d.]+ s CPU = [\d,]+ rows/CPU-s, \d+ µs/row",
        r"same sheet again +[\d,]+ rows/s .* added 0"]),
    "soak_integrity.py": (["--seconds", "2", "--clients", "4"], [
        r"actions: \d+ in [\d.]+ s", r"broken invariants: 0"]),
    "bench_followups.py": (["--followups", "2000"], [
        r"sweep over 2,000 follow-ups: ordinary day [\d.]+ s"]),
}
# The province scripts run as one chain on PostgreSQL (test_province_scripts_run_tiny): a
# database of 2,000 workers, its queries and CPU per page, and a few seconds of the load.
SMOKE_DB = "qianlu_province_smoke"
TINY.update({
    "province/generate.py": (["--db", SMOKE_DB, "--scale", "0.002"], [
        r"generating at scale 0.002", r"consistency checks: all pass",
        r"total [\d.]+ s; database size"]),
    "province/querycount.py": (["--db", SMOKE_DB, "--runs", "2"], [
        r"worker matches +county +200 +\d+ +[\d.]+ +[\d.]+ +[\d.]+ +[\d.]+",
        r"mix: [\d.]+ ms of CPU per request .* -> at most \d+ requests/s on 2 cores",
        r"load [\d.]+ / [\d.]+ / [\d.]+ on \d+ CPUs"]),
    "province/run.sh": (["6", "6", "8s", "0"], [
        r"load result: [\d.]+ requests/s, p50 \d+ ms, p95 \d+ ms, p99 \d+ ms, \d+ errors",
        r"CPU per request: app [\d.]+ ms \+ PostgreSQL [\d.]+ ms = [\d.]+ ms",
        r"load average: before [\d.]+, [\d.]+, [\d.]+; after"]),
    "province/locustfile.py": ([], []),  # run by run.sh
})
NEEDS_POSTGRES = {"bench_followups.py"}


def test_every_bench_script_has_a_tiny_run():
    scripts = {p.name for p in BENCH.glob("*.py")} | {
        f"province/{p.name}" for p in (BENCH / "province").iterdir()
        if p.suffix in (".py", ".sh")}
    assert scripts == set(TINY)


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(s for s in TINY if not s.startswith("province/")))
def test_bench_script_runs_tiny_and_prints_its_figures(script, tmp_path):
    if script in NEEDS_POSTGRES and not PG_URL.startswith("postgresql"):
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL")
    args, patterns = TINY[script]
    if script == "bench_registry.py":
        args = [*args, "--keep", str(tmp_path)]
    env = {**os.environ, "TMPDIR": str(tmp_path)}
    run = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=900)
    assert run.returncode == 0, run.stderr[-3000:]
    for pattern in patterns:
        assert re.search(pattern, run.stdout), (pattern, run.stdout[-3000:])


def test_province_scripts_compile_and_answer_help():
    """The province load test needs its 1M-worker database; here: it parses and starts."""
    for path in (BENCH / "province").glob("*.py"):
        py_compile.compile(str(path), doraise=True)
    for script in ("generate.py", "querycount.py"):
        run = subprocess.run([sys.executable, str(BENCH / "province" / script), "--help"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and "usage:" in run.stdout, run.stderr[-2000:]
    run = subprocess.run(["bash", "-n", str(BENCH / "province" / "run.sh")],
                         capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr


@pytest.mark.slow
def test_province_scripts_run_tiny(tmp_path):
    """generate.py, querycount.py and run.sh (gunicorn + Locust) at a tiny scale, in order,
    each printing the figures bench/README.md quotes; the database is dropped after."""
    if not PG_URL.startswith("postgresql") or "127.0.0.1:5432" not in PG_URL:
        pytest.skip("needs TEST_DATABASE_URL pointing at PostgreSQL on 127.0.0.1:5432")
    env = {**os.environ, "TMPDIR": str(tmp_path), "QIANLU_DB": SMOKE_DB, "SOAK": "0",
           "WARMUP": "3", "PORT": str(18000 + os.getpid() % 1000), "OUT": str(tmp_path / "run")}
    try:
        for script in ("province/generate.py", "province/querycount.py", "province/run.sh"):
            args, patterns = TINY[script]
            cmd = ["bash"] if script.endswith(".sh") else [sys.executable]
            run = subprocess.run([*cmd, str(BENCH / script), *args], cwd=ROOT, env=env,
                                 capture_output=True, text=True, timeout=900)
            assert run.returncode == 0, (script, run.stdout[-2000:], run.stderr[-3000:])
            for pattern in patterns:
                assert re.search(pattern, run.stdout), (script, pattern, run.stdout[-3000:])
    finally:
        subprocess.run(["psql", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c",
                        f'DROP DATABASE IF EXISTS "{SMOKE_DB}" WITH (FORCE)'],
                       capture_output=True, timeout=120)
