"""Courses with a session."""
from __future__ import annotations

from datetime import date, timedelta

from app.employers.service import today as china_today  # the app asks in China time
from app.training.models import Course, CourseSession

SOON = china_today() + timedelta(days=20)


def make_course(db, code: str = "T-WELD-01", *, places: int = 10, start: date = SOON,
                **kw) -> tuple[Course, CourseSession]:
    """A course with one session (defaults: welding, certificate so_welding, Weining)."""
    values = dict(name="焊工培训", name_en="Welding", mode="general", skills=["welder"],
                  certificate="so_welding", provider="威宁县职业技术学校", county_code="520526",
                  days=10, hours=80, cost=2000, subsidy=2000, age_min=18, age_max=55,
                  min_education="none", categories=[])
    values.update(kw)
    course = Course(code=code, **values)
    db.session.add(course)
    db.session.flush()
    session = CourseSession(course_id=course.id, start_date=start,
                            end_date=start + timedelta(days=13), places=places,
                            county_code=values["county_code"])
    db.session.add(session)
    db.session.flush()
    return course, session
