"""The engine's outputs on fixed seeds equal the golden file written before the rewrite.

Scores, order, explanations, rule-out reasons and counts, batch top-k and dispatch: see
``tests/unit/engine_golden.py`` for the data and how to regenerate the file.
"""

import json

import pytest

from tests.unit.engine_golden import GOLDEN, compute


@pytest.fixture(scope="module")
def outputs() -> tuple[dict, dict]:
    return compute(), json.loads(GOLDEN.read_text(encoding="utf-8"))


SECTIONS = sorted(json.loads(GOLDEN.read_text(encoding="utf-8")))


@pytest.mark.parametrize("section", SECTIONS)
def test_engine_output_matches_golden(outputs, section):
    got, want = outputs
    got = json.loads(json.dumps(got[section], ensure_ascii=False))  # tuples -> lists
    if isinstance(want[section], list) and isinstance(got, list):
        assert len(got) == len(want[section])
        for i, (g, w) in enumerate(zip(got, want[section], strict=True)):
            assert g == w, f"{section}[{i}] differs"
    else:
        assert got == want[section]


def test_golden_covers_every_section(outputs):
    got, want = outputs
    assert sorted(got) == sorted(want)
