"""The one place resolver (app.areas.resolver) on the national map, with the rows of real
partner lists that were refused or misplaced before (issue 14)."""

from __future__ import annotations

import pytest

from app.areas.records import AreaChange, AreaRow, Town, read_areas
from app.areas.resolver import ParseError, Place, PlaceIndex, parse_place


@pytest.fixture(scope="module")
def areas() -> list[AreaRow]:
    return read_areas()


@pytest.fixture(scope="module")
def index(areas: list[AreaRow]) -> PlaceIndex:
    return PlaceIndex(areas)


# text -> (province_code, city_code, county_code, region, remote_recruitment, detail)
PLACE_CASES: list[tuple[str, tuple[str | None, str | None, str | None, str | None, bool, str]]] = [
    ("上海-松江区", ("310000", None, "310117", "yrd", False, "")),
    ("上海市浦东新区", ("310000", None, "310115", "yrd", False, "")),
    ("上海", ("310000", None, None, "yrd", False, "")),
    ("深圳-南山区", ("440000", "440300", "440305", "prd", False, "")),
    ("深圳市宝安区", ("440000", "440300", "440306", "prd", False, "")),
    ("中山市小榄镇", ("440000", "442000", None, "prd", False, "小榄镇")),
    ("贵州省遵义市汇川区", ("520000", "520300", "520303", "guizhou", False, "")),
    ("遵义汇川", ("520000", "520300", "520303", "guizhou", False, "")),
    ("杭州", ("330000", "330100", None, "yrd", False, "")),
    ("浙江省杭州市", ("330000", "330100", None, "yrd", False, "")),
    ("宿州", ("340000", "341300", None, "yrd", False, "")),
    ("泰州", ("320000", "321200", None, "yrd", False, "")),
    ("台州", ("330000", "331000", None, "yrd", False, "")),
    ("广东佛山顺德", ("440000", "440600", "440606", "prd", False, "")),
    ("广东省江门市开平市", ("440000", "440700", "440783", "prd", False, "")),
    ("广东", ("440000", None, None, "other", False, "")),
    ("异地招聘（深圳）", ("440000", "440300", None, "prd", True, "")),
    ("贵阳白云区", ("520000", "520100", "520113", "guizhou", False, "")),
    ("广州白云", ("440000", "440100", "440111", "prd", False, "")),
    ("黔南州都匀市", ("520000", "522700", "522701", "guizhou", False, "")),
    ("黔西南州兴义", ("520000", "522300", "522301", "guizhou", False, "")),
    ("黔西南布依族苗族自治州", ("520000", "522300", None, "guizhou", False, "")),
    ("黔西市", ("520000", "520500", "520581", "guizhou", False, "")),
    ("毕节威宁", ("520000", "520500", "520526", "guizhou", False, "")),
    ("威宁县", ("520000", "520500", "520526", "guizhou", False, "")),
    ("威宁彝族回族苗族自治县", ("520000", "520500", "520526", "guizhou", False, "")),
    ("六枝特区", ("520000", "520200", "520203", "guizhou", False, "")),
    ("六盘水水城", ("520000", "520200", "520204", "guizhou", False, "")),
    ("观山湖区", ("520000", "520100", "520115", "guizhou", False, "")),
    ("七星关", ("520000", "520500", "520502", "guizhou", False, "")),
    ("工作地点：贵阳市南明区", ("520000", "520100", "520102", "guizhou", False, "")),
    ("其他地区", ("990000", None, None, "other", False, "")),
    ("境外", ("990000", None, None, "other", False, "")),
    # Outside the old shipped areas: refused or sent to the catch-all before.
    ("武汉", ("420000", "420100", None, "other", False, "")),
    ("成都", ("510000", "510100", None, "other", False, "")),
    ("西安", ("610000", "610100", None, "other", False, "")),
    ("厦门", ("350000", "350200", None, "other", False, "")),
    ("北京", ("110000", None, None, "other", False, "")),
    ("北京市朝阳区", ("110000", None, "110105", "other", False, "")),
    ("湖南长沙", ("430000", "430100", None, "other", False, "")),  # 长沙市, not 长沙县
    ("广西钟山县", ("450000", "451100", "451122", "other", False, "")),
    ("湖北仙桃", ("420000", None, "429004", "other", False, "")),  # governed by the province
    # A district only inside its city (these went to a same-named place elsewhere).
    ("福州-台江区", ("350000", "350100", "350103", "other", False, "")),  # not 台江县 (Guizhou)
    ("海口-龙华区", ("460000", "460100", "460106", "other", False, "")),  # not 深圳龙华区
    ("唐山-开平区", ("130000", "130200", "130205", "other", False, "")),  # not 江门开平市
    ("宜宾-长宁县", ("510000", "511500", "511524", "other", False, "")),  # not 上海长宁区
    # County-level cities alone, and with their city.
    ("昆山", ("320000", "320500", "320583", "yrd", False, "")),
    ("义乌", ("330000", "330700", "330782", "yrd", False, "")),
    ("常熟", ("320000", "320500", "320581", "yrd", False, "")),
    ("张家港", ("320000", "320500", "320582", "yrd", False, "")),
    ("苏州-昆山", ("320000", "320500", "320583", "yrd", False, "")),
    # Town, street, park and development zone kept as the detail.
    ("东莞市长安镇", ("440000", "441900", None, "prd", False, "长安镇")),
    ("东莞市长安镇沙头工业区", ("440000", "441900", None, "prd", False, "长安镇沙头工业区")),
    ("深圳市宝安区福永街道", ("440000", "440300", "440306", "prd", False, "福永街道")),
    ("杭州市余杭区仓前街道", ("330000", "330100", "330110", "yrd", False, "仓前街道")),
    ("昆山市花桥镇", ("320000", "320500", "320583", "yrd", False, "花桥镇")),
    ("西安高新区", ("610000", "610100", None, "other", False, "高新区")),
    ("成都高新区天府软件园", ("510000", "510100", None, "other", False, "高新区天府软件园")),
    ("苏州工业园区", ("320000", "320500", None, "yrd", False, "工业园区")),
    ("贵安新区", ("520000", None, None, "guizhou", False, "贵安新区")),
    # Well-known towns alone.
    ("长安镇", ("440000", "441900", None, "prd", False, "长安镇")),
    ("虎门", ("440000", "441900", None, "prd", False, "虎门镇")),
    ("东莞虎门", ("440000", "441900", None, "prd", False, "虎门镇")),
    ("西安长安", ("610000", "610100", "610116", "other", False, "")),  # 长安区, not the town
    # Names retired since 2000 (area_changes.csv).
    ("水城县", ("520000", "520200", "520204", "guizhou", False, "")),
    ("盘县", ("520000", "520200", "520281", "guizhou", False, "")),
    ("郫县", ("510000", "510100", "510117", "other", False, "")),
    ("襄樊", ("420000", "420600", None, "other", False, "")),
    # A city and districts elsewhere with the same short name: the city.
    ("中山", ("440000", "442000", None, "prd", False, "")),
]


@pytest.mark.parametrize(("text", "expected"), PLACE_CASES)
def test_parse_place_notations(
    index: PlaceIndex,
    text: str,
    expected: tuple[str | None, str | None, str | None, str | None, bool, str],
) -> None:
    place = parse_place(text, index)
    assert isinstance(place, Place)
    got = (place.province_code, place.city_code, place.county_code, place.region,
           place.remote_recruitment, place.detail)
    assert got == expected
    assert place.original == text


@pytest.mark.parametrize("text", ["异地招聘", "全国", "全国各地", "异地招工"])
def test_recruiting_elsewhere_is_a_place_to_be_confirmed(index: PlaceIndex, text: str) -> None:
    place = parse_place(text, index)
    assert place.to_be_confirmed and place.code is None and place.remote_recruitment


def test_parse_place_accepts_plain_rows(areas: list[AreaRow]) -> None:
    place = parse_place("深圳-南山区", areas)
    assert place.code == "440305"
    assert parse_place("杭州", areas).code == "330100"


# text -> ParseError.kind
PLACE_REJECTIONS: list[tuple[str | None, str]] = [
    ("", "empty"),
    (None, "empty"),
    ("工作地点：", "empty"),
    ("火星基地", "unknown"),
    ("高新区", "unknown"),  # names no place
    ("Shenzhen", "unknown"),
    ("白云区", "ambiguous"),  # 贵阳 or 广州
    ("龙华区", "ambiguous"),  # 深圳 or 海口
    ("长宁", "ambiguous"),  # 上海长宁区 or 宜宾长宁县
    ("开平", "ambiguous"),  # 唐山开平区 or 江门开平市
    ("深圳、东莞", "inconsistent"),  # two places
    ("贵阳南山区", "inconsistent"),  # 南山区 is in Shenzhen
]


@pytest.mark.parametrize(("text", "kind"), PLACE_REJECTIONS)
def test_parse_place_rejects(index: PlaceIndex, text: str | None, kind: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_place(text, index)
    err = info.value
    assert err.kind == kind
    assert err.reason_zh and err.reason_en


@pytest.mark.parametrize(("text", "candidates"), [
    ("龙华区", ("广东省深圳市龙华区", "海南省海口市龙华区")),
    ("白云区", ("贵州省贵阳市白云区", "广东省广州市白云区")),
])
def test_ambiguous_place_lists_the_candidates(index: PlaceIndex, text: str,
                                               candidates: tuple[str, ...]) -> None:
    with pytest.raises(ParseError) as info:
        parse_place(text, index)
    for candidate in candidates:
        assert candidate in info.value.reason_zh
        assert candidate in info.value.reason_en


def test_changes_and_towns_can_be_given() -> None:
    rows = [AreaRow("440000", "广东省", "Guangdong", "province", None, "other"),
            AreaRow("441900", "东莞市", "Dongguan", "prefecture", "440000", "prd"),
            AreaRow("520000", "贵州省", "Guizhou", "province", None, "guizhou"),
            AreaRow("520200", "六盘水市", "Liupanshui", "prefecture", "520000", "guizhou"),
            AreaRow("520281", "盘州市", "Panzhou City", "county", "520200", "guizhou")]
    index = PlaceIndex(rows, changes=[AreaChange("520222", "盘县", "520281", 2017, "撤县设市")],
                       towns=[Town("塘厦镇", "441900")])
    assert parse_place("盘县", index).code == "520281"
    place = parse_place("塘厦", index)
    assert (place.code, place.detail) == ("441900", "塘厦镇")
    with pytest.raises(ParseError):
        parse_place("虎门", index)  # not a town this index knows


def test_within_an_area_only_its_places_count(index: PlaceIndex) -> None:
    # A Guizhou roster: 白云区 is 贵阳's (not ambiguous with 广州's), 南山区 is no place there.
    assert parse_place("白云区", index, within="520000").code == "520113"
    assert parse_place("毕节市威宁彝族回族苗族自治县", index, within="520000").code == "520526"
    assert parse_place("威宁", index, within="520000").code == "520526"
    with pytest.raises(ParseError) as info:
        parse_place("南山区", index, within="520000")
    assert info.value.kind == "outside"
