"""The mayor's hotline end to end, in a real browser (issue 6, §4): an operator registers a
call on the console (the caller's earlier case appears as the number is typed), dispatches
it to the suggested department; the department accepts and replies; the centre approves the
reply and records the call-back, which closes the case; the closed case becomes a typical
case, masked automatically, reviewed and published; the public page shows it without the
caller's name, phone, ID number or exact address, and the tracking page shows the progress
without personal data (on a phone-sized screen)."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, admin_login, horizontal_overflow
from tests.e2e.test_accessibility import describe, serious_violations
from zaixian.core.actions import assign_user
from zaixian.core.models import Department
from zaixian.core.roles import Role
from zaixian.hotline import actions, rules
from zaixian.hotline.models import DispatchRule, HotlineCase, HotlineCategory, HotlineSettings
from zaixian.portal.tests.factories import make_site_tree

pytestmark = pytest.mark.browser

CALLER_PHONE = "13912345678"
CALLER_NAME = "王小明"
ADDRESS = "晋城市城区凤台街道白水街88号3号楼2单元501室"
CONTENT = (
    "我叫王小明，身份证140502199001011234，家住白水街88号3号楼，"
    "电话13912345678。楼下路面塌陷一个大坑，晚上路灯也不亮，很危险。"
)
REPLY = "已联系王小明，塌陷路面已于当日回填修复，路灯已更换。"


def _staff(username: str, name: str, department: Department, roles: list[Role]):
    user = get_user_model().objects.create_user(
        username=username, password=PASSWORD, last_name=name[0], first_name=name[1:]
    )
    return assign_user(user=user, department=department, roles=roles)


@pytest.fixture
def hotline():
    make_site_tree(articles=1, notices=1)
    city = Department.add_root(name="晋城市人民政府", code="JC", kind="government")
    centre = city.add_child(name="晋城市12345市长热线受理中心", code="JC12345", kind="institution")
    city.refresh_from_db()
    bureau = city.add_child(name="晋城市住房和城乡建设局", code="JCZJJ")
    settings = HotlineSettings.load()
    settings.centre = centre
    settings.save()
    category = HotlineCategory.objects.create(name="城乡建设", code="urban-construction")
    DispatchRule.objects.create(category=category, department=bureau)
    operator = _staff("operator", "冯话务", centre, [Role.HOTLINE_OPERATOR])
    _staff("zjj_officer", "赵承办", bureau, [Role.CASE_OFFICER])
    earlier = actions.register_case(
        channel=rules.Channel.PHONE,
        kind=rules.Kind.CONSULTATION,
        category=category,
        content="咨询老旧小区改造申请流程",
        caller_name=CALLER_NAME,
        caller_phone=CALLER_PHONE,
        actor=operator,
    )
    return {"bureau": bureau, "category": category, "earlier": earlier}


def _act(page, form_id: str) -> None:
    page.locator(f"#{form_id} button[type=submit]").click()
    expect(page.locator(".messages")).to_contain_text("工单已更新")


def test_call_to_published_typical_case(open_page, hotline):
    operator = open_page()
    officer = open_page()
    visitor = open_page(viewport=PHONE)
    admin_login(operator, username="operator")
    admin_login(officer, username="zjj_officer")

    # The operator registers the call with the keyboard; the caller's earlier case shows up.
    operator.goto("/admin/hotline/console/")
    expect(operator.locator("#id_caller_phone")).to_be_focused()
    operator.keyboard.type(CALLER_PHONE)
    expect(operator.locator("#console-history")).to_contain_text(
        hotline["earlier"].case.tracking_number
    )
    operator.keyboard.press("Tab")
    operator.keyboard.type(CALLER_NAME)
    operator.locator("#id_caller_address").fill(ADDRESS)
    operator.locator("#id_area").fill("城区")
    operator.locator("#id_kind").select_option("help")
    operator.locator("#id_category").select_option(str(hotline["category"].pk))
    operator.locator("#id_urgency").select_option("emergency")
    operator.locator("#id_content").fill(CONTENT)
    expect(operator.locator("#console-suggestions")).to_contain_text(hotline["bureau"].name)
    operator.locator("#id_content").press("Control+Enter")
    operator.wait_for_url(re.compile(r"/admin/hotline/\d+/$"))
    hotline_case = HotlineCase.objects.exclude(pk=hotline["earlier"].pk).get()
    number = hotline_case.case.tracking_number
    expect(operator.locator(".messages")).to_contain_text(number)
    assert hotline_case.case.limit_hours == 2

    # Dispatch to the suggested department (preselected).
    expect(operator.locator("#step-dispatch #id_department")).to_have_value(
        str(hotline["bureau"].pk)
    )
    _act(operator, "step-dispatch")
    expect(operator.locator("#case-state")).to_have_text("已派单，待签收")

    # The department accepts and replies on the same desk.
    desk = f"/admin/hotline/{hotline_case.pk}/"
    officer.goto(desk)
    _act(officer, "step-accept")
    officer.locator("#step-reply #id_note").fill(REPLY)
    _act(officer, "step-reply")
    expect(officer.locator("#case-state")).to_have_text("已答复，待审核")

    # The centre approves the reply and calls back: satisfied closes the case.
    operator.goto(desk)
    operator.locator("#step-review input[value=approve]").check()
    _act(operator, "step-review")
    operator.locator("#step-callback input[value=satisfied]").check()
    _act(operator, "step-callback")
    expect(operator.locator("#case-state")).to_have_text("已办结")

    # A typical case: masked automatically, reviewed, published.
    _act(operator, "step-typical")
    content = operator.locator("#step-publish #id_content")
    for secret in (CALLER_NAME, CALLER_PHONE, "140502199001011234", "88号"):
        expect(content).not_to_have_value(re.compile(re.escape(secret)))
    operator.locator("#step-publish #id_title").fill("城区白水街路面塌陷当日修复")
    _act(operator, "step-publish")
    typical_id = hotline_case.typical.pk

    # The public: the typical case and the tracking page, on a phone, without personal data.
    visitor.goto(f"/hdjl/typical/{typical_id}/")
    expect(visitor.locator("h1")).to_have_text("城区白水街路面塌陷当日修复")
    body = visitor.locator("main").inner_text()
    for secret in (CALLER_NAME, CALLER_PHONE, "140502199001011234", "白水街88号", "501室"):
        assert secret not in body
    assert "王*明" in body
    assert "139****5678" in body
    assert horizontal_overflow(visitor) == 0
    violations = serious_violations(visitor)
    assert not violations, describe(violations)

    visitor.goto("/hdjl/track/")
    visitor.locator("#id_tracking_number").fill(number)
    visitor.locator("#id_phone_last4").fill(CALLER_PHONE[-4:])
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator(".tracked")).to_contain_text("已办结")
    tracked = visitor.locator("main").inner_text()
    for secret in (CALLER_NAME, CALLER_PHONE, "白水街"):
        assert secret not in tracked
    assert horizontal_overflow(visitor) == 0
    violations = serious_violations(visitor)
    assert not violations, describe(violations)

    # The mayor's mailbox on a phone: accessible, and bad input answered in Chinese.
    visitor.goto("/hdjl/write/mayor/")
    assert horizontal_overflow(visitor) == 0
    violations = serious_violations(visitor)
    assert not violations, describe(violations)
    visitor.locator("main form button[type=submit]").click()
    expect(visitor.locator("main form")).to_contain_text("必需字段")


def test_consultation_answered_from_the_knowledge_base(open_page, hotline):
    from zaixian.hotline.models import KnowledgeEntry

    KnowledgeEntry.objects.create(
        department=hotline["bureau"],
        question="老旧小区改造怎么申请？",
        answer="由社区汇总居民意愿后向区住建部门申报，列入年度计划后实施。",
    )
    operator = open_page()
    admin_login(operator, username="operator")
    earlier = hotline["earlier"]

    operator.goto(f"/admin/hotline/{earlier.pk}/")
    operator.locator("#desk-knowledge-query").fill("老旧小区改造")
    operator.locator("#desk-knowledge button", has_text="老旧小区改造怎么申请？").click()
    expect(operator.locator("#step-close-directly #id_note")).to_have_value(
        re.compile("区住建部门申报")
    )
    _act(operator, "step-close-directly")

    expect(operator.locator("#case-state")).to_have_text("已办结")
    earlier.refresh_from_db()
    assert earlier.lead_department == hotline["bureau"]
