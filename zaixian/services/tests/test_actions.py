import io

import pytest
from django.core.exceptions import ValidationError
from pypdf import PdfReader

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case
from zaixian.core.tests.factories import UserFactory
from zaixian.services import actions
from zaixian.services.models import Application, DecisionDocument, ServiceRating
from zaixian.services.tests.factories import (
    ApplicationFactory,
    ServiceItemFactory,
    exe_renamed_pdf,
    pdf_upload,
    valid_form_data,
)

pytestmark = pytest.mark.django_db


def _pdf_text(attachment):
    with attachment.file.open("rb") as handle:
        return "".join(page.extract_text() for page in PdfReader(io.BytesIO(handle.read())).pages)


# --- start_application ---------------------------------------------------------------------


def test_start_application_creates_draft(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)

    assert application.is_draft
    assert application.applicant == citizen


def test_start_application_refused_for_information_only_item(citizen):
    item = ServiceItemFactory(information_only=True)

    with pytest.raises(actions.ItemNotOnlineError):
        actions.start_application(item=item, applicant=citizen)


def test_start_application_refused_for_unpublished_item(citizen):
    item = ServiceItemFactory(is_published=False)

    with pytest.raises(actions.ItemNotOnlineError):
        actions.start_application(item=item, applicant=citizen)


def test_start_application_refused_for_staff(item, officer):
    with pytest.raises(actions.NotPublicUserError):
        actions.start_application(item=item, applicant=officer)


def test_start_application_refused_for_user_without_public_profile(item):
    with pytest.raises(actions.NotPublicUserError):
        actions.start_application(item=item, applicant=UserFactory())


# --- drafts and materials ------------------------------------------------------------------


def test_save_draft_keeps_only_the_items_fields(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)

    actions.save_application_draft(
        application=application,
        actor=citizen,
        form_data={"name": "  王小明 ", "unknown": "x", "id_number": "123"},
    )

    application.refresh_from_db()
    assert application.form_data == {"name": "王小明", "id_number": "123"}


def test_save_draft_refused_for_someone_else(item, citizen, other_citizen):
    application = actions.start_application(item=item, applicant=citizen)

    with pytest.raises(actions.NotApplicantError):
        actions.save_application_draft(
            application=application, actor=other_citizen, form_data={"name": "x"}
        )


def test_save_draft_refused_after_submission(submitted, citizen):
    with pytest.raises(actions.ApplicationNotEditableError):
        actions.save_application_draft(
            application=submitted, actor=citizen, form_data={"name": "x"}
        )


def test_add_material_replaces_the_previous_file(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)
    material = item.materials.get()

    actions.add_application_material(
        application=application, actor=citizen, upload=pdf_upload("a.pdf"), material=material
    )
    actions.add_application_material(
        application=application, actor=citizen, upload=pdf_upload("b.pdf"), material=material
    )

    assert [m.original_name for m in application.materials.all()] == ["b.pdf"]


def test_add_material_refuses_executable_renamed_pdf(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)

    with pytest.raises(ValidationError) as error:
        actions.add_application_material(
            application=application,
            actor=citizen,
            upload=exe_renamed_pdf(),
            material=item.materials.get(),
        )

    assert error.value.code == "file_content"
    assert "营业执照.pdf" in error.value.messages[0]
    assert not application.materials.exists()


def test_add_material_refuses_material_of_another_item(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)
    foreign = ServiceItemFactory(with_form=True).materials.get()

    with pytest.raises(actions.MaterialNotOfItemError):
        actions.add_application_material(
            application=application, actor=citizen, upload=pdf_upload(), material=foreign
        )


def test_add_material_refuses_unknown_file_field(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)

    with pytest.raises(actions.MaterialNotOfItemError):
        actions.add_application_material(
            application=application, actor=citizen, upload=pdf_upload(), field_key="name"
        )


# --- submit_application --------------------------------------------------------------------


def test_submit_opens_case_with_items_department_and_limits(item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)

    case = actions.submit_application(application=application, actor=citizen)

    profile = citizen.public_profile
    assert case.case_type == "services.application"
    assert case.state == "submitted"
    assert case.department == item.department
    assert (case.statutory_days, case.promised_days) == (20, 10)
    assert case.applicant_name == profile.real_name
    assert case.applicant_phone == profile.mobile_phone
    assert case.applicant_email == profile.email
    application.refresh_from_db()
    assert application.case == case
    assert application.submitted_at is not None


def test_submit_turns_materials_into_case_attachments(item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)

    case = actions.submit_application(application=application, actor=citizen)

    assert [a.material for a in case.attachments.all()] == ["营业执照复印件"]
    assert case.attachments.get().content_type == "application/pdf"


def test_submit_reports_every_invalid_field_and_missing_material(item, citizen):
    application = actions.start_application(item=item, applicant=citizen)
    actions.save_application_draft(
        application=application,
        actor=citizen,
        form_data={**valid_form_data(), "id_number": "140502199001011234", "phone": "123"},
    )

    with pytest.raises(actions.ApplicationInvalidError) as error:
        actions.submit_application(application=application, actor=citizen)

    material = item.materials.get()
    assert set(error.value.errors) == {"id_number", "phone", f"material_{material.pk}"}
    assert not Case.objects.exists()


def test_submit_refuses_a_choice_not_offered(item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)
    actions.save_application_draft(
        application=application, actor=citizen, form_data={"scope": "军火销售"}
    )

    with pytest.raises(actions.ApplicationInvalidError) as error:
        actions.submit_application(application=application, actor=citizen)

    assert set(error.value.errors) == {"scope"}


def test_submit_twice_refused(submitted, citizen):
    with pytest.raises(actions.ApplicationNotEditableError):
        actions.submit_application(application=submitted, actor=citizen)

    assert Case.objects.count() == 1


def test_submit_refused_for_someone_else(item, citizen, other_citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)

    with pytest.raises(actions.NotApplicantError):
        actions.submit_application(application=application, actor=other_citizen)


def test_submit_normalises_id_number(item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)
    data = valid_form_data()
    actions.save_application_draft(
        application=application,
        actor=citizen,
        form_data={"id_number": data["id_number"].lower() + " "},
    )

    actions.submit_application(application=application, actor=citizen)

    application.refresh_from_db()
    assert application.form_data["id_number"] == data["id_number"].upper()


# --- the flow: submit → accept → correction → correct → approve → close → rate ---------------


@pytest.mark.usefixtures("pdf_rendering")
def test_full_flow_with_correction_decision_pdf_and_rating(item, citizen, officer):
    application = ApplicationFactory(item=item, applicant=citizen, submitted=True)
    case = application.case

    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="request_correction", actor=officer, note="营业执照复印件不清晰"
    )
    assert case.suspended_since is not None
    actions.save_application_draft(
        application=application, actor=citizen, form_data={"address": "晋城市城区泽州路1号"}
    )
    actions.add_application_material(
        application=application,
        actor=citizen,
        upload=pdf_upload("清晰版.pdf"),
        material=item.materials.get(),
    )
    actions.correct_application(application=application, actor=citizen)
    case.refresh_from_db()
    assert case.state == "accepted"
    assert case.suspended_since is None
    assert case.attachments.filter(original_name="清晰版.pdf").exists()

    case_actions.transition_case(case=case, transition="approve", actor=officer)
    decision = DecisionDocument.objects.get(case=case)
    text = _pdf_text(decision.attachment)
    assert "准予行政许可决定书" in text
    assert decision.number in text.replace("\n", "")
    assert item.department.name in text
    assert "王小" in text  # the applicant's real name
    assert "食品安全法" in text  # the legal basis

    case_actions.transition_case(case=case, transition="close", actor=officer)
    rating = actions.rate_service(case=case, actor=citizen, grade=5, comment="很快")
    assert rating.follow_up is None
    application.refresh_from_db()
    assert application.form_data["address"] == "晋城市城区泽州路1号"


@pytest.mark.usefixtures("pdf_rendering")
def test_denial_attaches_refusal_decision_with_reason(submitted, officer):
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)

    case_actions.transition_case(
        case=case, transition="deny", actor=officer, note="经营场所与住宅未有效隔离"
    )

    decision = DecisionDocument.objects.get(case=case)
    assert decision.kind == DecisionDocument.Kind.DENIAL
    text = _pdf_text(decision.attachment)
    assert "不予行政许可决定书" in text
    assert "经营场所与住宅未有效隔离" in text
    assert "行政复议" in text


@pytest.mark.usefixtures("pdf_rendering")
def test_decision_numbers_count_up_per_department_and_year(item, officer, citizen):
    numbers = []
    for _n in range(2):
        application = ApplicationFactory(item=item, applicant=citizen, submitted=True)
        case_actions.transition_case(case=application.case, transition="accept", actor=officer)
        case_actions.transition_case(case=application.case, transition="approve", actor=officer)
        numbers.append(application.case.decision.number)

    assert numbers[0].endswith("第0001号")
    assert numbers[1].endswith("第0002号")
    assert numbers[0].startswith("晋市监准许字〔")


def test_decision_not_recorded_when_pdf_cannot_be_made(submitted, officer, mocker):
    from zaixian.services import documents

    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    mocker.patch.object(
        documents, "render_pdf", side_effect=documents.DocumentRenderingUnavailableError("pango")
    )

    with pytest.raises(actions.DecisionDocumentError):
        case_actions.transition_case(case=case, transition="approve", actor=officer)

    case.refresh_from_db()
    assert case.state == "accepted"
    assert not DecisionDocument.objects.exists()


def test_correct_refused_with_incomplete_form(submitted, citizen, officer):
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="request_correction", actor=officer, note="请补正"
    )
    actions.save_application_draft(application=submitted, actor=citizen, form_data={"phone": "1"})

    with pytest.raises(actions.ApplicationInvalidError):
        actions.correct_application(application=submitted, actor=citizen)

    case.refresh_from_db()
    assert case.state == "correction"


# --- rate_service ----------------------------------------------------------------------------


def _closed_case(application, officer):
    case = application.case
    for name in ("accept", "approve", "close"):
        case_actions.transition_case(case=case, transition=name, actor=officer)
    return case


@pytest.mark.usefixtures("pdf_rendering")
def test_bad_rating_opens_follow_up_case_with_deadline(submitted, citizen, officer):
    case = _closed_case(submitted, officer)

    rating = actions.rate_service(case=case, actor=citizen, grade=1, comment="态度差")

    follow_up = rating.follow_up
    assert follow_up.case_type == "services.rating_follow_up"
    assert follow_up.department == case.department
    assert follow_up.state == "open"
    assert follow_up.clock_started_on is not None
    assert follow_up.statutory_days == 15
    assert follow_up.due_on is not None
    assert "态度差" in follow_up.events.get().note


@pytest.mark.usefixtures("pdf_rendering")
@pytest.mark.parametrize(("grade", "opens_follow_up"), [(5, False), (3, False), (2, True)])
def test_only_bottom_two_grades_open_follow_up(submitted, citizen, officer, grade, opens_follow_up):
    case = _closed_case(submitted, officer)

    rating = actions.rate_service(case=case, actor=citizen, grade=grade)

    assert (rating.follow_up is not None) is opens_follow_up


def test_rating_refused_before_closing(submitted, citizen):
    with pytest.raises(actions.RatingNotAllowedError):
        actions.rate_service(case=submitted.case, actor=citizen, grade=5)


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_refused_twice(submitted, citizen, officer):
    case = _closed_case(submitted, officer)
    actions.rate_service(case=case, actor=citizen, grade=4)

    with pytest.raises(actions.AlreadyRatedError):
        actions.rate_service(case=case, actor=citizen, grade=1)

    assert ServiceRating.objects.get().grade == 4
    assert not Case.objects.filter(case_type="services.rating_follow_up").exists()


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_refused_for_someone_else(submitted, other_citizen, officer):
    case = _closed_case(submitted, officer)

    with pytest.raises(actions.NotApplicantError):
        actions.rate_service(case=case, actor=other_citizen, grade=1)


@pytest.mark.usefixtures("pdf_rendering")
def test_rating_refused_for_grade_out_of_range(submitted, citizen, officer):
    case = _closed_case(submitted, officer)

    with pytest.raises(actions.RatingNotAllowedError):
        actions.rate_service(case=case, actor=citizen, grade=6)


def test_officer_of_other_department_cannot_accept(submitted, other_officer):
    with pytest.raises(case_actions.NotPermittedError):
        case_actions.transition_case(case=submitted.case, transition="accept", actor=other_officer)

    assert Application.objects.get().case.state == "submitted"


def test_discard_draft_deletes_it(item, citizen):
    application = ApplicationFactory(item=item, applicant=citizen, complete=True)

    actions.discard_application_draft(application=application, actor=citizen)

    assert not Application.objects.exists()


def test_discard_refused_for_submitted_application(submitted, citizen):
    with pytest.raises(actions.ApplicationNotEditableError):
        actions.discard_application_draft(application=submitted, actor=citizen)

    assert Application.objects.exists()


def test_discard_refused_for_someone_else(item, citizen, other_citizen):
    application = ApplicationFactory(item=item, applicant=citizen)

    with pytest.raises(actions.NotApplicantError):
        actions.discard_application_draft(application=application, actor=other_citizen)


def test_correction_note_loses_control_characters(submitted, citizen, officer):
    case = submitted.case
    case_actions.transition_case(case=case, transition="accept", actor=officer)
    case_actions.transition_case(
        case=case, transition="request_correction", actor=officer, note="补"
    )

    event = actions.correct_application(application=submitted, actor=citizen, note="已\x00补正\x07")

    assert event.note == "已补正"
