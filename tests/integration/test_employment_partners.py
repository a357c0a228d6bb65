"""Partner offices without the CLI: an administrator creates an office, links employers and
gives it a login; the partner then records a layoff alert for its own employers only."""
from __future__ import annotations

import sqlalchemy as sa

from app.auth.models import AuditLog, User
from app.employment.models import LabourPartner, LayoffAlert, PartnerEmployer
from tests.conftest import text_of

STRONG = "Dongguan-Office-2025"


def count(db, model, *where):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def test_an_admin_sets_up_a_partner_office_its_login_reports_a_layoff(client, login, factory,
                                                                      db):
    admin = factory.user("admin")
    mine = factory.employer(name="长安大厂")
    other = factory.employer(name="别家工厂")
    factory.worker()
    login(admin)
    bad = client.post("/partners/new", data={"name": "东莞劳务协作站", "place": "火星基地"})
    assert bad.status_code == 422 and count(db, LabourPartner) == 0
    html = bad.get_data(as_text=True)
    assert 'value="火星基地"' in html and "invalid-feedback" in html  # kept, with the reason
    resp = client.post("/partners/new", data={
        "name": "东莞劳务协作站", "place": "东莞", "office_address": "长安镇长青路1号",
        "contact_name": "陈站长", "contact_phone": "0769-85331234"})
    assert resp.status_code == 302
    office = db.session.scalar(sa.select(LabourPartner))
    assert office.area_code == "441900"  # Dongguan, by the place resolver
    again = client.post("/partners/new", data={"name": "东莞劳务协作站", "place": "东莞"})
    assert again.status_code == 422 and count(db, LabourPartner) == 1
    url = f"/partners/{office.id}"
    unknown = client.post(f"{url}/employers", data={"employer": "不存在的厂"})
    assert unknown.status_code == 422
    assert client.post(f"{url}/employers", data={"employer": "长安大厂"}).status_code == 302
    assert client.post(f"{url}/employers", data={"employer": other.credit_code}).status_code \
        == 302
    assert count(db, PartnerEmployer, PartnerEmployer.partner_id == office.id) == 2
    client.post(f"{url}/employers/{other.id}/remove")
    linked = db.session.scalars(sa.select(PartnerEmployer.employer_id)).all()
    assert linked == [mine.id]
    weak = client.post(f"{url}/accounts", data={"username": "dg_partner", "password": "123"})
    assert weak.status_code == 422 and count(db, User, User.username == "dg_partner") == 0
    made = client.post(f"{url}/accounts", data={"username": "dg_partner", "password": STRONG,
                                                 "display_name": "陈站长"})
    assert made.status_code == 302
    account = db.session.scalar(sa.select(User).where(User.username == "dg_partner"))
    assert (account.role, account.partner_id) == ("partner", office.id)
    page = text_of(client.get(url))
    assert "长安大厂" in page and "别家工厂" not in page and "dg_partner" in page
    assert count(db, AuditLog, AuditLog.action.in_(
        ["partner_create", "partner_link_employer", "partner_unlink_employer"])) == 4
    # the partner's own login: its employers only
    login(account, STRONG)
    form = client.get("/layoffs/").get_data(as_text=True)
    assert "长安大厂" in form and "别家工厂" not in form
    refused = client.post("/layoffs/", data={"employer_id": other.id, "kind": "closure",
                                             "date": "2025-12-01"})
    assert refused.status_code == 422 and count(db, LayoffAlert) == 0
    done = client.post("/layoffs/", data={"employer_id": mine.id, "kind": "layoff",
                                          "date": "2025-12-01", "workers_affected": "80"})
    assert done.status_code == 302 and count(db, LayoffAlert) == 1


def test_officers_read_the_offices_but_only_admins_change_them(client, login_as, factory, db):
    db.session.add(LabourPartner(name="苏州劳务协作站", area_code="320500",
                                 contact_phone="0512-1234567"))
    db.session.flush()
    login_as("officer", area_code="520526")
    listing = text_of(client.get("/partners/"))
    assert "苏州劳务协作站" in listing and "0512-1234567" in listing
    assert client.post("/partners/new", data={"name": "某站", "place": "东莞"}).status_code \
        == 403
    assert count(db, LabourPartner) == 1
