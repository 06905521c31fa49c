import re
import threading

import pytest
import requests
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from zaixian.cases import actions
from zaixian.cases.models import Case
from zaixian.cases.tests.factories import CaseFactory, make_officer
from zaixian.core.tests.factories import DepartmentFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def department(db):
    return DepartmentFactory(code="SWJ")


@pytest.fixture
def officer(department):
    return make_officer(department)


@pytest.fixture
def case(department):
    return CaseFactory(department=department)


def _desk(case):
    return reverse("cases_admin:case", args=[case.pk])


# --- The applicant's page ------------------------------------------------------------------


@pytest.mark.django_db
def test_applicant_sees_own_case_with_public_history_only(client, case, officer):
    actions.transition_case(case=case, transition="accept", actor=officer, note="受理")
    actions.transition_case(case=case, transition="examine", actor=officer, note="内部意见")
    client.force_login(case.applicant)

    response = client.get(case.get_absolute_url())

    assert response.status_code == 200
    assert case.tracking_number in response.text
    assert "受理" in response.text
    assert "内部意见" not in response.text


@pytest.mark.django_db
def test_other_citizen_gets_404_for_a_case_url(client, case):
    client.force_login(UserFactory())

    assert client.get(case.get_absolute_url()).status_code == 404


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client, case):
    response = client.get(case.get_absolute_url())

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_applicant_withdraws_through_the_page(client, case):
    client.force_login(case.applicant)

    response = client.post(
        case.get_absolute_url(), {"transition": "withdraw", "version": case.version, "note": ""}
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "closed"


@pytest.mark.django_db
def test_applicant_cannot_post_an_officer_transition(client, case):
    client.force_login(case.applicant)

    response = client.post(
        case.get_absolute_url(), {"transition": "accept", "version": case.version}
    )

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "submitted"


@pytest.mark.django_db
def test_tampered_version_gets_a_clear_conflict_message(client, case):
    client.force_login(case.applicant)

    response = client.post(
        case.get_absolute_url(), {"transition": "withdraw", "version": case.version + 7}
    )

    assert response.status_code == 400
    assert "刚刚修改" in response.text
    assert Case.objects.get(pk=case.pk).state == "submitted"


# --- Attachments -----------------------------------------------------------------------------


@pytest.mark.django_db
def test_attachment_served_to_applicant_and_handling_officer_only(client, case, officer):
    attachment = actions.add_case_attachment(
        case=case, upload=SimpleUploadedFile("证明.pdf", PDF), actor=case.applicant
    )
    url = reverse("cases:attachment", args=[attachment.pk])

    client.force_login(case.applicant)
    assert client.get(url).status_code == 200
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    client.force_login(UserFactory())
    assert client.get(url).status_code == 404
    client.force_login(make_officer(DepartmentFactory()))
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_officer_download_is_audited(client, case, officer):
    from wagtail.models import ModelLogEntry

    attachment = actions.add_case_attachment(
        case=case, upload=SimpleUploadedFile("证明.pdf", PDF), actor=case.applicant
    )
    client.force_login(officer)

    client.get(reverse("cases:attachment", args=[attachment.pk]))

    assert ModelLogEntry.objects.filter(
        action="zaixian.view_personal_data", user=officer, object_id=str(case.pk)
    ).exists()


# --- Officers in the admin -------------------------------------------------------------------


@pytest.mark.django_db
def test_worklist_lists_department_cases_sorted_by_deadline(client, department, officer):
    from datetime import date

    later = CaseFactory(department=department, due_on=date(2026, 12, 20))
    sooner = CaseFactory(department=department, due_on=date(2026, 12, 1))
    CaseFactory(department=DepartmentFactory())  # another department's
    client.force_login(officer)

    response = client.get(reverse("cases_admin:worklist"))

    assert response.status_code == 200
    text = response.text
    assert text.index(sooner.tracking_number) < text.index(later.tracking_number)
    assert len(response.context["rows"]) == 2


@pytest.mark.django_db
def test_worklist_filters_overdue(client, department, officer):
    from datetime import date

    overdue = CaseFactory(department=department, due_on=date(2020, 1, 6))
    CaseFactory(department=department, due_on=date(2099, 1, 6))
    client.force_login(officer)

    response = client.get(reverse("cases_admin:worklist"), {"deadline_status": "overdue"})

    assert [case for case, _status in response.context["rows"]] == [overdue]


@pytest.mark.django_db
def test_worklist_query_count_does_not_grow_with_cases(
    client, department, officer, django_assert_max_num_queries
):
    CaseFactory.create_batch(30, department=department)
    client.force_login(officer)

    with django_assert_max_num_queries(20):
        response = client.get(reverse("cases_admin:worklist"))
    assert len(response.context["rows"]) == 30


@pytest.mark.django_db
def test_case_desk_refused_to_officer_of_other_department(client, case):
    client.force_login(make_officer(DepartmentFactory()))

    # Wagtail answers a permission denial with a redirect to the dashboard and a message.
    response = client.get(_desk(case))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    response = client.post(_desk(case), {"transition": "accept", "version": 0})
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert Case.objects.get(pk=case.pk).state == "submitted"


@pytest.mark.django_db
def test_case_desk_masks_applicant_until_shown_and_audits_showing(client, case, officer):
    from wagtail.models import ModelLogEntry

    client.force_login(officer)

    masked = client.get(_desk(case))
    shown = client.get(_desk(case), {"show": "applicant"})

    assert "13800138000" not in masked.text
    assert "13800138000" in shown.text
    assert (
        ModelLogEntry.objects.filter(
            action="zaixian.view_personal_data", user=officer, object_id=str(case.pk)
        ).count()
        == 1
    )


@pytest.mark.django_db
def test_officer_accepts_through_the_desk(client, case, officer):
    client.force_login(officer)

    response = client.post(_desk(case), {"transition": "accept", "version": case.version})

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).state == "accepted"


@pytest.mark.django_db
def test_transition_not_offered_is_refused_with_message(client, case, officer):
    client.force_login(officer)

    response = client.post(_desk(case), {"transition": "close", "version": case.version})

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "submitted"


@pytest.mark.django_db
def test_disguised_executable_is_refused_at_the_desk(client, case, officer):
    client.force_login(officer)
    upload = SimpleUploadedFile("决定书.pdf", b"MZ\x90\x00" + b"\x00" * 100)

    response = client.post(
        _desk(case), {"transition": "accept", "version": case.version, "attachment": upload}
    )

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).state == "submitted"
    assert not case.attachments.exists()


@pytest.mark.django_db
def test_overview_counts_per_department(client, department):
    from datetime import date

    leader = make_officer(department, roles=("leader",))
    CaseFactory(department=department, due_on=date(2020, 1, 6))
    CaseFactory(department=department, due_on=date(2099, 1, 6))
    client.force_login(leader)

    response = client.get(reverse("cases_admin:overview"))

    row = response.context["rows"][0]
    assert (row.department, row.open, row.overdue) == (department, 2, 1)


@pytest.mark.django_db
def test_admin_pages_refused_to_citizens(client, case):
    client.force_login(case.applicant)

    response = client.get(reverse("cases_admin:worklist"))

    assert response.status_code == 302  # to the admin login: no admin access


@pytest.mark.django_db
def test_case_types_page_lists_registered_types(client, officer, permit_type):
    client.force_login(officer)

    response = client.get(reverse("cases_admin:types"))

    assert permit_type.key in response.text


# --- Two officers at once, real requests on PostgreSQL ------------------------------------------


def _session_for(live_server, user):
    client = Client()
    client.force_login(user)
    session = requests.Session()
    for cookie in client.cookies.values():
        session.cookies.set(cookie.key, cookie.value)
    return session


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_officers_acting_at_once_exactly_one_succeeds(live_server, permit_type):
    department = DepartmentFactory(code="SWJ")
    case = CaseFactory(department=department)
    officers = [make_officer(department), make_officer(department)]
    url = live_server.url + _desk(case)
    sessions = []
    for officer in officers:
        session = _session_for(live_server, officer)
        page = session.get(url)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        sessions.append((session, token))
    barrier = threading.Barrier(2)
    results = [None, None]

    def act(index, transition):
        session, token = sessions[index]
        barrier.wait()
        results[index] = session.post(
            url,
            data={
                "csrfmiddlewaretoken": token,
                "transition": transition,
                "version": 0,
                "note": "不属于本部门职责",
            },
            headers={"Referer": url},
            allow_redirects=False,
        )

    threads = [
        threading.Thread(target=act, args=(0, "accept")),
        threading.Thread(target=act, args=(1, "refuse")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    statuses = sorted(response.status_code for response in results)
    assert statuses == [302, 400]
    loser = next(response for response in results if response.status_code == 400)
    assert "刚刚修改" in loser.text
    case.refresh_from_db()
    assert case.state in {"accepted", "not_accepted"}
    assert case.version == 1
    assert case.events.exclude(transition="created").count() == 1


@pytest.mark.django_db
def test_officer_assigns_case_to_colleague_on_the_desk(client, case, department, officer):
    colleague = make_officer(department, first_name="四", last_name="李")
    client.force_login(officer)

    response = client.post(_desk(case), {"assign-assignee": colleague.pk})

    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).assignee == colleague


@pytest.mark.django_db
def test_cannot_assign_to_officer_of_another_department(client, case, officer):
    stranger = make_officer(DepartmentFactory())
    client.force_login(officer)

    response = client.post(_desk(case), {"assign-assignee": stranger.pk})

    assert response.status_code == 400
    assert Case.objects.get(pk=case.pk).assignee is None


@pytest.mark.django_db
def test_module_steps_are_not_offered_on_the_generic_page(client, case, officer, permit_type):
    from dataclasses import replace

    from zaixian.cases import registry

    actions.transition_case(case=case, transition="accept", actor=officer)
    actions.transition_case(case=case, transition="request_correction", actor=officer, note="补")
    registry.unregister_case_type(permit_type.key)
    registry.register_case_type(
        replace(
            permit_type,
            module_transitions=frozenset({"correct"}),
            applicant_url="zaixian.cases.tests.test_views:module_page_for",
        )
    )
    client.force_login(case.applicant)

    page = client.get(case.get_absolute_url())
    posted = client.post(case.get_absolute_url(), {"transition": "correct", "version": 2})

    assert f"/module/{case.pk}/" in page.text
    assert 'value="correct"' not in page.text
    assert posted.status_code in (400, 409)
    assert Case.objects.get(pk=case.pk).state == "correction"


def module_page_for(case):
    return f"/module/{case.pk}/"


@pytest.mark.django_db
def test_worklist_header_names_the_page_and_filters_by_state(client, department, officer):
    accepted = CaseFactory(department=department, state="accepted")
    CaseFactory(department=department, state="submitted")
    client.force_login(officer)

    response = client.get(reverse("cases_admin:worklist"), {"state": "accepted"})

    assert "待办工作" in response.text
    assert [case for case, _status in response.context["rows"]] == [accepted]
