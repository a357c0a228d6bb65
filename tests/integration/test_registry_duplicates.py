"""Likely duplicates: flagged on create and import, merged or dismissed by an officer."""
from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from app.auth.models import AuditLog
from app.clock import utcnow
from app.registry import service
from app.registry.demo import demo_id_number
from app.registry.duplicates import RUN, flag_likely_duplicates
from app.registry.households import create_household
from app.registry.models import DuplicateFlag, Worker, WorkerCertificate, WorkerEvent
from app.registry.queries import WorkerFilters, list_workers
from app.registry.validation import name_keys
from tests.conftest import text_of

BORN = date(1988, 8, 8)


def register(officer, name, seq, **kw):
    data = {"name": name, "id_number": demo_id_number("520526", BORN, seq * 2, "F"),
            "area_code": "520526", **kw}
    return service.create_worker(data, officer)


def test_same_name_and_birth_date_is_flagged(db, factory):
    officer = factory.user("officer", area_code="520526")
    first = register(officer, "王芳", 1)
    second = register(officer, "王芳", 2)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    assert (flag.worker_a_id, flag.worker_b_id, flag.reason) == (first.id, second.id,
                                                                 "same_name_birth")
    assert flag.area_code == "520526"
    assert flag_likely_duplicates([first.id, second.id]) == 0  # flagged once only


def test_same_household_and_same_pinyin_is_flagged(db, factory):
    officer = factory.user("officer", area_code="520526")
    household = create_household({"area_code": "520526", "head_name": "张大", "village": "新村"},
                                 officer)
    service.create_worker({"name": "张三", "area_code": "520526", "household_id": household.id,
                           "id_number": demo_id_number("520526", date(1980, 1, 1), 2, "M")},
                          officer)
    service.create_worker({"name": "张叁", "area_code": "520526", "household_id": household.id,
                           "id_number": demo_id_number("520526", date(1981, 2, 2), 4, "M")},
                          officer)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    assert flag.reason == "household_pinyin"


def test_different_people_are_not_flagged(db, factory):
    officer = factory.user("officer", area_code="520526")
    register(officer, "王芳", 1)
    register(officer, "李芳", 2)
    assert db.session.scalar(sa.select(sa.func.count(DuplicateFlag.id))) == 0


def test_merge_keeps_one_record_and_moves_the_rest(client, login, factory, db):
    officer = factory.user("officer", area_code="520526")
    keep = register(officer, "王芳", 1)
    other = register(officer, "王芳", 2, phone="13885007777", skills_text="月嫂")
    service.add_certificate(other, "育婴员职业技能等级证书", by=officer)
    trainee = factory.user("trainee", worker_id=other.id)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    login(officer)
    page = text_of(client.get("/registry/duplicates"))
    assert "王芳" in page and "姓名和出生日期相同" in page
    resp = client.post(f"/registry/duplicates/{flag.id}",
                       data={"action": "merge", "keep": str(keep.id)})
    assert resp.status_code == 302
    db.session.refresh(keep)
    db.session.refresh(other)
    db.session.refresh(flag)
    assert flag.status == "merged" and flag.resolved_by_id == officer.id
    assert other.merged_into_id == keep.id and other.status == "unavailable"
    assert keep.phone == "13885007777" and "月嫂" in keep.skills_text
    assert db.session.scalar(sa.select(WorkerCertificate.worker_id)) == keep.id
    db.session.refresh(trainee)
    assert trainee.worker_id == keep.id
    assert "merged" in set(db.session.scalars(sa.select(WorkerEvent.kind).where(
        WorkerEvent.worker_id == keep.id)))
    listed = {w.id for w in list_workers(officer, WorkerFilters()).items}
    assert keep.id in listed and other.id not in listed
    assert db.session.scalar(sa.select(AuditLog.action).where(
        AuditLog.action == "duplicate_merge")) == "duplicate_merge"
    again = client.post(f"/registry/duplicates/{flag.id}",
                        data={"action": "merge", "keep": str(keep.id)})
    assert "已经处理" in text_of(client.get(again.headers["Location"]))


def test_dismiss(client, login, factory, db):
    officer = factory.user("officer", area_code="520526")
    register(officer, "王芳", 1)
    register(officer, "王芳", 2)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    login(officer)
    client.post(f"/registry/duplicates/{flag.id}", data={"action": "dismiss"})
    db.session.refresh(flag)
    assert flag.status == "dismissed"
    assert db.session.scalar(sa.select(sa.func.count(Worker.id)).where(
        Worker.merged_into_id.is_not(None))) == 0
    assert "没有待核查" in text_of(client.get("/registry/duplicates"))


def test_other_county_cannot_resolve(client, login_as, factory, db):
    officer = factory.user("officer", area_code="520526")
    register(officer, "王芳", 1)
    register(officer, "王芳", 2)
    flag = db.session.scalar(sa.select(DuplicateFlag))
    login_as("officer", area_code="520115")
    assert "王芳" not in text_of(client.get("/registry/duplicates"))
    resp = client.post(f"/registry/duplicates/{flag.id}", data={"action": "dismiss"})
    assert resp.status_code == 404


def test_a_pair_across_two_counties_is_shown_only_to_who_may_see_both(client, db, factory,
                                                                        login):
    weining = factory.user("officer", area_code="520526")
    qixingguan = factory.user("officer", area_code="520502")
    first = register(weining, "赵敏", 1)
    second = service.create_worker({"name": "赵敏", "area_code": "520502", "id_number":
                                    demo_id_number("520502", BORN, 8, "F")}, qixingguan)
    flag = db.session.scalar(sa.select(DuplicateFlag).where(
        DuplicateFlag.worker_b_id == second.id))
    assert flag.area_code == "520500"  # Bijie holds both counties

    for county_officer, outsider in ((weining, second), (qixingguan, first)):
        login(county_officer)
        page = text_of(client.get("/registry/duplicates"))
        assert "赵敏" not in page and outsider.id_number[-4:] not in page
        assert "另有 1 对疑似重复记录" in page
        assert client.post(f"/registry/duplicates/{flag.id}",
                           data={"action": "dismiss"}).status_code == 404

    login(factory.user("officer", area_code="520500"))
    page = text_of(client.get("/registry/duplicates"))
    assert page.count("赵敏") >= 2 and "另有" not in page
    resp = client.post(f"/registry/duplicates/{flag.id}",
                       data={"action": "merge", "keep": str(first.id)})
    assert resp.status_code == 302
    assert db.session.get(Worker, second.id).merged_into_id == first.id


def test_runs_and_scattered_ids_flag_exactly_the_pairs_a_full_comparison_finds(db, factory):
    """A large import's new workers (runs of consecutive ids, joined by ranges) and a few
    scattered ones (joined by IN lists) are flagged against each other and against the
    workers already registered, exactly as comparing every pair would; merged-away
    records are left out."""

    officer = factory.user("officer", area_code="520526")
    households = [create_household({"area_code": "520526", "head_name": "王芳",
                                    "village": "新村"}, officer).id
                  for _ in range(3)]
    names = ["王芳", "王方", "李强", "张三", "张叁", "赵敏"]
    now = utcnow()
    rows = []
    for i in range(3 * RUN + 40):
        name = names[(i * 7) % len(names)]
        pinyin, initials = name_keys(name)
        number = demo_id_number("520526", date(1980 + i % 5, 1, 1), 2 * i + 2, "F")
        rows.append({"name": name, "name_pinyin": pinyin, "name_initials": initials,
                     "id_number": number, "id_number_rev": number[::-1],
                     "birth_date": date(1980 + i % 5, 1, 1), "sex": "F",
                     "area_code": "520526", "household_id": households[(i // 2) % 3]
                     if i % 5 else None, "status": "seeking",
                     "status_changed_at": now, "created_at": now, "updated_at": now})
    db.session.execute(sa.insert(Worker), rows)
    workers = db.session.scalars(sa.select(Worker).order_by(Worker.id)).all()
    workers[5].merged_into_id = workers[6].id
    db.session.flush()
    # New: one long run, a short run and scattered ids; the rest were there before.
    new = ([w.id for w in workers[20:20 + 2 * RUN]] + [w.id for w in workers[-30:-27]]
           + [w.id for w in workers[3:12:4]])
    live = [w for w in workers if w.merged_into_id is None]
    expected: dict[tuple[int, int], str] = {}
    for x in live:
        for y in live:
            if x.id >= y.id or not {x.id, y.id} & set(new):
                continue
            if (x.name, x.birth_date) == (y.name, y.birth_date):
                expected[(x.id, y.id)] = "same_name_birth"
            elif x.household_id is not None and (x.household_id, x.name_pinyin) == (
                    y.household_id, y.name_pinyin):
                expected[(x.id, y.id)] = "household_pinyin"
    assert {r for r in expected.values()} == {"same_name_birth", "household_pinyin"}
    assert flag_likely_duplicates(reversed(new)) == len(expected)
    flags = db.session.execute(sa.select(DuplicateFlag.worker_a_id, DuplicateFlag.worker_b_id,
                                         DuplicateFlag.reason)).all()
    assert {(a, b): r for a, b, r in flags} == expected
