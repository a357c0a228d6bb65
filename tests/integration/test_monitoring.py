"""Monitoring against return to poverty: zero-employment spells from the register's own
changes, the clearing queue and its escalation, department lists compared, new risks in
the queue and in matching, self-declarations from the phone page, the plan's exit."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import sqlalchemy as sa

from app import clock
from app.monitoring import compare, declare, plan, zero
from app.monitoring.models import (
    Declaration,
    DeclarationCode,
    HouseholdRisk,
    ZeroEmploymentSpell,
)
from app.notifications.models import Notification
from app.registry.models import Household
from app.registry.service import set_worker_status
from app.todo.models import Todo
from tests.conftest import text_of


def household(db, factory, area: str = "520526", **kw) -> Household:
    h = Household(number=f"{area}-T{factory.seq()}", area_code=area, **kw)
    db.session.add(h)
    db.session.flush()
    return h


def spells(db, h: Household) -> list[ZeroEmploymentSpell]:
    return list(db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.household_id == h.id).order_by(ZeroEmploymentSpell.id)))


def test_entering_and_leaving_from_each_kind_of_change(db, factory):
    h = household(db, factory)
    worker = factory.worker(household_id=h.id)  # a member added, nobody in work
    db.session.commit()
    [first] = spells(db, h)
    assert first.ended_on is None and first.start_reason == "member_added"
    assert first.started_on == clock.today()
    # The to-do item asks to clear it within the target.
    item = db.session.scalar(sa.select(Todo).where(Todo.dedupe_key == f"zero:{first.id}"))
    assert item.kind == "zero_employment" and item.status == "open"
    assert item.due_on == clock.today() + timedelta(days=30)

    set_worker_status(worker, "employed", "hired")  # placement
    db.session.commit()
    assert first.ended_on == clock.today() and first.end_reason == "placement"
    assert db.session.get(Todo, item.id).status == "done"

    set_worker_status(worker, "seeking", "left the job")  # job loss
    db.session.commit()
    second = spells(db, h)[-1]
    assert second.ended_on is None and second.start_reason == "job_loss"

    other = household(db, factory)
    earner = factory.worker(household_id=other.id, status="employed")
    db.session.commit()
    assert spells(db, other) == []
    earner.household_id = h.id  # an earner moves in: h is cleared
    db.session.commit()
    assert second.ended_on is not None and second.end_reason == "member_moved"
    earner.household_id = other.id  # and moves back out: h has nobody in work again
    db.session.commit()
    assert spells(db, h)[-1].ended_on is None
    assert spells(db, h)[-1].start_reason == "member_moved"


def test_stock_on_a_past_date_and_the_api(db, factory, client):
    h1, h2 = household(db, factory), household(db, factory)
    today = clock.today()
    db.session.add_all([
        ZeroEmploymentSpell(household_id=h1.id, area_code="520526",
                            started_on=today - timedelta(days=50),
                            ended_on=today - timedelta(days=10)),
        ZeroEmploymentSpell(household_id=h2.id, area_code="520526",
                            started_on=today - timedelta(days=20)),
        ZeroEmploymentSpell(household_id=household(db, factory, "520502").id,
                            area_code="520502", started_on=today - timedelta(days=40))])
    db.session.flush()
    officer = factory.user("officer", area_code="520526")
    past = today - timedelta(days=15)
    ids = {s.household_id: (past - s.started_on).days
           for s in db.session.scalars(zero.stock(officer, past))}
    assert ids == {h1.id: 35, h2.id: 5}  # the other county's household is not in scope
    assert [s.household_id for s in db.session.scalars(zero.stock(officer, today))] == [h2.id]

    from app.auth.tokens import issue_token

    token, _row = issue_token(officer, "test")
    db.session.commit()
    resp = client.get(f"/api/v1/zero-employment?as_of={past.isoformat()}",
                      headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200
    body = resp.get_json()
    assert {(i["household_id"], i["days"], i["since"]) for i in body["items"]} == {
        (h1.id, 35, (today - timedelta(days=50)).isoformat()),
        (h2.id, 5, (today - timedelta(days=20)).isoformat())}


def test_the_clearing_queue_and_its_escalation(db, factory, client, login):
    h = household(db, factory, head_name="张清零")
    factory.worker(household_id=h.id)
    db.session.commit()
    spell = spells(db, h)[0]
    spell.started_on = clock.today() - timedelta(days=45)
    plan.add_measure(h, "public_welfare", "安置点保洁岗位", clock.today(),
                     factory.user("officer", area_code="520526"))
    db.session.commit()
    assert zero.escalate(clock.today()) == 1
    assert zero.escalate(clock.today()) == 0  # once
    escalated = db.session.scalar(sa.select(Todo).where(Todo.dedupe_key == f"zero-esc:{spell.id}"))
    assert escalated.kind == "zero_escalated" and escalated.area_code == "520500"
    db.session.commit()
    login(factory.user("officer", area_code="520526"))
    page = client.get("/monitoring/zero-employment")
    assert page.status_code == 200
    text = text_of(page)
    assert "张清零" in text and "45" in text
    assert "<svg" in page.get_data(as_text=True)  # the chart, inline
    # The prefecture's officer has the escalation in their to-do list.
    login(factory.user("officer", area_code="520500"))
    assert "张清零" in text_of(client.get("/todo/?tab=upcoming")) or \
        h.number in text_of(client.get("/todo/?tab=upcoming"))


def _list(rows: list[str]) -> io.BytesIO:
    return io.BytesIO(("姓名,身份证号,类别,开始日期\n" + "\n".join(rows) + "\n").encode())


def test_a_department_list_with_good_unknown_and_bad_rows(db, factory, runner, tmp_path):
    h = household(db, factory, head_name="陈户主")
    member = factory.worker(household_id=h.id, name="陈低保", status="employed")
    prefecture = factory.user("officer", area_code="520500", username="bj_cmp")
    db.session.commit()
    from app.registry.demo import demo_id_number

    unknown = demo_id_number("520526", date(1980, 2, 2), 99991, "F")
    path = tmp_path / "低保.csv"
    path.write_bytes(_list([f"陈低保,{member.id_number},农村低保,2026-11-01",
                            f"赵外地,{unknown},特困,2026-10-01",
                            "钱错号,52052619900101123,农村低保,"]).getvalue())
    result = runner.invoke(args=["risk", "compare", str(path), "--source", "civil_affairs",
                                 "--list-date", clock.today().isoformat(), "--user",
                                 prefecture.username])
    assert result.exit_code == 0, result.output
    assert "matched 1, not in register 1, new risks 1, ended risks 0, bad rows 1" in \
        result.output
    assert (tmp_path / "低保.csv.report.xlsx").exists()
    risk = db.session.scalar(sa.select(HouseholdRisk).where(HouseholdRisk.household_id == h.id))
    assert (risk.cause, risk.source, risk.status) == ("subsistence", "civil_affairs", "open")
    assert h.risk_causes in ([], None)  # nothing written over what officers recorded
    todo = db.session.scalar(sa.select(Todo).where(Todo.dedupe_key == f"risk:{risk.id}"))
    assert todo.kind == "new_risk" and todo.household_id == h.id

    again = runner.invoke(args=["risk", "compare", str(path), "--source", "civil_affairs",
                                "--list-date", clock.today().isoformat(), "--user",
                                prefecture.username])
    assert "matched 1, not in register 1, new risks 0, ended risks 0, bad rows 1" in \
        again.output  # idempotent
    path.write_bytes(_list([f"赵外地,{unknown},特困,2026-10-01"]).getvalue())
    later = runner.invoke(args=["risk", "compare", str(path), "--source", "civil_affairs",
                                "--list-date", clock.today().isoformat(), "--user",
                                prefecture.username])
    assert "new risks 0, ended risks 1, bad rows 0" in later.output
    db.session.refresh(risk)
    assert risk.status == "ended"


def test_county_officers_cannot_compare_lists(db, factory, client, login):
    login(factory.user("officer", area_code="520526"))
    page = client.get("/monitoring/comparisons")
    assert page.status_code == 200
    assert "prefecture" in text_of(page).lower() or "地区" in text_of(page) or \
        "市州" in text_of(page) or "省" in text_of(page)
    resp = client.post("/monitoring/comparisons", data={"source": "hrss"})
    assert resp.status_code == 403


def test_a_new_risk_raises_priority_in_matching_and_says_why(db, factory):
    from app.matching.profiles import worker_profile
    from app.matching.service import _risk_notes

    h = household(db, factory)
    worker = factory.worker(household_id=h.id)
    assert worker_profile(worker).monitored_household is False
    plan.add_risk(h, "insurance_stopped", "hrss", clock.today(), worker=worker)
    assert worker_profile(worker).monitored_household is True
    note = _risk_notes([worker])[worker.id]
    assert "hrss" not in note and clock.today().isoformat() in note


def _code_from_outbox(db, row: DeclarationCode) -> str:
    sms = db.session.scalar(sa.select(Notification).where(
        Notification.dedupe_key == f"declare-code:{row.id}"))
    return re.search(r"\d{6}", sms.text).group(0)


def test_a_declaration_reaches_the_officer_and_the_answer_the_person(db, factory, client,
                                                                      login):
    h = household(db, factory)
    worker = factory.worker(household_id=h.id, name="吴申报")
    officer = factory.user("officer", area_code="520526")
    point = declare.point_for(by=officer, area_code="520526", village="团结村")
    db.session.commit()
    page = client.get(f"/declare/{point.code}")
    assert page.status_code == 200 and "团结村" in text_of(page)
    bad = client.post(f"/declare/{point.code}", data={"kind": "lost_job",
                                                      "id_number": "123"})
    assert bad.status_code == 422
    resp = client.post(f"/declare/{point.code}", data={"kind": "lost_job",
                                                       "id_number": worker.id_number})
    assert resp.status_code == 302
    row = db.session.scalar(sa.select(DeclarationCode).order_by(DeclarationCode.id.desc()))
    code = _code_from_outbox(db, row)
    wrong = client.post(resp.location, data={"code": "000000" if code != "000000" else "1"})
    assert wrong.status_code == 422
    done = client.post(resp.location, data={"code": code, "note": "厂里裁员",
                                            "voice": (io.BytesIO(b"OggS" + b"\0" * 100),
                                                      "v.ogg")},
                       content_type="multipart/form-data")
    assert done.status_code == 302, done.get_data(as_text=True)[:300]
    receipt = done.location
    assert "吴申报" not in text_of(client.get(receipt))  # nothing personal shown back
    decl = db.session.scalar(sa.select(Declaration).where(Declaration.worker_id == worker.id))
    assert decl.voice_type == "audio/ogg"
    item = db.session.get(Todo, decl.todo_id)
    assert item.kind == "declaration" and item.area_code == "520526"
    assert db.session.scalar(sa.select(HouseholdRisk).where(
        HouseholdRisk.declaration_id == decl.id)).cause == "lost_job"
    # The code works once.
    assert client.post(resp.location, data={"code": code}).status_code == 422

    login(officer)
    assert "厂里裁员" in text_of(client.get(f"/monitoring/declarations/{decl.id}"))
    answered = client.post(f"/monitoring/declarations/{decl.id}",
                           data={"answer": "已推荐到扶贫车间"})
    assert answered.status_code == 302
    assert db.session.get(Todo, item.id).status == "done"
    client.post("/auth/logout")
    client.delete_cookie("session")
    assert "已推荐到扶贫车间" in text_of(client.get(receipt))
    assert db.session.scalar(sa.select(Notification).where(
        Notification.dedupe_key == f"declare-answer:{decl.id}")).channel == "sms"


def test_declaration_codes_are_rate_limited(db, factory, client):
    worker = factory.worker(household_id=household(db, factory).id)
    point = declare.point_for(by=None, area_code="520526", village="同心村")
    db.session.commit()
    statuses = [client.post(f"/declare/{point.code}", data={
        "kind": "want_training", "id_number": worker.id_number}).status_code
        for _ in range(4)]
    assert statuses == [302, 302, 302, 429]
    big = b"OggS" + b"\0" * (2048 * 1024)
    try:
        declare.check_voice(big)
    except Exception as exc:  # noqa: BLE001 - the refusal's field is what matters
        assert getattr(exc, "field", None) == "voice"
    else:
        raise AssertionError("an oversized recording was accepted")


def test_exit_when_a_member_is_stably_in_work(db, factory, client, login):
    h = household(db, factory, monitored=True, risk_causes=["no_skills"])
    worker = factory.worker(household_id=h.id)
    risk, _new = plan.add_risk(h, "lost_job", "declaration", clock.today(), worker=worker,
                               todo=False)
    officer = factory.user("officer", area_code="520526")
    db.session.commit()
    login(officer)
    page = text_of(client.get(f"/monitoring/households/{h.id}"))
    assert "Lost the job" in page or "失业" in page or "丢" in page
    resp = client.post(f"/monitoring/risks/{risk.id}/remove",
                       data={"reason": "", "removed_on": clock.today().isoformat()})
    assert resp.status_code == 422
    client.post(f"/monitoring/risks/{risk.id}/remove",
                data={"reason": "已稳定就业", "removed_on": clock.today().isoformat()})
    db.session.refresh(h)
    assert h.monitored is True  # the officer's own cause is left
    client.post(f"/monitoring/households/{h.id}/causes/remove",
                data={"cause": "no_skills", "reason": "已取得电工证",
                      "removed_on": clock.today().isoformat()})
    db.session.refresh(h)
    assert h.monitored is False and h.risk_causes == []
    ledger = client.get("/monitoring/ledger.xlsx")
    assert ledger.status_code == 200 and ledger.data[:2] == b"PK"


def test_comparison_report_page(db, factory, client, login):
    h = household(db, factory)
    member = factory.worker(household_id=h.id)
    prefecture = factory.user("officer", area_code="520500")
    db.session.commit()
    login(prefecture)
    resp = client.post("/monitoring/comparisons", data={
        "source": "hrss", "list_date": clock.today().isoformat(),
        "file": (_list([f"某某,{member.id_number},断缴,2026-11-01"]), "人社.csv")},
        content_type="multipart/form-data")
    assert resp.status_code == 302, text_of(resp)[:400]
    page = text_of(client.get(resp.location))
    assert "1" in page
    risk = db.session.scalar(sa.select(HouseholdRisk).where(HouseholdRisk.household_id == h.id))
    assert risk.cause == "insurance_stopped"
    assert compare.summary(_only_comparison(db)).startswith("matched 1")


def _only_comparison(db):
    from app.monitoring.models import ListComparison

    return db.session.scalar(sa.select(ListComparison).order_by(ListComparison.id.desc()))
