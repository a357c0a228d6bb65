"""Roster rows: the template's headers, valid ID numbers and good rows."""
from __future__ import annotations

from datetime import date

from app.registry.demo import demo_id_number

HEAD = ["姓名", "身份证号", "手机号", "户编号", "安置点", "所在县", "人员类别", "文化程度", "技能",
        "意向地区", "最低月薪", "可到岗日期", "照顾家庭", "就业状态"]


def pid(seq: int, county: str = "520526", born: date = date(1990, 3, 1), sex: str = "M") -> str:
    return demo_id_number(county, born, 2 * seq, sex)  # serials differ by sex parity


def good_rows(n: int = 3, start: int = 1) -> list[list]:
    rows = []
    for i in range(start, start + n):
        rows.append([f"测试{i}", pid(i), f"1388500{i:04d}", f"WN-{i // 2:04d}", "五里岗安置点", "",
                     "易地搬迁", "初中", "电焊、叉车", "省内、珠三角", "4500", "2025-03-01", "否",
                     "求职中"])
    return rows
