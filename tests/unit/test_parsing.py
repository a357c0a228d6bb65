"""Tests for the wage and place parsers used by labour-cooperation imports."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.employers.parsing import ParseError, Wage, parse_wage

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
