import pytest

from zaixian.core.models import User


@pytest.mark.parametrize(
    ("last_name", "first_name", "expected"),
    [
        ("王", "承办", "王承办"),
        ("欧阳", "晓东", "欧阳晓东"),
        ("Smith", "John", "John Smith"),
        ("", "", ""),
    ],
)
def test_full_name_puts_chinese_family_name_first(last_name, first_name, expected):
    user = User(username="u", last_name=last_name, first_name=first_name)

    assert user.get_full_name() == expected
