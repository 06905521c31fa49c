import pytest

from zaixian.services import rules


@pytest.mark.parametrize(
    ("counts", "expected"),
    [
        ({}, None),
        ({5: 0, 1: 0}, None),
        ({5: 3}, 100.0),
        ({5: 1, 4: 1, 1: 1}, 66.7),
        ({3: 1, 2: 1}, 50.0),
        ({2: 2, 1: 2}, 0.0),
    ],
)
def test_satisfaction_rate_counts_grades_three_to_five_as_satisfied(counts, expected):
    assert rules.satisfaction_rate(counts) == expected


@pytest.mark.parametrize(("grade", "is_bad"), [(1, True), (2, True), (3, False), (5, False)])
def test_bad_grades_are_the_bottom_two(grade, is_bad):
    assert rules.is_bad_grade(grade) is is_bad


def test_decision_numbers_name_issuer_year_and_serial():
    assert (
        rules.decision_number(prefix="晋市监", is_approval=True, year=2026, serial=12)
        == "晋市监准许字〔2026〕第0012号"
    )
    assert (
        rules.decision_number(prefix="晋市监", is_approval=False, year=2027, serial=3)
        == "晋市监不许字〔2027〕第0003号"
    )


def test_parse_choices_drops_blanks_and_repeats():
    assert rules.parse_choices(" 甲 \n\n乙\n甲\n") == ["甲", "乙"]


@pytest.mark.parametrize(
    ("state", "transitions"),
    [
        ("submitted", {"accept", "refuse", "withdraw"}),
        ("accepted", {"request_correction", "extend", "examine", "approve", "deny"}),
        ("correction", {"correct", "withdraw"}),
        ("approved", {"close"}),
        ("denied", {"close"}),
        ("closed", set()),
        ("not_accepted", set()),
        ("withdrawn", set()),
    ],
)
def test_application_offers_exactly_these_transitions(state, transitions):
    offered = {t.name for t in rules.APPLICATION.transitions_from(state)}

    assert offered == transitions


def test_correction_stops_and_resuming_restarts_the_clock():
    from zaixian.cases.registry import ClockEffect

    assert rules.APPLICATION.transition("request_correction").clock is ClockEffect.STOP
    assert rules.APPLICATION.transition("correct").clock is ClockEffect.RESUME


def test_follow_up_runs_its_own_fifteen_working_day_clock():
    assert rules.RATING_FOLLOW_UP.starts_clock
    assert rules.RATING_FOLLOW_UP.statutory_days == rules.BAD_RATING_FOLLOW_UP_WORKING_DAYS == 15


def test_state_labels_have_their_own_chinese_not_column_headings():
    from django.utils import translation

    with translation.override("zh-hans"):
        assert str(rules.APPLICATION.state("submitted").label) == "已提交，待受理"
        assert str(rules.RATING_FOLLOW_UP.state("open").label) == "整改中"
