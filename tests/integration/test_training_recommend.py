"""Course recommendations: unlocked openings, order courses first, explanations; invitees."""
from __future__ import annotations

from flask_babel import force_locale

from app.training.recommend import (
    Gap,
    Offer,
    candidates_for_session,
    rank_courses,
    recommend_courses,
)
from tests.factories.training import make_course


def test_rank_courses_pure():
    gaps = [Gap(1, frozenset({"so_welding"}), 6000, 8000),
            Gap(2, frozenset({"so_welding", "welder"}), 7000, 9000),
            Gap(3, frozenset({"so_low_voltage"}), 5000, 6000),
            Gap(4, frozenset({"so_low_voltage"}), 5000, 6500)]
    offers = [Offer(10, frozenset({"welder", "so_welding"})),
              Offer(11, frozenset({"electrician", "so_low_voltage"}), order=True,
                    order_places=5),
              Offer(12, frozenset({"cook"}), interest=0.2),
              Offer(13, frozenset({"cook"}), interest=0.9),
              Offer(14, frozenset({"so_welding"}))]  # gives the certificate, not the skill
    ranked = rank_courses(gaps, offers)
    assert [r.course_id for r in ranked] == [11, 10, 14, 13]
    assert ranked[0].order_first and ranked[0].unlocked == (3, 4)
    assert ranked[1].unlocked == (1, 2) and (ranked[1].wage_min, ranked[1].wage_max) == (
        6000, 9000)
    assert ranked[2].unlocked == (1,)


def _setup(db, factory):
    employer = factory.employer()
    weld = [factory.job(employer, title=f"焊工{i}", required_certificates=["so_welding"],
                        required_skills=[{"code": "welder", "level": 1}],
                        wage_min=6000 + 500 * i, wage_max=8000) for i in range(3)]
    elec = factory.job(employer, title="电工", required_certificates=["so_low_voltage"],
                       required_skills=[{"code": "electrician", "level": 1}],
                       wage_min=5000, wage_max=6500)
    general, _ = make_course(db, "T-WELD-G")
    order, _ = make_course(db, "T-ELEC-O", mode="order", skills=["electrician"],
                           certificate="so_low_voltage", order_credit_code=employer.credit_code,
                           order_job_title="电工", employer_id=employer.id, job_id=elec.id,
                           committed_hires=4, wage_min=5000, wage_max=6500)
    order_nothing, _ = make_course(db, "T-COOK-O", mode="order", skills=["cook"],
                                   certificate="skill_cook", committed_hires=10,
                                   county_code="520115")
    return weld, elec, general, order, order_nothing


def test_order_course_that_unlocks_openings_comes_first_and_is_explained(db, factory):
    weld, elec, general, order, order_nothing = _setup(db, factory)
    worker = factory.worker(skills_text="普工")
    with force_locale("en"):
        suggestions = recommend_courses(worker, k=5)
    codes = [s.course.code for s in suggestions]
    assert codes[:2] == ["T-ELEC-O", "T-WELD-G"], codes
    assert "T-COOK-O" not in codes  # unlocks nothing for this worker
    first, second = suggestions[0], suggestions[1]
    assert [j.id for j in first.unlocked_jobs] == [elec.id]
    assert {j.id for j in second.unlocked_jobs} == {j.id for j in weld}
    assert first.explanation == ("Openings you would match after the course: 1 (order "
                                 "places: 4); monthly wage 5,000–6,500 CNY")
    assert "course: 3;" in second.explanation and "6,000–8,000" in second.explanation
    with force_locale("zh"):
        zh = recommend_courses(worker, k=1)[0].explanation
    assert "学完可匹配 1 个岗位（订单岗位 4 个）" in zh and "5,000–6,500" in zh


def test_ineligible_courses_are_not_recommended(db, factory):
    _setup(db, factory)
    old = factory.worker(birth_date=__import__("datetime").date(1960, 1, 1))
    assert recommend_courses(old) == []


def test_session_candidates_are_eligible_seeking_workers_of_the_area(db, factory):
    _weld, _elec, general, _order, _x = _setup(db, factory)
    session = general.sessions[0]
    officer = factory.user("officer", area_code="520526")
    mine = factory.worker(area_code="520526")
    factory.worker(area_code="520115")  # another county: not the officer's
    factory.worker(area_code="520526", status="employed")
    factory.worker(area_code="520526", birth_date=__import__("datetime").date(1950, 1, 1))
    found = candidates_for_session(session, officer)
    assert [i.worker.id for i in found] == [mine.id]
    assert found[0].unlocks == 3
