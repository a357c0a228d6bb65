"""Demo employers and openings (extended by the employers feature)."""
from __future__ import annotations

from app.demo.seed import SeedContext
from app.employers.models import Employer
from app.extensions import db


def seed_employers(ctx: SeedContext) -> None:
    """One verified employer with a login (the employers feature adds the rest)."""
    employer = Employer(
        name="东莞市长安精密电子有限公司", credit_code="91441900MA4UJ1XK3F",
        industry="电子制造", province_code="440000", city_code="441900", region="prd",
        contact_name="陈经理", contact_phone="13800138000", labour_coop=True,
        coop_county_code="520526", status="verified",
    )
    db.session.add(employer)
    db.session.flush()
    ctx.user("employer", "employer", "东莞长安精密电子 / employer", employer_id=employer.id,
             display_name="陈经理")
