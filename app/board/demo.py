"""Demo data for the public pages: the employment offices' phones and addresses."""
from __future__ import annotations

from app.auth.models import Area
from app.demo.seed import SeedContext
from app.extensions import db

# Made-up numbers in the real area codes: the demo shows where they appear.
OFFICES = {
    "520000": ("0851-8555 0000", "贵阳市观山湖区林城西路 贵州省就业服务中心（示例）"),
    "520500": ("0857-8222 0000", "毕节市七星关区招商花园 毕节市就业服务中心（示例）"),
    "520526": ("0857-6222 0000", "威宁县五里岗街道 威宁县就业服务中心（示例）"),
    "520115": ("0851-8498 0000", "观山湖区金阳南路 观山湖区就业服务中心（示例）"),
}


def seed_offices(ctx: SeedContext) -> None:
    """Phones and addresses of the demo areas' employment offices."""
    for code, (phone, address) in OFFICES.items():
        area = db.session.get(Area, code)
        if area is not None:
            area.office_phone, area.office_address = phone, address
    ctx.echo(f"employment offices: {len(OFFICES)} phones and addresses")
