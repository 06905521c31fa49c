"""The clock in plain hours (ADR 0005): a limit counted from a moment, not in working days."""

from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from zaixian.cases import actions
from zaixian.cases.models import Case
from zaixian.cases.registry import (
    CaseType,
    ClockEffect,
    State,
    Transition,
    register_case_type,
    unregister_case_type,
)
from zaixian.cases.rules import DeadlineStatus
from zaixian.cases.tests.factories import CaseFactory, make_officer
from zaixian.core.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

OFFICER = frozenset({"case_officer"})

URGENT = CaseType(
    key="cases_test.urgent",
    label="Urgent matter",
    states=(State("open", "open"), State("done", "done", is_final=True)),
    initial="open",
    transitions=(
        Transition("finish", "finish", ("open",), "done", OFFICER, ClockEffect.FINISH),
        Transition("extend", "extend", ("open",), "open", OFFICER, ClockEffect.EXTEND),
    ),
    promised_days=7,
    max_extension_days=5,
    starts_clock=True,
)

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


@pytest.fixture(autouse=True)
def urgent_type():
    register_case_type(URGENT)
    yield
    unregister_case_type(URGENT.key)


@pytest.fixture
def department():
    return DepartmentFactory(code="RX")


@pytest.fixture
def officer(department):
    return make_officer(department)


def _open(department, *, at, hours):
    return actions.create_case(
        case_type=URGENT.key,
        department=department,
        title="路面塌陷",
        applicant_name="张三",
        applicant_phone="13800138000",
        submitted_at=at,
        limit_hours=hours,
    )


def test_hour_limit_counts_clock_hours_through_the_night(department):
    at = datetime(2026, 11, 27, 23, 0, tzinfo=SHANGHAI)  # a Friday night

    case = _open(department, at=at, hours=2)

    assert case.due_at == at + timedelta(hours=2)
    assert case.due_on == date(2026, 11, 28)  # Saturday: no working days counted
    assert case.promised_days == 7  # the type's default stays, the hours decide


def test_day_limited_case_has_no_due_moment(department):
    case = _open(department, at=timezone.now(), hours=None)

    assert case.due_at is None
    assert case.due_on is not None


def test_hour_limited_case_is_overdue_once_the_moment_passes(department):
    at = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    case = _open(department, at=at, hours=2)
    day_case = CaseFactory(department=department, due_on=at.date())

    with time_machine.travel(at + timedelta(hours=1), tick=False):
        assert case.deadline_status != DeadlineStatus.OVERDUE
        assert not Case.objects.overdue(on=timezone.localdate()).filter(pk=case.pk).exists()
    with time_machine.travel(at + timedelta(hours=3), tick=False):
        today = timezone.localdate()
        assert case.deadline_status == DeadlineStatus.OVERDUE
        overdue = Case.objects.overdue(on=today)
        assert set(overdue.values_list("pk", flat=True)) == {case.pk}
        soon = Case.objects.due_soon(on=today, warning_from=today + timedelta(days=2))
        assert set(soon.values_list("pk", flat=True)) == {day_case.pk}


def test_finishing_within_the_hours_is_on_time_and_after_is_late(department, officer):
    at = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
    on_time = _open(department, at=at, hours=2)
    late = _open(department, at=at, hours=2)

    with time_machine.travel(at + timedelta(minutes=90), tick=False):
        actions.transition_case(case=on_time, transition="finish", actor=officer)
    with time_machine.travel(at + timedelta(minutes=150), tick=False):
        actions.transition_case(case=late, transition="finish", actor=officer)

    assert on_time.is_on_time is True
    assert late.is_on_time is False
    assert late.finished_on == at.date()


def test_hour_limit_is_not_extended_by_working_days(department, officer):
    case = _open(department, at=timezone.now(), hours=24)

    with pytest.raises(actions.ExtensionNotAllowedError):
        actions.transition_case(case=case, transition="extend", actor=officer, extend_days=2)
