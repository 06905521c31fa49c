"""Pure rules of disclosure requests: the date of receipt by channel (Article 31), the fee
tables of 国办函〔2020〕109号, the rows of table 3 and its check rule, the case type."""

import datetime as dt

import pytest

from zaixian.cases.registry import ClockEffect
from zaixian.disclosure import rules

MONDAY = dt.date(2026, 11, 2)
THURSDAY = dt.date(2026, 11, 5)


@pytest.mark.parametrize(
    ("channel", "kwargs", "expected"),
    [
        ("in_person", {}, MONDAY),
        ("post", {"signed_for_on": THURSDAY}, THURSDAY),
        ("letter", {"confirmed_on": THURSDAY}, THURSDAY),
        ("fax", {"confirmed_on": THURSDAY}, THURSDAY),
        ("online", {}, MONDAY),
        ("online", {"confirmed_on": THURSDAY}, THURSDAY),
    ],
)
def test_date_of_receipt_by_channel(channel, kwargs, expected):
    assert rules.date_of_receipt(channel=channel, submitted_on=MONDAY, **kwargs) == expected


@pytest.mark.parametrize("channel", ["post", "letter", "fax"])
def test_date_of_receipt_needs_the_channels_date(channel):
    with pytest.raises(rules.MissingReceiptDateError):
        rules.date_of_receipt(channel=channel, submitted_on=MONDAY)


@pytest.mark.parametrize(
    ("n", "fee"),
    [(1, 0), (10, 0), (11, 100), (30, 100), (31, 200), (40, 200), (41, 300), (50, 300),
     (51, 400), (101, 900), (131, 1200)],
)  # fmt: skip
def test_fee_by_count(n, fee):
    assert rules.fee_for_nth_request(n) == fee


@pytest.mark.parametrize(
    ("pages", "fee"),
    [(0, 0), (30, 0), (31, 10), (100, 700), (101, 720), (200, 2700), (201, 2740),
     (250, 4700)],
)  # fmt: skip
def test_fee_by_volume(pages, fee):
    assert rules.fee_for_pages(pages) == fee


def test_fee_rules_refuse_impossible_numbers():
    with pytest.raises(ValueError, match="counted from 1"):
        rules.fee_for_nth_request(0)
    with pytest.raises(ValueError, match="negative"):
        rules.fee_for_pages(-1)


def test_table_3_has_the_2021_format_rows():
    groups = [group for group, _label in rules.OUTCOME_GROUPS]
    counts = {group: sum(o.group == group for o in rules.OUTCOMES) for group in groups}

    assert counts == {
        "disclosed": 1,
        "partly_disclosed": 1,
        "withheld": 8,
        "unavailable": 3,
        "not_processed": 5,
        "other_handling": 3,
    }
    assert [label for _key, label in rules.APPLICANT_KINDS] == [
        "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
    ]  # fmt: skip


def test_every_outcome_is_reached_by_a_transition():
    reached = set(rules.TRANSITION_OUTCOMES.values())

    assert reached == set(rules.OUTCOMES_BY_KEY)
    for name in rules.TRANSITION_OUTCOMES:
        assert rules.REQUEST.has_transition(name)


def test_the_case_type_clock():
    request = rules.REQUEST

    assert request.statutory_days == rules.REPLY_PERIOD_WORKING_DAYS == 20
    assert request.max_extension_days == 20
    assert request.transition("correct").clock is ClockEffect.RESTART
    assert request.transition("consult").clock is ClockEffect.STOP
    assert request.transition("end_consultation").clock is ClockEffect.RESUME
    assert request.transition("issue_fee_notice").clock is ClockEffect.STOP
    assert request.transition("extend").performers == frozenset({"leader"})


def test_check_rule():
    assert rules.table3_check(new=10, carried_in=2, concluded=9, carried_out=3)
    assert not rules.table3_check(new=10, carried_in=2, concluded=9, carried_out=2)
