"""What an officer sees of a hire's follow-ups: the message after 确认录用, the queue's tabs
(opening on the most urgent non-empty one, with an upcoming tab), the worker page's panel."""
from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.auth.models import AuditLog
from app.placements.followup_models import FollowUp
from app.placements.models import Placement
from app.placements.service import refer
from tests.conftest import text_of
from tests.factories.placements import place


def test_hire_message_lists_the_scheduled_followups_with_links(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    worker = factory.worker(name="李四")
    job = factory.job(employer=factory.employer(), title="电子装配工", headcount=3)
    referral = refer(worker, job, by=officer)
    start = clock.today()
    resp = client.post(f"/referrals/{referral.id}/hire", data={
        "start_date": start.isoformat(), "monthly_wage": "4000", "confirm": "1"},
        follow_redirects=True)
    body = resp.get_data(as_text=True)
    placement = db.session.scalar(sa.select(Placement).where(Placement.worker_id == worker.id))
    dues = db.session.scalars(sa.select(FollowUp.due_date).where(
        FollowUp.placement_id == placement.id, FollowUp.kind == "day")).all()
    assert len(dues) == 4
    assert "已安排回访" in body or "Follow-ups scheduled" in body
    for due in dues:
        assert due.isoformat() in body
    assert "第7天" in body and "第180天" in body
    assert f'/registry/workers/{worker.id}#placements' in body
    assert "tab=upcoming" in body


def test_queue_opens_on_most_urgent_tab_and_has_upcoming(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    fresh = place(factory, officer=officer, start=clock.today())
    resp = client.get("/followups/")
    body = resp.get_data(as_text=True)
    # Only future follow-ups: the queue opens on 即将到期 and the day-7 visit is there.
    assert 'data-tab="upcoming" aria-current="page"' in body
    assert fresh.worker.name in body
    assert f'/registry/workers/{fresh.worker_id}"' in body
    assert fresh.worker.phone not in body  # masked in the list
    old = place(factory, officer=officer, start=clock.today() - timedelta(days=40))
    body = client.get("/followups/").get_data(as_text=True)
    assert 'data-tab="overdue" aria-current="page"' in body and old.worker.name in body


def test_call_reveals_the_number_as_a_tel_link_and_audits(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=10))
    fu = db.session.scalars(sa.select(FollowUp).where(
        FollowUp.placement_id == placement.id).order_by(FollowUp.due_date)).first()
    body = client.get(f"/followups/{fu.id}?reveal=1").get_data(as_text=True)
    assert f'href="tel:{placement.worker.phone}"' in body
    assert db.session.scalar(sa.select(sa.func.count(AuditLog.id)).where(
        AuditLog.action == "worker_phone_view")) == 1


def test_worker_page_shows_placements_and_followup_dates(client, db, factory, login_as):
    officer = login_as("officer", area_code="520526")
    placement = place(factory, officer=officer, start=clock.today() - timedelta(days=10))
    body = text_of(client.get(f"/registry/workers/{placement.worker_id}"))
    for fu in db.session.scalars(sa.select(FollowUp).where(
            FollowUp.placement_id == placement.id)):
        assert fu.due_date.isoformat() in body
    assert "逾期" in body and "已安排" in body
