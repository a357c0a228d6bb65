"""Matching and referral pages for each role: who sees what, and the path to a hire."""
from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from app import clock
from app.auth.models import AuditLog
from app.placements.models import Placement, Referral
from app.placements.service import refer
from app.registry.models import WorkerEvent
from tests.conftest import text_of


@pytest.fixture
def login_as(client, login_as):
    """login_as that logs out first, so one test can switch users."""

    def _again(role="officer", **kw):
        client.post("/auth/logout")
        return login_as(role, **kw)

    return _again


def _setup(factory):
    employer = factory.employer()
    job = factory.job(employer=employer, title="电子装配工", headcount=3)
    worker = factory.worker(name="张三", skills_text="电子装配、星际导航")
    return employer, job, worker


def test_officer_sees_matches_with_explanations_and_unresolved_text(client, factory, login_as):
    _, job, worker = _setup(factory)
    login_as("officer", area_code="520526")
    resp = client.get(f"/workers/{worker.id}/matches")
    assert resp.status_code == 200
    body = resp.get_data(as_text=True)
    assert f'data-job="{job.id}"' in body and "score-bar" in body and 'style="width:' in body
    assert "技能匹配" in body  # the engine's explanation, in Chinese by default
    assert "星际导航" in text_of(resp)  # unresolved skill text shown to the officer
    assert worker.id_number not in body  # masked on this page
    resp = client.get(f"/workers/{worker.id}/matches?lang=en")
    assert "Skill fit" in resp.get_data(as_text=True)


def test_matches_page_refusals(client, factory, login_as, login):
    _, _, worker = _setup(factory)
    outside = factory.worker(area_code="520115")
    login_as("officer", area_code="520526")
    assert client.get(f"/workers/{outside.id}/matches").status_code == 404
    login_as("employer", employer_id=factory.employer().id)
    assert client.get(f"/workers/{worker.id}/matches").status_code == 403
    trainee = factory.user("trainee", worker_id=worker.id)
    login(trainee)
    assert client.get(f"/workers/{worker.id}/matches").status_code == 200
    assert client.get(f"/workers/{outside.id}/matches").status_code == 404


def test_officer_refers_from_matches_and_timeline_and_audit_follow(client, db, factory,
                                                                   login_as):
    _, job, worker = _setup(factory)
    login_as("officer", area_code="520526")
    resp = client.post(f"/workers/{worker.id}/refer", data={"job_id": job.id})
    assert resp.status_code == 302
    referral = db.session.scalar(sa.select(Referral).where(Referral.worker_id == worker.id))
    assert referral.job_id == job.id and referral.source == "officer" and referral.score > 0
    assert db.session.scalar(sa.select(WorkerEvent).where(
        WorkerEvent.worker_id == worker.id, WorkerEvent.kind == "referral"))
    assert db.session.scalar(sa.select(AuditLog).where(
        AuditLog.action == "referral_create", AuditLog.target_id == str(referral.id)))
    # Twice: a translated message, not an error page.
    resp = client.post(f"/workers/{worker.id}/refer", data={"job_id": job.id},
                       follow_redirects=True)
    assert resp.status_code == 200 and "alert-danger" in resp.get_data(as_text=True)


def test_ruled_out_referral_is_refused_with_the_reason(client, db, factory, login_as):
    _, _, worker = _setup(factory)
    cert_job = factory.job(required_certificates=["so_welding"])
    login_as("officer", area_code="520526")
    resp = client.post(f"/workers/{worker.id}/refer", data={"job_id": cert_job.id},
                       follow_redirects=True)
    assert resp.status_code == 200 and "焊工证" in text_of(resp)
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 0


def test_trainee_asks_for_a_referral(client, db, factory, login):
    _, job, worker = _setup(factory)
    login(factory.user("trainee", worker_id=worker.id))
    resp = client.post(f"/workers/{worker.id}/refer", data={"job_id": job.id})
    assert resp.status_code == 302
    referral = db.session.scalar(sa.select(Referral))
    assert referral.source == "trainee"


def test_candidates_for_officer_and_employer(client, db, factory, login_as, login):
    employer, job, worker = _setup(factory)
    other = factory.worker(area_code="520115")
    login_as("officer", area_code="520526")
    resp = client.get(f"/jobs/{job.id}/candidates")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'data-worker="{worker.id}"' in body
    assert f'data-worker="{other.id}"' not in body
    resp = client.post(f"/jobs/{job.id}/refer", data={"worker_id": worker.id})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(Referral.worker_id)) == worker.id
    login(factory.user("employer", employer_id=employer.id))
    resp = client.get(f"/jobs/{job.id}/candidates")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'data-worker="{worker.id}"' in body
    assert worker.id_number not in body and worker.phone not in body
    assert client.post(f"/jobs/{job.id}/refer", data={"worker_id": worker.id}).status_code == 403
    login_as("employer", employer_id=factory.employer().id)
    assert client.get(f"/jobs/{job.id}/candidates").status_code == 404
    login_as("trainee")
    assert client.get(f"/jobs/{job.id}/candidates").status_code == 403


def test_employer_accepts_declines_and_confirms_a_hire(client, db, factory, login):
    employer, job, worker = _setup(factory)
    second = factory.worker()
    r1, r2 = refer(worker, job, by=None), refer(second, job, by=None)
    user = factory.user("employer", employer_id=employer.id)
    login(user)
    resp = client.get("/referrals")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and f'data-referral="{r1.id}"' in body
    assert worker.id_number not in body and worker.phone not in body and "****" in body
    assert client.post(f"/referrals/{r1.id}/respond",
                       data={"action": "accept"}).status_code == 302
    db.session.refresh(r1)
    assert r1.status == "interview"
    resp = client.post(f"/referrals/{r2.id}/respond", data={"action": "decline", "reason": ""},
                       follow_redirects=True)
    assert "alert-danger" in resp.get_data(as_text=True)
    db.session.refresh(r2)
    assert r2.status == "referred"
    client.post(f"/referrals/{r2.id}/respond", data={"action": "decline", "reason": "经验不足"})
    db.session.refresh(r2)
    assert r2.status == "declined" and r2.decline_reason == "经验不足"
    terms = {"start_date": clock.today().isoformat(), "monthly_wage": "5200",
             "contract_months": "12"}
    resp = client.post(f"/referrals/{r1.id}/hire", data=terms)  # asks first: nothing yet
    assert resp.status_code == 200 and 'id="confirm-form"' in resp.get_data(as_text=True)
    assert db.session.scalar(sa.select(Placement).where(Placement.referral_id == r1.id)) is None
    resp = client.post(f"/referrals/{r1.id}/hire", data={**terms, "confirm": "1"})
    assert resp.status_code == 302
    placement = db.session.scalar(sa.select(Placement).where(Placement.referral_id == r1.id))
    assert placement.monthly_wage == 5200 and placement.contract_months == 12
    db.session.refresh(worker)
    assert worker.status == "employed"
    # Confirming twice is refused with a message, never a 500.
    resp = client.post(f"/referrals/{r1.id}/hire", data={
        "start_date": clock.today().isoformat(), "confirm": "1"}, follow_redirects=True)
    assert resp.status_code == 200


def test_referral_actions_refused_outside_scope(client, factory, login_as):
    _, job, worker = _setup(factory)
    referral = refer(worker, job, by=None)
    login_as("employer", employer_id=factory.employer().id)
    assert client.get("/referrals").status_code == 200
    assert client.post(f"/referrals/{referral.id}/respond",
                       data={"action": "accept"}).status_code == 404
    assert client.post(f"/referrals/{referral.id}/hire",
                       data={"start_date": "2030-01-01"}).status_code == 404
    assert client.post(f"/referrals/{referral.id}/withdraw").status_code == 403
    login_as("officer", area_code="520115")
    assert client.post(f"/referrals/{referral.id}/withdraw").status_code == 404
    login_as("trainee")
    assert client.get("/referrals").status_code == 403


def test_officer_withdraws_and_records_a_placement(client, db, factory, login_as):
    _, job, worker = _setup(factory)
    referral = refer(worker, job, by=None)
    login_as("officer", area_code="520526")
    assert client.post(f"/referrals/{referral.id}/withdraw",
                       data={"reason": "本人放弃"}).status_code == 302
    db.session.refresh(referral)
    assert referral.status == "withdrawn"
    resp = client.post(f"/workers/{worker.id}/placement", data={
        "job_id": job.id, "start_date": clock.today().isoformat(), "monthly_wage": "4800",
        "confirm": "1"})
    assert resp.status_code == 302
    assert db.session.scalar(sa.select(Placement.worker_id)) == worker.id


def test_dispatch_proposes_and_refers_in_one_step(client, db, factory, login_as):
    employer = factory.employer()
    jobs = [factory.job(employer=employer, headcount=2) for _ in range(2)]
    workers = [factory.worker() for _ in range(6)]
    factory.worker(area_code="520115")  # outside the officer's area: never in the pool
    login_as("officer", area_code="520526")
    assert client.get("/dispatch").status_code == 200
    resp = client.post("/dispatch", data={"jobs": [j.id for j in jobs], "area_code": ""})
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200
    assert "is-invalid" not in body
    pairs = sorted(set(re.findall(r'name="pairs" value="(\d+:\d+)"', body)))
    assert len(pairs) == 4  # 2 openings x 2 places, each worker once
    assert len({p.split(":")[0] for p in pairs}) == 4
    assert {int(p.split(":")[0]) for p in pairs} <= {w.id for w in workers}
    resp = client.post("/dispatch/accept", data={"pairs": pairs[:3]})
    assert resp.status_code == 302
    refs = db.session.scalars(sa.select(Referral)).all()
    assert len(refs) == 3 and {r.source for r in refs} == {"dispatch"}
    # Accepting the same pairs again is refused as a whole: nothing more is created.
    resp = client.post("/dispatch/accept", data={"pairs": pairs}, follow_redirects=True)
    assert resp.status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(Referral.id))) == 3


def test_dispatch_refused_roles(client, factory, login_as):
    login_as("employer", employer_id=factory.employer().id)
    assert client.get("/dispatch").status_code == 403
    assert client.post("/dispatch/accept", data={"pairs": ["1:1"]}).status_code == 403
    login_as("trainee")
    assert client.get("/dispatch").status_code == 403


def test_matches_page_explains_the_closest_20_ruled_out_and_shows_more_on_request(
        client, db, factory, login_as):
    _, _, worker = _setup(factory)
    employer = factory.employer()
    for i in range(26):  # each needs a welding certificate the worker lacks
        factory.job(employer=employer, title=f"焊工岗{i}", required_certificates=["so_welding"])
    login_as("officer", area_code="520526")
    page = client.get(f"/workers/{worker.id}/matches?lang=en").get_data(as_text=True)
    ruled = page.split('id="ruled-out"')[1].split("</table>")[0]
    assert ruled.count("<tr data-job=") == 20
    assert "The 20 closest of 26 ruled-out openings" in page
    assert f"/workers/{worker.id}/matches?ruled=50" in page and "Show 26" in page
    more = client.get(f"/workers/{worker.id}/matches?ruled=50").get_data(as_text=True)
    assert more.split('id="ruled-out"')[1].split("</table>")[0].count("<tr data-job=") == 26
    assert "Show 26" not in more
