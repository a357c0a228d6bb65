"""ID numbers, phones, names in pinyin, masks: the pure checks of the register."""
from __future__ import annotations

from datetime import date

import pytest
from stdnum.cn import ric

from app.registry.demo import demo_id_number
from app.registry.privacy import can_see_full, mask_id, mask_phone
from app.registry.validation import (
    FieldError,
    check_working_age,
    name_keys,
    parse_id_number,
    parse_name,
    parse_phone,
    prefix_bounds,
)

GOOD = "11010519491231002X"  # the documented example number (checksum X)


def test_good_id_number_gives_birth_date_and_sex():
    parsed = parse_id_number(GOOD)
    assert parsed.number == GOOD
    assert parsed.birth_date == date(1949, 12, 31)
    assert parsed.sex == "F"  # 17th digit 2 is even
    male = demo_id_number("520526", date(1990, 5, 1), 7, "M")
    assert parse_id_number(male).sex == "M"


def test_id_number_is_cleaned_lower_x_spaces_and_full_width():
    assert parse_id_number(" 110105 19491231 002x ").number == GOOD
    assert parse_id_number("１１０１０５１９４９１２３１００２Ｘ").number == GOOD


def test_bad_checksum_is_refused():
    bad = GOOD[:-1] + "1"
    with pytest.raises(FieldError, match="check digit"):
        parse_id_number(bad)


def test_bad_birth_date_is_refused():
    body = "52052619900230001"  # 30 February
    with pytest.raises(FieldError, match="not a real date"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))
    future = "52052630010101001"
    with pytest.raises(FieldError, match="not possible"):
        parse_id_number(future + ric.calc_check_digit(future + "0"))


def test_fifteen_digit_legacy_number_is_refused_with_a_message():
    with pytest.raises(FieldError, match="15-digit"):
        parse_id_number("110105491231002")


@pytest.mark.parametrize("value", ["", "12345", "52052619900101001A", "5205261990010100151"])
def test_wrong_shapes_are_refused(value):
    with pytest.raises(FieldError):
        parse_id_number(value)


def test_unknown_area_code_is_refused():
    body = "99999919900101001"
    with pytest.raises(FieldError, match="area code"):
        parse_id_number(body + ric.calc_check_digit(body + "0"))


def test_area_code_newer_than_the_birth_year_is_accepted():
    # 520526 (Weining) exists since 2011; people born earlier hold it when first issued later.
    number = demo_id_number("520526", date(1975, 5, 1), 3, "M")
    with pytest.raises(Exception):  # stdnum's own check is too strict
        ric.validate(number)
    assert parse_id_number(number).birth_date == date(1975, 5, 1)


def test_working_age():
    child = parse_id_number(demo_id_number("520526", date(2015, 1, 1), 1, "M"))
    with pytest.raises(FieldError, match="under the working age"):
        check_working_age(child, today=date(2025, 1, 1))
    check_working_age(parse_id_number(GOOD), today=date(2025, 1, 1))


def test_demo_id_numbers_are_valid():
    for n in range(50):
        number = demo_id_number("520115", date(1980 + n % 30, 1 + n % 12, 1 + n % 28), n,
                                "F" if n % 2 else "M")
        assert parse_id_number(number).number == number


@pytest.mark.parametrize("value,expected", [
    ("13885001234", "13885001234"), ("138 8500 1234", "13885001234"),
    ("+86 138-8500-1234", "13885001234"), (13885001234, "13885001234"),
    (13885001234.0, "13885001234"), ("", None), (None, None)])
def test_good_phones(value, expected):
    assert parse_phone(value) == expected


@pytest.mark.parametrize("value", ["12345678901", "1388500123", "0851-85551234", "abc",
                                   "+1 650 253 0000"])
def test_bad_phones(value):
    with pytest.raises(FieldError):
        parse_phone(value)


def test_names_and_pinyin_keys():
    assert parse_name(" 张 三 ") == "张三"
    assert name_keys("张三") == ("zhangsan", "zs")
    assert name_keys("吕布") == ("lvbu", "lb")
    assert name_keys("王小芳") == ("wangxiaofang", "wxf")
    assert name_keys("Mary 李") == ("maryli", "ml")
    with pytest.raises(FieldError):
        parse_name("  ")


def test_pinyin_keys_read_per_character_equal_whole_name_readings():
    """name_keys reads most names a character at a time (memoised): the keys are the ones
    a whole-name lazy_pinyin gives, phrases (曾经, 长孙) and mixed scripts included."""
    import random
    import re

    from pypinyin import Style, lazy_pinyin

    def whole(name):
        syllables = lazy_pinyin(name, style=Style.NORMAL, errors=lambda s: s.split(),
                                v_to_u=False)
        parts = [p for p in (re.sub(r"[^a-z0-9]", "", s.lower()) for s in syllables) if p]
        return "".join(parts)[:128], "".join(p[0] for p in parts)[:32]

    rnd = random.Random(17)
    common = [chr(c) for c in range(0x4E00, 0x9FA6)]
    names = ["".join(rnd.choice(common) for _ in range(rnd.randint(2, 4))) for _ in range(4000)]
    names += ["曾经", "单于", "长孙无忌", "欧阳娜娜", "解放军", "朴", "重庆", "Ali 王", "王 小明",
              "〇一", "行长", "银行行长", "乐乐"]
    assert [name_keys(n) for n in names] == [whole(n) for n in names]
    assert name_keys("曾经") == ("cengjing", "cj") and name_keys("长孙无忌")[0] == "zhangsunwuji"


def test_prefix_bounds_cover_the_prefix_only():
    low, high = prefix_bounds("zs", 32)
    assert low <= "zs" <= high and low <= "zsx" <= high and low <= "zs9" <= high
    assert not (low <= "zt" <= high) and not (low <= "zr" <= high)
    low, high = prefix_bounds("X321", 18)
    assert low <= "X3210000" <= high and not (low <= "X3300" <= high)


def test_masks():
    assert mask_id("52010219900101123X") == "5201**********123X"
    assert mask_phone("13856785678") == "138****5678"
    assert mask_id(None) == "" and mask_phone("") == ""


class _User:
    is_authenticated = True

    def __init__(self, role, area=None, worker_id=None):
        self.role, self.area, self.worker_id = role, area, worker_id


class _Area:
    def __init__(self, code, level):
        self.code, self.level = code, level


class _Worker:
    def __init__(self, id_, area_code):
        self.id, self.area_code = id_, area_code


def test_who_sees_full_numbers():
    worker = _Worker(7, "520526")
    assert can_see_full(_User("admin"), worker)
    assert can_see_full(_User("officer", _Area("520526", "county")), worker)
    assert can_see_full(_User("officer", _Area("520500", "prefecture")), worker)
    assert not can_see_full(_User("officer", _Area("520115", "county")), worker)
    assert can_see_full(_User("trainee", worker_id=7), worker)
    assert not can_see_full(_User("trainee", worker_id=8), worker)
    assert not can_see_full(_User("employer"), worker)
    assert not can_see_full(None, worker)


def test_phone_prefix_cache_agrees_with_phonenumbers():
    import random

    import phonenumbers

    rnd = random.Random(7)
    for _ in range(3000):
        number = "1" + "".join(rnd.choice("0123456789") for _ in range(10))
        try:
            parsed = phonenumbers.parse(number, "CN")
            expected = phonenumbers.is_valid_number(parsed) and phonenumbers.number_type(
                parsed) in (phonenumbers.PhoneNumberType.MOBILE,
                            phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)
        except phonenumbers.NumberParseException:
            expected = False
        try:
            got = parse_phone(number) == number
        except FieldError:
            got = False
        assert got == expected, number


def test_a_phone_with_letters_is_refused_not_read_as_keypad_digits():
    with pytest.raises(FieldError) as exc:
        parse_phone("1398500abcd")  # phonenumbers alone made it 13985002223
    assert "letters" in str(exc.value)
    for notation in ("+86 138-0013-8000", "(86)13800138000", "138 0013 8000",
                     "８６１３８００１３８０００"):
        assert parse_phone(notation) == "13800138000"


@pytest.mark.parametrize("area", ["520000", "520500", "110000"])
def test_an_id_number_must_start_with_a_county_code(area):
    body = f"{area}19900101001"
    with pytest.raises(FieldError) as exc:
        parse_id_number(body + ric.calc_check_digit(body + "0"))
    assert "county" in str(exc.value)


@pytest.mark.parametrize("name", ["\u200b\u200b", "\ufeff", "张\u202e三", "李\u200d四", "王\x07五"])
def test_names_with_invisible_or_direction_characters_are_refused(name):
    with pytest.raises(FieldError) as exc:
        parse_name(name)
    assert "U+" in str(exc.value)
