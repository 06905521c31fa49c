"""The monthly bulletin, checked cell by cell against a known set of cases."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.utils import timezone

from zaixian.hotline import actions, reports, rules
from zaixian.hotline.tests.factories import HotlineCategoryFactory

pytestmark = pytest.mark.django_db

SHANGHAI = timezone.get_fixed_timezone(8 * 60)


def _at(month, day, hour=9):
    return datetime(2026, month, day, hour, 0, tzinfo=SHANGHAI)


@pytest.fixture
def known_cases(register, operator, officer, other_officer, department, other_department):
    """September: one case. October: four counted cases and one merged duplicate."""
    lights = HotlineCategoryFactory(name="路灯照明", code="street-lights")

    def handled(hotline_case, *, lead, officer_, reply_at, satisfaction):
        with time_machine.travel(hotline_case.received_at, tick=False):
            actions.dispatch_case(hotline_case=hotline_case, department=lead, actor=operator)
            actions.accept_case(hotline_case=hotline_case, actor=officer_)
        with time_machine.travel(reply_at, tick=False):
            actions.reply_to_case(hotline_case=hotline_case, actor=officer_, reply="已处理")
            actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)
            actions.record_callback(
                hotline_case=hotline_case, actor=operator, satisfaction=satisfaction
            )

    with time_machine.travel(_at(9, 15), tick=False):
        register(received_at=_at(9, 15), caller_phone="13000000009", content="九月份小区路灯坏了")
    with time_machine.travel(_at(10, 12), tick=False):
        first = register(
            received_at=_at(10, 12), caller_phone="13000000001", content="小区路灯坏了，晚上很黑"
        )
        second = register(
            received_at=_at(10, 12, 10),
            channel=rules.Channel.WEB,
            kind=rules.Kind.CONSULTATION,
            caller_phone="13000000002",
            content="路灯维修归哪个部门管",
        )
        third = register(
            received_at=_at(10, 12, 11),
            channel=rules.Channel.MAYOR_MAILBOX,
            kind=rules.Kind.HELP,
            category=lights,
            caller_phone="13000000003",
            content="主干道路灯整排熄灭",
        )
        register(
            received_at=_at(10, 12, 12),
            kind=rules.Kind.SUGGESTION,
            category=lights,
            caller_phone="13000000004",
            content="建议公园增设座椅",
        )
        duplicate = register(
            received_at=_at(10, 12, 13), caller_phone="13000000001", content="再次反映路灯坏了"
        )
        actions.merge_case(duplicate=duplicate, into=first, actor=operator)
    handled(
        first,
        lead=department,
        officer_=officer,
        reply_at=_at(10, 13),
        satisfaction=rules.Satisfaction.SATISFIED,
    )
    handled(
        second,
        lead=department,
        officer_=officer,
        reply_at=_at(11, 10),
        satisfaction=rules.Satisfaction.UNSATISFIED,
    )
    handled(
        third,
        lead=other_department,
        officer_=other_officer,
        reply_at=_at(10, 14),
        satisfaction=rules.Satisfaction.BASICALLY,
    )
    return lights


def _cells(rows):
    return {row.label: (row.count, row.previous) for row in rows}


def test_bulletin_cell_by_cell(known_cases, category, department, other_department):
    bulletin = reports.monthly_bulletin(year=2026, month=10)

    assert (bulletin.total, bulletin.previous_total, bulletin.closed) == (4, 1, 2)
    assert bulletin.closure_rate == 50.0
    assert _cells(bulletin.by_channel) == {
        "电话（12345）": (2, 1),
        "网上留言": (1, 0),
        "市长信箱": (1, 0),
    }
    assert _cells(bulletin.by_kind) == {
        "投诉": (1, 1),
        "咨询": (1, 0),
        "求助": (1, 0),
        "建议": (1, 0),
    }
    assert _cells(bulletin.by_category) == {"城乡建设": (2, 1), "路灯照明": (2, 0)}
    assert _cells(bulletin.by_department) == {
        department.name: (2, 0),
        other_department.name: (1, 0),
    }
    ranking = [
        (
            row.rank,
            row.department,
            row.cases,
            row.replied,
            row.on_time,
            row.called_back,
            row.satisfied,
            row.on_time_rate,
            row.satisfaction_rate,
        )
        for row in bulletin.departments
    ]
    assert ranking == [
        (1, other_department.name, 1, 1, 1, 1, 1, 100.0, 100.0),
        (2, department.name, 2, 2, 1, 2, 1, 50.0, 50.0),
    ]
    assert bulletin.hot_words[0].label == "路灯"
    assert (bulletin.hot_words[0].count, bulletin.hot_words[0].previous) == (3, 1)


def test_empty_month_has_no_rates():
    bulletin = reports.monthly_bulletin(year=2020, month=1)

    assert bulletin.total == 0
    assert bulletin.closure_rate is None
    assert bulletin.departments == []


def test_bulletin_html_pdf_and_docx(known_cases, tmp_path, pdf_rendering):
    for fmt, magic in (("html", b"<!DOCTYPE html>"), ("pdf", b"%PDF"), ("docx", b"PK")):
        output = tmp_path / f"bulletin.{fmt}"

        call_command(
            "report_hotline_bulletin", "--month", "2026-10", "--format", fmt, "--output", output
        )

        assert output.read_bytes().startswith(magic)
    html = (tmp_path / "bulletin.html").read_text()
    assert "12345热线运行情况通报（2026年10月）" in html
    assert "<svg" in html


def test_bad_month_is_refused():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report_hotline_bulletin", "--month", "2026-13", "--output", "-")


# Mid-morning in Shanghai: three hours later is still the same day whenever the suite runs
# (at 21:00 or later local time "today" had become tomorrow).
@time_machine.travel(datetime.fromisoformat("2026-11-26T10:00:00+08:00"), tick=True)
def test_dashboard_counts_today(register, operator, department):
    register()
    register(channel=rules.Channel.LETTER, caller_phone="13100000000", content="来信反映噪音扰民")
    emergency = register(
        urgency=rules.Urgency.EMERGENCY, caller_phone="13200000000", content="燃气泄漏"
    )
    actions.dispatch_case(hotline_case=emergency, department=department, actor=operator)

    board = reports.dashboard(now=timezone.now() + timedelta(hours=3))

    assert (board.today_total, board.today_calls, board.open_cases) == (3, 2, 3)
    assert board.overdue_cases == 1
    assert board.volume_by_day[-1][1] == 3
