"""Demo register data (extended by the register feature)."""
from __future__ import annotations

from datetime import date

from stdnum.cn import ric

from app.demo.seed import SeedContext
from app.extensions import db
from app.registry.models import Worker


def demo_id_number(county: str, born: date, seq: int, sex: str) -> str:
    """A valid 18-digit resident ID number (checksum computed, not real)."""
    serial = seq % 1000
    serial = serial - serial % 2 + (1 if sex == "M" else 0)
    body = f"{county}{born:%Y%m%d}{serial:03d}"
    return body + ric.calc_check_digit(body + "0")  # the function skips the last character


def seed_register(ctx: SeedContext) -> None:
    """A trainee with a worker record (the register feature adds sites and households)."""
    born = date(1996, 3, 14)
    worker = Worker(
        name="王小芳", name_pinyin="wangxiaofang", name_initials="wxf",
        id_number=demo_id_number("520526", born, 21, "F"), birth_date=born, sex="F",
        phone="13885001234", area_code="520526", category="relocated",
        skills_text="家政服务、做饭", regions_acceptable=["local", "guizhou"], min_wage=3000,
    )
    worker.id_number_rev = worker.id_number[::-1]
    worker.phone_rev = worker.phone[::-1]
    db.session.add(worker)
    db.session.flush()
    ctx.data["trainee_worker"] = worker
    ctx.user("trainee", "trainee", "王小芳 / trainee", worker_id=worker.id,
             display_name=worker.name)
