"""Matching engine: hard rules, explained scores, ranking order, batch and dispatch."""

from dataclasses import replace
from datetime import date

import numpy as np
import pytest

from app.matching.engine import (
    BIT,
    RULES,
    HeldCertificate,
    JobIndex,
    JobProfile,
    MatchConfig,
    WorkerIndex,
    WorkerProfile,
    assign,
    batch,
    dispatch,
    explain,
    rank_jobs,
    rank_workers,
    score_matrix,
    similarity_matrix,
    trainable_openings,
)
from app.matching.engine_explain import REASON_TEXT
from app.matching.engine_index import OPENING_RULES, THRESHOLD_RULES
from app.matching.engine_kernel import PAIR_RULES
from app.skills.taxonomy import default_taxonomy

START = date(2026, 3, 1)
XINGYI, KAILI, GUIYANG, SUZHOU, DONGGUAN = "522301", "522601", "520102", "320506", "441900"


def worker(**kw) -> WorkerProfile:
    base = dict(id="w", birth_date=date(1990, 6, 1), county=XINGYI,
                skills=(("welder", 3),),
                certificates=(HeldCertificate("so_welding", date(2030, 1, 1)),),
                regions=("local", "guizhou", "yrd", "prd"), min_wage=4000)
    base.update(kw)
    return WorkerProfile(**base)


def job(id="j", **kw) -> JobProfile:
    base = dict(id=id, employer_id=1, start_date=START, required_skills=(("welder", 2),),
                required_certificates=("so_welding",), wage_min=5000, wage_max=6000,
                region="guizhou", county=XINGYI)
    base.update(kw)
    return JobProfile(**base)


def outcome(w: WorkerProfile, j: JobProfile, cfg: MatchConfig | None = None):
    return explain(w, j, cfg=cfg)


def codes(w, j, cfg=None) -> tuple[str, ...]:
    r = outcome(w, j, cfg)
    return getattr(r, "codes", ())


def test_eligible_pair_is_a_match():
    m = outcome(worker(), job())
    assert m.score > 80 and not hasattr(m, "reasons")


@pytest.mark.parametrize("j, reason", [
    (job(status="closed"), "closed"),
    (job(openings_left=0), "closed"),
    (job(employer_suspended=True), "employer_suspended"),
    (job(age_max=30), "age"),
    (job(age_min=40), "age"),
    (job(region="prd", county=DONGGUAN), None),  # acceptable: prd is in the worker's list
    (job(region="other", county="110105"), "region"),
    (job(required_certificates=("so_welding", "so_height")), "cert_missing"),
    (job(kind="public_welfare", eligible_county=XINGYI), "kind_ineligible"),
    (job(kind="work_relief", eligible_county=XINGYI), "kind_ineligible"),
    (job(start_date=date(2026, 1, 1)), None),
])
def test_each_hard_rule_rules_out_with_its_reason(j, reason):
    got = codes(worker(), j)
    assert got == ((reason,) if reason else ()), got


def test_age_is_taken_at_the_start_date():
    w = worker(birth_date=date(1991, 3, 2))  # turns 35 the day after the start date
    assert codes(w, job(age_max=34)) == ()
    assert codes(w, job(age_min=35)) == ("age",)
    assert codes(w, job(age_min=35, start_date=date(2026, 3, 2))) == ()


def test_certificate_expiring_before_start_rules_out_with_subject():
    w = worker(certificates=(HeldCertificate("so_welding", date(2026, 2, 1)),))
    r = outcome(w, job())
    assert r.codes == ("cert_expired",) and r.reasons[0].subject == "so_welding"
    assert codes(worker(certificates=(HeldCertificate("so_welding", START),)), job()) == ()


def test_missing_certificate_names_it_for_a_course_link():
    r = outcome(worker(certificates=()), job())
    reason = r.reasons[0]
    assert (reason.code, reason.subject) == ("cert_missing", "so_welding")
    assert reason.text_zh == "缺少焊工证" and reason.text_en == "Missing welder certificate"


def test_local_means_the_own_county_only():
    w = worker(regions=("local",))
    assert codes(w, job(county=XINGYI)) == ()
    assert codes(w, job(county=KAILI)) == ("region",)
    assert codes(w, job(region="yrd", county=SUZHOU)) == ("region",)


def test_care_duties_restrict_to_the_own_county():
    w = worker(care_duties=True, regions=("any",))
    assert codes(w, job(county=XINGYI)) == ()
    assert codes(w, job(county=KAILI)) == ("care_duties",)
    assert codes(w, job(region="yrd", county=SUZHOU)) == ("care_duties",)


def test_public_welfare_only_for_monitored_or_zero_employment_in_that_county():
    pw = job(kind="public_welfare", eligible_county=XINGYI, required_skills=(),
             required_certificates=())
    assert codes(worker(monitored_household=True), pw) == ()
    assert codes(worker(zero_employment_household=True), pw) == ()
    assert codes(worker(), pw) == ("kind_ineligible",)
    moved = worker(monitored_household=True, county=KAILI, regions=("any",))
    assert codes(moved, pw) == ("kind_ineligible",)


def test_job_kind_not_wanted_is_respected():
    assert codes(worker(kinds=("public_welfare",)), job()) == ("kind_unwanted",)


def test_worker_must_be_available_by_the_start_date():
    assert codes(worker(available_from=date(2026, 3, 2)), job()) == ("not_available",)
    assert codes(worker(available_from=START), job()) == ()


def test_all_reasons_are_listed_together():
    r = outcome(worker(certificates=()), job(age_max=20, status="closed"))
    assert set(r.codes) == {"closed", "age", "cert_missing"}


def test_skill_gap_rules_out_only_when_configured():
    cook = job(required_skills=(("cook", 2),), required_certificates=())
    assert codes(worker(), cook) == ()
    r = outcome(worker(), cook, MatchConfig(skill_gap_rules_out=True))
    assert r.codes == ("skill_gap",) and r.reasons[0].subject == "cook"
    # A related skill is coverage, not a gap.
    steel = job(required_skills=(("steel_structure", 2),), required_certificates=())
    assert codes(worker(), steel, MatchConfig(skill_gap_rules_out=True)) == ()


def test_components_explain_and_sum_to_the_total():
    m = outcome(worker(monitored_household=True), job(housing=True, employer_retention=0.9))
    assert abs(sum(c.points for c in m.components) - m.score) < 0.02
    assert 0 <= m.score <= 100
    keys = [c.key for c in m.components]
    assert keys == ["skill", "preferred", "wage", "region", "amenities", "policy", "employer"]
    for c in m.components:
        assert 0 <= c.value <= 1 and c.text_zh and c.text_en
    assert abs(sum(c.weight for c in m.components) - 100) < 0.05
    skill = m.components[0]
    assert "焊工" in skill.text_zh and "Welder" in skill.text_en


def test_weights_are_overridable():
    cfg = MatchConfig(weights={"skill": 1.0, "wage": 1.0})
    m = outcome(worker(), job(), cfg)
    assert [c.key for c in m.components] == ["skill", "wage"]
    assert [c.weight for c in m.components] == [50.0, 50.0]


def test_ranking_order_is_sensible():
    w = worker(regions=("local", "guizhou", "yrd"), min_wage=4000)
    jobs = [
        job("exact_local", wage_min=6000, wage_max=7000, employer_retention=0.9),
        job("related", required_skills=(("steel_structure", 2),), required_certificates=()),
        job("unrelated", required_skills=(("cook", 2),), required_certificates=()),
        job("exact_far", region="yrd", county=SUZHOU),
        job("exact_arrears", employer_wage_arrears=True, wage_min=6000, wage_max=7000),
        job("exact_low_pay", wage_min=2500, wage_max=3000),
    ]
    ids = [m.job_id for m in rank_jobs(w, JobIndex(jobs), 10).matches]
    assert ids[0] == "exact_local"
    assert ids.index("exact_local") < ids.index("exact_arrears")
    assert ids.index("exact_local") < ids.index("exact_far")
    assert ids.index("related") < ids.index("unrelated")
    assert ids.index("exact_local") < ids.index("exact_low_pay")


def test_higher_skill_level_fits_better():
    j = job(required_skills=(("welder", 4),))
    low = outcome(worker(skills=(("welder", 1),)), j)
    high = outcome(worker(skills=(("welder", 4),)), j)
    assert high.components[0].value == 1.0 > low.components[0].value


def test_skill_similarity_uses_transfer_weights_and_names():
    tax = default_taxonomy()
    s = similarity_matrix(tax)
    i = tax.index_of
    assert s[i("childcare"), i("maternity_nurse")] == pytest.approx(0.7)
    assert s[i("welder"), i("electrician")] < 0.5
    assert s[i("welder"), i("cook")] == 0
    assert similarity_matrix(tax) is s


def test_rank_result_counts_and_caps_rule_outs():
    jobs = [job(str(n), age_max=20) for n in range(30)] + [job("ok")]
    r = rank_jobs(worker(), JobIndex(jobs), 5, MatchConfig(max_ruled_out=3))
    assert [m.job_id for m in r.matches] == ["ok"]
    assert len(r.ruled_out) == 3 and r.ruled_out_counts == {"age": 30}
    assert r.considered == 31 and r.eligible == 1
    assert r.codes_at(0) == ("age",) and r.reason_bits[30] == 0


def test_rank_workers_orders_candidates_for_one_opening():
    ws = [worker(id="welder4", skills=(("welder", 4),)),
          worker(id="steel", skills=(("steel_structure", 3),)),
          worker(id="old", birth_date=date(1960, 1, 1)),
          worker(id="cook", skills=(("cook", 3),)),
          worker(id="uncertified", certificates=())]
    r = rank_workers(job(age_max=55), WorkerIndex(ws), 10)
    assert [m.worker_id for m in r.matches] == ["welder4", "steel", "cook"]
    assert {o.worker_id: o.codes for o in r.ruled_out} == {
        "old": ("age",), "uncertified": ("cert_missing",)}


def test_trainable_openings_are_those_blocked_only_by_certificate_or_skill():
    w = worker(certificates=())
    jobs = [job("needs_cert"), job("needs_cert_too_old", age_max=20),
            job("needs_cook", required_skills=(("cook", 2),), required_certificates=()),
            job("fine", required_certificates=())]
    got = {o.job_id: o.codes for o in trainable_openings(w, JobIndex(jobs))}
    assert got == {"needs_cert": ("cert_missing",), "needs_cook": ("skill_gap",)}


def test_batch_agrees_with_rank_jobs():
    rng = np.random.default_rng(3)
    tax = default_taxonomy()
    codes_ = tax.codes[:40]
    jobs = [job(str(n), required_skills=((codes_[rng.integers(40)], int(rng.integers(1, 4))),),
                required_certificates=(), wage_min=int(rng.integers(2500, 8000)),
                county=[XINGYI, KAILI, GUIYANG][n % 3], age_max=int(rng.integers(30, 60)),
                housing=bool(n % 2)) for n in range(300)]
    ws = [worker(id=n, skills=((codes_[rng.integers(40)], 3), (codes_[rng.integers(40)], 2)),
                 birth_date=date(int(rng.integers(1970, 2004)), 5, 5),
                 care_duties=n % 5 == 0) for n in range(50)]
    index = JobIndex(jobs)
    seen = []
    res = batch(ws, index, k=5, cfg=MatchConfig(block_pairs=2000),
                progress=lambda d, t: seen.append(d))
    assert seen[-1] == 50
    for i, w in enumerate(ws):
        expect = [(m.job_id, m.score) for m in rank_jobs(w, index, 5).matches]
        got = res.top(i)
        assert [s for _, s in got] == pytest.approx([s for _, s in expect], abs=0.02)


def test_assign_respects_head_count_and_maximises_total():
    scores = np.array([[90, 80], [85, 10], [-1, 70]], float)
    pairs = assign(scores, [1, 2])
    assert sorted((w, j) for w, j, _ in pairs) == [(0, 1), (1, 0), (2, 1)]
    assert sum(s for *_, s in pairs) == 80 + 85 + 70
    assert assign(scores, [1, 0]) == [(0, 0, 90.0)]


def test_assign_never_uses_ruled_out_pairs():
    scores = np.array([[-1, np.nan], [50, -1]], float)
    assert assign(scores, [5, 5]) == [(1, 0, 50.0)]


def test_dispatch_fills_openings_within_head_count():
    ws = WorkerIndex([worker(id=n) for n in range(5)] + [worker(id="old",
                                                               birth_date=date(1950, 1, 1))])
    index = JobIndex([job("a", openings_left=2, wage_min=7000, wage_max=8000, age_max=60),
                      job("b", openings_left=2, age_max=60)])
    got = dispatch(ws, index)
    per_job = {j: sum(1 for a in got if a.job_id == j) for j in ("a", "b")}
    assert per_job == {"a": 2, "b": 2}
    assert "old" not in {a.worker_id for a in got}
    m = score_matrix(ws, index)
    assert m.shape == (6, 2) and (m[5] == -1).all()


def test_reason_bits_are_distinct():
    assert len(set(BIT.values())) == len(BIT)


def test_profiles_are_frozen():
    with pytest.raises(AttributeError):
        worker().county = "x"  # type: ignore[misc]
    assert replace(job(), id="k").id == "k"


def test_every_rule_has_its_reason_text_and_fits_the_reason_bits():
    assert set(REASON_TEXT) == set(RULES)
    assert {c for c, _ in OPENING_RULES} | {r.code for r in THRESHOLD_RULES} \
        | set(PAIR_RULES) == set(RULES)
    assert len(RULES) <= 15  # reason bits are int16
