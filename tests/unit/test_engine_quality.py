"""Labelled cases (tests/matching_cases): no hard rule broken, expected openings on top."""

import importlib.util
import sys
from datetime import date
from pathlib import Path

import pytest

from app.matching.engine import JobIndex, JobProfile, MatchConfig, WorkerProfile, rank_jobs

_spec = importlib.util.spec_from_file_location(
    "matching_cases_loader", Path(__file__).resolve().parents[1] / "matching_cases" / "loader.py")
loader = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = loader  # dataclasses look their module up
_spec.loader.exec_module(loader)

CASES = loader.load_cases()
JOBS = loader.load_openings()
INDEX = JobIndex(JOBS)
CFG = MatchConfig(max_ruled_out=len(JOBS))


def broken_rules(w: WorkerProfile, j: JobProfile) -> list[str]:
    """An independent, plain-Python reading of the hard rules."""
    broken = []
    if j.status != "open" or j.openings_left <= 0 or j.employer_suspended:
        broken.append("closed/suspended")
    s, b = j.start_date, w.birth_date
    age = s.year - b.year - ((s.month, s.day) < (b.month, b.day))
    if (j.age_min and age < j.age_min) or (j.age_max and age > j.age_max):
        broken.append("age")
    held = {c.code: c.expires or date.max for c in w.certificates}
    if any(held.get(c, date.min) < j.start_date for c in j.required_certificates):
        broken.append("certificate")
    local = j.county == w.county
    if w.care_duties and not local:
        broken.append("care duties")
    allowed = set(w.regions) | ({"guizhou"} if "local" in w.regions and local else set())
    if "any" not in allowed and j.region not in allowed:
        broken.append("region")
    if j.kind != "market" and not (
            (w.monitored_household or w.zero_employment_household)
            and w.county == (j.eligible_county or j.county)):
        broken.append("public-welfare eligibility")
    if w.available_from and w.available_from > j.start_date:
        broken.append("availability")
    return broken


def test_there_are_at_least_sixty_cases_covering_each_theme():
    assert len(CASES) >= 60
    notes = " ".join(c.note for c in CASES)
    for word in ("homophone", "pinyin", "certificate", "age", "care duties", "public-welfare",
                 "work-relief", "PRD", "YRD"):
        assert word.lower() in notes.lower(), word


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(case):
    result = rank_jobs(case.worker, INDEX, len(JOBS), CFG)
    by_id = {j.id: j for j in JOBS}
    for m in result.matches:
        assert broken_rules(case.worker, by_id[m.job_id]) == [], (m.job_id, case.note)
    top3 = [m.job_id for m in result.matches[:3]]
    for expected in case.expect:
        assert expected in top3, (case.note, top3)
    reasons = {o.job_id: o.codes for o in result.ruled_out}
    for job_id, code in case.rule_out.items():
        assert code in reasons.get(job_id, ()), (case.note, job_id, reasons.get(job_id))
