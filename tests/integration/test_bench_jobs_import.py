"""Smoke run of bench/bench_jobs_import.py at its tiny size: the benchmark still runs and
still imports a many-employer partner sheet, twice, with nothing new the second time."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_bench_jobs_import_tiny(tmp_path):
    env = {**os.environ, "QIANLU_INSTANCE": str(tmp_path)}
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "bench_jobs_import.py"),
                          "--tiny", "--json"], capture_output=True, text=True, env=env,
                         timeout=600, check=True, cwd=ROOT)
    figures = json.loads(out.stdout.strip().splitlines()[-1])
    first, again = figures["first"], figures["again"]
    assert (figures["rows"], figures["employers"]) == (200, 20)
    assert first["status"] == "done" and first["added"] + first["unchanged"] + first[
        "bad"] == 200
    assert first["added"] > 150 and 0 < first["bad"] < 10  # a few bad credit codes
    assert first["employers_registered"] == 12  # the 60 % not registered beforehand
    assert (again["added"], again["employers_registered"]) == (0, 0)
    assert first["rows_per_s"] > 0 and first["cpu_seconds"] > 0
