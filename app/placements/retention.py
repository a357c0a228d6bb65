"""Retention (稳岗) from the database: Kaplan–Meier curves overall and by group, and the
nightly snapshot.

A placement is *lost* when it ended because the worker left the job (``end_kind`` "left",
or an ended placement without a kind). A job change is not a loss: the worker is still in
work, so the placement is censored at the change (its successor placement is observed on
its own). Placements still active are censored at the observation date.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np
import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.auth.models import Role, User, code_prefix
from app.auth.scoping import visible
from app.employers.models import LABELS as EMPLOYER_LABELS
from app.employers.models import Employer
from app.extensions import db
from app.freshness import Cache
from app.registry.models import LABELS as REGISTER_LABELS
from app.registry.models import Household, RelocationSite, Worker
from app.sql import days_between

from .followup_models import RetentionSnapshot
from .models import Placement
from .survival import Curve, Estimate, kaplan_meier, retention_figures

CHECKPOINTS = (30, 90, 180)

BREAKDOWNS = {
    "region": _l("Destination region"),
    "employer": _l("Employer"),
    "course": _l("Course"),
    "site": _l("Relocation site"),
    "category": _l("Worker category"),
    "month": _l("Month of placement"),
}


MIN_INTERVAL_N = 10  # below this many placements a group's figures carry no interval


@dataclass
class Group:
    """One group's curve and its checkpoint figures."""

    key: str
    label: str
    curve: Curve
    figures: dict[float, Estimate]

    @property
    def n(self) -> int:
        """Placements observed."""
        return self.curve.n

    @property
    def events(self) -> int:
        """Placements lost."""
        return self.curve.n_events


@dataclass
class _Observations:
    """One entry per placement: days observed, whether lost, and its key (and the keys'
    labels) under each breakdown."""

    durations: np.ndarray
    events: np.ndarray
    keys: dict[str, list]
    labels: dict[str, dict[str, str]]


def _observations(user: User | None, as_of: date) -> _Observations:
    """One row per placement started by ``as_of``: duration, event and group keys."""
    stmt = (
        sa.select(Placement.start_date, Placement.end_date, Placement.end_kind,
                  Placement.status, Placement.region, Placement.local,
                  Placement.employer_id, Employer.name, Placement.employer_name,
                  Placement.course_id, RelocationSite.id, RelocationSite.name,
                  Worker.category)
        .join(Worker, Worker.id == Placement.worker_id)
        .outerjoin(Employer, Employer.id == Placement.employer_id)
        .outerjoin(Household, Household.id == Worker.household_id)
        .outerjoin(RelocationSite, RelocationSite.id == Household.site_id)
        .where(Placement.start_date <= as_of)
    )
    if user is not None:
        stmt = visible(stmt, Placement, user)
    rows = db.session.execute(stmt).all()
    durations = np.empty(len(rows), dtype=np.int64)
    events = np.zeros(len(rows), dtype=bool)
    keys: dict[str, list] = {k: [] for k in BREAKDOWNS}
    labels: dict[str, dict[str, str]] = {k: {} for k in BREAKDOWNS}
    for i, r in enumerate(rows):
        (start, end, end_kind, status, region, local, employer_id, employer, employer_name,
         course_id, site_id, site, category) = r
        ended = end is not None and end <= as_of
        durations[i] = ((end if ended else as_of) - start).days
        events[i] = ended and (end_kind == "left" or (status == "ended" and not end_kind))
        region_key = "local" if local else region
        emp_key = f"e{employer_id}" if employer_id else f"n:{employer_name}"
        values = {
            "region": (region_key, None),
            "employer": (emp_key, employer or employer_name or _("Unknown")),
            "course": (str(course_id) if course_id else "none", None),
            "site": (str(site_id) if site_id else "none", site),
            "category": (category, None),
            "month": (start.strftime("%Y-%m"), start.strftime("%Y-%m")),
        }
        for kind, (key, label) in values.items():
            keys[kind].append(key)
            if label:
                labels[kind][key] = label
    return _Observations(durations, events, keys, labels)


def _label(kind: str, key: str, known: dict[str, str]) -> str:
    if key in known:
        return known[key]
    if kind == "region":
        return str(REGISTER_LABELS["region_pref"].get(key) or EMPLOYER_LABELS["region"].get(
            key, key))
    if kind == "category":
        return str(REGISTER_LABELS["category"].get(key, key))
    if kind == "course":
        return _("No course") if key == "none" else _course_name(int(key))
    if kind == "site":
        return _("No relocation site")
    return key


def _course_name(course_id: int) -> str:
    try:
        from app.training.models import Course
    except ImportError:  # pragma: no cover - training not installed
        return f"#{course_id}"
    course = db.session.get(Course, course_id)
    return course.name if course else f"#{course_id}"


def _lost(as_of: date) -> tuple[sa.ColumnElement[bool], sa.ColumnElement[bool]]:
    """(ended by ``as_of``, lost by ``as_of``) as SQL conditions: the rule of
    ``_observations`` — a job change is censored, leaving (or an unexplained end) is lost."""
    as_of_d = sa.literal(as_of, sa.Date)
    ended = sa.and_(Placement.end_date.is_not(None), Placement.end_date <= as_of_d)
    lost = sa.and_(ended, sa.or_(Placement.end_kind == "left",
                                 sa.and_(Placement.status == "ended", Placement.end_kind == "")))
    return ended, lost


def _duration_lost(as_of: date) -> tuple[sa.ColumnElement[int], sa.ColumnElement[int]]:
    """(days observed, 1 if lost else 0) of a placement by ``as_of``, as SQL."""
    as_of_d = sa.literal(as_of, sa.Date)
    ended, lost = _lost(as_of)
    duration = days_between(Placement.start_date,
                            sa.case((ended, Placement.end_date), else_=as_of_d))
    return duration, sa.case((lost, 1), else_=0)


def overall(user: User | None, as_of: date) -> Group:
    """Retention of every placement the user may see.

    Counted in the database by (duration, lost): at most a few thousand groups instead of
    one row per placement, and no join (the placement carries its area)."""
    duration, event = _duration_lost(as_of)
    stmt = (sa.select(duration, event, sa.func.count())
            .where(Placement.start_date <= as_of).group_by(duration, event))
    if user is not None:
        stmt = visible(stmt, Placement, user)
    rows = db.session.execute(stmt).all()
    curve = kaplan_meier([r[0] for r in rows], [bool(r[1]) for r in rows],
                         counts=[r[2] for r in rows])
    return Group("all", _("All placements"), curve, retention_figures(curve, CHECKPOINTS))


def by_area(as_of: date) -> list[Group]:
    """Retention of the placements inside each area an officer's scope can be, keyed by
    the area's code prefix (``code_prefix``: province 2 digits, prefecture 4, county 6);
    one grouped statement, added up per prefix."""
    duration, event = _duration_lost(as_of)
    stmt = (sa.select(Placement.area_code, duration, event, sa.func.count())
            .where(Placement.start_date <= as_of)
            .group_by(Placement.area_code, duration, event))
    counts: dict[str, Counter[tuple[int, bool]]] = defaultdict(Counter)
    for code, days, lost, n in db.session.execute(stmt):
        for prefix in {code[:2], code[:4], code}:
            counts[prefix][(days, bool(lost))] += n
    groups = []
    for prefix, seen in sorted(counts.items()):
        curve = kaplan_meier([d for d, _ in seen], [e for _, e in seen],
                             counts=list(seen.values()))
        groups.append(Group(prefix, prefix, curve, retention_figures(curve, CHECKPOINTS)))
    return groups


def breakdown(user: User | None, kind: str, as_of: date, *, limit: int | None = None,
              obs: _Observations | None = None) -> list[Group]:
    """Retention per group of ``kind`` (largest groups first; months in order)."""
    if kind not in BREAKDOWNS:
        raise ValueError(f"unknown breakdown {kind!r}")
    obs = obs or _observations(user, as_of)
    keys = np.asarray(obs.keys[kind], dtype=object)
    groups = []
    for key in dict.fromkeys(obs.keys[kind]):
        mask = keys == key
        curve = kaplan_meier(obs.durations[mask], obs.events[mask])
        groups.append(Group(str(key), _label(kind, str(key), obs.labels[kind]), curve,
                            retention_figures(curve, CHECKPOINTS)))
    if kind == "month":
        groups.sort(key=lambda g: g.key)
    else:
        groups.sort(key=lambda g: (-g.n, g.label))
    return groups[:limit] if limit else groups


def snapshot(as_of: date) -> int:
    """Write today's retention figures for every group and every area an officer's scope
    can be (replacing a rerun's rows); flushes."""
    obs = _observations(None, as_of)
    groups = [("all", overall(None, as_of))]
    for kind in BREAKDOWNS:
        groups.extend((kind, g) for g in breakdown(None, kind, as_of, obs=obs))
    groups.extend(("area", g) for g in by_area(as_of))
    db.session.execute(sa.delete(RetentionSnapshot).where(
        RetentionSnapshot.snapshot_date == as_of))
    rows = []
    for kind, g in groups:
        row = {"snapshot_date": as_of, "group_kind": kind, "group_key": g.key[:64],
               "label": g.label[:128], "n": g.n, "events": g.events}
        for day in CHECKPOINTS:
            est = g.figures[day]
            row[f"s{day}"], row[f"l{day}"], row[f"u{day}"] = est.survival, est.lower, est.upper
        rows.append(row)
    if rows:
        db.session.execute(sa.insert(RetentionSnapshot), rows)
    db.session.flush()
    return len(rows)


Figure = tuple[float | None, float | None, float | None]  # survival, lower, upper


# The latest snapshot's figures, read once per process until the scheduler (any process)
# commits a new snapshot.
_SNAPSHOT_FIGURES: Cache[Figure | None] = Cache(depends_on=(RetentionSnapshot,),
                                                max_age="FIGURES_CACHE_SECONDS")


def snapshot_figure(user: User, day: int) -> Figure | None:
    """Retention at ``day`` (one of ``CHECKPOINTS``) of the placements ``user`` may see,
    from the latest nightly snapshot (the dashboard reads it instead of counting); None
    when the scheduler has written no snapshot with areas yet."""
    if user.role == Role.admin.value:
        kind, key = "all", "all"
    elif user.role == Role.officer.value and user.area is not None:
        kind, key = "area", code_prefix(user.area.code, user.area.level)
    else:
        return (None, None, None)
    return _SNAPSHOT_FIGURES.get((kind, key, day), lambda: _read_figure(kind, key, day))


def _read_figure(kind: str, key: str, day: int) -> Figure | None:
    latest = db.session.scalar(sa.select(sa.func.max(RetentionSnapshot.snapshot_date)))
    if latest is None:
        return None
    columns = (getattr(RetentionSnapshot, f"{c}{day}") for c in "slu")
    row = db.session.execute(sa.select(*columns).where(
        RetentionSnapshot.snapshot_date == latest, RetentionSnapshot.group_kind == kind,
        RetentionSnapshot.group_key == key)).first()
    if row is not None:
        return (row[0], row[1], row[2])
    has_areas = db.session.scalar(sa.select(sa.literal(1)).where(
        RetentionSnapshot.snapshot_date == latest, RetentionSnapshot.group_kind == "area"
    ).limit(1))
    # An area without placements has no row; a snapshot written before areas were
    # snapshotted has none at all.
    return (None, None, None) if has_areas else None
