"""The fixed lists the product speaks in, each written once: the kinds of opening, the
labour-market regions, where a worker will go, and the roles that work as officers.

Pure (standard library only): models, forms, imports, the API and the matching engine all read
these. Labels live with the features that show them (``LABELS`` in their models); choices
that need the database (counties, areas) live with the areas in ``app.areas.service``.
"""
from __future__ import annotations

import enum


class JobKind(enum.StrEnum):
    """Market job, public-welfare post or work-relief project."""

    market = "market"
    public_welfare = "public_welfare"
    work_relief = "work_relief"


class Region(enum.StrEnum):
    """Labour-market region of an area or an opening (the order is the matching engine's
    region index)."""

    yrd = "yrd"
    prd = "prd"
    guizhou = "guizhou"
    other = "other"


JOB_KINDS: tuple[str, ...] = tuple(k.value for k in JobKind)
REGIONS: tuple[str, ...] = tuple(r.value for r in Region)
# Where a worker will go: their own county, anywhere in Guizhou, the deltas, or anywhere.
WORKER_REGIONS: tuple[str, ...] = ("local", "guizhou", "yrd", "prd", "any")
# The roles that work the register, openings, referrals and follow-ups.
OFFICERS: tuple[str, ...] = ("officer", "admin")
