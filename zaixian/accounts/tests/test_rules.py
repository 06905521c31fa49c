import pytest

from zaixian.accounts import rules


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("13800138000", "phone"),
        (" 13800138000 ", "phone"),
        ("12800138000", "username"),
        ("zhang@example.cn", "email"),
        ("zhangsan", "username"),
    ],
)
def test_login_identifier_kind(value, kind):
    assert rules.login_identifier_kind(value) == kind


def test_new_phone_codes_are_six_digits_and_vary():
    codes = {rules.new_phone_code() for _ in range(200)}

    assert all(rules.is_well_formed_phone_code(code) for code in codes)
    assert len(codes) > 150


@pytest.mark.parametrize("value", ["12345", "1234567", "12345a", "１２３４５６", ""])
def test_malformed_phone_codes(value):
    assert not rules.is_well_formed_phone_code(value)


@pytest.mark.parametrize(
    ("value", "masked"),
    [("zhangsan@example.cn", "zh****@example.cn"), ("a@b.cn", "a****@b.cn"), ("abc", "***")],
)
def test_mask_email(value, masked):
    assert rules.mask_email(value) == masked
