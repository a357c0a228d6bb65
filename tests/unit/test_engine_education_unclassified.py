"""Engine rules of issue 14: minimum education is a hard rule; an opening that names no
skill (its title resolved to none) gets no skill fit, so it is offered to nobody on skill."""

from dataclasses import replace
from datetime import date

import pytest

from app.matching.engine import (
    FIXABLE_BY_TRAINING,
    JobIndex,
    JobProfile,
    WorkerIndex,
    WorkerProfile,
    batch,
    explain,
    rank_jobs,
    rank_workers,
    score_matrix,
    trainable_openings,
)

START = date(2026, 3, 1)
XINGYI = "522301"


def worker(**kw) -> WorkerProfile:
    base = dict(id="w", birth_date=date(1990, 6, 1), county=XINGYI, skills=(("cook", 3),),
                regions=("local", "guizhou"), min_wage=4000, education="junior")
    base.update(kw)
    return WorkerProfile(**base)


def job(id="j", **kw) -> JobProfile:
    base = dict(id=id, employer_id=1, start_date=START, required_skills=(("cook", 2),),
                wage_min=5000, wage_max=6000, region="guizhou", county=XINGYI)
    base.update(kw)
    return JobProfile(**base)


# ---- minimum education --------------------------------------------------------------


@pytest.mark.parametrize("held, needed, ruled_out", [
    ("junior", "none", False),
    ("junior", "junior", False),
    ("primary", "junior", True),  # 初中及以上, the worker finished primary school
    ("junior", "senior", True),
    ("vocational", "senior", False),  # 中专 meets 高中 …
    ("senior", "vocational", False),  # … and 高中 meets 中专: the same stage
    ("senior", "college", True),
    ("bachelor", "college", False),
    ("", "college", False),  # not known: never ruled out on a guess
])
def test_minimum_education_is_a_hard_rule(held, needed, ruled_out):
    r = explain(worker(education=held), job(min_education=needed))
    assert (getattr(r, "codes", ()) == ("education",)) is ruled_out, r


def test_education_reason_names_both_levels_and_says_no_course_fixes_it():
    r = explain(worker(education="primary"), job(min_education="senior"))
    (reason,) = r.reasons
    assert reason.code == "education" and reason.subject is None
    assert "高中" in reason.text_zh and "小学" in reason.text_zh
    assert "培训" in reason.text_zh  # says in words that no course makes up for schooling
    assert "senior secondary" in reason.text_en.lower()
    assert "education" not in FIXABLE_BY_TRAINING


def test_education_is_not_offered_as_fixable_by_training():
    w = worker(education="primary", skills=())
    jobs = JobIndex([job(min_education="senior"), job("k", required_skills=(("welder", 1),))])
    assert [r.job_id for r in trainable_openings(w, jobs)] == ["k"]


def test_education_rule_is_the_same_in_every_entry_point():
    ws = [worker(id=n, education=e) for n, e in enumerate(("primary", "junior", "senior"))]
    jobs = JobIndex([job(min_education="junior")])
    eligible = [w.id for w in ws if rank_jobs(w, jobs).matches]
    assert eligible == [1, 2]
    by_job = rank_workers(jobs.jobs[0], WorkerIndex(ws))
    assert sorted(m.worker_id for m in by_job.matches) == [1, 2]
    assert by_job.ruled_out_counts.get("education") == 1
    assert [bool(batch([w], jobs, k=3).top(0)) for w in ws] == [False, True, True]
    scores = score_matrix(WorkerIndex(ws), jobs)  # (workers x openings), -1 = ruled out
    assert [s >= 0 for s in scores[:, 0]] == [False, True, True]


# ---- unclassified openings --------------------------------------------------------------


def test_an_unclassified_opening_gets_no_skill_fit():
    # A Java architect opening whose title resolved to no skill, against a cook.
    java = job(title="Java架构师", required_skills=(), unclassified=True)
    r = explain(worker(), java)
    skill = next(c for c in r.components if c.key == "skill")
    assert skill.value == 0 and skill.points == 0
    assert "未分类" in skill.text_zh and "not classified" in skill.text_en


def test_an_unclassified_opening_ranks_below_every_classified_fit():
    cook_job = job("cook")
    java = job("java", title="Java架构师", required_skills=(), unclassified=True,
               wage_min=20000, wage_max=30000)
    ranked = [m.job_id for m in rank_jobs(worker(), JobIndex([java, cook_job])).matches]
    assert ranked[0] == "cook"
    java_score = next(m.score for m in rank_jobs(worker(), JobIndex([java])).matches)
    before = explain(worker(), replace(java, unclassified=False)).score
    assert java_score <= before - 20  # it used to get a 60 % skill fit (24 of 40 points)


def test_a_classified_opening_without_skills_keeps_the_no_requirement_fit():
    r = explain(worker(), job(required_skills=()))
    skill = next(c for c in r.components if c.key == "skill")
    assert skill.value == pytest.approx(0.6)
