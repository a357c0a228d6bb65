"""Tests for the shipped administrative-area data and its validator."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from app.areas.records import (
    DEFAULT_AREAS_PATH,
    AreaRow,
    ancestors,
    areas_by_code,
    read_areas,
    read_changes,
    read_towns,
    region_of,
    validate_areas,
)
from app.auth.models import code_prefix


@pytest.fixture(scope="module")
def rows() -> list[AreaRow]:
    return read_areas()


@pytest.fixture(scope="module")
def by_code(rows: list[AreaRow]) -> dict[str, AreaRow]:
    return areas_by_code(rows)


def test_shipped_file_validates_clean(rows: list[AreaRow]) -> None:
    assert DEFAULT_AREAS_PATH.is_file()
    assert validate_areas(rows) == []


def test_header_and_encoding() -> None:
    first_line = DEFAULT_AREAS_PATH.read_text(encoding="utf-8").splitlines()[0]
    assert first_line == "code,name,name_en,level,parent_code,region"


def test_guizhou_has_9_prefectures_and_88_counties(rows: list[AreaRow]) -> None:
    guizhou = [r for r in rows if r.region == "guizhou"]
    levels = Counter(r.level for r in guizhou)
    assert levels == {"province": 1, "prefecture": 9, "county": 88}
    prefectures = {r.code for r in guizhou if r.level == "prefecture"}
    assert prefectures == {
        "520100", "520200", "520300", "520400", "520500", "520600", "522300", "522600", "522700",
    }


def test_every_guizhou_county_hangs_off_a_guizhou_prefecture(
    rows: list[AreaRow], by_code: dict[str, AreaRow]
) -> None:
    counties = [r for r in rows if r.code.startswith("52") and r.level == "county"]
    assert len(counties) == 88
    for county in counties:
        parent = by_code[county.parent_code or ""]
        assert parent.level == "prefecture", county
        assert parent.region == "guizhou", county
        assert parent.parent_code == "520000", county


@pytest.mark.parametrize(
    ("prefecture", "count"),
    [
        ("520100", 10), ("520200", 4), ("520300", 14), ("520400", 6), ("520500", 8),
        ("520600", 10), ("522300", 8), ("522600", 16), ("522700", 12),
    ],
)
def test_county_count_per_guizhou_prefecture(
    rows: list[AreaRow], prefecture: str, count: int
) -> None:
    assert sum(1 for r in rows if r.parent_code == prefecture) == count


@pytest.mark.parametrize(
    ("code", "name", "parent"),
    [
        ("520115", "观山湖区", "520100"),
        ("520201", "钟山区", "520200"),
        ("520203", "六枝特区", "520200"),
        ("520204", "水城区", "520200"),
        ("520281", "盘州市", "520200"),
        ("520304", "播州区", "520300"),
        ("520502", "七星关区", "520500"),
        ("520526", "威宁彝族回族苗族自治县", "520500"),
        ("520581", "黔西市", "520500"),
        ("522302", "兴仁市", "522300"),
        ("522732", "三都水族自治县", "522700"),
    ],
)
def test_current_guizhou_codes(
    by_code: dict[str, AreaRow], code: str, name: str, parent: str
) -> None:
    row = by_code[code]
    assert (row.name, row.parent_code, row.level, row.region) == (name, parent, "county", "guizhou")


def test_retired_codes_are_absent(by_code: dict[str, AreaRow]) -> None:
    # 水城县 520221 -> 水城区 520204 (2020); 黔西县 520522 -> 黔西市 520581 (2021);
    # 盘县 520222 -> 盘州市 520281; 遵义县 520321 -> 播州区 520304; 兴仁县 522322 -> 522302.
    for retired in ("520221", "520522", "520222", "520321", "522322"):
        assert retired not in by_code


def test_prd_has_exactly_nine_cities(rows: list[AreaRow], by_code: dict[str, AreaRow]) -> None:
    cities = {r.code: r.name for r in rows if r.region == "prd" and r.level == "prefecture"}
    assert set(cities) == {
        "440100", "440300", "440400", "440600", "441300", "441900", "442000", "440700", "441200",
    }
    assert by_code["440000"].region == "other"
    for row in rows:
        if row.region == "prd" and row.level == "county":
            assert by_code[row.parent_code or ""].code in cities
    # Dongguan and Zhongshan have no county-level divisions.
    assert not [r for r in rows if r.parent_code in ("441900", "442000")]


def test_yrd_contents(rows: list[AreaRow]) -> None:
    shanghai = [r for r in rows if r.parent_code == "310000"]
    assert len(shanghai) == 16
    assert all(r.level == "county" and r.region == "yrd" for r in shanghai)
    for province, count in (("320000", 13), ("330000", 11), ("340000", 16)):
        cities = [r for r in rows if r.parent_code == province]
        assert len(cities) == count, province
        assert all(r.level == "prefecture" and r.region == "yrd" for r in cities)


def test_the_national_map_is_complete(rows: list[AreaRow], by_code: dict[str, AreaRow]) -> None:
    levels = Counter(r.level for r in rows)
    assert levels["province"] == 34  # incl. Taiwan, Hong Kong, Macao (no divisions listed)
    assert levels["prefecture"] >= 330
    assert levels["county"] >= 2840
    for code in ("110000", "120000", "310000", "500000"):  # the four municipalities
        assert by_code[code].level == "province"
        assert [r for r in rows if r.parent_code == code and r.level == "county"]
    for code, name in (("420100", "武汉市"), ("510100", "成都市"), ("610100", "西安市"),
                       ("350200", "厦门市"), ("350103", "台江区"), ("460106", "龙华区"),
                       ("130205", "开平区"), ("511524", "长宁县"), ("320583", "昆山市"),
                       ("330782", "义乌市"), ("429004", "仙桃市")):
        assert by_code[code].name == name


def test_regions_follow_from_the_code(rows: list[AreaRow]) -> None:
    assert (region_of("520115"), region_of("320583"), region_of("441900"),
            region_of("440500"), region_of("420100")) == ("guizhou", "yrd", "prd", "other",
                                                          "other")
    assert all(r.region == region_of(r.code) for r in rows if r.level != "other")


def test_changes_and_towns_point_at_current_areas(by_code: dict[str, AreaRow]) -> None:
    changes = read_changes()
    assert {(c.old_name, c.code) for c in changes} >= {
        ("盘县", "520281"), ("水城县", "520204"), ("郫县", "510117"), ("襄樊市", "420600")}
    assert all(c.code in by_code for c in changes)
    towns = read_towns()
    assert {("长安镇", "441900"), ("虎门镇", "441900"), ("花桥镇", "320583")} <= {
        (t.name, t.area_code) for t in towns}
    assert all(t.area_code in by_code for t in towns)


def test_catch_all_row(by_code: dict[str, AreaRow]) -> None:
    other = by_code["990000"]
    assert (other.name, other.level, other.parent_code, other.region) == (
        "其他地区", "other", None, "other"
    )


def test_names_and_english_names_are_filled(rows: list[AreaRow]) -> None:
    assert all(r.name and r.name_en for r in rows)
    assert len({r.code for r in rows}) == len(rows)


def test_ancestors(by_code: dict[str, AreaRow]) -> None:
    chain = [r.code for r in ancestors(by_code["520303"], by_code)]
    assert chain == ["520303", "520300", "520000"]


BROKEN_CSV = """\
code,name,name_en,level,parent_code,region
520000,贵州省,Guizhou,province,,guizhou
520100,贵阳市,Guiyang,prefecture,520000,guizhou
520100,贵阳市,Guiyang again,prefecture,520000,guizhou
520102,南明区,Nanming District,county,529900,guizhou
520103,云岩区,Yunyan District,prefecture,520100,guizhou
520111,花溪区,Huaxi District,county,520100,yrd
52011,乌当区,Wudang District,county,520100,guizhou
440000,广东省,Guangdong,province,,other
440300,深圳市,Shenzhen,prefecture,440000,guizhou
520112,乌当区,Wudang District,county,520000,guizhou
520113,白云区,,county,520100,guizhou
520115,观山湖区,Guanshanhu District,town,520100,guizhou
520121,开阳县,Kaiyang County,county,440300,guizhou
"""


def test_broken_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(BROKEN_CSV, encoding="utf-8")
    problems = validate_areas(read_areas(path))
    text = "\n".join(problems)
    expected = [
        "520100: duplicate code",
        "520102 南明区: unknown parent 529900",
        "520103 云岩区: a prefecture code must end in 00",
        "520103 云岩区: parent 520100 is level 'prefecture', not above 'prefecture'",
        "520111 花溪区: region 'yrd' does not fit province code 52",
        "520111 花溪区: region 'yrd' differs from parent 520100",
        "52011 乌当区: code must be six digits",
        "440300 深圳市: region 'guizhou' does not fit province code 44",
        "520112 乌当区: county-level row under a province must be a municipal district",
        "520113 白云区: empty name_en",
        "520115 观山湖区: unknown level 'town'",
        "520121 开阳县: code does not start with parent 440300's prefix",
    ]
    for fragment in expected:
        assert fragment in text, fragment


def test_missing_column_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text("code,name\n520000,贵州省\n", encoding="utf-8")
    with pytest.raises(ValueError, match="name_en"):
        read_areas(path)


def test_bom_and_blank_lines_are_tolerated(tmp_path: Path) -> None:
    path = tmp_path / "areas.csv"
    path.write_text(
        "\ufeffcode,name,name_en,level,parent_code,region\n\n"
        "520000,贵州省,Guizhou,province,,guizhou\n",
        encoding="utf-8",
    )
    assert read_areas(path) == [AreaRow("520000", "贵州省", "Guizhou", "province", None, "guizhou")]


def test_officer_scoping_by_code_prefix_holds_on_the_national_map(
    rows: list[AreaRow], by_code: dict[str, AreaRow]
) -> None:
    # app.auth.scoping limits an officer to the codes starting with the area's prefix
    # (province 2 digits, prefecture 4): everything inside an area must share it.

    for row in rows:
        for above in ancestors(row, by_code)[1:]:
            assert row.code.startswith(code_prefix(above.code, above.level)), (row, above)
