"""Tests for the wage and place parsers used by labour-cooperation imports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.auth.areas_data import AreaRow, read_areas
from app.employers.parsing import ParseError, Place, PlaceIndex, Wage, parse_place, parse_wage

# --------------------------------------------------------------------------------------------
# Wages
# --------------------------------------------------------------------------------------------

# text -> (monthly_min, monthly_max, basis, months_per_year, piece_rate)
WAGE_CASES: list[tuple[str | int, tuple[int | None, int | None, str, int, bool]]] = [
    ("4000-6000元/月", (4000, 6000, "month", 12, False)),
    ("4000~6000", (4000, 6000, "month", 12, False)),
    ("4000元以上", (4000, None, "month", 12, False)),
    ("4000元/月以上", (4000, None, "month", 12, False)),
    ("4000以上/月", (4000, None, "month", 12, False)),
    ("6000元起", (6000, None, "month", 12, False)),
    ("3500+", (3500, None, "month", 12, False)),
    ("4000以下", (None, 4000, "month", 12, False)),
    ("5000左右", (5000, 5000, "month", 12, False)),
    ("5000", (5000, 5000, "month", 12, False)),
    (5000, (5000, 5000, "month", 12, False)),
    ("月薪5000", (5000, 5000, "month", 12, False)),
    ("6-8千/月", (6000, 8000, "month", 12, False)),
    ("6千-8千", (6000, 8000, "month", 12, False)),
    ("0.8-1.3万/月", (8000, 13000, "month", 12, False)),
    ("1万-1.5万", (10000, 15000, "month", 12, False)),
    ("8000-1.2万", (8000, 12000, "month", 12, False)),
    ("8千-1.2万", (8000, 12000, "month", 12, False)),
    ("1.5w", (15000, 15000, "month", 12, False)),
    ("12-30k·13薪", (12000, 30000, "month", 13, False)),
    ("12-30K・14薪", (12000, 30000, "month", 14, False)),
    ("8K-12K", (8000, 12000, "month", 12, False)),
    ("5k以上", (5000, None, "month", 12, False)),
    ("20-50万/年", (16667, 41667, "year", 12, False)),
    ("年薪20万", (16667, 16667, "year", 12, False)),
    ("150元/天", (3263, 3263, "day", 12, False)),  # 150 × 21.75 = 3262.5, rounded half up
    ("150元一天", (3263, 3263, "day", 12, False)),
    ("日薪200", (4350, 4350, "day", 12, False)),
    ("180-220元/日", (3915, 4785, "day", 12, False)),
    ("25元/小时", (4350, 4350, "hour", 12, False)),  # 25 × 8 × 21.75
    ("25元/h", (4350, 4350, "hour", 12, False)),
    ("时薪20-25", (3480, 4350, "hour", 12, False)),
    ("计件", (None, None, "piece", 12, True)),
    ("计件工资", (None, None, "piece", 12, True)),
    ("计件，月均5000-8000", (5000, 8000, "piece", 12, True)),
    ("按件计酬,月入6000以上", (6000, None, "piece", 12, True)),
    ("面议", (None, None, "negotiable", 12, False)),
    ("薪资面议", (None, None, "negotiable", 12, False)),
    ("工资待遇面议", (None, None, "negotiable", 12, False)),
    ("４０００－６０００", (4000, 6000, "month", 12, False)),  # full-width digits and dash
    ("４０００～６０００元／月", (4000, 6000, "month", 12, False)),
    ("4500—6000", (4500, 6000, "month", 12, False)),  # em dash
    ("4500–6000", (4500, 6000, "month", 12, False)),  # en dash
    ("4,500-6,000元", (4500, 6000, "month", 12, False)),
    ("4000至6000元", (4000, 6000, "month", 12, False)),
    ("4000元-6000元", (4000, 6000, "month", 12, False)),
    (" 4000 - 6000 元 / 月 ", (4000, 6000, "month", 12, False)),
    ("￥4,000-￥6,000", (4000, 6000, "month", 12, False)),
    ("综合工资：5000-7000元/月", (5000, 7000, "month", 12, False)),
    ("4000-6000元/月，包吃住", (4000, 6000, "month", 12, False)),
    ("4000-6000（可面议）", (4000, 6000, "month", 12, False)),
    ("底薪3000+提成", (3000, None, "month", 12, False)),
    # As partners write them (issue #14, from real partner lists):
    ("6000一9000元", (6000, 9000, "month", 12, False)),  # 一 (one) typed for a dash
    ("1小时28元", (4872, 4872, "hour", 12, False)),  # unit first: 28 × 8 × 21.75
    ("每小时19.5元", (3393, 3393, "hour", 12, False)),  # 19.5 × 8 × 21.75 = 3393
    ("每天200元", (4350, 4350, "day", 12, False)),
    ("可达6500元以上", (None, 6500, "month", 12, False)),  # what the best-paid reach
    ("综合月薪6000-8000元，多劳多得", (6000, 8000, "month", 12, False)),
    ("综合月薪5000元以上", (5000, None, "month", 12, False)),
    ("保底+计件", (None, None, "piece", 12, True)),
    ("保底3000+计件", (3000, None, "piece", 12, True)),
    ("多劳多得", (None, None, "text", 12, False)),  # no amount: kept as written
    ("工资高", (None, None, "text", 12, False)),
]


@pytest.mark.parametrize(("text", "expected"), WAGE_CASES)
def test_parse_wage_notations(
    text: str | int, expected: tuple[int | None, int | None, str, int, bool]
) -> None:
    wage = parse_wage(text)
    assert isinstance(wage, Wage)
    got = (wage.monthly_min, wage.monthly_max, wage.basis, wage.months_per_year, wage.piece_rate)
    assert got == expected
    assert wage.original == str(text)


def test_wage_keeps_amount_as_written() -> None:
    day = parse_wage("150元/天")
    assert (day.amount_min, day.amount_max, day.amount_unit) == (
        Decimal("150"), Decimal("150"), "day",
    )
    year = parse_wage("20-50万/年")
    assert (year.amount_min, year.amount_max, year.amount_unit) == (
        Decimal("200000"), Decimal("500000"), "year",
    )
    assert parse_wage("0.8-1.3万").amount_min == Decimal("8000")


def test_piece_rate_per_piece_has_no_monthly_estimate() -> None:
    wage = parse_wage("0.5元/件")
    assert (wage.basis, wage.piece_rate, wage.monthly_min, wage.monthly_max) == (
        "piece", True, None, None,
    )
    assert (wage.amount_min, wage.amount_unit) == (Decimal("0.5"), "piece")


def test_words_without_an_amount_are_kept_not_guessed() -> None:
    wage = parse_wage("多劳多得")
    assert (wage.monthly_min, wage.monthly_max, wage.amount_unit, wage.original) == (
        None, None, None, "多劳多得")
    # a number written in Chinese characters is not read, and not taken as words either
    with pytest.raises(ParseError):
        parse_wage("月薪五千")


def test_wage_notes_record_extras() -> None:
    assert parse_wage("4000-6000包吃住").notes == ("包吃住",)
    assert parse_wage("底薪3000+提成").notes == ("提成",)
    assert "面议" in parse_wage("4000-6000（可面议）").notes


# text -> ParseError.kind
WAGE_REJECTIONS: list[tuple[str | None, str]] = [
    ("", "empty"),
    ("   ", "empty"),
    (None, "empty"),
    ("6000-4000", "min_gt_max"),
    ("1.5万-8000", "min_gt_max"),
    ("300", "out_of_range"),  # below 500 a month
    ("4.5-6", "out_of_range"),  # no unit: 4.5 CNY, not silently read as thousands
    ("100万/月", "out_of_range"),  # above 200,000 a month
    ("5元/天", "out_of_range"),
    ("0", "out_of_range"),
    ("12-20k·30薪", "out_of_range"),
    ("abc", "unrecognised"),
    ("4000/6000", "unrecognised"),
    ("4000-", "unrecognised"),
    ("4000-6000-8000", "unrecognised"),
    ("约四千", "unrecognised"),
    ("5000-8000以上", "unrecognised"),  # a range cannot also be open-ended
    ("月薪150/天", "conflict"),
    ("年薪5000/月", "conflict"),
]


@pytest.mark.parametrize(("text", "kind"), WAGE_REJECTIONS)
def test_parse_wage_rejects(text: str | None, kind: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_wage(text)
    err = info.value
    assert err.kind == kind
    assert err.reason_zh and err.reason_en
    assert err.reason_zh in str(err) and err.reason_en in str(err)
    assert isinstance(err, ValueError)


# --------------------------------------------------------------------------------------------
# Places
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def areas() -> list[AreaRow]:
    return read_areas()


@pytest.fixture(scope="module")
def index(areas: list[AreaRow]) -> PlaceIndex:
    return PlaceIndex(areas)


# text -> (province_code, city_code, county_code, region, remote_recruitment, note)
PLACE_CASES: list[tuple[str, tuple[str | None, str | None, str | None, str | None, bool, str]]] = [
    ("上海-松江区", ("310000", None, "310117", "yrd", False, "")),
    ("上海市浦东新区", ("310000", None, "310115", "yrd", False, "")),
    ("上海", ("310000", None, None, "yrd", False, "")),
    ("深圳-南山区", ("440000", "440300", "440305", "prd", False, "")),
    ("深圳市宝安区", ("440000", "440300", "440306", "prd", False, "")),
    ("东莞市长安镇", ("440000", "441900", None, "prd", False, "长安镇")),
    ("中山市小榄镇", ("440000", "442000", None, "prd", False, "小榄镇")),
    ("贵州省遵义市汇川区", ("520000", "520300", "520303", "guizhou", False, "")),
    ("遵义汇川", ("520000", "520300", "520303", "guizhou", False, "")),
    ("苏州工业园区", ("320000", "320500", None, "yrd", False, "工业园区")),
    ("杭州", ("330000", "330100", None, "yrd", False, "")),
    ("浙江省杭州市", ("330000", "330100", None, "yrd", False, "")),
    ("宿州", ("340000", "341300", None, "yrd", False, "")),
    ("泰州", ("320000", "321200", None, "yrd", False, "")),
    ("台州", ("330000", "331000", None, "yrd", False, "")),
    ("广东佛山顺德", ("440000", "440600", "440606", "prd", False, "")),
    ("广东省江门市开平市", ("440000", "440700", "440783", "prd", False, "")),
    ("广东", ("440000", None, None, "other", False, "")),
    ("异地招聘", (None, None, None, None, True, "")),
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
    ("水城县", ("520000", "520200", "520204", "guizhou", False, "")),  # old name
    ("盘县", ("520000", "520200", "520281", "guizhou", False, "")),  # old name of 盘州市
    ("观山湖区", ("520000", "520100", "520115", "guizhou", False, "")),
    ("七星关", ("520000", "520500", "520502", "guizhou", False, "")),
    ("贵安新区", ("520000", None, None, "guizhou", False, "贵安新区")),
    ("工作地点：贵阳市南明区", ("520000", "520100", "520102", "guizhou", False, "")),
    ("湖南长沙", ("990000", None, None, "other", False, "湖南长沙")),
    ("其他地区", ("990000", None, None, "other", False, "")),
]


@pytest.mark.parametrize(("text", "expected"), PLACE_CASES)
def test_parse_place_notations(
    index: PlaceIndex,
    text: str,
    expected: tuple[str | None, str | None, str | None, str | None, bool, str],
) -> None:
    place = parse_place(text, index)
    assert isinstance(place, Place)
    got = (
        place.province_code, place.city_code, place.county_code, place.region,
        place.remote_recruitment, place.note,
    )
    assert got == expected
    assert place.original == text


def test_parse_place_accepts_plain_rows(areas: list[AreaRow]) -> None:
    place = parse_place("深圳-南山区", areas)
    assert place.code == "440305"
    assert parse_place("杭州", areas).code == "330100"
    assert parse_place("异地招聘", areas).code is None


# text -> ParseError.kind
PLACE_REJECTIONS: list[tuple[str | None, str]] = [
    ("", "empty"),
    (None, "empty"),
    ("工作地点：", "empty"),
    ("火星基地", "unknown"),
    ("长安镇", "unknown"),
    ("Shenzhen", "unknown"),
    ("白云区", "ambiguous"),  # 贵阳 or 广州
    ("深圳、东莞", "inconsistent"),  # two places
    ("贵阳南山区", "inconsistent"),  # 南山区 is in Shenzhen
    ("广西钟山县", "inconsistent"),  # not Liupanshui's 钟山区
]


@pytest.mark.parametrize(("text", "kind"), PLACE_REJECTIONS)
def test_parse_place_rejects(index: PlaceIndex, text: str | None, kind: str) -> None:
    with pytest.raises(ParseError) as info:
        parse_place(text, index)
    err = info.value
    assert err.kind == kind
    assert err.reason_zh and err.reason_en


def test_ambiguous_place_lists_the_options(index: PlaceIndex) -> None:
    with pytest.raises(ParseError) as info:
        parse_place("白云区", index)
    assert "贵州省贵阳市白云区" in info.value.reason_zh
    assert "广东省广州市白云区" in info.value.reason_zh
