"""Pages of disclosure requests: the public form (validation, uploads, rate limit), the
applicant's page, and the officers' panel, fee notice and audited identity view."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import ModelLogEntry

from zaixian.cases.models import Case
from zaixian.disclosure.models import DisclosureRequest
from zaixian.disclosure.tests.requests import on, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_rendering")]

FORM_URL = "/zwgk/apply/"


def _post_data(user, education, **changes):
    profile = user.public_profile
    data = {
        "department": education.department.pk,
        "applicant_kind": "natural_person",
        "applicant_name": profile.real_name,
        "id_number": profile.resident_id,
        "phone": profile.mobile_phone,
        "description": "本市2025年中考招生计划",
        "form": "electronic",
        "delivery": "online",
    }
    data.update(changes)
    return data


def test_form_needs_a_public_account(client, education, officer):
    assert client.get(FORM_URL).status_code == 302  # to the login page

    client.force_login(officer)
    response = client.get(FORM_URL)

    assert response.status_code == 403
    assert not DisclosureRequest.objects.exists()


def test_form_prefills_the_account_and_submits(client, education, citizen):
    client.force_login(citizen)

    page = client.get(FORM_URL, {"organisation": "JCJYJ"})
    with on(dt.date(2026, 11, 2)):
        response = client.post(FORM_URL, _post_data(citizen, education))

    assert page.status_code == 200
    assert citizen.public_profile.resident_id in page.content.decode()
    request = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/zwgk/apply/{request.case.tracking_number}/"
    receipt = client.get(response["Location"])
    assert receipt.status_code == 200
    body = receipt.content.decode()
    assert request.case.tracking_number in body
    assert citizen.public_profile.mobile_phone not in body  # masked on the page


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"description": ""}, "description"),
        ({"description": "很" * 2001}, "description"),
        ({"applicant_name": "张" * 101}, "applicant_name"),
        ({"id_number": "140502199001010010"}, "id_number"),
        ({"phone": "1234"}, "phone"),
        ({"applicant_kind": "business", "id_number": ""}, "credit_code"),
        ({"delivery": "post", "address": ""}, "address"),
        ({"applicant_name": "李四", "id_number": ""}, "id_number"),
    ],
)
def test_bad_input_is_a_400_with_the_field_named_and_nothing_saved(
    client, education, citizen, changes, field
):
    client.force_login(citizen)

    response = client.post(FORM_URL, _post_data(citizen, education, **changes))

    assert response.status_code == 400
    assert field in response.context["form"].errors
    assert not Case.objects.exists()


def test_upload_that_is_not_a_pdf_is_refused(client, education, citizen):
    client.force_login(citizen)
    fake = SimpleUploadedFile("委托书.pdf", b"<html>not a pdf</html>", "application/pdf")

    response = client.post(FORM_URL, {**_post_data(citizen, education), "upload": fake})

    assert response.status_code == 400
    assert "upload" in response.context["form"].errors
    assert "PDF" in str(response.context["form"].errors["upload"])
    assert not DisclosureRequest.objects.exists()


def test_form_is_rate_limited(client, education, citizen):
    client.force_login(citizen)
    data = _post_data(citizen, education, description="")

    statuses = [client.post(FORM_URL, data).status_code for _n in range(11)]

    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_another_citizen_cannot_see_the_request(client, education, citizen):
    from zaixian.accounts.tests.factories import PublicUserFactory

    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    client.force_login(PublicUserFactory())

    response = client.get(f"/zwgk/apply/{request.case.tracking_number}/")

    assert response.status_code == 404


def test_desk_shows_the_panel_masked_and_the_identity_view_is_audited(
    client, education, citizen, officer
):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    client.force_login(officer)

    desk = client.get(f"/admin/cases/{request.case.pk}/")
    identity = client.get(f"/admin/disclosure/requests/{request.case.pk}/identity/")

    assert desk.status_code == 200
    body = desk.content.decode()
    assert request.id_number not in body
    assert "answer_disclosed" in body
    assert "issue_fee_notice" not in body.split('name="transition"')[1].split("</select>")[0]
    assert identity.status_code == 200
    assert request.id_number in identity.content.decode()
    assert ModelLogEntry.objects.filter(action="zaixian.view_personal_data").count() == 1


def test_officer_of_another_department_sees_nothing(client, education, citizen, other_officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    client.force_login(other_officer)

    # Wagtail's admin turns a refusal into a redirect to the dashboard with a message.
    desk = client.get(f"/admin/cases/{request.case.pk}/")
    identity = client.get(f"/admin/disclosure/requests/{request.case.pk}/identity/")
    assert (desk.status_code, desk.get("Location")) == (302, "/admin/")
    assert (identity.status_code, identity.get("Location")) == (302, "/admin/")
    assert not ModelLogEntry.objects.filter(action="zaixian.view_personal_data").exists()
    fee = client.post(
        f"/admin/disclosure/requests/{request.case.pk}/fee/",
        {"method": "by_volume", "pages": 99, "version": request.case.version},
    )
    assert (fee.status_code, fee.get("Location")) == (302, "/admin/")
    request.refresh_from_db()
    assert request.fee_yuan is None


def test_fee_notice_from_the_panel(client, education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    client.force_login(officer)

    response = client.post(
        f"/admin/disclosure/requests/{request.case.pk}/fee/",
        {"method": "by_volume", "pages": 40, "version": request.case.version},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.fee_yuan == 100
    assert request.case.state == "fee_notice"


def test_applicant_withdraws_on_the_case_page(client, education, citizen):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    client.force_login(citizen)

    response = client.post(
        f"/cases/{request.case.tracking_number}/",
        {"transition": "withdraw", "note": "", "version": request.case.version},
    )

    assert response.status_code == 302
    request.refresh_from_db()
    assert request.outcome == "other"


REGISTER_URL = "/admin/disclosure/requests/register/"


def _paper(education, **changes):
    from zaixian.accounts.tests.factories import resident_id

    data = {
        "department": education.department.pk,
        "channel": "post",
        "submitted_on": "2026-11-02",
        "signed_for_on": "2026-11-05",
        "applicant_kind": "natural_person",
        "applicant_name": "赵信函",
        "id_number": resident_id(501),
        "phone": "13812345678",
        "address": "山西省晋城市城区书院街8号",
        "description": "本市2025年教育经费执行情况",
        "form": "paper",
        "delivery": "post",
    }
    data.update(changes)
    return data


def test_officer_registers_a_posted_request_from_the_day_it_was_signed_for(
    client, education, officer
):
    client.force_login(officer)

    with on(dt.date(2026, 11, 6)):
        response = client.post(REGISTER_URL, _paper(education))

    request = DisclosureRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/admin/cases/{request.case.pk}/"
    assert request.channel == "post"
    assert request.received_on == dt.date(2026, 11, 5)
    assert request.case.due_on == dt.date(2026, 12, 3)


def test_posted_request_without_the_signed_for_date_is_refused(client, education, officer):
    client.force_login(officer)

    with on(dt.date(2026, 11, 6)):
        response = client.post(REGISTER_URL, _paper(education, signed_for_on=""))

    assert response.status_code == 400
    assert "signed_for_on" in response.context["form"].errors
    assert not Case.objects.exists()


def test_officer_cannot_register_for_another_department(client, education, other_officer):
    client.force_login(other_officer)

    response = client.post(REGISTER_URL, _paper(education))

    assert response.status_code == 400
    assert "department" in response.context["form"].errors
    assert not Case.objects.exists()


def test_citizens_cannot_register_paper_requests(client, education, citizen):
    client.force_login(citizen)

    response = client.post(REGISTER_URL, _paper(education))

    assert response.status_code in (302, 403)
    assert not Case.objects.exists()
