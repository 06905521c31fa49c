from datetime import date

import pytest

from zaixian.cases.rules import (
    DeadlineStatus,
    deadline_status,
    is_valid_tracking_number,
    new_tracking_number,
    normalise_tracking_number,
    tracking_check_char,
)

NUMBER = new_tracking_number(on=date(2026, 11, 27), department_code="SWJ")
_ALPHANUMERIC = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def test_tracking_number_has_date_department_random_digits_and_check_char():
    assert NUMBER.startswith("20261127SWJ")
    assert len(NUMBER) == 8 + 3 + 6 + 1
    assert NUMBER[11:17].isdigit()
    assert is_valid_tracking_number(NUMBER)


@pytest.mark.parametrize("position", range(len(NUMBER)))
def test_every_single_character_typo_is_caught(position):
    for replacement in _ALPHANUMERIC:
        if replacement == NUMBER[position]:
            continue
        typo = NUMBER[:position] + replacement + NUMBER[position + 1 :]
        assert not is_valid_tracking_number(typo), typo


def test_nearly_every_swap_of_neighbours_is_caught():
    # MOD 37,36 is a hybrid system: every single substitution is caught (above) and all but
    # a small fraction of adjacent swaps (about 0.15 % measured; ISO 7064 says "nearly all").
    checked = caught = 0
    for day in range(1, 29):
        number = new_tracking_number(on=date(2026, 2, day), department_code="SWJ")
        for position in range(len(number) - 1):
            chars = list(number)
            if chars[position] != chars[position + 1]:
                chars[position], chars[position + 1] = chars[position + 1], chars[position]
                checked += 1
                caught += not is_valid_tracking_number("".join(chars))

    assert caught / checked > 0.98


def test_random_part_differs_between_numbers():
    numbers = {new_tracking_number(on=date(2026, 11, 27), department_code="SWJ") for _ in range(50)}

    assert len(numbers) > 45


def test_check_char_is_iso_7064_mod_37_36():
    # Published example of ISO 7064 MOD 37,36 (hybrid): "A12425GABC1234002" → check "M".
    assert tracking_check_char("A12425GABC1234002") == "M"


@pytest.mark.parametrize(
    ("typed", "stored"),
    [(" 20261127-swj-123456-x ", "20261127SWJ123456X"), ("2026 1127", "20261127"), ("", "")],
)
def test_normalise_tracking_number(typed, stored):
    assert normalise_tracking_number(typed) == stored


@pytest.mark.parametrize(
    ("due", "suspended", "finished", "expected"),
    [
        (None, False, False, DeadlineStatus.NONE),
        (date(2026, 12, 10), False, True, DeadlineStatus.NONE),
        (date(2026, 11, 26), True, False, DeadlineStatus.SUSPENDED),
        (date(2026, 11, 26), False, False, DeadlineStatus.OVERDUE),
        (date(2026, 11, 27), False, False, DeadlineStatus.WARNING),
        (date(2026, 12, 1), False, False, DeadlineStatus.WARNING),
        (date(2026, 12, 2), False, False, DeadlineStatus.NORMAL),
    ],
)
def test_deadline_status(due, suspended, finished, expected):
    # Friday 27 November 2026: two working days on is Tuesday 1 December.
    status = deadline_status(
        due_on=due,
        today=date(2026, 11, 27),
        warning_from=date(2026, 12, 1),
        is_suspended=suspended,
        is_finished=finished,
    )

    assert status == expected
