"""Openings whose title names no trade wait in the officers' queue (issue 14).

Built from the partner-list rows that showed the bug: Java architect openings were offered
to cooks, tea pickers and welders on a 60 % skill fit because their title resolved to
nothing and the opening was matched as if it asked for no skill.
"""
from __future__ import annotations

import re

import sqlalchemy as sa

from app.auth.models import AuditLog
from app.employers.models import Job
from app.employers.service import today
from app.matching.profiles import job_profiles
from tests.integration.test_employers import make_employer, make_job


def queue(client) -> set[int]:
    """Ids of the openings the queue page offers to classify."""
    html = client.get("/employers/jobs/unclassified").get_data(as_text=True)
    return {int(x.split("/")[0]) for x in html.split('action="/employers/jobs/')[1:]}


def test_a_title_naming_no_trade_leaves_the_opening_unclassified(db, factory):
    employer, _ = make_employer(factory)
    java = make_job(employer, title="Java架构师", occupation_code=None)
    plant = make_job(employer, title="电子厂普工", occupation_code=None)
    keeper = make_job(employer, title="储备干部", occupation_code=None, occupation_text="")
    assert java.unclassified and keeper.unclassified
    assert plant.occupation_code == "general_worker" and not plant.unclassified
    profiles = {p.id: p for p in job_profiles(today(), [java.id, plant.id])}
    assert profiles[java.id].unclassified and profiles[java.id].required_skills == ()
    assert not profiles[plant.id].unclassified


def test_officer_classifies_from_the_queue_in_one_click_and_it_is_audited(
        client, db, factory, login):
    employer, _ = make_employer(factory)
    java = make_job(employer, title="Java架构师", occupation_code=None)
    welder = make_job(employer, title="焊工", occupation_code=None)  # resolves by its title
    officer = factory.user("officer", area_code="520000")
    login(officer)
    assert queue(client) == {java.id} and welder.occupation_code == "welder"
    employers_page = client.get("/employers/").get_data(as_text=True)  # the way in, counted
    assert re.search(r'href="/employers/jobs/unclassified">[^<]*<span class="badge[^"]*">1<',
                     employers_page)
    resp = client.post(f"/employers/jobs/{java.id}/classify",
                       data={"occupation_code": "programmer"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/jobs/unclassified")
    db.session.expire_all()
    assert db.session.get(Job, java.id).occupation_code == "programmer"
    entry = db.session.scalar(sa.select(AuditLog).where(AuditLog.action == "job_classify"))
    assert entry.target_id == str(java.id) and entry.username == officer.username
    assert entry.detail["title"] == "Java架构师" and entry.detail["occupation"] == "programmer"
    assert queue(client) == set()
    # It now matches normally: it asks for its occupation.
    (profile,) = job_profiles(today(), [java.id])
    assert profile.required_skills == (("programmer", 1),) and not profile.unclassified


def test_classify_refuses_an_unknown_occupation_without_a_500(client, db, factory, login):
    employer, _ = make_employer(factory)
    java = make_job(employer, title="Java架构师", occupation_code=None)
    login(factory.user("officer", area_code="520000"))
    resp = client.post(f"/employers/jobs/{java.id}/classify",
                       data={"occupation_code": "astronaut"}, follow_redirects=True)
    assert resp.status_code == 200 and db.session.get(Job, java.id).occupation_code is None


def test_the_queue_shows_the_officers_area_only(client, db, factory, login):
    employer, _ = make_employer(factory)  # registered by the provincial office
    make_job(employer, title="Java架构师", occupation_code=None)  # in Dongguan
    local = make_job(employer, title="储备干部", occupation_code=None, area_code="520526")
    login(factory.user("officer", area_code="520526"))
    assert queue(client) == {local.id}


def test_employers_and_trainees_have_no_queue(client, db, factory, login):
    employer, user = make_employer(factory)
    login(user)
    assert client.get("/employers/jobs/unclassified").status_code == 403
