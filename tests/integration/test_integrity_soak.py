"""A short concurrency soak (bench/soak_integrity.py): 30 clients enrol, hire, lower
head-counts, record follow-ups and import rosters at once, then every invariant holds.

The full run (50 clients × 60 s on PostgreSQL) is in bench/README.md.
"""
from __future__ import annotations

import importlib.util

import pytest

from tests.conftest import BACKENDS, PG_URL, ROOT


def _soak_module():
    spec = importlib.util.spec_from_file_location("soak_integrity",
                                                  ROOT / "bench" / "soak_integrity.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow
@pytest.mark.parametrize("backend", BACKENDS)
def test_thirty_clients_at_once_break_no_invariant(backend):
    soak = _soak_module()
    result = soak.soak(PG_URL if backend == "postgresql" else None, seconds=12, clients=30)
    assert result["errors"] == []
    assert result["broken"] == []
    done = result["done"]
    for action in ("enrol", "refer_and_hire", "record_followup", "import_roster",
                   "lower_headcount"):  # every kind of action really ran
        assert sum(n for key, n in done.items() if key.startswith(action + ":")) > 0, action
    assert done["refer_and_hire:hired"] > 0 and done["enrol:enrolled"] > 0
