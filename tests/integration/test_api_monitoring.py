"""/api/v1/zero-employment, /api/v1/comparisons, /api/v1/declarations: each officer sees their
own area only, bad arguments are 422 JSON, and what they answer is what the register holds."""
from __future__ import annotations

import io
from datetime import timedelta

import app.models  # noqa: F401 - every mapper known before the first query
from app import clock
from app.monitoring import compare, declare
from app.monitoring.models import ListComparison, ZeroEmploymentSpell
from app.registry.models import Household
from tests.support.api import error_of, ok


def household(db, factory, area: str) -> Household:
    h = Household(number=f"{area}-A{factory.seq()}", area_code=area)
    db.session.add(h)
    db.session.flush()
    return h


def spell(db, h: Household, started: int, ended: int | None = None) -> ZeroEmploymentSpell:
    today = clock.today()
    s = ZeroEmploymentSpell(household_id=h.id, area_code=h.area_code,
                            started_on=today - timedelta(days=started),
                            ended_on=None if ended is None else today - timedelta(days=ended))
    db.session.add(s)
    db.session.flush()
    return s


def test_zero_employment_is_scoped_dated_and_refuses_a_bad_date(db, factory, api):
    today = clock.today()
    weining, weining2 = household(db, factory, "520526"), household(db, factory, "520526")
    qixingguan = household(db, factory, "520502")  # same prefecture, another county
    guanshanhu = household(db, factory, "520115")  # another prefecture
    spell(db, weining, 60, 10)
    spell(db, weining2, 20)
    spell(db, qixingguan, 40)
    spell(db, guanshanhu, 5)
    county = api.as_(factory.user("officer", area_code="520526"))
    prefecture = api.as_(factory.user("officer", area_code="520500"))

    def seen(caller, **query):
        body = ok(caller.get("/zero-employment", **query))
        return body, {i["household_id"]: (i["since"], i["days"]) for i in body["items"]}

    body, items = seen(county)
    assert body["as_of"] == today.isoformat() and body["clear_days"] == 30
    assert items == {weining2.id: ((today - timedelta(days=20)).isoformat(), 20)}
    past = today - timedelta(days=30)
    _body, items = seen(county, as_of=past.isoformat())
    assert items == {weining.id: ((today - timedelta(days=60)).isoformat(), 30)}
    _body, items = seen(prefecture)
    assert set(items) == {weining2.id, qixingguan.id}  # its counties, not Guiyang's
    assert [i["household_id"] for i in ok(prefecture.get("/zero-employment"))["items"]] == [
        qixingguan.id, weining2.id]  # longest without work first

    for bad in ("2026-13-01", "2026-02-30", "yesterday"):
        err = error_of(county.get("/zero-employment", as_of=bad), 422)
        assert "as_of" in str(err["fields"])
    error_of(api.anonymous.get("/zero-employment"), 401)
    error_of(api.as_(factory.user("employer", area_code=None)).get("/zero-employment"), 403)


def _comparison(db, area: str | None, **counts) -> ListComparison:
    row = ListComparison(source="civil_affairs", list_date=clock.today(), area_code=area,
                         **counts)
    db.session.add(row)
    db.session.flush()
    return row


def test_comparisons_are_scoped_and_carry_the_report_counts(db, factory, api):
    h = household(db, factory, "520526")
    member = factory.worker(household_id=h.id)
    bijie = factory.user("officer", area_code="520500")
    data = ("姓名,身份证号,类别\n"
            f"某某,{member.id_number},农村低保\n"
            "错号,52052619900101123,特困\n").encode()
    mine, _job = compare.compare_now("低保.csv", io.BytesIO(data), source="civil_affairs",
                                     list_date=clock.today(), user=bijie)
    theirs = _comparison(db, "520100", matched=9)  # Guiyang's

    caller = api.as_(bijie)
    listed = ok(caller.get("/comparisons"))["items"]
    assert [c["id"] for c in listed] == [mine.id]
    one = ok(caller.get(f"/comparisons/{mine.id}"))
    assert {k: one[k] for k in ("source", "matched", "not_in_register", "new_risks",
                                "ended_risks", "bad_rows")} == {
        "source": "civil_affairs", "matched": 1, "not_in_register": 0, "new_risks": 1,
        "ended_risks": 0, "bad_rows": 1}
    assert one["import_job_id"] == mine.import_job_id
    error_of(caller.get(f"/comparisons/{theirs.id}"), 404)  # not the caller's area
    error_of(caller.get("/comparisons/999999999"), 404)
    province = api.as_(factory.user("officer", area_code="520000"))
    assert {mine.id, theirs.id} <= {c["id"] for c in ok(province.get("/comparisons",
                                                                     per_page=100))["items"]}


def test_declarations_are_scoped_filtered_and_show_the_answer(db, factory, api):
    officer = factory.user("officer", area_code="520526")
    point = declare.point_for(by=officer, area_code="520526", village="团结村")
    made = []
    for kind, note in (("lost_job", "厂里停工"), ("want_training", "想学电工")):
        worker = factory.worker(household_id=household(db, factory, "520526").id)
        row = declare.request_code(point, kind, worker.id_number, f"test-{kind}")
        row.code_hash = declare._hash(f"code:{row.id}:123456")
        made.append(declare.declare(row, "123456", note))
    declare.answer(made[0], "已推荐到扶贫车间", officer)
    db.session.flush()

    caller = api.as_(officer)
    items = ok(caller.get("/declarations"))["items"]
    assert [(d["id"], d["kind"], d["note"], d["answer"]) for d in items] == [
        (made[1].id, "want_training", "想学电工", ""),
        (made[0].id, "lost_job", "厂里停工", "已推荐到扶贫车间")]
    assert items[1]["answered_at"] and not items[0]["answered_at"]
    assert [d["id"] for d in ok(caller.get("/declarations", open="true"))["items"]] == [
        made[1].id]
    assert ok(caller.get(f"/declarations/{made[0].id}"))["has_voice"] is False
    error_of(caller.get("/declarations", open="maybe"), 422)

    elsewhere = api.as_(factory.user("officer", area_code="520115"))
    assert ok(elsewhere.get("/declarations"))["items"] == []
    error_of(elsewhere.get(f"/declarations/{made[0].id}"), 404)
