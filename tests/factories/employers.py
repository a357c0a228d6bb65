"""Employers and openings through the real services (verified employer, its login, a
published opening)."""
from __future__ import annotations

from datetime import timedelta

from stdnum.cn import uscc

from app import clock
from app.auth.models import User
from app.employers import service
from app.employers.jobs import JobData, create_job, publish_job
from app.employers.models import Employer, Job

_codes = iter(range(10_000, 99_999))


def credit_code(prefix: str = "91440300") -> str:
    """A valid unified social credit code with a fresh body."""
    body = f"{prefix}MA5{next(_codes):05d}"[:17].ljust(17, "0")
    return body + uscc.calc_check_digit(body)


def employer_data(**kw) -> service.EmployerData:
    """Plausible employer data; keywords override."""
    values = dict(name="深圳市宝安精工电子有限公司", credit_code=credit_code(), industry="电子制造",
                  area_code="440306", address="福永街道", contact_name="王经理",
                  contact_phone="13800138001")
    values.update(kw)
    return service.EmployerData(**values)


def make_employer(factory, status: str = "verified", *, with_user: bool = True,
                  **kw) -> tuple[Employer, User | None]:
    """An employer (verified by default) and, optionally, its login."""
    officer = factory.user("officer", area_code="520000")
    data = employer_data(name=kw.pop("name", f"测试用人单位{factory.seq()}有限公司"), **kw)
    employer = service.create_employer(data, officer, verify_now=status != "pending")
    if status == "suspended":
        service.suspend(employer, "欠薪", officer)
    user = factory.user("employer", employer_id=employer.id) if with_user else None
    return employer, user


def job_data(**kw) -> JobData:
    """Plausible opening data; keywords override."""
    values = dict(title="电子厂普工", area_code="441900", occupation_code="general_worker",
                  headcount=10, wage_min=5000, wage_max=6500, age_min=18, age_max=45,
                  housing=True, meals=True, closing_date=clock.today() + timedelta(days=30))
    values.update(kw)
    return JobData(**values)


def make_job(employer: Employer, *, publish: bool = True, by: User | None = None,
             **kw) -> Job:
    """An opening of ``employer``, published by default."""
    by = by or User(id=None, username="test", role="officer")
    job = create_job(employer, job_data(**kw), by)
    if publish:
        publish_job(job, by)
    return job
