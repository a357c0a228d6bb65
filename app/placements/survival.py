"""Job retention as a survival curve (Kaplan–Meier estimator).

Pure code (numpy only; no Flask, no database). Each placement contributes one observation
``(duration_days, event)``: ``event=True`` means the placement ended (job lost) after
``duration_days``; ``event=False`` means it is censored — still in work and observed for
``duration_days`` so far. Recent placements that have not yet reached day *d* are therefore
censored, not counted as lost.

Conventions:

* Ties: at a time where both events and censorings occur, events are taken to happen first,
  so the censored placements are still counted in the at-risk set (the standard convention,
  as in R ``survival`` and lifelines).
* Variance: Greenwood's formula. Confidence intervals: log(-log) transform
  (Kalbfleisch–Prentice), which keeps bounds inside [0, 1].
* ``Curve.at(day)`` is the right-continuous step function. Beyond the longest observation
  the estimate is undefined (``None``) unless the curve has already dropped to 0.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from statistics import NormalDist
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "Curve",
    "Estimate",
    "group_curves",
    "kaplan_meier",
    "placement_observation",
    "retention_figures",
]


@dataclass(frozen=True, slots=True)
class Estimate:
    """Survival (retention) estimate at one day, with its confidence interval.

    ``survival``/``lower``/``upper`` are None when no placement was observed that long (and the
    curve had not already reached 0); ``at_risk`` is the number still observed at ``day``
    (duration >= day).
    """

    day: float
    survival: float | None
    lower: float | None
    upper: float | None
    at_risk: int


@dataclass(frozen=True, eq=False)
class Curve:
    """Kaplan–Meier step function, one row per distinct observed duration.

    Arrays are aligned: at ``times[i]`` there were ``at_risk[i]`` placements under observation,
    ``events[i]`` ended and ``censored[i]`` were censored; ``survival[i]`` is S(t) from
    ``times[i]`` until the next time, ``variance[i]`` its Greenwood variance and
    ``lower[i]``/``upper[i]`` the log(-log) confidence bounds at level ``confidence``.
    """

    times: NDArray[np.float64]
    at_risk: NDArray[np.int64]
    events: NDArray[np.int64]
    censored: NDArray[np.int64]
    survival: NDArray[np.float64]
    variance: NDArray[np.float64]
    lower: NDArray[np.float64]
    upper: NDArray[np.float64]
    confidence: float = 0.95
    n: int = field(init=False)
    n_events: int = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "n", int(self.at_risk[0]) if len(self.at_risk) else 0)
        object.__setattr__(self, "n_events", int(self.events.sum()))

    @property
    def std_error(self) -> NDArray[np.float64]:
        """Greenwood standard error of S(t) at each time."""
        return np.sqrt(self.variance)

    @property
    def max_time(self) -> float | None:
        """Longest observed duration, or None for an empty curve."""
        return float(self.times[-1]) if len(self.times) else None

    def at(self, day: float) -> Estimate:
        """Return the estimate at ``day`` (step function, right-continuous)."""
        return self.at_many([day])[0]

    def at_many(self, days: ArrayLike) -> list[Estimate]:
        """Return estimates at several days at once (vectorised lookup)."""
        query = np.atleast_1d(np.asarray(days, dtype=np.float64))
        if np.isnan(query).any():
            raise ValueError("day must not be NaN")
        idx = np.searchsorted(self.times, query, side="right") - 1
        # number still observed at day = n - (observations with duration < day)
        removed = np.concatenate(([0], np.cumsum(self.events + self.censored)))
        at_risk_day = self.n - removed[np.searchsorted(self.times, query, side="left")]
        last_survival = float(self.survival[-1]) if len(self.survival) else 1.0
        max_time = self.max_time
        out: list[Estimate] = []
        for q, i, r in zip(query.tolist(), idx.tolist(), at_risk_day.tolist(), strict=True):
            if max_time is None or (q > max_time and last_survival > 0.0):
                out.append(Estimate(q, None, None, None, int(r)))
            elif i < 0:
                out.append(Estimate(q, 1.0, 1.0, 1.0, int(r)))
            else:
                out.append(
                    Estimate(
                        q,
                        float(self.survival[i]),
                        float(self.lower[i]),
                        float(self.upper[i]),
                        int(r),
                    )
                )
        return out

    def median(self) -> float | None:
        """Median retention time: first time S(t) <= 0.5, or None if never reached."""
        hit = np.flatnonzero(self.survival <= 0.5)
        return float(self.times[hit[0]]) if len(hit) else None

    def as_records(self) -> list[dict[str, float | int]]:
        """Return the table as a list of plain dicts (for JSON, templates and charts)."""
        return [
            {
                "time": float(t),
                "at_risk": int(r),
                "events": int(e),
                "censored": int(c),
                "survival": float(s),
                "std_error": float(se),
                "lower": float(lo),
                "upper": float(hi),
            }
            for t, r, e, c, s, se, lo, hi in zip(
                self.times,
                self.at_risk,
                self.events,
                self.censored,
                self.survival,
                self.std_error,
                self.lower,
                self.upper,
                strict=True,
            )
        ]


def _z_value(confidence: float) -> float:
    """Two-sided standard normal quantile for a confidence level in (0, 1)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2.0)


def kaplan_meier(durations: ArrayLike, events: ArrayLike, confidence: float = 0.95,
                 counts: ArrayLike | None = None) -> Curve:
    """Estimate the Kaplan–Meier retention curve with Greenwood variance and log(-log) CI.

    ``counts`` (optional) says how many observations each (duration, event) pair stands
    for: grouped data (a database GROUP BY) gives the curve of the repeated observations
    without repeating them."""
    z = _z_value(confidence)
    t = np.asarray(durations, dtype=np.float64).ravel()
    e = np.asarray(events).ravel()
    if t.shape != e.shape:
        raise ValueError(f"durations and events differ in length: {t.size} != {e.size}")
    w = np.ones(t.size, dtype=np.int64) if counts is None else \
        np.asarray(counts, dtype=np.int64).ravel()
    if w.shape != t.shape:
        raise ValueError(f"durations and counts differ in length: {t.size} != {w.size}")
    if w.size and (w < 0).any():
        raise ValueError("counts must be >= 0")
    if t.size and not np.isfinite(t).all():
        raise ValueError("durations must be finite numbers")
    if t.size and (t < 0).any():
        raise ValueError("durations must be >= 0")
    if e.dtype != np.bool_:
        if e.size and not np.isin(e, (0, 1)).all():
            raise ValueError("events must be booleans (or 0/1)")
        e = e.astype(bool)
    keep = w > 0
    t, e, w = t[keep], e[keep], w[keep]

    times, inverse = np.unique(t, return_inverse=True)
    n_times = times.size
    total = np.bincount(inverse, weights=w, minlength=n_times).astype(np.int64)
    n_events = np.bincount(inverse[e], weights=w[e], minlength=n_times).astype(np.int64)
    n_censored = total - n_events
    # at risk at times[i]: all observations with duration >= times[i] (events-first ties)
    at_risk = int(w.sum()) - (np.cumsum(total) - total)

    with np.errstate(divide="ignore", invalid="ignore"):
        hazard = n_events / at_risk
        survival = np.cumprod(1.0 - hazard, dtype=np.float64)
        survivors = at_risk - n_events
        term = np.where(
            n_events > 0,
            np.divide(
                n_events, at_risk * survivors, where=survivors > 0, out=np.full(n_times, np.inf)
            ),
            0.0,
        )
        greenwood = np.cumsum(term)  # sum d / (n (n - d)), inf once S reaches 0
        variance = np.where(survival > 0.0, survival**2 * greenwood, 0.0)

        # log(-log) CI: S ** exp(±z * sqrt(greenwood) / log S)
        log_s = np.log(survival)
        inner = (survival > 0.0) & (survival < 1.0)
        theta_se = np.where(inner, np.sqrt(greenwood) / np.abs(log_s), 0.0)
        lower = np.where(inner, survival ** np.exp(z * theta_se), survival)
        upper = np.where(inner, survival ** np.exp(-z * theta_se), survival)

    return Curve(
        times=times,
        at_risk=at_risk,
        events=n_events,
        censored=n_censored,
        survival=survival,
        variance=variance,
        lower=np.clip(lower, 0.0, 1.0),
        upper=np.clip(upper, 0.0, 1.0),
        confidence=confidence,
    )


def retention_figures(curve: Curve, days: Sequence[float] = (30, 90, 180)) -> dict[float, Estimate]:
    """Return ``{day: Estimate}`` for the usual retention checkpoints (30, 90, 180 days)."""
    checkpoints = list(days)
    return dict(zip(checkpoints, curve.at_many(checkpoints), strict=True))


def placement_observation(start: date, end: date | None, as_of: date) -> tuple[int, bool]:
    """Return ``(duration_days, event)`` for a placement observed up to ``as_of``.

    An end date after ``as_of`` is not yet known at ``as_of``, so the placement is censored.
    """
    if end is not None and end <= as_of:
        duration, event = (end - start).days, True
    else:
        duration, event = (as_of - start).days, False
    if duration < 0:
        raise ValueError(f"placement starts after the observation date: {start} > {as_of}")
    return duration, event


def _getter(spec: str | Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Turn a field name (mapping key or attribute) or a callable into a getter."""
    if callable(spec):
        return spec

    def get(record: Any) -> Any:
        if isinstance(record, Mapping):
            return record[spec]
        return getattr(record, spec)

    return get


def group_curves(
    records: Iterable[Any],
    key: str | Callable[[Any], Hashable],
    *,
    duration: str | Callable[[Any], float] = "duration_days",
    event: str | Callable[[Any], bool] = "event",
    confidence: float = 0.95,
    min_size: int = 1,
) -> dict[Hashable, Curve]:
    """Build one Kaplan–Meier curve per group (region, employer, course, site, month…).

    ``key``, ``duration`` and ``event`` are field names (dict key or attribute) or callables.
    Groups with fewer than ``min_size`` records are left out. Groups keep first-seen order.
    """
    get_key, get_duration, get_event = _getter(key), _getter(duration), _getter(event)
    keys: list[Hashable] = []
    durations: list[float] = []
    flags: list[bool] = []
    for record in records:
        keys.append(get_key(record))
        durations.append(get_duration(record))
        flags.append(bool(get_event(record)))
    if not keys:
        return {}

    group_of: dict[Hashable, int] = {}
    codes = np.fromiter(
        (group_of.setdefault(k, len(group_of)) for k in keys), dtype=np.int64, count=len(keys)
    )
    t = np.asarray(durations, dtype=np.float64)
    e = np.asarray(flags, dtype=bool)
    order = np.argsort(codes, kind="stable")
    bounds = np.searchsorted(codes[order], np.arange(len(group_of) + 1))
    curves: dict[Hashable, Curve] = {}
    for k, code in group_of.items():
        rows = order[bounds[code] : bounds[code + 1]]
        if rows.size >= min_size:
            curves[k] = kaplan_meier(t[rows], e[rows], confidence=confidence)
    return curves
