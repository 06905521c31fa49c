import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from zaixian.cases import actions as case_actions
from zaixian.cases import queries as case_queries
from zaixian.services import actions
from zaixian.services.models import Application, ServiceRating
from zaixian.services.tests.factories import (
    ApplicationFactory,
    LifeEventFactory,
    ServiceItemFactory,
    ServiceTopicFactory,
    exe_renamed_pdf,
    pdf_upload,
    valid_form_data,
)

pytestmark = pytest.mark.django_db


def _post_form(item, **overrides):
    data = {**valid_form_data(), "action": "save", **overrides}
    return {key: value for key, value in data.items() if value is not None}


# --- The catalogue and the guide -----------------------------------------------------------


def test_catalogue_lists_published_items_with_pinned_queries(
    client, department, django_assert_num_queries
):
    for _n in range(5):
        ServiceItemFactory(department=department)
    ServiceItemFactory(department=department, is_published=False, name="未发布事项")
    client.get(reverse("services:catalogue"))  # the portal caches its site, menu and footer

    # count, page of items, departments, life events, topics (the layout is cached)
    with django_assert_num_queries(5):
        response = client.get(reverse("services:catalogue"))

    assert response.status_code == 200
    assert len(response.context["items"]) == 5
    assert "未发布事项" not in response.content.decode()


def test_catalogue_filters_by_life_event_topic_audience_and_words(client, department):
    event = LifeEventFactory()
    topic = ServiceTopicFactory()
    wanted = ServiceItemFactory(department=department, name="食品经营许可证核发")
    wanted.life_events.add(event)
    wanted.topics.add(topic)
    wanted.save()  # parental many-to-many relations are written on save
    ServiceItemFactory(department=department, name="道路运输经营许可", for_businesses=False)

    for query in (
        {"life_event": event.slug},
        {"topic": topic.slug},
        {"audience": "business", "q": "食品 许可"},
    ):
        response = client.get(reverse("services:catalogue"), query)
        assert [item.pk for item in response.context["items"]] == [wanted.pk], query


def test_catalogue_ignores_bad_filters_without_error(client, item):
    response = client.get(
        reverse("services:catalogue"), {"department": "abc", "life_event": "nope", "page": "x"}
    )

    assert response.status_code == 200
    assert [i.pk for i in response.context["items"]] == [item.pk]


def test_item_guide_shows_every_guide_field(client, item):
    response = client.get(reverse("services:item", args=[item.code]))

    content = response.content.decode()
    for text in (
        item.legal_basis,
        item.conditions,
        item.venue,
        item.office_hours,
        item.consultation_phone,
        item.complaint_phone,
        "营业执照复印件",
    ):
        assert text in content
    assert reverse("accounts:login") in content


def test_item_guide_of_unknown_or_unpublished_item_is_404(client):
    item = ServiceItemFactory(is_published=False)

    assert client.get(reverse("services:item", args=[item.code])).status_code == 404
    assert client.get(reverse("services:item", args=["NOPE"])).status_code == 404


# --- Applying --------------------------------------------------------------------------------


def test_apply_requires_login(client, item):
    response = client.post(reverse("services:apply", args=[item.code]), {"item": item.pk})

    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]
    assert not Application.objects.exists()


def test_apply_starts_draft_and_reuses_it(client, item, citizen):
    client.force_login(citizen)
    url = reverse("services:apply", args=[item.code])

    first = client.post(url, {"item": item.pk})
    second = client.post(url, {"item": item.pk})

    application = Application.objects.get()
    assert first["Location"] == reverse("services:application", args=[application.pk])
    assert second["Location"] == first["Location"]


def test_apply_with_tampered_item_id_refused_with_message(client, item, citizen):
    other = ServiceItemFactory()
    client.force_login(citizen)

    response = client.post(reverse("services:apply", args=[item.code]), {"item": other.pk})

    assert response.status_code == 400
    assert "另一" in response.content.decode() or "another" in response.content.decode()
    assert not Application.objects.exists()


def test_staff_cannot_apply(client, item, officer):
    client.force_login(officer)

    response = client.post(reverse("services:apply", args=[item.code]), {"item": item.pk})

    assert response.status_code == 403
    assert not Application.objects.exists()


def test_save_draft_then_submit_gives_receipt(client, item, citizen):
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)
    url = reverse("services:application", args=[application.pk])
    material = item.materials.get()

    saved = client.post(url, _post_form(item, **{f"material_{material.pk}": pdf_upload()}))
    submitted = client.post(url, _post_form(item, action="submit"))

    application.refresh_from_db()
    assert saved.status_code == 302
    assert submitted["Location"] == reverse("services:receipt", args=[application.pk])
    receipt = client.get(submitted["Location"])
    assert application.case.tracking_number in receipt.content.decode()


def test_submit_with_errors_shows_them_on_fields(client, item, citizen):
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)

    response = client.post(
        reverse("services:application", args=[application.pk]),
        _post_form(item, action="submit", id_number="140502199001011234"),
    )

    assert response.status_code == 400
    content = response.content.decode()
    assert 'aria-invalid="true"' in content
    assert "id_id_number_error" in content
    material = item.materials.get()
    assert response.context["materials_form"].errors[f"material_{material.pk}"]
    application.refresh_from_db()
    assert application.is_draft


def test_executable_disguised_as_pdf_refused_with_message(client, item, citizen):
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)
    material = item.materials.get()

    response = client.post(
        reverse("services:application", args=[application.pk]),
        _post_form(item, **{f"material_{material.pk}": exe_renamed_pdf()}),
    )

    assert response.status_code == 400
    assert "营业执照.pdf" in response.content.decode()
    assert not application.materials.exists()


def test_unknown_action_refused(client, item, citizen):
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)

    response = client.post(
        reverse("services:application", args=[application.pk]), _post_form(item, action="hack")
    )

    assert response.status_code == 400


def test_citizen_cannot_open_another_citizens_application(client, submitted, other_citizen):
    client.force_login(other_citizen)

    for name in ("application", "receipt", "rate"):
        response = client.get(reverse(f"services:{name}", args=[submitted.pk]))
        assert response.status_code == 404, name
    material = submitted.materials.first()
    url = reverse("services:material", args=[submitted.pk, material.pk])
    assert client.get(url).status_code == 404
    case_url = reverse("cases:my_case", args=[submitted.case.tracking_number])
    assert client.get(case_url).status_code == 404


def test_citizen_cannot_delete_another_citizens_file(client, item, citizen, other_citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)
    material = application.materials.get()
    client.force_login(other_citizen)

    response = client.post(reverse("services:material_delete", args=[application.pk, material.pk]))

    assert response.status_code == 404
    assert application.materials.exists()


def test_submitted_application_page_redirects_to_case(client, submitted, citizen):
    client.force_login(citizen)

    response = client.get(reverse("services:application", args=[submitted.pk]))

    assert response["Location"] == submitted.case.get_absolute_url()


def test_my_applications_lists_drafts_and_cases_with_pinned_queries(
    client, item, citizen, django_assert_num_queries
):
    ApplicationFactory(item=item, applicant=citizen)
    for _n in range(3):
        ApplicationFactory(item=item, applicant=citizen, submitted=True)
    ApplicationFactory(item=item)  # someone else's
    client.force_login(citizen)
    client.get(reverse("services:my_applications"))  # the portal caches its site, menu, footer

    # session, user, count, one page (with item, department, case and rating); then the
    # user bar's two permission reads (the rest of the layout is cached)
    with django_assert_num_queries(6):
        response = client.get(reverse("services:my_applications"))

    assert len(response.context["rows"]) == 4


# --- Correction online ---------------------------------------------------------------------


def _to_correction(application, officer):
    case = application.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="request_correction", actor=officer, note="请补充清晰的营业执照"
    )
    case.refresh_from_db()
    return case


def test_correction_online_resumes_the_case(client, submitted, citizen, officer):
    case = _to_correction(submitted, officer)
    client.force_login(citizen)
    url = reverse("services:application", args=[submitted.pk])
    page = client.get(url)
    assert "请补充清晰的营业执照" in page.content.decode()
    material = submitted.item.materials.get()

    response = client.post(
        url,
        _post_form(
            submitted.item,
            action="submit",
            version=case.version,
            address="晋城市城区新地址",
            **{f"material_{material.pk}": pdf_upload("新执照.pdf")},
        ),
    )

    case.refresh_from_db()
    assert response["Location"] == case.get_absolute_url()
    assert case.state == "accepted"
    assert case.attachments.filter(original_name="新执照.pdf").exists()


def test_correction_with_tampered_version_refused_with_message(client, submitted, citizen, officer):
    case = _to_correction(submitted, officer)
    client.force_login(citizen)

    response = client.post(
        reverse("services:application", args=[submitted.pk]),
        _post_form(submitted.item, action="submit", version=case.version - 1),
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.state == "correction"


# --- Tracking --------------------------------------------------------------------------------


def test_tracking_shows_state_and_steps_without_personal_data(client, submitted, officer):
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="examine", actor=officer, note="内部意见：现场核查"
    )

    response = client.post(
        reverse("services:track"),
        {"tracking_number": case.tracking_number, "phone_last4": case.applicant_phone[-4:]},
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert str(case.get_state_display()) in content
    for private in (
        case.applicant_name,
        case.applicant_phone,
        case.applicant_email,
        "内部意见",
        officer.username,
    ):
        assert private not in content


@pytest.mark.parametrize("mistake", ["phone", "typo", "unknown"])
def test_tracking_guesses_get_the_same_not_found(client, submitted, mistake):
    number = submitted.case.tracking_number
    last4 = submitted.case.applicant_phone[-4:]
    if mistake == "phone":
        last4 = f"{(int(last4) + 1) % 10000:04d}"
    elif mistake == "typo":
        number = number[:-3] + ("1" if number[-3] != "1" else "2") + number[-2:]
    else:
        body = number[:-7] + "000000"  # well formed, with its right check character
        number = next(
            body + char
            for char in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
            if case_queries.is_valid_tracking_number(body + char)
        )

    response = client.post(
        reverse("services:track"), {"tracking_number": number, "phone_last4": last4}
    )

    assert response.status_code == 404
    assert response.context["case"] is None
    assert response.context["not_found"]


def test_tracking_is_rate_limited(client, submitted):
    data = {"tracking_number": "X", "phone_last4": "0000"}
    statuses = [client.post(reverse("services:track"), data).status_code for _n in range(11)]

    assert statuses[-1] == 429
    assert 429 not in statuses[:10]


# --- Rating ----------------------------------------------------------------------------------


def _close(application, officer):
    for name in ("accept", "approve", "close"):
        case_actions.transition_case(case=application.case, transition=name, actor=officer)


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_after_closing(client, submitted, citizen, officer):
    _close(submitted, officer)
    client.force_login(citizen)

    response = client.post(
        reverse("services:rate", args=[submitted.pk]), {"grade": "2", "comment": "等太久"}
    )

    assert response.status_code == 302
    rating = ServiceRating.objects.get()
    assert rating.grade == 2
    assert rating.follow_up is not None


def test_rating_before_closing_refused(client, submitted, citizen):
    client.force_login(citizen)

    response = client.post(reverse("services:rate", args=[submitted.pk]), {"grade": "5"})

    assert response.status_code == 400
    assert not ServiceRating.objects.exists()


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_with_invalid_grade_refused(client, submitted, citizen, officer):
    _close(submitted, officer)
    client.force_login(citizen)

    response = client.post(reverse("services:rate", args=[submitted.pk]), {"grade": "9"})

    assert response.status_code == 400
    assert not ServiceRating.objects.exists()


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_statistics_are_computed(client, item, citizen, officer, django_assert_num_queries):
    for grade in (5, 4, 1):
        application = ApplicationFactory(item=item, applicant=citizen, submitted=True)
        _close(application, officer)
        actions.rate_service(case=application.case, actor=citizen, grade=grade)

    client.get(reverse("services:ratings"))  # the portal caches its site, menu and footer

    # by department, by item, totals (the layout is cached)
    with django_assert_num_queries(3):
        response = client.get(reverse("services:ratings"))

    (row,) = response.context["departments"]
    assert row.counts == (1, 1, 0, 0, 1)
    assert row.total == 3
    assert row.satisfaction == 66.7
    assert "66.7%" in response.content.decode()


# --- The officers' case desk ---------------------------------------------------------------


def test_case_desk_shows_application_masked(client, submitted, officer):
    client.force_login(officer)

    response = client.get(reverse("cases_admin:case", args=[submitted.case.pk]))

    content = response.content.decode()
    data = submitted.form_data
    assert response.status_code == 200
    assert submitted.item.name in content
    assert data["id_number"] not in content
    assert data["phone"] not in content
    assert data["address"] not in content
    assert data["name"] not in content  # a text field the office marked as personal
    assert data["scope"] in content


def test_showing_form_data_is_audited(client, submitted, officer):
    client.force_login(officer)

    response = client.get(reverse("services_admin:personal_data", args=[submitted.case.pk]))

    assert submitted.form_data["id_number"] in response.content.decode()
    entry = ModelLogEntry.objects.get(action="zaixian.view_personal_data")
    assert entry.user_id == officer.pk
    assert {"form:id_number", "form:name"} <= set(entry.data["fields"])


def test_officer_of_other_department_cannot_see_form_data(client, submitted, other_officer):
    client.force_login(other_officer)

    desk = client.get(reverse("cases_admin:case", args=[submitted.case.pk]))
    data = client.get(reverse("services_admin:personal_data", args=[submitted.case.pk]))

    assert desk.status_code in (302, 403)
    assert data.status_code in (302, 403)
    assert not ModelLogEntry.objects.filter(action="zaixian.view_personal_data").exists()


def test_officer_of_other_department_cannot_act(client, submitted, other_officer):
    client.force_login(other_officer)

    response = client.post(
        reverse("cases_admin:case", args=[submitted.case.pk]),
        {"transition": "accept", "version": submitted.case.version},
    )

    assert response.status_code in (302, 403)
    submitted.case.refresh_from_db()
    assert submitted.case.state == "submitted"


def test_desk_refuses_stale_version_with_message(client, submitted, officer):
    client.force_login(officer)
    case = submitted.case

    response = client.post(
        reverse("cases_admin:case", args=[case.pk]),
        {"transition": "accept", "version": case.version + 5},
    )

    assert response.status_code == 400
    assert response.context["form"].non_field_errors()
    case.refresh_from_db()
    assert case.state == "submitted"


def test_desk_refuses_transition_not_offered(client, submitted, officer):
    client.force_login(officer)
    case = submitted.case

    response = client.post(
        reverse("cases_admin:case", args=[case.pk]),
        {"transition": "approve", "version": case.version},
    )

    assert response.status_code == 400
    assert response.context["form"].errors["transition"]
    case.refresh_from_db()
    assert case.state == "submitted"


@pytest.mark.usefixtures("pdf_rendering")
def test_desk_approval_attaches_decision(client, submitted, officer):
    client.force_login(officer)
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)

    response = client.post(
        reverse("cases_admin:case", args=[case.pk]),
        {"transition": "approve", "version": case.version},
    )

    assert response.status_code == 302
    case.refresh_from_db()
    assert case.state == "approved"
    assert case.decision.attachment.content_type == "application/pdf"


def test_file_field_of_the_form_is_stored_and_bad_file_refused_once(client, item, citizen):
    from zaixian.services.tests.factories import ServiceFormFieldFactory

    ServiceFormFieldFactory(item=item, key="photo", label="门头照片", field_type="file")
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)
    url = reverse("services:application", args=[application.pk])

    refused = client.post(url, _post_form(item, photo=exe_renamed_pdf("门头.pdf")))
    stored = client.post(url, _post_form(item, photo=pdf_upload("门头.pdf")))

    assert refused.status_code == 400
    assert len(refused.context["form"].errors["photo"]) == 1
    assert stored.status_code == 302
    assert [m.field_key for m in application.materials.all()] == ["photo"]


def test_discard_draft_of_another_citizen_is_404(client, item, citizen, other_citizen):
    application = ApplicationFactory(item=item, applicant=citizen)
    client.force_login(other_citizen)

    response = client.post(reverse("services:discard", args=[application.pk]))

    assert response.status_code == 404
    assert Application.objects.filter(pk=application.pk).exists()


def test_discard_own_draft(client, item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen)
    client.force_login(citizen)

    response = client.post(reverse("services:discard", args=[application.pk]))

    assert response["Location"] == reverse("services:my_applications")
    assert not Application.objects.filter(pk=application.pk).exists()


def test_odd_input_gets_a_clear_answer_not_a_server_error(client, item, citizen):
    client.force_login(citizen)
    application = actions.start_application(item=item, applicant=citizen)
    long_text = "字" * 5000

    responses = [
        client.get(reverse("services:catalogue"), {"q": long_text, "kind": "x", "audience": "y"}),
        client.post(
            reverse("services:track"), {"tracking_number": long_text, "phone_last4": "abcd"}
        ),
        client.post(
            reverse("services:application", args=[application.pk]),
            {"action": "submit", "name": long_text, "scope": long_text, "id_number": "1\x002"},
        ),
        client.post(reverse("services:rate", args=[application.pk]), {"grade": "x"}),
        client.get(reverse("services:application", args=[2**62])),
        client.get(reverse("services:item", args=["%00<script>"])),
    ]

    assert [r.status_code for r in responses] == [200, 400, 400, 404, 404, 404]
    application.refresh_from_db()
    assert len(application.form_data["name"]) == 2000
    assert application.form_data["id_number"] == "12"  # PostgreSQL refuses NUL in JSON
