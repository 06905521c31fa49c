from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from wagtail.models import ModelLogEntry

from zaixian.cases import queries as case_queries
from zaixian.cases.actions import NoteRequiredError, NotPermittedError
from zaixian.core.models import Notification
from zaixian.hotline import actions, queries, rules
from zaixian.hotline.models import HotlineDispatch, TypicalCase
from zaixian.hotline.tests.factories import KnowledgeEntryFactory

pytestmark = pytest.mark.django_db


def test_phone_call_gets_a_tracking_number_held_by_the_centre(register, centre):
    hotline_case = register()

    case = hotline_case.case
    assert case_queries.tracked_case(tracking_number=case.tracking_number, phone_last4="5678")
    assert case.state == rules.REGISTERED
    assert case.department == centre
    assert case.promised_days == 7
    assert case.due_at is None
    assert "道路" in hotline_case.keywords.split()


def test_utilities_case_runs_a_24_hour_clock(register, utilities):
    hotline_case = register(category=utilities, content="整栋楼停水已经一天")

    case = hotline_case.case
    assert hotline_case.urgency == rules.Urgency.UTILITIES
    assert case.limit_hours == 24
    assert case.due_at == hotline_case.received_at + timedelta(hours=24)


def test_only_the_centre_registers_calls(register, officer):
    with pytest.raises(NotPermittedError):
        register(actor=officer)


def test_full_flow_dispatch_accept_reply_review_callback_close(
    register, operator, officer, department
):
    hotline_case = register()

    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    assert hotline_case.case.department == department
    assert hotline_case.case.state == rules.DISPATCHED
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(
        hotline_case=hotline_case, actor=officer, reply="已安排修复，三日内完工。"
    )
    assert hotline_case.case.state == rules.REPLIED
    assert hotline_case.case.department_id == queries.hotline_centre().pk
    actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)
    actions.record_callback(
        hotline_case=hotline_case, actor=operator, satisfaction=rules.Satisfaction.SATISFIED
    )

    hotline_case.refresh_from_db()
    assert hotline_case.case.state == rules.CLOSED
    assert hotline_case.case.is_closed
    assert hotline_case.is_reply_on_time is True
    assert hotline_case.satisfaction == rules.Satisfaction.SATISFIED
    assert list(hotline_case.dispatches.values_list("outcome", flat=True)) == ["replied"]


def test_return_with_reason_and_redispatch(
    register, operator, officer, other_officer, department, other_department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=other_department, actor=operator)

    actions.return_case(hotline_case=hotline_case, actor=other_officer, reason="不属于本部门职责")
    assert hotline_case.case.state == rules.RETURNED
    assert hotline_case.case.department == queries.hotline_centre()
    returned = HotlineDispatch.objects.get(department=other_department)
    assert (returned.outcome, returned.return_reason) == ("returned", "不属于本部门职责")

    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    assert hotline_case.case.state == rules.HANDLING
    assert hotline_case.lead_department == department
    assert hotline_case.dispatches.count() == 2


def test_return_needs_a_reason(register, operator, officer, department):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)

    with pytest.raises(NoteRequiredError):
        actions.return_case(hotline_case=hotline_case, actor=officer, reason=" ")


def test_reply_sent_back_returns_to_the_department(register, operator, officer, department):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(hotline_case=hotline_case, actor=officer, reply="已处理")

    actions.review_reply(
        hotline_case=hotline_case, actor=operator, approve=False, note="答复过于简单"
    )

    assert hotline_case.case.state == rules.HANDLING
    assert hotline_case.case.department == department
    assert case_queries.cases_for_officer(officer).filter(pk=hotline_case.case_id).exists()


def test_unsatisfied_caller_reopens_the_case(register, operator, officer, department):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(hotline_case=hotline_case, actor=officer, reply="已处理")
    actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)

    actions.record_callback(
        hotline_case=hotline_case,
        actor=operator,
        satisfaction=rules.Satisfaction.UNSATISFIED,
        note="路面仍未修好",
    )
    assert hotline_case.case.state == rules.UNSATISFIED
    actions.dispatch_case(
        hotline_case=hotline_case, department=department, actor=operator, note="群众不满意，重办"
    )

    assert hotline_case.case.state == rules.DISPATCHED
    assert hotline_case.case.department == department
    assert hotline_case.replied_at is None
    assert hotline_case.satisfaction == ""


def test_assisting_department_sees_the_case_but_cannot_reply(
    register, operator, officer, other_officer, department, other_department
):
    hotline_case = register()

    actions.dispatch_case(
        hotline_case=hotline_case,
        department=department,
        assisting=[other_department],
        actor=operator,
    )

    assert queries.hotline_case_for(other_officer, hotline_case.pk) == hotline_case
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    with pytest.raises(NotPermittedError):
        actions.reply_to_case(hotline_case=hotline_case, actor=other_officer, reply="x")


def test_department_sees_no_case_it_was_not_assigned(
    register, operator, officer, other_officer, department
):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)

    assert not queries.hotline_cases_for(other_officer).exists()
    assert queries.hotline_case_for(other_officer, hotline_case.pk) is None
    with pytest.raises(NotPermittedError):
        actions.view_caller_details(hotline_case=hotline_case, user=other_officer)
    with pytest.raises(NotPermittedError):
        actions.accept_case(hotline_case=hotline_case, actor=other_officer)


def test_caller_details_view_is_audited(register, operator, officer, department):
    hotline_case = register()
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)

    details = actions.view_caller_details(hotline_case=hotline_case, user=officer)

    assert details["phone"] == "13912345678"
    entry = ModelLogEntry.objects.get(action="zaixian.view_personal_data")
    assert entry.user_id == officer.pk
    assert entry.object_id == str(hotline_case.case_id)


def test_same_caller_is_flagged_as_duplicate_and_merged(register, operator):
    first = register()
    second = register(content="再次反映：小区门口的路坏了")

    assert second.duplicate_of == first
    actions.merge_case(duplicate=second, into=first, actor=operator)

    second.refresh_from_db()
    assert second.case.state == rules.MERGED
    assert second.merged_into == first
    assert first.case.tracking_number in second.case.events.last().note


def test_near_identical_text_from_another_caller_is_flagged(register):
    first = register()
    other = register(
        caller_phone="13700001111",
        caller_name="赵六",
        content="小区门口道路破损严重，下雨天积水出行不便！",
    )
    unrelated = register(caller_phone="13600002222", content="建议在公园增设健身器材")

    assert other.duplicate_of == first
    assert unrelated.duplicate_of is None


def test_case_cannot_merge_into_a_closed_case(register, operator):
    first = register(kind=rules.Kind.CONSULTATION)
    actions.close_directly(hotline_case=first, actor=operator, answer="已解答")
    second = register()

    with pytest.raises(actions.HotlineError):
        actions.merge_case(duplicate=second, into=first, actor=operator)


def test_consultation_closed_directly_from_the_knowledge_base(register, operator, department):
    entry = KnowledgeEntryFactory(department=department)
    hotline_case = register(kind=rules.Kind.CONSULTATION, content="居住证怎么办理")

    found = queries.search_knowledge("居住证办理")
    actions.close_directly(
        hotline_case=hotline_case, actor=operator, answer=found[0].answer, knowledge_entry=entry
    )

    assert found == [entry]
    assert hotline_case.case.state == rules.CLOSED
    assert hotline_case.lead_department == department


def test_complaint_cannot_be_closed_directly(register, operator):
    hotline_case = register()

    with pytest.raises(actions.HotlineError):
        actions.close_directly(hotline_case=hotline_case, actor=operator, answer="x")


def test_overdue_emergency_is_supervised_once_and_leaders_told(
    register, operator, department, leader
):
    hotline_case = register(urgency=rules.Urgency.EMERGENCY, content="路面塌陷，有车辆陷入")
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)

    assert actions.supervise_overdue_cases(now=timezone.now() + timedelta(hours=1)) == 0
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert actions.supervise_overdue_cases() == 1
        assert actions.supervise_overdue_cases() == 0

    assert hotline_case.case.events.filter(transition="supervise").count() == 1
    assert Notification.objects.filter(recipient=leader).count() == 1


def test_typical_case_masks_personal_data(register, operator, officer, department):
    hotline_case = register(
        content="我叫王小明，电话13912345678，身份证140502199001011234，"
        "住晋城市城区凤台街道白水街88号3号楼2单元501室，楼下路面破损。",
        agrees_to_publish=True,
    )
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    actions.accept_case(hotline_case=hotline_case, actor=officer)
    actions.reply_to_case(
        hotline_case=hotline_case, actor=officer, reply="已联系王小明先生，路面已修复"
    )
    actions.review_reply(hotline_case=hotline_case, actor=operator, approve=True)
    actions.record_callback(hotline_case=hotline_case, actor=operator, satisfaction="satisfied")

    typical = actions.draft_typical_case(hotline_case=hotline_case, actor=operator)
    actions.publish_typical_case(typical=typical, actor=operator)

    typical.refresh_from_db()
    text = typical.content + typical.reply
    for secret in ("王小明", "13912345678", "140502199001011234", "白水街88号", "501室"):
        assert secret not in text
    assert "王*明" in text
    assert "139****5678" in text
    assert typical.status == TypicalCase.Status.PUBLISHED
    assert list(queries.published_typical_cases()) == [typical]


def test_open_case_cannot_become_a_typical_case(register, operator):
    with pytest.raises(actions.HotlineError):
        actions.draft_typical_case(hotline_case=register(), actor=operator)


def test_open311_key_is_stored_hashed_and_authenticates():
    client, key = actions.create_open311_client(name="城市通 App")

    assert key not in client.key_hash
    assert queries.open311_client_for_key(key) == client
    assert queries.open311_client_for_key(key + "x") is None
    assert queries.open311_client_for_key("") is None


def test_assisting_department_adds_an_opinion_and_others_cannot(
    register, operator, officer, other_officer, department, other_department
):
    hotline_case = register()
    actions.dispatch_case(
        hotline_case=hotline_case,
        department=department,
        assisting=[other_department],
        actor=operator,
    )

    opinion = actions.add_assist_opinion(
        hotline_case=hotline_case,
        actor=other_officer,
        text="该路段地下管网由我局负责，已安排排查。",
    )

    assert opinion.department == other_department
    with pytest.raises(NotPermittedError):
        actions.add_assist_opinion(hotline_case=hotline_case, actor=officer, text="主办不是协办")
    with pytest.raises(NotPermittedError):
        actions.add_assist_opinion(hotline_case=hotline_case, actor=operator, text="中心不是协办")


def test_emergency_warned_once_with_a_quarter_of_the_time_left(
    register, operator, officer, department
):
    hotline_case = register(urgency=rules.Urgency.EMERGENCY, content="燃气管道泄漏")
    actions.dispatch_case(hotline_case=hotline_case, department=department, actor=operator)
    due = hotline_case.case.due_at

    assert actions.warn_hour_limited_cases(now=due - timedelta(minutes=45)) == 0
    assert actions.warn_hour_limited_cases(now=due - timedelta(minutes=20)) == 1
    assert actions.warn_hour_limited_cases(now=due - timedelta(minutes=10)) == 0

    notice = Notification.objects.get(recipient=officer)
    assert hotline_case.case.tracking_number in notice.subject
