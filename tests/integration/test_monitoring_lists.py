"""A department list's own columns: every cell but who the row is stays with the risk as
its detail, by the list's own headers, and is shown on the household's plan and in the
comparison report."""
from __future__ import annotations

import io

import sqlalchemy as sa
from openpyxl import Workbook

import app.models  # noqa: F401 - every mapper known before the first query
from app import clock
from app.monitoring import compare
from app.monitoring.models import HouseholdRisk, ListEntry
from app.registry.models import Household
from tests.conftest import text_of

HEADERS = ["序号", "姓名", "身份证号", "参保状态", "停保日期", "原参保单位", "缴费月数", "经办机构"]


def test_the_sources_own_fields_are_kept_and_shown(db, factory, client, login):
    h = Household(number=f"520526-L{factory.seq()}", area_code="520526")
    db.session.add(h)
    db.session.flush()
    member = factory.worker(household_id=h.id, status="employed", name="罗停保")
    bijie = factory.user("officer", area_code="520500")
    book = Workbook()
    sheet = book.active
    sheet.append(HEADERS)
    sheet.append([1, "罗停保", member.id_number, "中断缴费", "2026-10-31", "东莞长安电子厂",
                  37, "威宁县社保局"])
    sheet.append([2, "空格多", member.id_number[:-1], "正常", None, None, None, None])  # bad
    data = io.BytesIO()
    book.save(data)
    comparison, job = compare.compare_now("人社停保名单.xlsx", io.BytesIO(data.getvalue()),
                                          source="hrss", list_date=clock.today(), user=bijie)
    assert job.status == "done" and (comparison.matched, comparison.bad_rows) == (1, 1)

    risk = db.session.scalar(sa.select(HouseholdRisk).where(HouseholdRisk.household_id == h.id))
    assert risk.cause == "insurance_stopped"  # from 参保状态, a category column
    assert risk.detail == {"name": "罗停保", "序号": "1", "参保状态": "中断缴费",
                           "停保日期": "2026-10-31", "原参保单位": "东莞长安电子厂",
                           "缴费月数": "37", "经办机构": "威宁县社保局"}
    entry = db.session.scalar(sa.select(ListEntry).where(ListEntry.risk_id == risk.id))
    assert entry.detail["原参保单位"] == "东莞长安电子厂" and "姓名" not in entry.detail
    assert member.id_number not in str(entry.detail)

    login(factory.user("officer", area_code="520526"))
    plan = " ".join(text_of(client.get(f"/monitoring/households/{h.id}")).split())
    for shown in ("原参保单位: 东莞长安电子厂", "缴费月数: 37", "停保日期: 2026-10-31"):
        assert shown in plan
    login(bijie)
    report = " ".join(text_of(client.get(f"/monitoring/comparisons/{comparison.id}")).split())
    assert "经办机构: 威宁县社保局" in report and "name:" not in report
