"""Demo register: 5 relocation sites in 3 prefectures, ~800 households, ~2,000 workers.

Bulk inserts keep `flask demo seed` fast; every ID number is valid (checksum computed, not a
real person's), names come from Faker zh_CN, skills are written the way people say them.
"""
from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import sqlalchemy as sa
from stdnum.cn import ric

from app import clock
from app.auth.demo import SeedContext
from app.extensions import db
from app.registry.models import (
    Dependant,
    Household,
    HouseholdPlanEntry,
    RelocationSite,
    Worker,
    WorkerCertificate,
    WorkerEvent,
    WorkerStatusChange,
    WorkHistory,
)
from app.registry.timeline import add_event
from app.vocabulary import WORKER_REGIONS

from .duplicates import flag_likely_duplicates
from .validation import name_keys

SITES = [  # (county, name, address, households relocated, people relocated)
    ("520526", "五里岗街道易地扶贫搬迁安置点", "威宁县五里岗街道", 4210, 18630),
    ("520526", "陕桥街道易地扶贫搬迁安置点", "威宁县陕桥街道", 2860, 12480),
    ("520502", "柏杨林街道易地扶贫搬迁安置点", "毕节市七星关区柏杨林街道", 5120, 22350),
    ("520115", "观山湖区百花湖安置点", "贵阳市观山湖区百花湖镇", 640, 2710),
    ("522301", "洒金街道易地扶贫搬迁安置点", "兴义市洒金街道", 3380, 14950),
]
HOME_COUNTIES = ["520526", "520502", "522301"]  # households still in their home village
VILLAGES = ["小海镇松山村", "雪山镇灯塔村", "哲觉镇营坪村", "石门乡年丰村", "田坝镇新华村",
            "撒拉溪镇冲锋村", "顶效镇楼纳村", "郑屯镇民族村"]
SKILLS = ["电焊", "会电焊，干过三年", "叉车", "开叉车", "家政", "家政服务、做饭", "养老护理",
          "照顾老人", "茶叶采摘", "采茶", "普工", "流水线普工", "厨师", "做饭", "月嫂", "育婴",
          "水电工", "电工", "砌砖", "钢筋工", "缝纫", "服装加工", "电商直播", "快递分拣",
          "刺梨种植", "辣椒种植", "养牛", "挖掘机", "驾驶员 C1", "保安", "保洁", ""]
CERTS = [("焊工特种作业操作证", 6), ("低压电工作业证", 6), ("叉车司机证", 4),
         ("养老护理员职业技能等级证书", 0), ("育婴员职业技能等级证书", 0), ("中式烹调师证", 0)]
PLANS = ["推荐参加订单式养老护理培训，结业后安排本地就业。",
         "落实公益性岗位（保洁）一个，保障基本收入。", "对接东莞劳务协作企业，组织化输出 2 人。",
         "申请产业奖补，发展刺梨种植。", "跟踪医疗救助落实情况，每月回访一次。",
         "安排家庭成员参加电焊培训，推荐至省内园区企业。"]
RISKS = ["illness", "disability", "disaster", "accident", "no_labour", "no_skills",
         "failed_business", "education_costs", "other"]
STATUS_WEIGHTS = [("seeking", 45), ("employed", 35), ("training", 10), ("unavailable", 10)]
HOUSEHOLDS = 800
PAST_EMPLOYERS = ["东莞某电子厂", "深圳某物流公司", "宁波某服装厂", "贵阳某建筑公司",
                  "苏州某电子厂"]


def demo_id_number(county: str, born: date, seq: int, sex: str) -> str:
    """A valid 18-digit resident ID number (checksum computed, not real)."""
    serial = seq % 1000
    serial = serial - serial % 2 + (1 if sex == "M" else 0)
    body = f"{county}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips the last character


def _weighted(ctx: SeedContext, pairs: list[tuple[str, int]]) -> str:
    return ctx.rng.choices([p[0] for p in pairs], weights=[p[1] for p in pairs])[0]


class _Ids:
    """Unique demo ID numbers."""

    def __init__(self) -> None:
        self.used: set[str] = set()
        self.seq = 0

    def new(self, county: str, born: date, sex: str) -> str:
        # Weining numbers issued before 2011 carry the old code 522427.
        code = "522427" if county == "520526" and born.year < 1993 else county
        while True:
            self.seq += 1
            number = demo_id_number(code, born, self.seq * 2, sex)
            if number not in self.used:
                self.used.add(number)
                return number


def _worker_row(ctx: SeedContext, ids: _Ids, name: str, county: str, household_id: int | None,
                today: date, now, category: str | None = None) -> dict:
    rng = ctx.rng
    age = rng.choices([rng.randint(18, 24), rng.randint(25, 45), rng.randint(46, 59)],
                      weights=[2, 6, 3])[0]
    born = date(today.year - age, rng.randint(1, 12), rng.randint(1, 28))
    sex = rng.choice("MF")
    number = ids.new(county, born, sex)
    phone = rng.choice(["138", "139", "150", "151", "157", "182", "187", "188", "198"]) + \
        f"{rng.randint(0, 99999999):08d}"
    pinyin, initials = name_keys(name)
    care = rng.random() < 0.15
    regions = (["local"] if care else rng.sample(list(WORKER_REGIONS),
                                                   rng.randint(1, 3)))
    status = _weighted(ctx, STATUS_WEIGHTS)
    if category is None:
        category = "graduate" if age <= 24 and rng.random() < 0.4 else rng.choice(
            ["relocated", "relocated", "returnee", "general"])
    return {
        "name": name, "name_pinyin": pinyin, "name_initials": initials, "id_number": number,
        "id_number_rev": number[::-1], "birth_date": born, "sex": sex, "phone": phone,
        "phone_rev": phone[::-1], "area_code": county, "household_id": household_id,
        "category": category,
        "education": ("college" if category == "graduate" else rng.choice(
            ["primary", "junior", "junior", "junior", "senior", "vocational", "none"])),
        "skills_text": "、".join(dict.fromkeys(rng.sample(SKILLS, rng.randint(1, 2)))).strip("、"),
        "regions_acceptable": regions,
        "min_wage": rng.choice([None, 2500, 3000, 3500, 4000, 4500, 5000, 6000]),
        # Most people take any market job; some also (or only) want a public-welfare post.
        "job_kinds_wanted": rng.choices(
            [[], ["market"], ["market", "public_welfare"], ["market", "work_relief"],
             ["public_welfare"], ["public_welfare", "work_relief"]],
            weights=[45, 30, 12, 6, 5, 2])[0],
        "available_from": today + timedelta(days=rng.randint(-30, 60)) if rng.random() < 0.6
        else None,
        "care_duties": care, "health_notes": rng.choice(["", "", "", "健康", "腰椎不好，不宜重体力",
                                                         "听力残疾（四级）"]),
        "preferred_language": "zh", "status": status, "status_changed_at": now,
        "created_at": now, "updated_at": now,
    }


def seed_register(ctx: SeedContext) -> None:
    """Sites, households (some monitored, with plans), workers and the trainee's record."""
    today, now = clock.today(), clock.utcnow()
    rng, fake = ctx.rng, ctx.faker
    officer = ctx.officers.get("county")
    sites = []
    for county, name, address, households, people in SITES:
        site = RelocationSite(name=name, county_code=county, address=address,
                              households_relocated=households, people_relocated=people,
                              contact_officer_id=officer.id if officer and county == "520526"
                              else None)
        db.session.add(site)
        sites.append(site)
    db.session.flush()

    counters: dict[str, int] = {}
    household_rows: list[dict[str, Any]] = []
    surnames: list[str] = []
    for i in range(HOUSEHOLDS):
        home = sites[i % len(sites)] if i < HOUSEHOLDS - 100 else None
        county = home.county_code if home else HOME_COUNTIES[i % len(HOME_COUNTIES)]
        counters[county] = counters.get(county, 0) + 1
        monitored = rng.random() < 0.18
        surname = fake.last_name()
        surnames.append(surname)
        household_rows.append({
            "number": f"{county}-{counters[county]:06d}", "area_code": county,
            "site_id": home.id if home else None,
            "village": rng.choice(VILLAGES) if home is None else "",
            "head_name": surname + fake.first_name(), "monitored": monitored,
            "risk_causes": rng.sample(RISKS, rng.randint(1, 2)) if monitored else [],
            "per_capita_income": rng.randint(6000, 18000), "at_risk": False,
            "created_at": now, "updated_at": now})
    household_ids = db.session.scalars(sa.insert(Household).returning(
        Household.id, sort_by_parameter_order=True), household_rows).all()

    ids = _Ids()
    worker_rows, dependant_rows, plan_rows = [], [], []
    for household_id, row, surname in zip(household_ids, household_rows, surnames, strict=True):
        members = rng.choices([1, 2, 3, 4], weights=[2, 3, 4, 1])[0]
        names = [row["head_name"]] + [surname + fake.first_name() for _ in range(members - 1)]
        for name in names:
            worker_rows.append(_worker_row(ctx, ids, name, row["area_code"], household_id,
                                           today, now))
        for _ in range(rng.randint(0, 3)):
            dependant_rows.append({"household_id": household_id, "name": surname +
                                   fake.first_name(), "relation": rng.choice(
                                       ["子女", "子女", "父母", "祖父母"]),
                                   "birth_year": rng.randint(1945, today.year - 1), "note": ""})
        if row["monitored"]:
            for k in range(rng.randint(1, 2)):
                plan_rows.append({"household_id": household_id, "text": rng.choice(PLANS),
                                  "entry_date": today - timedelta(days=30 * (k + 1)
                                                                  + rng.randint(0, 20)),
                                  "author_id": officer.id if officer else None,
                                  "created_at": now})
    # Two likely duplicates for the review list: the same person typed twice.
    for original in worker_rows[5:7]:
        twin = dict(original)
        twin["id_number"] = ids.new(original["area_code"], original["birth_date"],
                                    original["sex"])
        twin["id_number_rev"] = twin["id_number"][::-1]
        twin["household_id"] = None
        worker_rows.append(twin)
    worker_ids = db.session.scalars(sa.insert(Worker).returning(
        Worker.id, sort_by_parameter_order=True), worker_rows).all()
    db.session.execute(sa.insert(WorkerStatusChange), [
        {"worker_id": wid, "status": w["status"], "changed_at": now, "reason": "演示数据",
         "by_user_id": None} for wid, w in zip(worker_ids, worker_rows, strict=True)])
    db.session.execute(sa.insert(WorkerEvent), [
        {"worker_id": wid, "area_code": w["area_code"], "kind": "registered",
         "detail": {"status": w["status"]}, "at": now, "by_user_id": None}
        for wid, w in zip(worker_ids, worker_rows, strict=True)])
    if dependant_rows:
        db.session.execute(sa.insert(Dependant), dependant_rows)
    if plan_rows:
        db.session.execute(sa.insert(HouseholdPlanEntry), plan_rows)
    certificates, history = [], []
    for wid, w in zip(worker_ids, worker_rows, strict=True):
        if rng.random() < 0.12:
            kind, years = rng.choice(CERTS)
            issued = today - timedelta(days=rng.randint(60, 1500))
            certificates.append({"worker_id": wid, "kind": kind,
                                 "number": f"T{rng.randint(10**9, 10**10 - 1)}",
                                 "issued_on": issued, "expires_on": (
                                     issued + timedelta(days=365 * years) if years else None)})
        if w["category"] == "returnee" or rng.random() < 0.2:
            start = today - timedelta(days=rng.randint(400, 3000))
            history.append({"worker_id": wid, "employer_name": rng.choice(PAST_EMPLOYERS),
                "job_title": rng.choice(["普工", "分拣员", "缝纫工", "钢筋工", "保安"]),
                "place": rng.choice(["广东东莞", "广东深圳", "浙江宁波", "贵州贵阳", "江苏苏州"]),
                "start_date": start, "end_date": start + timedelta(days=rng.randint(90, 900))})
    if certificates:
        db.session.execute(sa.insert(WorkerCertificate), certificates)
    if history:
        db.session.execute(sa.insert(WorkHistory), history)
    db.session.flush()
    flagged = flag_likely_duplicates(worker_ids)

    # The trainee: 王小芳 of Weining, in a household at 五里岗.
    born = date(1996, 3, 14)
    trainee_household = household_ids[0]
    worker = Worker(
        name="王小芳", name_pinyin="wangxiaofang", name_initials="wxf",
        id_number=demo_id_number("520526", born, 21, "F"), birth_date=born, sex="F",
        phone="13885001234", area_code="520526", category="relocated",
        household_id=trainee_household, education="junior",
        skills_text="家政服务、做饭", regions_acceptable=["local", "guizhou"], min_wage=3000,
        job_kinds_wanted=["market"])
    worker.id_number_rev = worker.id_number[::-1]
    worker.phone_rev = (worker.phone or "")[::-1]
    db.session.add(worker)
    db.session.flush()
    db.session.add(WorkerStatusChange(worker_id=worker.id, status="seeking", reason="演示数据"))
    add_event(worker, "registered", {"status": "seeking"}, area_code="520526")
    ctx.trainee_worker = worker
    ctx.user("trainee", "trainee", "王小芳 / trainee", worker_id=worker.id,
             display_name=worker.name)
    ctx.echo(f"register: {len(sites)} sites, {len(household_ids)} households, "
             f"{len(worker_ids) + 1} workers, {flagged} likely duplicates")
