from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zaixian.cases import actions
from zaixian.cases.models import Case, CaseEvent
from zaixian.cases.rules import DeadlineStatus, is_valid_tracking_number
from zaixian.cases.tests.conftest import PERMIT
from zaixian.cases.tests.factories import CaseFactory, make_officer
from zaixian.core.models import Notification
from zaixian.core.tests.factories import DepartmentFactory, UserFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def department():
    return DepartmentFactory(code="SWJ")


@pytest.fixture
def officer(department):
    return make_officer(department)


@pytest.fixture
def case(department):
    return CaseFactory(department=department)


def _move(case, name, actor, **kwargs):
    kwargs.setdefault("note", "说明")
    return actions.transition_case(case=case, transition=name, actor=actor, **kwargs)


# --- Opening ---------------------------------------------------------------------------------


def test_create_case_draws_a_valid_tracking_number_and_records_submission(department):
    applicant = UserFactory()

    case = actions.create_case(
        case_type=PERMIT.key,
        department=department,
        title="食品经营许可",
        applicant=applicant,
        applicant_name="李四",
        applicant_phone="13912345678",
    )

    assert is_valid_tracking_number(case.tracking_number)
    assert case.tracking_number[8:11] == "SWJ"
    assert case.state == "submitted"
    assert (case.statutory_days, case.promised_days) == (20, 10)
    event = case.events.get()
    assert (event.transition, event.to_state, event.actor) == ("created", "submitted", applicant)


def test_create_case_notifies_applicant_in_site_and_by_email(
    department, django_capture_on_commit_callbacks
):
    applicant = UserFactory(email="lisi@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        case = actions.create_case(
            case_type=PERMIT.key,
            department=department,
            title="食品经营许可",
            applicant=applicant,
            applicant_name="李四",
            applicant_email="lisi@example.com",
        )

    message = Notification.objects.get(recipient=applicant)
    assert case.tracking_number in message.subject
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["lisi@example.com"]


# --- The transition map, as data ------------------------------------------------------------

ALL_STATES = [state.key for state in PERMIT.states]
OFFICER_MOVES = [t for t in PERMIT.transitions if "case_officer" in t.performers]


@pytest.mark.parametrize("transition", OFFICER_MOVES, ids=lambda t: t.name)
@pytest.mark.parametrize("state", ALL_STATES)
def test_officer_transition_allowed_only_from_its_sources(transition, state, department, officer):
    case = CaseFactory(department=department, state=state, is_closed=state in PERMIT.final_states)

    if state in transition.sources:
        event = _move(case, transition.name, officer, extend_days=1)
        assert event.to_state == transition.target
        assert Case.objects.get(pk=case.pk).state == transition.target
    else:
        with pytest.raises(actions.TransitionNotAllowedError):
            _move(case, transition.name, officer, extend_days=1)
        assert Case.objects.get(pk=case.pk).state == state


@pytest.mark.parametrize("transition", OFFICER_MOVES, ids=lambda t: t.name)
def test_applicant_cannot_perform_officer_transitions(transition, case):
    case.state = transition.sources[0]
    case.save()

    with pytest.raises(actions.NotPermittedError):
        _move(case, transition.name, case.applicant, extend_days=1)


def test_officer_of_another_department_cannot_act(case):
    stranger = make_officer(DepartmentFactory())

    with pytest.raises(actions.NotPermittedError):
        _move(case, "accept", stranger)
    assert Case.objects.get(pk=case.pk).state == "submitted"


def test_officer_of_parent_department_may_act(department):
    child = DepartmentFactory(parent=department)
    case = CaseFactory(department=child)

    _move(case, "accept", make_officer(department))

    assert case.state == "accepted"


def test_user_without_case_role_cannot_act(case, department):
    editor = make_officer(department, roles=("editor",))

    with pytest.raises(actions.NotPermittedError):
        _move(case, "accept", editor)


def test_only_the_applicant_corrects(case, officer):
    _move(case, "accept", officer)
    _move(case, "request_correction", officer)

    with pytest.raises(actions.NotPermittedError):
        _move(case, "correct", UserFactory())
    with pytest.raises(actions.NotPermittedError):
        _move(case, "correct", officer)
    _move(case, "correct", case.applicant)
    assert case.state == "accepted"


def test_system_transition_refused_to_people_and_allowed_to_platform(case, officer):
    _move(case, "accept", officer)
    _move(case, "request_correction", officer)

    with pytest.raises(actions.NotPermittedError):
        _move(case, "expire", officer)
    _move(case, "expire", None)
    assert case.is_closed


def test_unknown_transition_is_refused(case, officer):
    with pytest.raises(actions.TransitionNotAllowedError):
        _move(case, "teleport", officer)


def test_note_required_for_refusal(case, officer):
    with pytest.raises(actions.NoteRequiredError):
        _move(case, "refuse", officer, note="  ")


def test_stale_version_is_a_conflict(case, officer):
    seen = case.version
    _move(case, "accept", officer, expected_version=seen)

    with pytest.raises(actions.CaseConflictError):
        _move(case, "examine", officer, expected_version=seen)
    assert case.events.filter(transition="examine").count() == 0


def test_transition_writes_history_and_bumps_version(case, officer):
    event = _move(case, "accept", officer, note="材料齐全")

    assert (event.from_state, event.to_state, event.actor, event.note) == (
        "submitted",
        "accepted",
        officer,
        "材料齐全",
    )
    assert case.version == 1


def test_internal_step_does_not_notify_applicant(case, officer, django_capture_on_commit_callbacks):
    _move(case, "accept", officer)

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _move(case, "examine", officer)

    assert callbacks == []
    assert mail.outbox == []
    assert not case.events.get(transition="examine").is_public


def test_public_step_notifies_applicant_with_note(
    case, officer, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        _move(case, "accept", officer)
        _move(case, "request_correction", officer, note="请补充营业执照复印件")

    assert "请补充营业执照复印件" in mail.outbox[-1].body
    assert Notification.objects.filter(recipient=case.applicant).count() == 2


# --- The clock -------------------------------------------------------------------------------


def test_accept_starts_clock_with_promised_limit(case, officer):
    # Accepted Friday 2026-11-27; 10 working days → Friday 2026-12-11; 20 → 2026-12-25.
    _move(case, "accept", officer, today=date(2026, 11, 27))

    assert case.clock_started_on == date(2026, 11, 27)
    assert case.due_on == date(2026, 12, 11)
    assert case.statutory_due_on == date(2026, 12, 25)


def test_national_day_holidays_are_not_counted(department, officer):
    # Accepted Monday 2025-09-29. 1–8 October 2025 are holidays and Saturday 11 October a
    # make-up working day: 30 Sep, 9, 10, 11, 13–17, 20 October are the 10 working days.
    case = CaseFactory(department=department)

    _move(case, "accept", officer, today=date(2025, 9, 29))

    assert case.due_on == date(2025, 10, 20)


def test_correction_stops_clock_across_spring_festival(department, officer):
    # 2026's Spring Festival: 15–23 February off, Saturdays 14 and 28 February worked.
    # Accepted Monday 9 February with 10 working days: due Saturday 28 February.
    case = CaseFactory(department=department)
    _move(case, "accept", officer, today=date(2026, 2, 9))
    assert case.due_on == date(2026, 2, 28)

    _move(case, "request_correction", officer, today=date(2026, 2, 11))
    assert case.deadline_status_on(date(2026, 2, 12)) == DeadlineStatus.SUSPENDED
    _move(case, "correct", case.applicant, today=date(2026, 3, 2))

    # Stopped from 11 February to 2 March: 12, 13, 14, 24–28 February and 2 March, 9 working
    # days, so the case is now due 9 working days later: Thursday 12 March.
    assert case.suspended_days == 9
    assert case.due_on == date(2026, 3, 12)
    assert case.suspended_since is None


def test_extension_adds_working_days_within_the_maximum(case, officer):
    _move(case, "accept", officer, today=date(2026, 11, 27))

    _move(case, "extend", officer, extend_days=5, today=date(2026, 12, 1))

    assert case.extended_days == 5
    assert case.due_on == date(2026, 12, 18)
    with pytest.raises(actions.ExtensionNotAllowedError):
        _move(case, "extend", officer, extend_days=6)
    with pytest.raises(actions.ExtensionNotAllowedError):
        _move(case, "extend", officer, extend_days=0)


def test_finish_on_time_and_late(department, officer):
    on_time = CaseFactory(department=department)
    late = CaseFactory(department=department)
    for case in (on_time, late):
        _move(case, "accept", officer, today=date(2026, 11, 27))

    _move(on_time, "approve", officer, today=date(2026, 12, 11))
    _move(late, "approve", officer, today=date(2026, 12, 14))

    assert (on_time.finished_on, on_time.is_on_time) == (date(2026, 12, 11), True)
    assert late.is_on_time is False


def test_final_state_closes_case_and_finishes_clock(case, officer):
    _move(case, "accept", officer, today=date(2026, 11, 27))

    _move(case, "reject", officer, today=date(2026, 11, 30), note="不符合条件")

    assert case.is_closed
    assert case.closed_at is not None
    assert case.finished_on == date(2026, 11, 30)
    assert case.deadline_status == DeadlineStatus.NONE


def test_closed_case_accepts_no_transition(case, officer):
    _move(case, "refuse", officer, note="不属于本部门职责")

    for name in ("accept", "approve", "close"):
        with pytest.raises(actions.TransitionNotAllowedError):
            _move(case, name, officer)


# --- Assignment and attachments ---------------------------------------------------------------


def test_assign_case_to_colleague_records_internal_event(case, department, officer):
    colleague = make_officer(department)

    actions.assign_case(case=case, assignee=colleague, actor=officer)

    assert case.assignee == colleague
    assert not case.events.get(transition="assigned").is_public


def test_cannot_assign_to_officer_of_other_department(case, officer):
    with pytest.raises(actions.NotPermittedError):
        actions.assign_case(case=case, assignee=make_officer(DepartmentFactory()), actor=officer)


def test_applicant_attaches_a_real_pdf(case):
    upload = SimpleUploadedFile("营业执照.pdf", PDF, content_type="application/pdf")

    attachment = actions.add_case_attachment(
        case=case, upload=upload, actor=case.applicant, material="营业执照"
    )

    assert attachment.content_type == "application/pdf"
    assert attachment.size == len(PDF)
    assert attachment.file.read() == PDF


def test_executable_disguised_as_pdf_is_refused(case):
    upload = SimpleUploadedFile("申请表.pdf", b"MZ\x90\x00" + b"\x00" * 200)

    with pytest.raises(ValidationError, match=r"不是真正的|not a real"):
        actions.add_case_attachment(case=case, upload=upload, actor=case.applicant)
    assert not case.attachments.exists()


def test_stranger_cannot_attach(case):
    upload = SimpleUploadedFile("a.pdf", PDF)

    with pytest.raises(actions.NotPermittedError):
        actions.add_case_attachment(case=case, upload=upload, actor=UserFactory())


def test_history_event_count_matches_moves(case, officer):
    _move(case, "accept", officer)
    _move(case, "approve", officer)
    _move(case, "close", officer)

    assert list(CaseEvent.objects.filter(case=case).values_list("transition", flat=True)) == [
        "accept",
        "approve",
        "close",
    ]


def test_type_that_starts_clock_on_creation_is_due_from_submission(department):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from zaixian.cases import registry
    from zaixian.cases.registry import CaseType, State

    follow_up = CaseType(
        key="cases_test.follow_up",
        label="follow-up",
        states=(State("open", "open"), State("done", "done", is_final=True)),
        initial="open",
        transitions=(),
        statutory_days=15,
        starts_clock=True,
    )
    registry.register_case_type(follow_up)
    try:
        case = actions.create_case(
            case_type=follow_up.key,
            department=department,
            title="差评整改",
            applicant_name="王五",
            submitted_at=datetime(2026, 11, 27, 10, tzinfo=ZoneInfo("Asia/Shanghai")),
        )
    finally:
        registry.unregister_case_type(follow_up.key)

    assert case.clock_started_on == date(2026, 11, 27)
    assert case.due_on == date(2026, 12, 18)


# --- Reminders -----------------------------------------------------------------------------


def test_deadline_reminders_go_to_assignees_and_department_officers(department, officer):
    colleague = make_officer(department)
    CaseFactory(department=department, assignee=colleague, due_on=date(2026, 11, 20))
    CaseFactory(department=department, assignee=colleague, due_on=date(2026, 11, 30))
    CaseFactory(department=department, due_on=date(2026, 11, 27))  # unassigned: all officers
    CaseFactory(department=department, assignee=colleague, due_on=date(2026, 12, 31))  # far

    reminded = actions.send_deadline_reminders(today=date(2026, 11, 27))

    assert reminded == 2
    message = Notification.objects.get(recipient=colleague)
    # two assigned and one unassigned case, one of them overdue
    assert message.subject == "临近期限或超期办件 3 件，其中超期 1 件"
    assert Notification.objects.filter(recipient=officer).count() == 1


def test_no_reminders_on_a_day_off(department, officer):
    CaseFactory(department=department, due_on=date(2026, 11, 20))

    assert actions.send_deadline_reminders(today=date(2026, 11, 28)) == 0
    assert not Notification.objects.exists()


def test_restart_counts_the_full_limit_again_from_the_restart_day(department, officer):
    from zaixian.cases import registry
    from zaixian.cases.registry import APPLICANT, CaseType, ClockEffect, State, Transition

    officers = frozenset({"case_officer"})
    restarting = CaseType(
        key="cases_test.restarting",
        label="restarting",
        states=(State("open", "open"), State("waiting", "waiting"), State("done", "done", True)),
        initial="open",
        transitions=(
            Transition("ask", "ask", ("open",), "waiting", officers, ClockEffect.STOP),
            Transition(
                "answer",
                "answer",
                ("waiting",),
                "open",
                frozenset({APPLICANT}),
                ClockEffect.RESTART,
            ),
        ),
        statutory_days=20,
        starts_clock=True,
    )
    registry.register_case_type(restarting)
    try:
        case = CaseFactory(
            department=department, case_type=restarting.key, state="open", promised_days=None
        )
        Case.objects.filter(pk=case.pk).update(clock_started_on=date(2026, 11, 2))
        case.refresh_from_db()
        _move(case, "ask", officer, today=date(2026, 11, 5))
        _move(case, "answer", case.applicant, today=date(2026, 11, 16))

        assert case.clock_started_on == date(2026, 11, 16)
        assert case.suspended_days == 0
        assert case.due_on == date(2026, 12, 14)
    finally:
        registry.unregister_case_type(restarting.key)
