"""The platform checks, from real probes, hotline cases and disclosure requests."""

# ruff: noqa: F811 — the hotline and disclosure fixtures are imported, then requested by name

import datetime as dt
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine

from zaixian.cases.tests.factories import make_officer
from zaixian.disclosure.tests.conftest import (  # noqa: F401 — fixtures
    categories,
    citizen,
    city,
    disclosure_root,
    education,
    finance,
    site,
)
from zaixian.disclosure.tests.requests import move, submit
from zaixian.evaluation import rules
from zaixian.evaluation.checks.platform import check_platform
from zaixian.evaluation.tests.factories import AvailabilityProbeFactory, EvaluationTargetFactory
from zaixian.hotline import actions as hotline_actions
from zaixian.hotline.tests.conftest import (  # noqa: F401 — fixtures
    category,
    centre,
    department,
    operator,
    other_department,
    other_officer,
    register,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
TODAY = dt.date(2026, 11, 20)


def _at(day, hour=9):
    return datetime(day.year, day.month, day.day, hour, tzinfo=SHANGHAI)


def _codes(findings):
    return sorted(f.indicator for f in findings)


# --- Availability ------------------------------------------------------------------------------


def _probe_week(target, *, per_day=20, failures=0):
    """``per_day`` probes on each of the 7 days before TODAY, the first ``failures`` down."""
    made = 0
    for n in range(1, 8):
        day = TODAY - timedelta(days=n)
        for k in range(per_day):
            down = made < failures
            AvailabilityProbeFactory(
                target=target, probed_at=_at(day, 0) + timedelta(minutes=70 * k), down=down
            )
            made += 1


def _availability(findings):
    return [f for f in findings if f.check == "availability.probes"]


def test_failures_at_exactly_5_percent_veto_the_site():
    target = EvaluationTargetFactory()
    _probe_week(target, failures=7)  # 7 of 140

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["availability.home"] * 7 + ["veto.availability"]
    veto = next(f for f in findings if f.indicator == "veto.availability")
    assert "7" in veto.evidence
    assert "140" in veto.evidence
    assert "5.0%" in veto.evidence


def test_failures_under_5_percent_only_deduct():
    target = EvaluationTargetFactory()
    _probe_week(target, failures=6)

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["availability.home"] * 6
    card = rules.score(findings)
    assert card.vetoes_failed == 0
    assert card.deducted == rules.INDICATOR_BY_CODE["availability.home"].cap  # capped at 5


def test_every_probe_opened_earns_the_bonus():
    target = EvaluationTargetFactory()
    _probe_week(target)

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["bonus.availability"]


def test_too_few_probes_are_said_and_earn_no_bonus():
    target = EvaluationTargetFactory()
    _probe_week(target, per_day=19)

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["notice.probes"]
    assert "20" in findings[0].evidence
    assert "133" in findings[0].evidence


def test_no_probe_at_all_is_said():
    target = EvaluationTargetFactory()

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["notice.probes"]


def test_todays_probes_are_not_in_the_window():
    target = EvaluationTargetFactory()
    _probe_week(target)
    AvailabilityProbeFactory(target=target, probed_at=_at(TODAY, 8), down=True)

    findings = _availability(check_platform(target=target, today=TODAY))

    assert _codes(findings) == ["bonus.availability"]


# --- Hotline cases -------------------------------------------------------------------------------


def _handled(hotline_case, *, lead, officer, operator, reply_on=None):
    with time_machine.travel(hotline_case.received_at, tick=False):
        hotline_actions.dispatch_case(hotline_case=hotline_case, department=lead, actor=operator)
        hotline_actions.accept_case(hotline_case=hotline_case, actor=officer)
    if reply_on is not None:
        with time_machine.travel(_at(reply_on, 10), tick=False):
            hotline_actions.reply_to_case(hotline_case=hotline_case, actor=officer, reply="已处理")
    hotline_case.refresh_from_db()
    return hotline_case


@pytest.fixture
def hotline_cases(register, operator, department, other_department, other_officer):
    officer = make_officer(department)

    def received(day, **kwargs):
        with time_machine.travel(_at(day), tick=False):
            return register(received_at=_at(day), **kwargs)

    cases = {
        "late": _handled(
            received(dt.date(2026, 10, 9)),
            lead=department,
            officer=officer,
            operator=operator,
            reply_on=dt.date(2026, 10, 30),
        ),
        "on_time": _handled(
            received(dt.date(2026, 10, 9), caller_phone="13900000002"),
            lead=department,
            officer=officer,
            operator=operator,
            reply_on=dt.date(2026, 10, 10),
        ),
        "unanswered": _handled(
            received(dt.date(2026, 7, 1), caller_phone="13900000003"),
            lead=department,
            officer=officer,
            operator=operator,
        ),
        "open_late": _handled(
            received(dt.date(2026, 10, 26), caller_phone="13900000004"),
            lead=department,
            officer=officer,
            operator=operator,
        ),
        "other": _handled(
            received(dt.date(2026, 10, 9), caller_phone="13900000005"),
            lead=other_department,
            officer=other_officer,
            operator=operator,
            reply_on=dt.date(2026, 10, 30),
        ),
        "praise": _handled(
            received(dt.date(2026, 7, 2), caller_phone="13900000006", kind="praise"),
            lead=department,
            officer=officer,
            operator=operator,
        ),
    }
    return cases


def _numbers(findings, indicator):
    return sorted(f.detail["case"] for f in findings if f.indicator == indicator)


def test_late_and_unanswered_cases_of_the_department(hotline_cases, department):
    department.refresh_from_db()
    target = EvaluationTargetFactory(department=department)

    with time_machine.travel(_at(TODAY, 12), tick=False):
        findings = check_platform(target=target, today=TODAY)

    number = {key: case.case.tracking_number for key, case in hotline_cases.items()}
    assert _numbers(findings, "interaction.late_replies") == sorted(
        [number["late"], number["unanswered"], number["open_late"], number["praise"]]
    )
    assert _numbers(findings, "veto.interaction") == [number["unanswered"]]
    late = next(f for f in findings if f.detail.get("case") == number["late"])
    assert late.detail["days_late"] >= 1
    assert number["late"] in late.evidence
    unanswered = next(f for f in findings if f.indicator == "veto.interaction")
    assert "2026-07-01" in unanswered.evidence
    assert rules.score(findings).verdict == rules.Verdict.FAILED_VETO


def test_portal_site_without_a_department_reads_the_whole_platform(hotline_cases):
    from wagtail.models import Site

    from zaixian.portal.tests.factories import make_home

    make_home(hostname="www.example.test")
    target = EvaluationTargetFactory(site=Site.objects.get(is_default_site=True))

    with time_machine.travel(_at(TODAY, 12), tick=False):
        findings = check_platform(target=target, today=TODAY)

    assert hotline_cases["other"].case.tracking_number in _numbers(
        findings, "interaction.late_replies"
    )


def test_site_without_department_or_portal_has_no_interaction_findings(hotline_cases):
    from zaixian.portal.tests.factories import make_home

    make_home(hostname="www.example.test")
    other = make_home(hostname="dept.example.test", is_default_site=False)
    target = EvaluationTargetFactory(site=other.get_site())

    with time_machine.travel(_at(TODAY, 12), tick=False):
        findings = check_platform(target=target, today=TODAY)

    assert [f for f in findings if f.check != "availability.probes"] == []


def test_unanswered_veto_needs_over_3_months(hotline_cases, department):
    department.refresh_from_db()
    target = EvaluationTargetFactory(department=department)
    # The case received on 1 July is 90 days old on 29 September: not yet over 3 months.
    day = dt.date(2026, 9, 29)

    with time_machine.travel(_at(day, 8), tick=False):
        findings = check_platform(target=target, today=day)

    assert _numbers(findings, "veto.interaction") == []


# --- Disclosure requests -----------------------------------------------------------------------


def test_disclosure_requests_past_their_deadline(education, finance, citizen):
    education.department.refresh_from_db()
    officer = make_officer(education.department)
    open_late = submit(citizen, education.department, dt.date(2026, 9, 1))
    answered_late = submit(citizen, education.department, dt.date(2026, 9, 22))
    move(answered_late, "answer_disclosed", officer, dt.date(2026, 11, 2), note="")
    on_time = submit(citizen, education.department, dt.date(2026, 9, 23))
    move(on_time, "answer_disclosed", officer, dt.date(2026, 10, 9), note="")
    not_yet_due = submit(citizen, education.department, dt.date(2026, 11, 10))
    elsewhere = submit(citizen, finance.department, dt.date(2026, 9, 1))
    education.department.refresh_from_db()
    target = EvaluationTargetFactory(department=education.department)

    with time_machine.travel(_at(TODAY, 12), tick=False):
        findings = check_platform(target=target, today=TODAY)

    late = sorted(f.detail["request"] for f in findings if f.indicator == "interaction.disclosure")
    assert late == sorted([open_late.case.tracking_number, answered_late.case.tracking_number])
    assert on_time.case.tracking_number not in late
    assert not_yet_due.case.tracking_number not in late
    assert elsewhere.case.tracking_number not in late
    answered = next(
        f for f in findings if f.detail.get("request") == answered_late.case.tracking_number
    )
    assert "2026-10-27" in answered.evidence
