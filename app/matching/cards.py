"""Candidates as an employer sees them: a card per referral with what the worker can do
and why they fit (skills, certificates, experience, education, regions, the explanation).

Personal numbers are not on the card (the list shows them masked, app.registry.privacy);
certificates are shown by kind, never by number.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from app.matching import engine
from app.matching.service import (
    ComponentView,
    ReasonView,
    _components,
    _reasons,
    explain_pair,
    lang,
    worker_skills,
)
from app.placements.models import Referral
from app.registry.models import LABELS as REGISTRY_LABELS
from app.skills.taxonomy import default_taxonomy

# What the explanation tells an employer: the fit for the work (not the officers' policy
# priority nor the employer's own record).
EMPLOYER_COMPONENTS = ("skill", "preferred", "wage", "region", "amenities")


@dataclass
class CandidateCard:
    """What a card shows about one referred worker."""

    skills: list[str] = field(default_factory=list)
    certificates: list[str] = field(default_factory=list)
    experience: list[str] = field(default_factory=list)
    education: str = ""
    regions: list[str] = field(default_factory=list)
    components: list[ComponentView] = field(default_factory=list)
    reasons: list[ReasonView] = field(default_factory=list)


def _years(start: date | None, end: date | None) -> str:
    if start is None:
        return ""
    return f"{start.year}–{end.year if end else ''}"


def candidate_card(referral: Referral, today: date) -> CandidateCard:
    """The card of one referral (its worker against its opening)."""
    worker, lg, tax = referral.worker, lang(), default_taxonomy()
    card = CandidateCard()
    for s in worker_skills(worker):
        card.skills.append(tax.skill_label(s.skill_code, lg) if s.skill_code
                           else s.source_text)
    card.certificates = [tax.cert_label(c.kind, lg) for c in worker.certificates]
    for h in sorted(worker.work_history, key=lambda h: h.start_date or date.min,
                    reverse=True)[:3]:
        card.experience.append(" · ".join(p for p in (
            h.job_title, h.employer_name, _years(h.start_date, h.end_date)) if p))
    card.education = str(REGISTRY_LABELS["education"].get(worker.education, ""))
    card.regions = [str(REGISTRY_LABELS["region_pref"].get(r, r))
                    for r in worker.regions_acceptable or []]
    verdict = explain_pair(worker, referral.job, today)
    if isinstance(verdict, engine.Match):
        card.components = [c for c in _components(verdict, lg)
                           if c.text and c.key in EMPLOYER_COMPONENTS]
    else:
        card.reasons = _reasons(verdict, lg)
    return card


def candidate_cards(referrals: Sequence[Referral], today: date) -> dict[int, CandidateCard]:
    """Cards by referral id for one page of referrals."""
    return {r.id: candidate_card(r, today) for r in referrals}
