"""Explanations in Chinese and English: score components and rule-out reasons.

Python runs here only for the few pairs that are shown, never for the whole grid.
"""

from __future__ import annotations

from datetime import date

import numpy as np

from app.matching.engine_index import _level_factor, similarity_matrix
from app.matching.engine_scoring import _Grid, _weights
from app.matching.engine_types import (
    Component,
    JobProfile,
    Match,
    MatchConfig,
    Reason,
    WorkerProfile,
    decode_bits,
)
from app.skills.taxonomy import Taxonomy

_REGION_ZH = {"yrd": "长三角", "prd": "珠三角", "guizhou": "省内", "other": "其他地区",
              "local": "本县", "any": "不限"}
_REGION_EN = {"yrd": "the Yangtze River Delta", "prd": "the Pearl River Delta",
              "guizhou": "Guizhou", "other": "another region", "local": "the own county",
              "any": "anywhere"}
_KIND_ZH = {"market": "市场岗位", "public_welfare": "公益性岗位", "work_relief": "以工代赈"}
_KIND_EN = {"market": "market job", "public_welfare": "public-welfare post",
            "work_relief": "work-relief project"}


def _age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def _skill_detail(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                  cfg: MatchConfig) -> list[tuple[str, int, str | None, int, float]]:
    """For each required skill: (code, level, best worker skill, its level, coverage)."""
    sim, lf = similarity_matrix(tax, cfg), _level_factor(cfg)
    v = len(tax)
    out = []
    for code, level in job.required_skills:
        j = tax.index_of(code) if code in tax else v
        best: tuple[float, str | None, int] = (0.0, None, 0)
        for wcode, wlevel in worker.skills:
            if wcode not in tax:
                continue
            c = float(sim[tax.index_of(wcode), j] * lf[min(max(wlevel, 1), 5),
                                                        min(max(level, 1), 5)])
            if c > best[0]:
                best = (c, wcode, wlevel)
        out.append((code, level, best[1], best[2], best[0]))
    return out


def _explain(key: str, value: float, job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
             cfg: MatchConfig, is_local: bool) -> tuple[str, str]:
    pct = round(100 * value)
    if key == "skill":
        if not job.required_skills:
            return (f"技能匹配{pct}%：岗位不要求特定技能",
                    f"Skill fit {pct}%: the opening asks for no particular skill")
        zh, en = [], []
        for code, level, wcode, wlevel, cov in _skill_detail(job, worker, tax, cfg):
            need_zh, need_en = tax.skill_label(code), tax.skill_label(code, "en")
            if wcode is None:
                zh.append(f"{need_zh}{level}级：无相关技能")
                en.append(f"{need_en} level {level}: no related skill")
            else:
                zh.append(f"{need_zh}{level}级←{tax.skill_label(wcode)}{wlevel}级"
                          f"（{round(100 * cov)}%）")
                en.append(f"{need_en} level {level} <- {tax.skill_label(wcode, 'en')} "
                          f"level {wlevel} ({round(100 * cov)}%)")
        return f"技能匹配{pct}%：" + "；".join(zh), f"Skill fit {pct}%: " + "; ".join(en)
    if key == "preferred":
        if not job.preferred_skills:
            return ("岗位无加分技能，按技能匹配计", "No preferred skills; counted as skill fit")
        have = {c for c, _ in worker.skills}
        hit = [c for c in job.preferred_skills if c in have]
        names = "、".join(tax.skill_label(c) for c in job.preferred_skills)
        names_en = ", ".join(tax.skill_label(c, "en") for c in job.preferred_skills)
        return (f"加分技能（{names}）满足{pct}%，已有{len(hit)}项",
                f"Preferred skills ({names_en}) met {pct}%, {len(hit)} held outright")
    if key == "wage":
        top = max(job.wage_max, job.wage_min)
        wage = f"{job.wage_min}-{top}" if top != job.wage_min else f"{top}"
        ask = worker.min_wage or cfg.wage_floor
        stated = "期望不低于" if worker.min_wage else "未填期望，按"
        return (f"月薪{wage}元，{stated}{ask}元",
                f"Pays {wage} CNY a month against a lowest acceptable {ask} CNY")
    if key == "region":
        where = "local" if is_local else job.region
        prefs = list(worker.regions or ("any",))
        rank = next((i for i, p in enumerate(prefs) if p in (where, "any")
                     or (where == "local" and p == "guizhou")), 0)
        return (f"工作地在{_REGION_ZH.get(where, where)}，为第{rank + 1}意向",
                f"Workplace in {_REGION_EN.get(where, where)}, preference no. {rank + 1}")
    if key == "amenities":
        if is_local:
            return "在本县工作，无需食宿", "Work in the own county; board and lodging not needed"
        zh = ("包住" if job.housing else "不包住") + "、" + ("包吃" if job.meals else "不包吃")
        en = ("housing" if job.housing else "no housing") + ", " + (
            "meals" if job.meals else "no meals")
        return f"外出务工：{zh}", f"Work away from home: {en}"
    if key == "policy":
        tags = [t for t, on in (("监测户", worker.monitored_household),
                                ("零就业家庭", worker.zero_employment_household),
                                ("搬迁劳动力", worker.category == "relocated"),
                                ("脱贫家庭毕业生", worker.category == "graduate"),
                                ("返乡人员", worker.category == "returnee")) if on]
        tags_en = [t for t, on in (("monitored household", worker.monitored_household),
                                   ("zero-employment household",
                                    worker.zero_employment_household),
                                   ("relocated", worker.category == "relocated"),
                                   ("graduate", worker.category == "graduate"),
                                   ("returnee", worker.category == "returnee")) if on]
        if not tags:
            return "一般劳动力，无政策优先", "General worker, no policy priority"
        return (f"政策优先：{'、'.join(tags)}", f"Policy priority: {', '.join(tags_en)}")
    if key == "employer":
        ret = job.employer_retention
        zh = f"企业留工率{round(100 * ret)}%" if ret is not None else "企业留工率未知"
        en = f"employer retention {round(100 * ret)}%" if ret is not None \
            else "employer retention unknown"
        if job.employer_wage_arrears:
            return (zh + "；有欠薪记录，降低排序",
                    en.capitalize() + "; wage arrears on record, demoted")
        return zh, en.capitalize()
    return key, key


def _reasons(bits: int, job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
             cfg: MatchConfig) -> tuple[Reason, ...]:
    out: list[Reason] = []
    for code in decode_bits(bits):
        if code == "closed":
            out.append(Reason(code, "岗位已招满或已关闭", "The opening is filled or closed"))
        elif code == "employer_suspended":
            out.append(Reason(code, "用人单位已被暂停", "The employer is suspended"))
        elif code == "age":
            age = _age_at(worker.birth_date, job.start_date)
            lo, hi = job.age_min or 16, job.age_max or 99
            out.append(Reason(code, f"开工时{age}岁，不在{lo}-{hi}岁要求内",
                              f"Aged {age} at start, outside {lo}-{hi}"))
        elif code == "region":
            place = _REGION_ZH.get(job.region, job.region)
            out.append(Reason(code, f"工作地（{place}）不在求职意向内",
                              f"Workplace in {_REGION_EN.get(job.region, job.region)} "
                              "is not among the worker's regions"))
        elif code == "care_duties":
            out.append(Reason(code, "需照顾家庭，只能在本县工作",
                              "Care duties: work in the own county only"))
        elif code == "kind_ineligible":
            out.append(Reason(code, f"{_KIND_ZH[job.kind]}仅限本县监测户或零就业家庭成员",
                              f"The {_KIND_EN[job.kind]} is only for members of monitored or "
                              "zero-employment households living in its county"))
        elif code == "kind_unwanted":
            out.append(Reason(code, f"本人不考虑{_KIND_ZH.get(job.kind, job.kind)}",
                              f"The worker does not want a {_KIND_EN.get(job.kind, job.kind)}"))
        elif code == "not_available":
            out.append(Reason(code, f"{worker.available_from}才能到岗，"
                                    f"晚于开工日期{job.start_date}",
                              f"Available from {worker.available_from}, after the start "
                              f"date {job.start_date}"))
        elif code in ("cert_missing", "cert_expired"):
            held = {}
            for c in worker.certificates:
                held[c.code] = max(held.get(c.code, c.expires) or date.max, c.expires or date.max)
            for cert in job.required_certificates:
                if cert not in held and code == "cert_missing":
                    out.append(Reason(code, f"缺少{tax.cert_label(cert)}",
                                      f"Missing {tax.cert_label(cert, 'en')}", cert))
                elif cert in held and held[cert] < job.start_date and code == "cert_expired":
                    out.append(Reason(code, f"{tax.cert_label(cert)}将于开工前过期（{held[cert]}）",
                                      f"{tax.cert_label(cert, 'en').capitalize()} expires "
                                      f"{held[cert]}, before the start date", cert))
        elif code == "skill_gap":
            for scode, level, _, _, cov in _skill_detail(job, worker, tax, cfg):
                if cov <= 1e-6:
                    out.append(Reason(code, f"缺少技能：{tax.skill_label(scode)}（{level}级）",
                                      f"Missing skill: {tax.skill_label(scode, 'en')} "
                                      f"(level {level})", scode))
    return tuple(out)


def _match(g: _Grid, parts: dict[str, np.ndarray], n: int, b: int) -> Match:
    job, worker = g.jobs.jobs[n], g.workers.workers[g.w.start + b]
    tax, cfg = g.jobs.taxonomy, g.cfg
    comps = []
    for key, weight in _weights(cfg).items():
        value = float(parts[key][n, b])
        zh, en = _explain(key, value, job, worker, tax, cfg, bool(g.is_local[n, b]))
        comps.append(Component(key, round(value, 4), round(weight, 2),
                               round(weight * value, 2), zh, en))
    return Match(job.id, worker.id, round(sum(c.points for c in comps), 2), tuple(comps))
