"""The resident ID, unified social credit code and mobile number: the pure rules and the
Django validators that every form and API uses."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from zaixian.core import rules
from zaixian.core.validators import (
    validate_credit_code,
    validate_mobile_phone,
    validate_resident_id,
)

# Published codes: 福州市 (the standard's own example), 北京 and 深圳 companies.
REAL_CREDIT_CODES = ["91350100M000100Y43", "91110000802100433B", "91440300708461136T"]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_published_credit_codes_are_valid(code):
    assert rules.is_valid_credit_code(code)
    assert rules.credit_code_check_char(code[:17]) == code[17]
    assert rules.organisation_code_check_char(code[8:16]) == code[16]


def test_lower_case_and_spaces_around_credit_code_are_accepted():
    assert rules.is_valid_credit_code(" 91350100m000100y43 ")


def _one_character_typos(code):
    for position, original in enumerate(code):
        for char in rules.CREDIT_CODE_CHARS:
            if char != original:
                yield code[:position] + char + code[position + 1 :]


@pytest.mark.parametrize("code", REAL_CREDIT_CODES)
def test_every_one_character_typo_of_a_credit_code_is_caught(code):
    typos = list(_one_character_typos(code))

    accepted = [typo for typo in typos if rules.is_valid_credit_code(typo)]

    assert len(typos) == 18 * 30
    assert accepted == []


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("91350100M000100Y4", "17 characters"),
        ("91350100M000100Y433", "19 characters"),
        ("91350100M0001O0Y43", "letter O is not in the character set"),
        ("91350100M000100I43", "letter I is not in the character set"),
        ("B1350100M000100Y43", "B is not a registration department"),
        ("90350100M000100Y43", "organisation category 0"),
        ("91990100M000100Y43", "99 is not a province"),
        ("9135010AM000100Y43", "letters in the division code"),
        ("", "empty"),
    ],
)
def test_malformed_credit_codes_are_invalid(code, reason):
    assert not rules.is_valid_credit_code(code), reason


def test_swapped_adjacent_characters_of_credit_code_are_caught():
    code = "91110000802100433B"
    swapped = code[:10] + code[11] + code[10] + code[12:]

    assert swapped != code
    assert not rules.is_valid_credit_code(swapped)


def test_credit_code_check_char_of_31_is_written_zero():
    # A body whose weighted sum is a multiple of 31 gets the check character 0, not "31".
    body = "9" + "1" * 16
    total = sum(
        rules.CREDIT_CODE_CHARS.index(char) * weight
        for char, weight in zip(body, rules._CREDIT_CODE_WEIGHTS, strict=True)
    )
    expected = rules.CREDIT_CODE_CHARS[(31 - total % 31) % 31]

    assert rules.credit_code_check_char(body) == expected
    assert rules.credit_code_check_char("0" * 17) == "0"


@pytest.mark.parametrize(
    ("body", "check"),
    [("D2143569", "X"), ("00000000", "0"), ("80210043", "3"), ("70846113", "6")],
)
def test_organisation_code_check_char(body, check):
    assert rules.organisation_code_check_char(body) == check


def test_validate_credit_code_accepts_real_code():
    validate_credit_code("91350100M000100Y43")


def test_validate_credit_code_refuses_typo_with_chinese_message():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_credit_code("91350100M000100Y44")

    assert error.value.code == "invalid_credit_code"
    assert "统一社会信用代码" in str(error.value.messages[0])


def test_validate_resident_id_accepts_valid_number_and_lower_case_x():
    validate_resident_id("11010519491231002X")
    validate_resident_id("11010519491231002x")


@pytest.mark.parametrize(
    "value",
    [
        "110105194912310021",  # wrong check digit
        "110105194902300026",  # 30 February
        "11010519491231002",  # 17 characters
        "1101051949123100XX",
        "",
    ],
)
def test_validate_resident_id_refuses_invalid_numbers(value):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_resident_id(value)

    assert error.value.code == "invalid_resident_id"
    assert "身份证号码" in str(error.value.messages[0])


@pytest.mark.parametrize("value", ["13800138000", "19912345678", "15012345678"])
def test_validate_mobile_phone_accepts_mainland_numbers(value):
    validate_mobile_phone(value)


@pytest.mark.parametrize(
    "value", ["12800138000", "1380013800", "138001380001", "+8613800138000", "1380013800a", ""]
)
def test_validate_mobile_phone_refuses_other_numbers(value):
    with translation.override("zh-hans"), pytest.raises(ValidationError) as error:
        validate_mobile_phone(value)

    assert error.value.code == "invalid_mobile_phone"
    assert "手机号码" in str(error.value.messages[0])
