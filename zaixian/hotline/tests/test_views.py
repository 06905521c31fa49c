"""Pages: public forms, tracking and publication; the console, lookups and the desk in the
admin; permissions and status codes (the rules themselves are tested in test_actions)."""

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from zaixian.hotline import actions, rules
from zaixian.hotline.models import HotlineCase

pytestmark = pytest.mark.django_db

SUBMISSION = {
    "kind": "complaint",
    "content": "夜间施工噪音扰民，凌晨两点仍在作业。",
    "caller_name": "陈静",
    "caller_phone": "13812345678",
    "caller_address": "晋城市城区东街10号",
}


def _denied(response):
    """Wagtail's admin answers PermissionDenied with a redirect to the dashboard."""
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


def _submission(category, **overrides):
    data = dict(SUBMISSION, category=category.pk)
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("channel", "value"), [("web", "web"), ("mayor", "mayor"), ("governor", "governor")]
)
def test_public_form_registers_a_case_with_a_tracking_number(
    client, centre, category, channel, value
):
    url = reverse("hotline:submit", args=[channel])
    assert client.get(url).status_code == 200

    response = client.post(url, _submission(category))

    assert response.status_code == 201
    hotline_case = HotlineCase.objects.get()
    assert hotline_case.channel == value
    assert hotline_case.case.tracking_number in response.content.decode()


def test_public_form_answers_bad_input_with_400_in_chinese(client, centre, category):
    response = client.post(
        reverse("hotline:submit", args=["web"]),
        _submission(category, caller_phone="12345", content="短"),
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )

    assert response.status_code == 400
    assert not HotlineCase.objects.exists()
    assert "手机号" in response.content.decode()


def test_public_form_unknown_channel_is_404(client, centre):
    assert client.get("/hdjl/write/president/").status_code == 404


def test_public_form_needs_csrf(centre, category):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)

    response = strict.post(reverse("hotline:submit", args=["web"]), _submission(category))

    assert response.status_code == 403


def test_public_form_is_rate_limited(client, centre, category):
    url = reverse("hotline:submit", args=["mayor"])
    for number in range(5):
        client.post(url, _submission(category, caller_phone=f"1380000000{number}"))

    response = client.post(url, _submission(category))

    assert response.status_code == 429
    assert HotlineCase.objects.count() == 5


def test_tracking_page_shows_state_and_reply_but_no_personal_data(
    client, register, operator, officer, department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)

    response = client.post(
        reverse("hotline:track"),
        {"tracking_number": hotline_case.case.tracking_number, "phone_last4": "5678"},
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert "已派单，待签收" in page
    assert department.name in page
    for secret in ("王小明", "13912345678", "白水街", "小区门口道路破损"):
        assert secret not in page


def test_tracking_with_wrong_digits_is_404(client, register):
    hotline_case = register()

    response = client.post(
        reverse("hotline:track"),
        {"tracking_number": hotline_case.case.tracking_number, "phone_last4": "0000"},
    )

    assert response.status_code == 404


def test_published_typical_case_and_reply_are_masked(
    client, register, operator, officer, department
):
    hotline_case = register(
        agrees_to_publish=True, content="王小明家楼下，电话13912345678，路面破损"
    )
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(hotline_case=hotline_case, actor=officer, reply="已联系王小明，已修复")
    actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)
    actions.record_callback(hotline_case=hotline_case, actor=operator, satisfaction="satisfied")
    typical = actions.draft_typical_case(hotline_case=hotline_case, actor=operator)
    assert client.get(reverse("hotline:typical_case", args=[typical.pk])).status_code == 404
    actions.publish_typical_case(typical=typical, actor=operator)

    pages = [
        client.get(reverse("hotline:typical_case", args=[typical.pk])).content.decode(),
        client.get(reverse("hotline:replies")).content.decode(),
        client.get(reverse("hotline:index")).content.decode(),
    ]

    assert typical.title in pages[2]
    for page in pages[:2]:
        assert "王*明" in page
        assert "王小明" not in page
        assert "13912345678" not in page


# --- Admin ---------------------------------------------------------------------------------


def test_console_registers_a_call(client, operator, category):
    client.force_login(operator)
    assert client.get(reverse("hotline_admin:console")).status_code == 200

    response = client.post(
        reverse("hotline_admin:console"),
        {
            "channel": "phone",
            "caller_phone": "139 1234 5678",
            "caller_name": "王小明",
            "kind": "complaint",
            "category": category.pk,
            "content": "小区门口道路破损严重",
        },
    )

    hotline_case = HotlineCase.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("hotline_admin:case", args=[hotline_case.pk])
    assert hotline_case.caller_phone == "13912345678"


def test_console_call_without_number_is_400(client, operator, category):
    client.force_login(operator)

    response = client.post(
        reverse("hotline_admin:console"),
        {
            "channel": "phone",
            "caller_name": "王",
            "kind": "help",
            "category": category.pk,
            "content": "求助内容五个字",
        },
    )

    assert response.status_code == 400
    assert not HotlineCase.objects.exists()


def test_console_and_lookup_refused_to_departments(client, officer):
    client.force_login(officer)

    assert _denied(client.get(reverse("hotline_admin:console")))
    assert _denied(client.get(reverse("hotline_admin:lookup"), {"phone": "13912345678"}))


def test_lookup_lists_caller_history_and_duplicates(
    client, operator, register, django_assert_max_num_queries
):
    earlier = register()
    client.force_login(operator)

    with django_assert_max_num_queries(12):
        response = client.get(
            reverse("hotline_admin:lookup"),
            {
                "phone": "13912345678",
                "content": "小区门口道路破损严重",
                "category": earlier.category_id,
            },
        )

    data = response.json()
    assert [item["tracking_number"] for item in data["history"]] == [earlier.case.tracking_number]
    assert data["duplicates"][0]["tracking_number"] == earlier.case.tracking_number


def test_knowledge_search_for_operators(client, operator, department):
    from zaixian.hotline.tests.factories import KnowledgeEntryFactory

    KnowledgeEntryFactory(
        department=department, question="公积金怎么提取？", answer="携带身份证到公积金中心办理。"
    )
    client.force_login(operator)

    response = client.get(reverse("hotline_admin:knowledge"), {"q": "公积金提取"})

    assert [r["question"] for r in response.json()["results"]] == ["公积金怎么提取？"]


def test_department_cannot_open_a_case_it_was_not_assigned(
    client, register, operator, other_officer, department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    client.force_login(other_officer)

    assert _denied(client.get(reverse("hotline_admin:case", args=[hotline_case.pk])))
    listing = client.get(reverse("hotline_admin:cases"))
    assert hotline_case.case.tracking_number not in listing.content.decode()


def test_desk_masks_the_caller_until_shown_and_audits_the_view(
    client, register, operator, officer, department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    client.force_login(officer)
    url = reverse("hotline_admin:case", args=[hotline_case.pk])

    masked = client.get(url).content.decode()
    shown = client.get(url, {"show": "caller"}).content.decode()

    assert "13912345678" not in masked
    assert "139****5678" in masked
    assert "13912345678" in shown
    assert (
        ModelLogEntry.objects.filter(action="zaixian.view_personal_data", user=officer).count() == 1
    )


def test_desk_flow_through_the_forms(
    client, register, operator, officer, department, other_department
):
    hotline_case = register()
    url = reverse("hotline_admin:case", args=[hotline_case.pk])
    client.force_login(operator)
    assert (
        client.post(url, {"step": "dispatch", "department": other_department.pk}).status_code == 302
    )
    client.force_login(officer)
    assert _denied(client.post(url, {"step": "accept"}))  # not this department's
    client.force_login(operator)
    hotline_case.refresh_from_db()

    # the other department returns it; the centre re-dispatches to the right one
    from zaixian.cases.tests.factories import make_officer

    other_officer = make_officer(other_department)
    client.force_login(other_officer)
    assert client.post(url, {"step": "return", "note": ""}).status_code == 400
    assert client.post(url, {"step": "return", "note": "非本部门职责"}).status_code == 302
    client.force_login(operator)
    assert client.post(url, {"step": "dispatch", "department": department.pk}).status_code == 302
    client.force_login(officer)
    assert client.post(url, {"step": "accept"}).status_code == 302
    assert client.post(url, {"step": "reply", "note": "已修复"}).status_code == 302
    client.force_login(operator)
    assert client.post(url, {"step": "review", "decision": "send_back"}).status_code == 400
    assert client.post(url, {"step": "review", "decision": "approve"}).status_code == 302
    assert client.post(url, {"step": "callback", "satisfaction": "satisfied"}).status_code == 302

    hotline_case.refresh_from_db()
    assert hotline_case.case.state == rules.CLOSED


def test_step_not_available_is_refused(client, register, operator):
    hotline_case = register()
    client.force_login(operator)

    response = client.post(
        reverse("hotline_admin:case", args=[hotline_case.pk]),
        {"step": "callback", "satisfaction": "satisfied"},
    )

    assert response.status_code == 302
    hotline_case.refresh_from_db()
    assert hotline_case.case.state == rules.REGISTERED


def test_engine_case_desk_links_to_the_hotline_desk(
    client, register, operator, officer, department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    client.force_login(officer)

    worklist = client.get(reverse("cases_admin:worklist")).content.decode()
    desk = client.get(reverse("cases_admin:case", args=[hotline_case.case_id])).content.decode()

    assert hotline_case.case.tracking_number in worklist
    assert reverse("hotline_admin:case", args=[hotline_case.pk]) in desk


def test_dashboard_and_bulletin_for_the_centre_only(client, operator, officer, register):
    register()
    client.force_login(officer)
    assert _denied(client.get(reverse("hotline_admin:dashboard")))
    client.force_login(operator)

    assert client.get(reverse("hotline_admin:dashboard")).status_code == 200
    assert client.get(reverse("hotline_admin:bulletin"), {"month": "2026-13"}).status_code == 400
    docx = client.get(reverse("hotline_admin:bulletin"), {"month": "2026-11", "format": "docx"})
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")
    html = client.get(reverse("hotline_admin:bulletin"), {"month": "2026-11"})
    assert html.status_code == 200


def test_tracking_page_masks_the_reply(client, register, operator, officer, department):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(
        hotline_case=hotline_case, actor=officer, reply="已电话联系王小明，已修复"
    )
    actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)
    actions.record_callback(hotline_case=hotline_case, actor=operator, satisfaction="satisfied")

    page = client.post(
        reverse("hotline:track"),
        {"tracking_number": hotline_case.case.tracking_number, "phone_last4": "5678"},
    ).content.decode()

    assert "已电话联系王*明，已修复" in page
    assert "王小明" not in page


def test_desk_closes_a_consultation_from_the_knowledge_base(client, register, operator, department):
    from zaixian.hotline.tests.factories import KnowledgeEntryFactory

    entry = KnowledgeEntryFactory(department=department)
    hotline_case = register(kind=rules.Kind.CONSULTATION, content="居住证怎么办理")
    client.force_login(operator)
    url = reverse("hotline_admin:case", args=[hotline_case.pk])
    assert 'id="step-close-directly"' in client.get(url).content.decode()

    response = client.post(
        url, {"step": "close_directly", "note": entry.answer, "knowledge_entry": str(entry.pk)}
    )

    hotline_case.refresh_from_db()
    assert response.status_code == 302
    assert hotline_case.case.state == rules.CLOSED
    assert hotline_case.reply == entry.answer
    assert hotline_case.lead_department == department


def test_case_list_queries_do_not_grow_with_the_cases(
    client, register, operator, department, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    for number in range(3):
        hotline_case = register(caller_phone=f"1370000000{number}", content=f"第{number}件诉求内容")
        actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    client.force_login(operator)
    url = reverse("hotline_admin:cases")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(3, 9):
        register(caller_phone=f"1370000000{number}", content=f"第{number}件诉求内容")

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert response.content.decode().count("/admin/hotline/") >= 9


def test_assisting_department_sends_its_opinion_on_the_desk(
    client, register, operator, department, other_department, other_officer
):
    hotline_case = register()
    actions.dispatch_case(
        hotline_case=hotline_case,
        department=department,
        assisting=[other_department],
        actor=operator,
    )
    client.force_login(other_officer)
    url = reverse("hotline_admin:case", args=[hotline_case.pk])

    assert client.post(url, {"step": "opinion", "opinion-note": ""}).status_code == 400
    response = client.post(url, {"step": "opinion", "opinion-note": "管网问题由我局排查"})

    assert response.status_code == 302
    assert "管网问题由我局排查" in client.get(url).content.decode()
