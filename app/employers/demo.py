"""Demo employers and openings: ~60 employers in the YRD, the PRD and Guizhou, ~300 openings.

Wages follow the market: PRD/YRD factory work 4,500–7,000 CNY a month, Guizhou local jobs
2,500–4,500, public-welfare posts 1,000–2,000. A few employers are pending and one is
suspended over wage arrears. Rows are inserted through the ORM in bulk (no per-row
validation round trips) so seeding stays fast; the values respect every service rule.
"""
from __future__ import annotations

from datetime import timedelta

from stdnum.cn import uscc

from app.auth.demo import SeedContext
from app.auth.models import Area
from app.clock import today, utcnow
from app.extensions import db

from .models import Employer, Job
from .search import build_search_text
from .service import Placement, locate

# (industry, [job templates]); a template: title, occupation code, required skills
# [(code, level)], certificates, (wage low, high) as a share of the regional factory band,
# piece rate, housing, meals, shifts.
_JOBS: dict[str, list[tuple]] = {
    "电子制造": [
        ("电子厂普工", "general_worker", [], [], (1.0, 1.0), False, True, True,
         "两班倒，每天10小时"),
        ("手机装配操作员", "electronics_assembly", [("electronics_assembly", 1)], [],
         (1.0, 1.1), False, True, True, "长白班"),
        ("SMT贴片操作员", "electronics_assembly", [("electronics_assembly", 2)], [],
         (1.05, 1.15), False, True, True, "两班倒"),
        ("品质检验员", "quality_inspector", [("quality_inspector", 2)], [], (1.05, 1.15),
         False, True, True, "长白班"),
        ("仓库管理员", "warehouse_keeper", [("warehouse_keeper", 2)], [], (1.0, 1.1), False,
         True, True, "长白班"),
    ],
    "服装纺织": [
        ("平车车位工", "sewing", [("sewing", 2)], [], (1.0, 1.4), True, True, True,
         "计件，多劳多得"),
        ("服装裁剪工", "garment_cutting", [("garment_cutting", 2)], [], (1.0, 1.2), False,
         True, True, "长白班"),
        ("包装工", "packer", [], [], (1.0, 1.0), False, True, True, "长白班"),
    ],
    "建筑施工": [
        ("电焊工", "welder", [("welder", 3)], ["so_welding"], (1.4, 1.9), False, True, False,
         "按项目"),
        ("钢筋工", "rebar_worker", [("rebar_worker", 2)], [], (1.3, 1.7), False, True, False,
         "按项目"),
        ("木工（模板）", "formwork_carpenter", [("formwork_carpenter", 2)], [], (1.3, 1.7),
         False, True, False, "按项目"),
        ("水电安装工", "plumber_electrician", [("plumber_electrician", 2)], ["so_low_voltage"],
         (1.3, 1.6), False, True, False, "按项目"),
        ("建筑小工", "construction_labourer", [], [], (1.0, 1.2), False, True, False, "日结可议"),
    ],
    "物流快递": [
        ("快递分拣员", "picker", [], [], (1.0, 1.15), False, True, False, "夜班为主"),
        ("叉车司机", "forklift_driver", [("forklift_driver", 2)], ["se_forklift_n1"],
         (1.15, 1.3), False, True, True, "两班倒"),
        ("快递员", "courier", [("courier", 1)], [], (1.1, 1.5), True, False, False, "计件派送"),
        ("装卸搬运工", "porter", [], [], (1.0, 1.25), False, True, True, "两班倒"),
    ],
    "家政服务": [
        ("住家保姆", "housekeeper", [("housekeeper", 2)], [], (1.1, 1.5), False, True, True,
         "住家，月休4天"),
        ("育婴员", "childcare", [("childcare", 2)], ["skill_childcare"], (1.2, 1.6), False,
         True, True, "住家"),
        ("月嫂", "maternity_nurse", [("maternity_nurse", 3)], ["skill_maternity"], (1.6, 2.2),
         False, True, True, "26天一单"),
        ("保洁员", "cleaner", [], [], (0.85, 1.0), False, False, True, "早班"),
    ],
    "养老护理": [
        ("养老护理员", "elder_care", [("elder_care", 2)], ["skill_elder_care"], (1.0, 1.2),
         False, True, True, "三班倒"),
        ("医疗护理员", "medical_care_assistant", [("medical_care_assistant", 1)],
         ["health_certificate"], (1.0, 1.15), False, True, True, "三班倒"),
    ],
    "餐饮": [
        ("中餐厨师", "cook", [("cook", 3)], ["health_certificate"], (1.2, 1.6), False, True,
         True, "早10点至晚9点"),
        ("厨房帮工", "kitchen_helper", [], ["health_certificate"], (0.9, 1.0), False, True,
         True, "两头班"),
        ("餐厅服务员", "waiter", [], ["health_certificate"], (0.9, 1.05), False, True, True,
         "早晚班轮换"),
        ("面点师", "chinese_pastry", [("chinese_pastry", 2)], ["health_certificate"],
         (1.1, 1.3), False, True, True, "早班"),
    ],
    "茶叶加工": [
        ("茶叶加工工", "tea_processing", [("tea_processing", 1)], [], (0.95, 1.15), False,
         False, True, "春茶季加班"),
        ("采茶工", "tea_picking", [], [], (0.8, 1.1), True, False, True, "按斤计件"),
        ("茶叶包装工", "packer", [], [], (0.9, 1.0), False, False, True, "长白班"),
    ],
    "辣椒加工": [
        ("辣椒加工工", "chili_processing", [("chili_processing", 1)], [], (0.95, 1.1), False,
         False, True, "长白班"),
        ("食品包装工", "food_processing", [], ["health_certificate"], (0.9, 1.0), False, False,
         True, "长白班"),
    ],
    "乡村旅游": [
        ("民宿服务员", "homestay_attendant", [("homestay_attendant", 1)], [], (0.9, 1.1), False,
         True, True, "旺季加班"),
        ("景区讲解员", "scenic_guide", [("scenic_guide", 2)], [], (1.0, 1.2), False, True, True,
         "轮休"),
        ("农家乐厨师", "cook", [("cook", 2)], ["health_certificate"], (1.0, 1.3), False, True,
         True, "旺季加班"),
    ],
}

# Public-welfare and work-relief posts run by Guizhou county bodies.
_WELFARE = [
    ("生态护林员", "forest_ranger", "public_welfare"),
    ("河道管护员", "river_keeper", "public_welfare"),
    ("村级保洁员", "cleaner", "public_welfare"),
    ("安置点网格员", "grid_worker", "public_welfare"),
    ("公路养护工（以工代赈）", "road_maintenance", "work_relief"),
    ("农村道路建设小工（以工代赈）", "construction_labourer", "work_relief"),
]

# Regional factory band (monthly CNY): the middle of what the region's factories pay.
_BAND = {"prd": (4500, 5800), "yrd": (4600, 6000), "guizhou": (2800, 3600)}

# (place code, region, brand words, industries)
_PLACES = [
    ("441900", "东莞", ["长安", "虎门", "塘厦", "松山湖", "大朗"],
     ["电子制造", "服装纺织", "物流快递"]),
    ("440306", "深圳", ["宝安", "福永", "沙井"], ["电子制造", "物流快递"]),
    ("440307", "深圳", ["龙岗", "坂田"], ["电子制造", "家政服务"]),
    ("440309", "深圳", ["龙华", "观澜"], ["电子制造"]),
    ("440606", "佛山", ["顺德", "北滘"], ["电子制造", "建筑施工"]),
    ("442000", "中山", ["小榄", "古镇"], ["电子制造", "服装纺织"]),
    ("440113", "广州", ["番禺"], ["服装纺织", "餐饮"]),
    ("441300", "惠州", ["仲恺", "惠阳"], ["电子制造", "建筑施工"]),
    ("310117", "上海", ["松江", "九亭"], ["电子制造", "物流快递"]),
    ("310115", "上海", ["浦东", "张江"], ["家政服务", "养老护理", "餐饮"]),
    ("310112", "上海", ["闵行", "莘庄"], ["养老护理", "家政服务"]),
    ("320500", "苏州", ["昆山", "吴江", "工业园区"], ["电子制造", "服装纺织"]),
    ("320200", "无锡", ["新吴", "江阴"], ["电子制造", "建筑施工"]),
    ("320100", "南京", ["江宁"], ["建筑施工", "物流快递"]),
    ("330100", "杭州", ["萧山", "余杭"], ["物流快递", "服装纺织", "餐饮"]),
    ("330200", "宁波", ["北仑", "慈溪"], ["电子制造", "服装纺织"]),
    ("330400", "嘉兴", ["桐乡", "海宁"], ["服装纺织"]),
    ("520115", "贵阳", ["观山湖"], ["餐饮", "家政服务", "物流快递"]),
    ("520328", "湄潭", ["湄江", "永兴"], ["茶叶加工"]),
    ("520330", "习水", ["土城"], ["乡村旅游"]),
    ("522601", "凯里", ["苗岭"], ["乡村旅游", "餐饮"]),
    ("520526", "威宁", ["草海"], ["辣椒加工"]),
    ("520502", "毕节", ["七星关"], ["辣椒加工", "建筑施工"]),
    ("522301", "兴义", ["万峰林"], ["乡村旅游", "茶叶加工"]),
    ("520627", "沿河", ["沿河"], ["茶叶加工"]),
]
_SUFFIX = {
    "电子制造": ["精密电子有限公司", "电子科技有限公司", "智能科技有限公司"],
    "服装纺织": ["制衣有限公司", "服饰有限公司", "针织有限公司"],
    "建筑施工": ["建设工程有限公司", "建筑劳务有限公司"],
    "物流快递": ["供应链管理有限公司", "物流有限公司"],
    "家政服务": ["家政服务有限公司"],
    "养老护理": ["养老服务中心", "康养护理院"],
    "餐饮": ["餐饮管理有限公司", "酒楼有限公司"],
    "茶叶加工": ["茶业有限公司", "茶叶专业合作社"],
    "辣椒加工": ["辣椒食品有限公司", "农产品加工厂"],
    "乡村旅游": ["乡村旅游开发有限公司", "民宿专业合作社"],
}
_FIRST = "鑫华盛达恒瑞源鸿"
_SECOND = "泰丰昌兴利宇通信"
_COOP_COUNTIES = ["520526", "520502", "520521", "522633", "522631", "520627", "522327",
                  "522326", "520425", "520524"]


def _credit_code(ctx: SeedContext, area: str) -> str:
    alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY"
    body = "91" + area + "".join(ctx.rng.choice(alphabet) for _ in range(9))
    return body + uscc.calc_check_digit(body)


def _round(value: float) -> int:
    return int(round(value / 100.0)) * 100


def _job(ctx: SeedContext, employer: Employer, tpl: tuple, place, day) -> Job:
    title, occ, skills, certs, (lo, hi), piece, housing, meals, shifts = tpl
    band = _BAND.get(place.region, _BAND["guizhou"])
    jitter = ctx.rng.uniform(1.0, 1.08)
    wage_min = _round(band[0] * lo * jitter)
    wage_max = max(wage_min, _round(band[1] * hi * jitter))
    negotiable = ctx.rng.random() < 0.04 and not piece
    return Job(
        employer_id=employer.id, title=title, occupation_code=occ,
        description=f"{employer.name}招聘{title}，{shifts}。" + (
            "提供员工宿舍和工作餐。" if housing and meals else ""),
        required_skills=[{"code": c, "text": c, "level": lv} for c, lv in skills],
        preferred_skills=[], required_certificates=list(certs),
        headcount=ctx.rng.choice([2, 3, 5, 8, 10, 15, 20, 30, 50]), filled=0,
        wage_min=None if negotiable else wage_min, wage_max=None if negotiable else wage_max,
        piece_rate=piece, age_min=ctx.rng.choice([16, 18, 18, 20]),
        age_max=ctx.rng.choice([40, 45, 50, 55]),
        min_education=ctx.rng.choice(["none", "primary", "junior", "junior"]),
        province_code=place.province_code, city_code=place.city_code,
        county_code=place.county_code, region=place.region, housing=housing, meals=meals,
        shifts=shifts, contract_months=ctx.rng.choice([None, 12, 24, 36]),
        start_date=day + timedelta(days=ctx.rng.randint(3, 30)),
        closing_date=day + timedelta(days=ctx.rng.randint(20, 90)), kind="market",
        status="open", published_at=utcnow() - timedelta(hours=ctx.rng.randint(1, 24 * 40)),
    )


def seed_employers(ctx: SeedContext) -> None:
    """~60 employers and ~300 openings; the 'employer' login belongs to a verified PRD one."""
    day = today()
    officer = ctx.officers.get("province")
    verified_at = utcnow() - timedelta(days=30)
    employers: list[Employer] = []

    demo = Employer(
        name="东莞市长安精密电子有限公司", credit_code="91441900MA4UJ1XK3F",
        industry="电子制造", province_code="440000", city_code="441900", region="prd",
        address="长安镇振安中路", contact_name="陈经理", contact_phone="13800138000",
        labour_coop=True, coop_county_code="520526", status="verified",
        verified_at=verified_at, verified_by_id=getattr(officer, "id", None))
    db.session.add(demo)
    employers.append(demo)
    places: dict[str, Placement] = {}
    used_names = {demo.name}
    for p, (code, city, brands, industries) in enumerate(_PLACES):
        places[code] = place = locate(code)
        for i, industry in enumerate(industries):
            for k in range(2 if p < 8 and i == 0 else 1):
                brand = brands[(i + k) % len(brands)]
                name = (f"{city}{brand}{ctx.rng.choice(_FIRST)}{ctx.rng.choice(_SECOND)}"
                        f"{ctx.rng.choice(_SUFFIX[industry])}")
                if name in used_names:
                    continue
                used_names.add(name)
                employers.append(Employer(
                    name=name, credit_code=_credit_code(ctx, code), industry=industry,
                    province_code=place.province_code, city_code=place.city_code,
                    county_code=place.county_code, region=place.region,
                    address=f"{brand}{ctx.rng.randint(1, 300)}号",
                    contact_name=ctx.faker.last_name() + ctx.rng.choice(["经理", "主管", "女士",
                                                                       "先生"]),
                    contact_phone=ctx.faker.phone_number(),
                    labour_coop=place.region != "guizhou" and ctx.rng.random() < 0.5,
                    coop_county_code=None, status="verified", verified_at=verified_at,
                    verified_by_id=getattr(officer, "id", None)))
    for e in employers[1:]:
        if e.labour_coop:
            e.coop_county_code = ctx.rng.choice(_COOP_COUNTIES)
    # County public-welfare employers (人社局 / 乡镇) for the safety-net posts.
    for county in ("520526", "522633", "520627", "520521"):
        place = places.setdefault(county, locate(county))
        county_name = db.session.get_one(Area, county).name
        employers.append(Employer(
            name=f"{county_name}乡村公益性岗位管理办公室", credit_code=_credit_code(ctx, county),
            industry="公共服务", province_code=place.province_code, city_code=place.city_code,
            county_code=place.county_code, region="guizhou", contact_name="县人社局",
            contact_phone="0857-" + str(ctx.rng.randint(2000000, 8999999)),
            status="verified", verified_at=verified_at))
    pending = employers[-9:-6]
    for e in pending:
        e.status, e.verified_at, e.verified_by_id = "pending", None, None
    suspended = employers[5]
    suspended.status, suspended.status_reason = "suspended", "拖欠农民工工资两个月，正在调查"
    db.session.add_all(employers)
    db.session.flush()

    jobs: list[Job] = []
    for e in employers:
        place = places.get(e.county_code or e.city_code or "") or locate(
            e.county_code or e.city_code or e.province_code)
        if e.industry == "公共服务":
            for title, occ, kind in _WELFARE:
                jobs.append(Job(
                    employer_id=e.id, title=title, occupation_code=occ,
                    description="面向本县监测户和零就业家庭成员，就近就业。",
                    required_skills=[], preferred_skills=[], required_certificates=[],
                    headcount=ctx.rng.choice([5, 10, 20, 40]), filled=0,
                    wage_min=_round(ctx.rng.uniform(1000, 1500)),
                    wage_max=_round(ctx.rng.uniform(1600, 2000)), piece_rate=False,
                    age_min=18, age_max=60, min_education="none",
                    province_code=place.province_code, city_code=place.city_code,
                    county_code=place.county_code, region="guizhou", housing=False,
                    meals=False, shifts="按村安排", contract_months=12,
                    start_date=day + timedelta(days=7),
                    closing_date=day + timedelta(days=ctx.rng.randint(15, 60)), kind=kind,
                    eligibility_county_code=e.county_code, status="open",
                    published_at=utcnow() - timedelta(days=ctx.rng.randint(1, 20))))
            continue
        templates = _JOBS[e.industry]
        count = 8 if e is demo else ctx.rng.randint(4, 6)
        for n in range(count):
            jobs.append(_job(ctx, e, templates[n % len(templates)], place, day))
    # A realistic mix of states: drafts, closed, lapsed (past closing, not yet swept).
    for job in jobs:
        employer_status = next(e.status for e in employers if e.id == job.employer_id)
        roll = ctx.rng.random()
        if employer_status == "pending" or roll < 0.05:
            job.status, job.published_at = "draft", None
        elif roll < 0.09:
            job.status = "closed"
        elif roll < 0.12:
            job.closing_date = day - timedelta(days=ctx.rng.randint(1, 10))
    db.session.add_all(jobs)
    db.session.flush()
    names = {e.id: e.name for e in employers}
    for job in jobs:
        job.search_text = build_search_text(job, names[job.employer_id])
    db.session.flush()
    ctx.demo_employer = demo
    ctx.user("employer", "employer", "东莞长安精密电子 / employer", employer_id=demo.id,
             display_name="陈经理")
    ctx.echo(f"employers: {len(employers)} employers, {len(jobs)} openings")
