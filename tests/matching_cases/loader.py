"""Load the labelled matching cases (cases.toml + openings.toml) into engine profiles."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from app.matching.engine import HeldCertificate, JobProfile, WorkerProfile
from app.skills.taxonomy import Taxonomy, default_taxonomy
from app.skills.text import parse_skills

HERE = Path(__file__).resolve().parent
START = date(2026, 3, 1)


@dataclass(frozen=True)
class Case:
    """One labelled worker with the openings expected on top and those ruled out."""

    id: str
    note: str
    worker: WorkerProfile
    expect: tuple[str, ...]
    rule_out: dict[str, str]


def load_openings(path: Path = HERE / "openings.toml") -> list[JobProfile]:
    """The shared opening pool."""
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    jobs = []
    for o in data["opening"]:
        age = o.get("age", [None, None])
        wage = o.get("wage", [0, 0])
        skills = tuple((s.split(":")[0], int(s.split(":")[1])) for s in o.get("skills", []))
        jobs.append(JobProfile(
            id=o["id"], employer_id=o["id"], start_date=o.get("start", START),
            status=o.get("status", "open"), openings_left=o.get("openings", 5),
            age_min=age[0], age_max=age[1], required_certificates=tuple(o.get("certs", [])),
            required_skills=skills, wage_min=wage[0], wage_max=wage[1],
            region=o.get("region", "guizhou"), county=o["county"],
            kind=o.get("kind", "market"), eligible_county=o.get("eligible_county", ""),
            housing=o.get("housing", False), meals=o.get("meals", False),
            employer_suspended=o.get("suspended", False),
            employer_wage_arrears=o.get("arrears", False),
            employer_retention=o.get("retention"), title=o.get("title", "")))
    return jobs


def _cert(spec: str) -> HeldCertificate:
    code, _, expiry = spec.partition("@")
    return HeldCertificate(code, date.fromisoformat(expiry) if expiry else None)


def load_cases(path: Path = HERE / "cases.toml", tax: Taxonomy | None = None) -> list[Case]:
    """The labelled cases, with free-text skills resolved by the text module."""
    tax = tax or default_taxonomy()
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    cases = []
    for c in data["case"]:
        level = c.get("level", 3)
        skills = tuple((r.skill, level) for r in parse_skills(c["skills"], tax) if r.skill)
        worker = WorkerProfile(
            id=c["id"], birth_date=c.get("birth", date(1988, 5, 10)),
            county=c.get("county", "522301"), skills=skills,
            certificates=tuple(_cert(s) for s in c.get("certs", [])),
            regions=tuple(c.get("regions", ["local", "guizhou"])),
            min_wage=c.get("min_wage", 3000),
            kinds=tuple(c.get("kinds", ["market", "public_welfare", "work_relief"])),
            available_from=c.get("available"), care_duties=c.get("care", False),
            category=c.get("category", "general"), monitored_household=c.get("monitored", False),
            zero_employment_household=c.get("zero", False))
        cases.append(Case(c["id"], c["note"], worker, tuple(c.get("expect", [])),
                          dict(c.get("rule_out", {}))))
    return cases
