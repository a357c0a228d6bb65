"""零就业家庭动态清零 from each kind of register change, dated on the day of the change; the
stock on a past date; escalation once; the exit rule (a member 90 days in work per the
follow-ups) run by the nightly sweep; a "not working" check-in answer reaching monitoring."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
import sqlalchemy as sa
import time_machine

import app.models  # noqa: F401 - every mapper known before the first query
from app import clock
from app.monitoring import plan, zero
from app.monitoring.models import HouseholdRisk, ZeroEmploymentSpell
from app.placements.followup_models import FollowUp
from app.placements.models import Placement
from app.placements.outcomes import job_lost
from app.placements.service import confirm_hire, refer
from app.registry.models import DuplicateFlag, Household
from app.registry.service import set_worker_status
from app.todo.models import Todo

DAY = date(2026, 9, 1)


def at(day: date):
    """The machine clock at noon (Shanghai) of ``day``: spells are dated by it."""
    return time_machine.travel(datetime(day.year, day.month, day.day, 4, 0), tick=False)


def household(db, factory, area: str = "520526", **kw) -> Household:
    h = Household(number=f"{area}-S{factory.seq()}", area_code=area, **kw)
    db.session.add(h)
    db.session.flush()
    return h


def spells(db, h: Household) -> list[tuple[date, str, date | None, str]]:
    """(since, why, until, why) of each spell of ``h``, oldest first."""
    return [(s.started_on, s.start_reason, s.ended_on, s.end_reason or None)
            for s in db.session.scalars(sa.select(ZeroEmploymentSpell).where(
                ZeroEmploymentSpell.household_id == h.id).order_by(ZeroEmploymentSpell.id))]


def test_member_added_placement_and_job_loss_open_and_close_spells_on_their_days(db, factory):
    h = household(db, factory)
    officer = factory.user("officer", area_code="520526")
    with at(DAY):
        worker = factory.worker(household_id=h.id)  # the first member, not in work
        db.session.commit()
    assert spells(db, h) == [(DAY, "member_added", None, None)]
    with at(DAY + timedelta(days=12)):
        job = factory.job(start_date=DAY + timedelta(days=12))
        placement = confirm_hire(refer(worker, job, by=officer),
                                 start_date=DAY + timedelta(days=12), monthly_wage=5000,
                                 by=officer)
        db.session.commit()
    assert spells(db, h) == [(DAY, "member_added", DAY + timedelta(days=12), "placement")]
    with at(DAY + timedelta(days=40)):
        job_lost(placement, DAY + timedelta(days=40), "厂里停工", by=officer)
        db.session.commit()
    assert spells(db, h)[1:] == [(DAY + timedelta(days=40), "job_loss", None, None)]
    with at(DAY + timedelta(days=45)):
        factory.worker(household_id=h.id, status="employed")  # an earner joins
        db.session.commit()
    assert spells(db, h)[1:] == [(DAY + timedelta(days=40), "job_loss",
                                  DAY + timedelta(days=45), "member_added")]
    # The stock on past dates: in the first spell on day 5, out on day 20, in again on 41.
    for day, inside, days in ((DAY + timedelta(days=5), True, 5),
                              (DAY + timedelta(days=12), False, None),
                              (DAY + timedelta(days=20), False, None),
                              (DAY + timedelta(days=41), True, 1),
                              (DAY + timedelta(days=45), False, None)):
        found = [(day - s.started_on).days
                 for s in db.session.scalars(zero.stock(officer, day, household_id=h.id))]
        assert found == ([days] if inside else []), day


def test_a_status_change_opens_and_closes_a_spell(db, factory):
    h = household(db, factory)
    with at(DAY):
        worker = factory.worker(household_id=h.id, status="employed")
        db.session.commit()
    assert spells(db, h) == []
    with at(DAY + timedelta(days=3)):
        set_worker_status(worker, "training", "去职业学校读书")  # not a job loss
        db.session.commit()
    with at(DAY + timedelta(days=9)):
        set_worker_status(worker, "seeking", "结业")  # still nobody in work: no new spell
        db.session.commit()
    assert spells(db, h) == [(DAY + timedelta(days=3), "status_change", None, None)]
    with at(DAY + timedelta(days=20)):
        set_worker_status(worker, "employed", "自己找到工作")
        db.session.commit()
    assert spells(db, h) == [(DAY + timedelta(days=3), "status_change",
                              DAY + timedelta(days=20), "placement")]


def test_a_member_moving_in_and_out_closes_and_opens_spells(db, factory):
    h, other = household(db, factory), household(db, factory)
    with at(DAY):
        factory.worker(household_id=h.id)
        earner = factory.worker(household_id=other.id, status="employed")
        db.session.commit()
    with at(DAY + timedelta(days=7)):
        earner.household_id = h.id  # moves in: h has someone in work
        db.session.commit()
    assert spells(db, h) == [(DAY, "member_added", DAY + timedelta(days=7), "member_moved")]
    assert spells(db, other) == []  # other has no member left: not zero-employment
    with at(DAY + timedelta(days=30)):
        earner.household_id = other.id  # moves back out
        db.session.commit()
    assert spells(db, h)[1:] == [(DAY + timedelta(days=30), "member_moved", None, None)]
    assert spells(db, other) == []


def test_a_merge_takes_a_member_away(db, factory):
    from app.registry.duplicates import merge

    h, elsewhere = household(db, factory), household(db, factory)
    with at(DAY):
        stays = factory.worker(household_id=h.id)
        twin = factory.worker(household_id=h.id, status="employed", name="王双录")
        keep = factory.worker(household_id=elsewhere.id, status="employed", name="王双录")
        db.session.commit()
    assert spells(db, h) == []
    with at(DAY + timedelta(days=4)):
        flag = DuplicateFlag(worker_a_id=keep.id, worker_b_id=twin.id, area_code="520526",
                             reason="same_name_birth")
        db.session.add(flag)
        db.session.flush()
        merge(flag, keep, by=None)  # the employed record of h was a duplicate
        db.session.commit()
    assert spells(db, h) == [(DAY + timedelta(days=4), "member_left", None, None)]
    # The last member merged away too: nobody is left to be in work, the spell ends.
    with at(DAY + timedelta(days=10)):
        flag = DuplicateFlag(worker_a_id=keep.id, worker_b_id=stays.id, area_code="520526",
                             reason="same_name_birth")
        db.session.add(flag)
        db.session.flush()
        merge(flag, keep, by=None)
        db.session.commit()
    assert spells(db, h) == [(DAY + timedelta(days=4), "member_left",
                              DAY + timedelta(days=10), "member_left")]


def test_escalation_happens_once_and_clearing_closes_both_items(db, factory):
    h = household(db, factory)
    with at(DAY):
        worker = factory.worker(household_id=h.id)
        db.session.commit()
    [spell] = db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.household_id == h.id)).all()
    assert zero.escalate(DAY + timedelta(days=30)) == 0  # the 30th day is still in time
    assert zero.escalate(DAY + timedelta(days=31)) == 1
    assert zero.escalate(DAY + timedelta(days=32)) == 0
    assert zero.sweep(DAY + timedelta(days=33)).get("escalated") == 0
    assert spell.escalated_on == DAY + timedelta(days=31)
    items = db.session.scalars(sa.select(Todo).where(Todo.household_id == h.id)
                               .order_by(Todo.id)).all()
    assert [(t.kind, t.area_code, t.status) for t in items] == [
        ("zero_employment", "520526", "open"), ("zero_escalated", "520500", "open")]
    with at(DAY + timedelta(days=35)):
        set_worker_status(worker, "employed", "公益性岗位")
        db.session.commit()
    assert [t.status for t in items] == ["done", "done"]


def test_the_sweep_finds_households_the_watch_could_not_see(db, factory):
    h = household(db, factory)
    worker = factory.worker(household_id=h.id, status="employed")
    db.session.flush()
    db.session.info.pop(zero._PENDING, None)  # as if written by raw SQL (a bulk import)
    db.session.execute(sa.update(type(worker)).where(type(worker).id == worker.id)
                       .values(status="seeking").execution_options(synchronize_session=False))
    assert zero.sweep(clock.today())["opened"] >= 1
    assert len(spells(db, h)) == 1 and spells(db, h)[0][1] == "register_check"
    assert zero.sweep(clock.today()).get("opened", 0) == 0  # safe to run twice


# ---- the exit rule --------------------------------------------------------------------------


def _in_work_since(db, worker, start: date, checked: date) -> None:
    """An active placement from ``start`` and a done follow-up on ``checked`` saying the
    worker is still there."""
    set_worker_status(worker, "employed", "hired")
    placement = Placement(worker_id=worker.id, area_code=worker.area_code, start_date=start,
                          employer_name="县城扶贫车间", status="active")
    db.session.add(placement)
    db.session.flush()
    _follow_up(db, placement, checked)


def _follow_up(db, placement, checked: date) -> None:
    db.session.add(FollowUp(placement_id=placement.id, worker_id=placement.worker_id,
                            area_code=placement.area_code, kind="day",
                            slot=(checked - placement.start_date).days, due_date=checked,
                            status="done", employment="still"))
    db.session.flush()


@pytest.mark.parametrize("other_cause", [None, "subsistence"])
def test_the_sweep_removes_work_risks_after_90_days_in_work(db, factory, other_cause):
    start = DAY
    h = household(db, factory, monitored=True, at_risk=True, risk_causes=[])
    worker = factory.worker(household_id=h.id)
    lost, _new = plan.add_risk(h, "lost_job", "declaration", start - timedelta(days=5),
                               worker=worker, todo=False)
    kept = None
    if other_cause:
        kept, _new = plan.add_risk(h, other_cause, "civil_affairs", start - timedelta(days=5),
                                   todo=False)
    _in_work_since(db, worker, start, start + timedelta(days=89))

    # 89 days in work (the follow-up says so): not yet stable.
    assert zero.sweep(start + timedelta(days=89))["risks_removed"] == 0
    db.session.refresh(lost)
    assert lost.status == "open" and h.monitored is True

    # A follow-up at 90 days confirms it: the sweep removes the work risk with a reason.
    _follow_up(db, db.session.scalar(sa.select(Placement).where(
        Placement.worker_id == worker.id)), start + timedelta(days=90))
    assert zero.sweep(start + timedelta(days=90))["risks_removed"] == 1
    db.session.refresh(lost)
    assert (lost.status, lost.removed_on) == ("removed", start + timedelta(days=90))
    assert "90" in lost.removed_reason
    db.session.refresh(h)
    if other_cause:  # a risk work does not take away keeps the household monitored
        assert kept is not None and kept.status == "open" and h.monitored is True
    else:
        assert h.monitored is False and h.at_risk is False
        assert any("monitoring" in e.text or "监测" in e.text for e in h.plan_entries)
    assert zero.sweep(start + timedelta(days=91))["risks_removed"] == 0  # once


def test_a_risk_newer_than_the_confirming_follow_up_stays(db, factory):
    h = household(db, factory, monitored=True, risk_causes=[])
    worker = factory.worker(household_id=h.id)
    _in_work_since(db, worker, DAY, DAY + timedelta(days=90))
    risk, _new = plan.add_risk(h, "wages_unpaid", "declaration", DAY + timedelta(days=95),
                               worker=worker, todo=False)
    assert zero.sweep(DAY + timedelta(days=100))["risks_removed"] == 0
    assert risk.status == "open" and h.monitored is True


# ---- a check-in answer -------------------------------------------------------------------------


def test_a_not_working_check_in_opens_the_spell_and_the_risk_at_once(db, factory):
    from app.employment import checkins
    from app.employment.answers import CheckInAnswer, answer_checkin
    from app.employment.models import CheckIn
    from app.employment.records import clean_record, record_job

    send = date(2025, 11, 5)
    h = household(db, factory, monitored=True, risk_causes=[])
    factory.user("officer", area_code="520526")
    worker = factory.worker(household_id=h.id)
    factory.worker(household_id=h.id, status="training")  # the other member: not in work
    record_job(worker, clean_record({"employer_name": "长安电子厂", "place": "广东省东莞市长安镇",
                                     "start_month": "2025-06", "monthly_wage": 5200},
                                    today=send), by=None, source="form")
    db.session.commit()
    assert spells(db, h) == []
    checkins.sweep(send)
    ci = db.session.scalar(sa.select(CheckIn).where(CheckIn.worker_id == worker.id))
    answer_checkin(ci, CheckInAnswer("not_working", reason="laid_off"),
                   today=send + timedelta(days=2))
    # At once, inside the same unit of work (no commit, no sweep): the spell, dated on the
    # day the worker answered, and the risk, from the check-in.
    assert spells(db, h) == [(send + timedelta(days=2), "job_loss", None, None)]
    risk = db.session.scalar(sa.select(HouseholdRisk).where(HouseholdRisk.household_id == h.id))
    assert (risk.cause, risk.source, risk.source_date, risk.worker_id) == (
        "lost_job", "checkin", send + timedelta(days=2), worker.id)
    assert h.at_risk is True
    db.session.commit()
    assert len(spells(db, h)) == 1  # the commit's own check finds nothing more to do
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Todo).where(
        Todo.household_id == h.id, Todo.kind == "new_risk")) == 0  # one item already asks
