"""Demo data: a partner office in Dongguan, self-found jobs across the deltas, this month's
check-ins in every state and a layoff alert, so `make run` shows the feature."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.demo.seed import SeedContext
from app.extensions import db
from app.registry.models import Worker

from .answers import CheckInAnswer, answer_checkin
from .checkins import create_checkins, queue_first_messages
from .layoffs import record_alert
from .models import CheckIn, LabourPartner, PartnerEmployer
from .records import add_months, clean_record, month_of, record_job

PLACES = ("东莞长安", "深圳宝安", "苏州昆山", "宁波北仑", "广州白云", "佛山顺德", "上海松江",
          "杭州萧山", "贵阳观山湖", "遵义汇川")
EMPLOYERS = ("长安精密电子厂", "宝安物流园", "昆山精工", "北仑服装厂", "白云酒店", "顺德家具厂",
             "松江汽配", "萧山纺织", "观山湖物业", "汇川食品")
SECTORS = ("电子制造", "物流快递", "机械制造", "服装纺织", "酒店", "其他", "汽车制造",
           "服装纺织", "物业保安", "食品加工")
VIA = ("self", "relatives", "agency", "relatives", "self")


def seed_employment(ctx: SeedContext) -> None:
    """Self-found jobs, check-ins (answered, waiting, no answer) and a layoff alert."""
    today = clock.today()
    month = month_of(today)
    employer = ctx.demo_employer
    partner = LabourPartner(name="东莞市劳务协作工作站", area_code="441900",
                            office_address="东莞市长安镇长青路1号", contact_name="陈站长",
                            contact_phone="0769-85331234")
    db.session.add(partner)
    db.session.flush()
    if employer is not None:
        db.session.add(PartnerEmployer(partner_id=partner.id, employer_id=employer.id))
    ctx.user("partner_dg", "partner", "东莞劳务协作站 / Dongguan partner office",
             partner_id=partner.id, display_name="东莞劳务协作站")
    workers = list(db.session.scalars(sa.select(Worker).where(
        Worker.area_code == "520526", Worker.status == "seeking",
        Worker.merged_into_id.is_(None), Worker.phone.is_not(None)).order_by(Worker.id)
        .limit(24)))
    officer = ctx.officers.get("county")
    for i, worker in enumerate(workers):
        k = i % len(PLACES)
        data = {"employer_name": EMPLOYERS[k], "place": PLACES[k], "sector": SECTORS[k],
                "start_month": add_months(month, -(2 + ctx.rng.randrange(10))),
                "monthly_wage": 4200 + 100 * ctx.rng.randrange(30),
                "found_via": VIA[i % len(VIA)]}
        if employer is not None and i % 6 == 0:
            data = {**data, "employer_id": employer.id, "place": "", "sector": ""}
        record_job(worker, clean_record(data, today=today), by=officer, source="form")
    day = today
    create_checkins(day, early=True)
    queue_first_messages(day)
    rows = list(db.session.scalars(sa.select(CheckIn).where(CheckIn.month == month)
                                   .order_by(CheckIn.id)))
    for i, ci in enumerate(rows):
        if i % 4 == 0:
            answer_checkin(ci, CheckInAnswer("same", wage=5000 + 100 * i), today=today)
        elif i == 1:
            answer_checkin(ci, CheckInAnswer("changed", employer_name="惠州电池厂",
                                             place="惠州惠阳"), today=today)
        elif i == 2:
            answer_checkin(ci, CheckInAnswer("not_working", reason="contract_ended"),
                           today=today)
        elif i % 4 == 3:  # two reminders gone unanswered: waiting for the officer's call
            ci.reminders, ci.last_sent_on = 2, day - timedelta(days=7)
    db.session.flush()
    if employer is not None and officer is not None:
        record_alert(employer, "layoff", today + timedelta(days=10), 120, by=officer,
                     note="订单减少，计划减员约三成")
    ctx.echo(f"employment: {len(workers)} self-found jobs, {len(rows)} check-ins, 1 alert")
