"""Explanations in Chinese and English: score components and rule-out reasons.

Python runs here only for the few pairs that are shown, never for the whole grid. Rule-out
reasons are a table, :data:`REASON_TEXT`: one text builder per reason code.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Hashable, Sequence
from datetime import date

import numpy as np

from app.matching.engine_index import _level_factor, _level_factors, similarity_matrix
from app.matching.engine_kernel import COMPONENTS
from app.matching.engine_types import (
    Component,
    JobProfile,
    Match,
    MatchConfig,
    Reason,
    WorkerProfile,
    decode_bits,
)
from app.matching.taxonomy import Taxonomy

_REGION_ZH = {"yrd": "长三角", "prd": "珠三角", "guizhou": "省内", "other": "其他地区",
              "local": "本县", "any": "不限"}
_REGION_EN = {"yrd": "the Yangtze River Delta", "prd": "the Pearl River Delta",
              "guizhou": "Guizhou", "other": "another region", "local": "the own county",
              "any": "anywhere"}
_KIND_ZH = {"market": "市场岗位", "public_welfare": "公益性岗位", "work_relief": "以工代赈"}
_COMPONENT = {key: i for i, key in enumerate(COMPONENTS)}
_EDU_ZH = {"none": "不限", "primary": "小学", "junior": "初中", "senior": "高中",
           "vocational": "中专", "college": "大专", "bachelor": "本科"}
_EDU_EN = {"none": "no schooling", "primary": "primary school", "junior": "junior secondary",
           "senior": "senior secondary", "vocational": "vocational school",
           "college": "college (dazhuan)", "bachelor": "a bachelor's degree"}
_KIND_EN = {"market": "market job", "public_welfare": "public-welfare post",
            "work_relief": "work-relief project"}


def _age_at(birth: date, when: date) -> int:
    return when.year - birth.year - ((when.month, when.day) < (birth.month, birth.day))


def _skill_detail(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                  cfg: MatchConfig) -> list[tuple[str, int, str | None, int, float]]:
    """For each required skill: (code, level, best worker skill, its level, coverage)."""
    return _skill_detail_of(job.required_skills, worker.skills, tax,
                            similarity_matrix(tax, cfg), _level_factor(cfg))


def _skill_detail_of(required: Sequence[tuple[str, int]], skills: Sequence[tuple[str, int]],
                     tax: Taxonomy, sim: np.ndarray,
                     lf: np.ndarray) -> list[tuple[str, int, str | None, int, float]]:
    v = len(tax)
    out = []
    for code, level in required:
        j = tax.index_of(code) if code in tax else v
        best: tuple[float, str | None, int] = (0.0, None, 0)
        for wcode, wlevel in skills:
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
    """The (zh, en) text of one score component.

    Each text depends on a few fields only; they are the keys of small caches, so a text
    shown again (the same opening, trade, wage or region) is looked up, not formatted.
    """
    pct = round(100 * value)
    if key == "skill":
        return _skill_text(pct, job.unclassified, job.required_skills, worker.skills, tax,
                           cfg.name_sim_weight, cfg.name_sim_cutoff, cfg.level_penalty)
    if key == "preferred":
        return _preferred_text(pct, job.preferred_skills, worker.skills, tax)
    if key == "wage":
        return _wage_text(job.wage_min, job.wage_max, worker.min_wage, cfg.wage_floor)
    if key == "region":
        return _region_text("local" if is_local else job.region, worker.regions)
    if key == "amenities":
        return _amenities_text(is_local, job.housing, job.meals)
    if key == "policy":
        return _policy_text(worker.monitored_household, worker.zero_employment_household,
                            worker.category)
    if key == "employer":
        return _employer_text(job.employer_retention, job.employer_wage_arrears)
    return key, key


@functools.lru_cache(maxsize=65536)
def _skill_text(pct: int, unclassified: bool, required: tuple[tuple[str, int], ...],
                skills: tuple[tuple[str, int], ...], tax: Taxonomy, sim_weight: float,
                sim_cutoff: float, level_penalty: float) -> tuple[str, str]:
    if unclassified:
        return ("技能匹配0%：岗位名称未对应任何工种（未分类），不按技能推荐",
                "Skill fit 0%: the opening is not classified yet (its title names no "
                "known trade), so it is offered to nobody on skill")
    if not required:
        return (f"技能匹配{pct}%：岗位不要求特定技能",
                f"Skill fit {pct}%: the opening asks for no particular skill")
    sim = similarity_matrix(tax, MatchConfig(name_sim_weight=sim_weight,
                                             name_sim_cutoff=sim_cutoff))
    lf = _level_factors(float(level_penalty))
    zh, en = [], []
    for code, level, wcode, wlevel, cov in _skill_detail_of(
            required, skills, tax, sim, lf):
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


@functools.lru_cache(maxsize=16384)
def _preferred_text(pct: int, preferred: tuple, skills: tuple,
                    tax: Taxonomy) -> tuple[str, str]:
    if not preferred:
        return ("岗位无加分技能，按技能匹配计", "No preferred skills; counted as skill fit")
    have = {c for c, _ in skills}
    hit = [c for c in preferred if c in have]
    names = "、".join(tax.skill_label(c) for c in preferred)
    names_en = ", ".join(tax.skill_label(c, "en") for c in preferred)
    return (f"加分技能（{names}）满足{pct}%，已有{len(hit)}项",
            f"Preferred skills ({names_en}) met {pct}%, {len(hit)} held outright")


@functools.lru_cache(maxsize=16384)
def _wage_text(wage_min: int, wage_max: int, min_wage: int, floor: int) -> tuple[str, str]:
    top = max(wage_max, wage_min)
    wage = f"{wage_min}-{top}" if top != wage_min else f"{top}"
    ask = min_wage or floor
    stated = "期望不低于" if min_wage else "未填期望，按"
    return (f"月薪{wage}元，{stated}{ask}元",
            f"Pays {wage} CNY a month against a lowest acceptable {ask} CNY")


@functools.lru_cache(maxsize=1024)
def _region_text(where: str, regions: tuple[str, ...]) -> tuple[str, str]:
    prefs = list(regions or ("any",))
    rank = next((i for i, p in enumerate(prefs) if p in (where, "any")
                 or (where == "local" and p == "guizhou")), 0)
    return (f"工作地在{_REGION_ZH.get(where, where)}，为第{rank + 1}意向",
            f"Workplace in {_REGION_EN.get(where, where)}, preference no. {rank + 1}")


@functools.lru_cache(maxsize=8)
def _amenities_text(is_local: bool, housing: bool, meals: bool) -> tuple[str, str]:
    if is_local:
        return "在本县工作，无需食宿", "Work in the own county; board and lodging not needed"
    board_zh = ("包住" if housing else "不包住") + "、" + ("包吃" if meals else "不包吃")
    board_en = ("housing" if housing else "no housing") + ", " + (
        "meals" if meals else "no meals")
    return f"外出务工：{board_zh}", f"Work away from home: {board_en}"


@functools.lru_cache(maxsize=4096)
def _employer_text(ret: float | None, arrears: bool) -> tuple[str, str]:
    kept_zh = f"企业留工率{round(100 * ret)}%" if ret is not None else "企业留工率未知"
    kept_en = f"employer retention {round(100 * ret)}%" if ret is not None \
        else "employer retention unknown"
    if arrears:
        return (kept_zh + "；有欠薪记录，降低排序",
                kept_en.capitalize() + "; wage arrears on record, demoted")
    return kept_zh, kept_en.capitalize()


def _held_until(worker: WorkerProfile) -> dict[str, date]:
    held: dict[str, date] = {}
    for c in worker.certificates:
        held[c.code] = max(held.get(c.code, c.expires) or date.max, c.expires or date.max)
    return held


def _cached_by(key: Callable[[JobProfile, WorkerProfile, Taxonomy, MatchConfig], Hashable]
               ) -> Callable[[ReasonBuilder], ReasonText]:
    """Keep a reason builder's results by ``key``: the fields its text depends on.

    Reasons are immutable, so one tuple serves every pair with the same fields (a page of
    rule-outs repeats the same regions, kinds, certificates and dates).
    """
    def wrap(build: ReasonBuilder) -> ReasonText:
        memo: dict[Hashable, tuple[Reason, ...]] = {}

        @functools.wraps(build)
        def text(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                 cfg: MatchConfig) -> tuple[Reason, ...]:
            k = key(job, worker, tax, cfg)
            try:
                return memo[k]
            except KeyError:
                if len(memo) >= 65536:
                    memo.clear()
                got = memo[k] = tuple(build(job, worker, tax, cfg))
                return got
        return text
    return wrap


ReasonBuilder = Callable[[JobProfile, WorkerProfile, Taxonomy, MatchConfig], Sequence[Reason]]


@_cached_by(lambda j, w, tax, cfg: (j.required_certificates, w.certificates, tax))
def _cert_missing(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                  cfg: MatchConfig) -> list[Reason]:
    held = _held_until(worker)
    return [Reason("cert_missing", f"缺少{tax.cert_label(cert)}",
                   f"Missing {tax.cert_label(cert, 'en')}", cert)
            for cert in job.required_certificates if cert not in held]


@_cached_by(lambda j, w, tax, cfg: (j.required_certificates, j.start_date, w.certificates, tax))
def _cert_expired(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                  cfg: MatchConfig) -> list[Reason]:
    held = _held_until(worker)
    return [Reason("cert_expired", f"{tax.cert_label(cert)}将于开工前过期（{held[cert]}）",
                   f"{tax.cert_label(cert, 'en').capitalize()} expires {held[cert]}, "
                   "before the start date", cert)
            for cert in job.required_certificates
            if cert in held and held[cert] < job.start_date]


@_cached_by(lambda j, w, tax, cfg: (j.required_skills, w.skills, tax, cfg.name_sim_weight,
                      cfg.name_sim_cutoff, cfg.level_penalty))
def _skill_gap(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
               cfg: MatchConfig) -> list[Reason]:
    return [Reason("skill_gap", f"缺少技能：{tax.skill_label(scode)}（{level}级）",
                   f"Missing skill: {tax.skill_label(scode, 'en')} (level {level})", scode)
            for scode, level, _, _, cov in _skill_detail(job, worker, tax, cfg) if cov <= 1e-6]


@_cached_by(lambda j, w, tax, cfg: (w.birth_date, j.start_date, j.age_min, j.age_max))
def _age(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
         cfg: MatchConfig) -> list[Reason]:
    age = _age_at(worker.birth_date, job.start_date)
    lo, hi = job.age_min or 16, job.age_max or 99
    return [Reason("age", f"开工时{age}岁，不在{lo}-{hi}岁要求内",
                   f"Aged {age} at start, outside {lo}-{hi}")]


@_cached_by(lambda j, w, tax, cfg: j.region)
def _region(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
            cfg: MatchConfig) -> list[Reason]:
    place = _REGION_ZH.get(job.region, job.region)
    return [Reason("region", f"工作地（{place}）不在求职意向内",
                   f"Workplace in {_REGION_EN.get(job.region, job.region)} "
                   "is not among the worker's regions")]


@_cached_by(lambda j, w, tax, cfg: j.kind)
def _kind_ineligible(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                     cfg: MatchConfig) -> list[Reason]:
    return [Reason("kind_ineligible", f"{_KIND_ZH[job.kind]}仅限本县监测户或零就业家庭成员",
                   f"The {_KIND_EN[job.kind]} is only for members of monitored or "
                   "zero-employment households living in its county")]


@_cached_by(lambda j, w, tax, cfg: j.kind)
def _kind_unwanted(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                   cfg: MatchConfig) -> list[Reason]:
    return [Reason("kind_unwanted", f"本人不考虑{_KIND_ZH.get(job.kind, job.kind)}",
                   f"The worker does not want a {_KIND_EN.get(job.kind, job.kind)}")]


@_cached_by(lambda j, w, tax, cfg: (w.available_from, j.start_date))
def _not_available(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
                   cfg: MatchConfig) -> list[Reason]:
    return [Reason("not_available",
                   f"{worker.available_from}才能到岗，晚于开工日期{job.start_date}",
                   f"Available from {worker.available_from}, after the start "
                   f"date {job.start_date}")]


@_cached_by(lambda j, w, tax, cfg: (j.min_education, w.education))
def _education(job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
               cfg: MatchConfig) -> Sequence[Reason]:
    need, held = job.min_education, worker.education
    return (Reason("education",
                   f"学历要求{_EDU_ZH.get(need, need)}及以上，本人为{_EDU_ZH.get(held, held)}"
                   "（学历无法通过技能培训补足）",
                   f"Requires {_EDU_EN.get(need, need)} or above; the worker has "
                   f"{_EDU_EN.get(held, held)} (no training course makes up for schooling)"),)


def _fixed(code: str, zh: str, en: str) -> ReasonText:
    reason = (Reason(code, zh, en),)
    return lambda job, worker, tax, cfg: reason


ReasonText = Callable[[JobProfile, WorkerProfile, Taxonomy, MatchConfig], Sequence[Reason]]
# Every reason code in RULES has its explained text here (checked by a unit test).
REASON_TEXT: dict[str, ReasonText] = {
    "closed": _fixed("closed", "岗位已招满或已关闭", "The opening is filled or closed"),
    "employer_suspended": _fixed("employer_suspended", "用人单位已被暂停",
                                 "The employer is suspended"),
    "age": _age,
    "region": _region,
    "care_duties": _fixed("care_duties", "需照顾家庭，只能在本县工作",
                          "Care duties: work in the own county only"),
    "kind_ineligible": _kind_ineligible,
    "kind_unwanted": _kind_unwanted,
    "not_available": _not_available,
    "cert_missing": _cert_missing,
    "cert_expired": _cert_expired,
    "skill_gap": _skill_gap,
    "education": _education,
}


@functools.lru_cache(maxsize=64)
def _policy_text(monitored: bool, zero_employment: bool, category: str) -> tuple[str, str]:
    tags = [t for t, on in (("监测户", monitored), ("零就业家庭", zero_employment),
                            ("搬迁劳动力", category == "relocated"),
                            ("脱贫家庭毕业生", category == "graduate"),
                            ("返乡人员", category == "returnee")) if on]
    tags_en = [t for t, on in (("monitored household", monitored),
                               ("zero-employment household", zero_employment),
                               ("relocated", category == "relocated"),
                               ("graduate", category == "graduate"),
                               ("returnee", category == "returnee")) if on]
    if not tags:
        return "一般劳动力，无政策优先", "General worker, no policy priority"
    return f"政策优先：{'、'.join(tags)}", f"Policy priority: {', '.join(tags_en)}"


@functools.lru_cache(maxsize=4096)
def _texts_of(bits: int) -> tuple[ReasonText, ...]:
    return tuple(REASON_TEXT[code] for code in decode_bits(bits))


def _reasons(bits: int, job: JobProfile, worker: WorkerProfile, tax: Taxonomy,
             cfg: MatchConfig) -> tuple[Reason, ...]:
    return tuple(r for text in _texts_of(bits) for r in text(job, worker, tax, cfg))


def _match(job: JobProfile, worker: WorkerProfile, values: np.ndarray, weights: dict[str, float],
           is_local: bool, tax: Taxonomy, cfg: MatchConfig) -> Match:
    """The explained Match of one pair from its kernel component values (SCORERS order)."""
    vals = values.tolist()
    comps = []
    points = []
    for key, weight, shown, at in _weight_list(tuple(weights.items())):
        value = vals[at]
        zh, en = _explain(key, value, job, worker, tax, cfg, is_local)
        p = round(weight * value, 2)
        points.append(p)
        comps.append(Component(key, round(value, 4), shown, p, zh, en))
    return Match(job.id, worker.id, round(sum(points), 2), tuple(comps))


@functools.lru_cache(maxsize=16)
def _weight_list(weights: tuple[tuple[str, float], ...]
                 ) -> tuple[tuple[str, float, float, int], ...]:
    """(key, weight, weight as shown, position in the kernel's components), made once."""
    return tuple((key, weight, round(weight, 2), _COMPONENT[key]) for key, weight in weights)
