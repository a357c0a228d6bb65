"""Demo monitoring: zero-employment spells (with some cleared in past months), posters,
declarations (one answered), a civil-affairs list compared, measures and a removed risk."""
from __future__ import annotations

import io
from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.demo.seed import SeedContext
from app.extensions import db
from app.registry.models import Household, RelocationSite, Worker
from app.registry.queries import zero_employment

from . import compare, declare, plan, zero
from .models import ZeroEmploymentSpell


def _history(ctx: SeedContext) -> int:
    """Cleared spells of the past year for households now in work (the chart's exits)."""
    today = clock.today()
    hids = db.session.scalars(sa.select(Household.id).where(
        ~zero_employment(), sa.exists().where(Worker.household_id == Household.id))
        .order_by(Household.id).limit(40)).all()
    for hid in hids:
        household = db.session.get_one(Household, hid)
        start = today - timedelta(days=ctx.rng.randint(20, 360))
        db.session.add(ZeroEmploymentSpell(
            household_id=hid, area_code=household.area_code, site_id=household.site_id,
            started_on=start, start_reason="job_loss",
            ended_on=min(start + timedelta(days=ctx.rng.randint(5, 75)), today),
            end_reason="placement"))
    db.session.flush()
    return len(hids)


def seed_monitoring(ctx: SeedContext) -> None:
    """A few of each monitoring record, in Weining county (the county officer's area)."""
    today = clock.today()
    cleared = _history(ctx)
    result = zero.sweep(today)
    # The demo register was written at once: spread the open spells over the past two
    # months, so the queue has households near and past the clearing target.
    open_spells = db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.ended_on.is_(None)).order_by(ZeroEmploymentSpell.id)).all()
    for spell in open_spells:
        spell.started_on = today - timedelta(days=ctx.rng.randint(0, 60))
    result["escalated"] = zero.escalate(today)
    ctx.echo(f"monitoring: {result.get('opened', 0)} zero-employment households, "
             f"{cleared} cleared earlier, {result.get('escalated', 0)} escalated")
    officer = ctx.officers.get("county")
    prefecture = ctx.officers.get("prefecture")
    if officer is None or prefecture is None:
        return
    sites = db.session.scalars(sa.select(RelocationSite).where(
        RelocationSite.county_code == "520526").order_by(RelocationSite.id)).all()
    points = [declare.point_for(by=officer, site=s) for s in sites]
    points.append(declare.point_for(by=officer, area_code="520526", village="石门乡团结村"))
    members = db.session.scalars(sa.select(Worker).where(
        Worker.area_code == "520526", Worker.household_id.is_not(None),
        Worker.phone.is_not(None), Worker.merged_into_id.is_(None))
        .order_by(Worker.id).limit(12)).all()
    made = []
    said = (("lost_job", "厂里停工了，想在县里找活"), ("want_training", "想学电工"),
            ("wages_unpaid", "工地老板欠了两个月工资"))
    for worker, (kind, note) in zip(members[:3], said, strict=False):
        row = declare.request_code(points[0], kind, worker.id_number, "demo")
        row.code_hash = declare._hash(f"code:{row.id}:123456")
        made.append(declare.declare(row, "123456", note))
    if made:
        declare.answer(made[0], "已电话联系，推荐到县城扶贫车间面试，下周一上岗。", officer)
    ctx.echo(f"monitoring: {len(points)} declaration posters, {len(made)} declarations "
             f"(codes: /declare/{points[0].code})")
    # A civil-affairs list: two of our people newly on 低保, one not on the register, one bad.
    # The department's own columns (家庭人口, 月保障金, 所属乡镇) are kept as the risk's detail.
    rows = ["姓名,身份证号,救助类别,认定日期,家庭人口,月保障金（元）,所属乡镇"]
    for worker, (size, amount) in zip(members[3:5], ((4, 620), (2, 410)), strict=False):
        rows.append(f"{worker.name},{worker.id_number},农村低保,{today - timedelta(days=20)},"
                    f"{size},{amount},石门乡")
    rows.append(f"王外地,{_unknown_id()},特困供养,{today - timedelta(days=40)},1,900,雪山镇")
    rows.append("李错号,52052619900101123,农村低保,,3,500,石门乡")
    data = ("\n".join(rows) + "\n").encode("utf-8")
    comparison, _job = compare.compare_now("民政低保名单.csv", io.BytesIO(data),
                                           source="civil_affairs",
                                           list_date=today - timedelta(days=3), user=prefecture,
                                           commit=False)  # one unit of work: the seed's
    ctx.echo(f"monitoring: civil affairs list compared: {compare.summary(comparison)}")
    spells = db.session.scalars(sa.select(ZeroEmploymentSpell).where(
        ZeroEmploymentSpell.ended_on.is_(None), ZeroEmploymentSpell.area_code == "520526")
        .order_by(ZeroEmploymentSpell.started_on).limit(3)).all()
    for spell, (kind, text) in zip(spells, (("public_welfare", "提供安置点保洁公益性岗位"),
                                            ("visit", "入户走访，了解就业意愿"),
                                            ("course", "推荐参加家政服务订单班")),
                                   strict=False):
        plan.add_measure(spell.household, kind, text, today - timedelta(days=2), officer)
    monitored = db.session.scalar(sa.select(Household).where(
        Household.area_code == "520526", Household.monitored.is_(True),
        sa.func.length(sa.cast(Household.risk_causes, sa.String)) > 2).limit(1))
    if monitored is not None and monitored.risk_causes:
        plan.remove_officer_cause(monitored, monitored.risk_causes[0], today,
                                  "家庭成员已稳定就业满90天（回访确认）", officer)
    db.session.flush()


def _unknown_id() -> str:
    """A valid ID number nobody on the demo register holds."""
    from app.registry.demo import demo_id_number

    number = demo_id_number("520526", clock.today().replace(year=1985, month=5, day=5),
                            987, "M")
    return number
