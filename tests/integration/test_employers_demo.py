"""Demo employers and openings: counts, valid credit codes, realistic wages, the demo login."""
from __future__ import annotations

import sqlalchemy as sa
from stdnum.cn import uscc

from app.auth.models import User
from app.employers.models import Employer, Job
from app.employers.service import listed_jobs


def test_demo_employers_and_openings(runner, db):
    result = runner.invoke(args=["demo", "seed"])
    assert result.exit_code == 0, result.output
    employers = db.session.scalars(sa.select(Employer)).all()
    assert 55 <= len(employers) <= 70
    assert all(uscc.is_valid(e.credit_code) for e in employers)
    statuses = {e.status for e in employers}
    assert statuses == {"verified", "pending", "suspended"}
    assert {e.region for e in employers} >= {"yrd", "prd", "guizhou"}
    jobs = db.session.scalars(sa.select(Job)).all()
    assert 270 <= len(jobs) <= 340
    login = db.session.scalar(sa.select(User).where(User.username == "employer"))
    demo = db.session.get(Employer, login.employer_id)
    assert demo.status == "verified" and demo.region == "prd"
    listed = db.session.scalars(listed_jobs()).all()
    assert len(listed) > 200
    factory = [j for j in listed if j.region in ("prd", "yrd") and j.occupation_code in (
        "general_worker", "electronics_assembly") and j.wage_min]
    assert factory and all(4500 <= j.wage_min and j.wage_max <= 7500 for j in factory)
    welfare = [j for j in listed if j.kind != "market"]
    assert welfare and all(1000 <= j.wage_min and j.wage_max <= 2000 for j in welfare)
    assert all(j.eligibility_county_code for j in welfare)
    assert all(j.search_text for j in jobs)
