"""Placements through the real referral path."""
from __future__ import annotations

from datetime import date

from app.placements.service import confirm_hire, refer

START = date(2025, 9, 24)  # a Wednesday; day 7 is National Day


def place(factory, *, start=START, today=None, worker=None, job=None, officer=None, **kw):
    """A confirmed placement through the real referral path."""
    worker = worker or factory.worker(**kw)
    job = job or factory.job(headcount=50)
    referral = refer(worker, job, by=officer)
    return confirm_hire(referral, start_date=start, monthly_wage=5000, by=officer,
                        today=today or start)
