"""The statutory flow of disclosure requests on the case engine: dates of receipt, the
correction, consultation and extension clocks across the 2026 Spring Festival and National
Day, outcomes with their reply letters, fees, and who may do what."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case, CaseAttachment
from zaixian.disclosure import actions, rules
from zaixian.disclosure.models import DisclosureRequest
from zaixian.disclosure.tests.requests import details_of, move, on, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_rendering")]

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def test_online_request_is_received_on_the_day_of_submission(education, citizen):
    request = submit(citizen, education.department, dt.date(2026, 9, 22))

    assert request.received_on == dt.date(2026, 9, 22)
    assert request.channel == DisclosureRequest.Channel.ONLINE
    assert request.case.case_type == rules.REQUEST_CASE_TYPE
    assert request.case.state == "received"
    assert request.case.applicant == citizen
    # 20 working days from the next day: 23, 24, 28–30 September, 8–10 (Saturday worked),
    # 12–16, 19–23, 26 and 27 October.
    assert request.case.due_on == dt.date(2026, 10, 27)


def test_spring_festival_correction_restarts_the_clock_and_extension_adds_twenty(
    education, citizen, officer, leader
):
    request = submit(citizen, education.department, dt.date(2026, 2, 2))

    # Wednesday 11 February is the 7th working day after receipt: the last day to ask.
    move(request, "request_correction", officer, dt.date(2026, 2, 11), note="请写明文件名称")
    assert request.case.deadline_status_on(dt.date(2026, 2, 12)) == "suspended"
    # 15 working days to correct, across the holiday (15–23 February off, 14 and 28 worked).
    assert request.correction_due_on == dt.date(2026, 3, 10)

    move(request, "correct", citizen, dt.date(2026, 3, 2), note="晋市教发〔2025〕3号文件")
    # Article 30: the period runs afresh from the receipt of the corrected request.
    assert request.case.clock_started_on == dt.date(2026, 3, 2)
    assert request.case.due_on == dt.date(2026, 3, 30)
    assert request.corrected_description == "晋市教发〔2025〕3号文件"

    move(request, "extend", leader, dt.date(2026, 3, 25), extend_days=20, note="需调取档案")
    assert request.case.due_on == dt.date(2026, 4, 28)
    with pytest.raises(case_actions.CaseError):
        move(request, "extend", leader, dt.date(2026, 3, 26), extend_days=1, note="再延")

    move(request, "answer_disclosed", officer, dt.date(2026, 4, 28), note="")
    assert request.outcome == "disclosed"
    assert request.concluded_on == dt.date(2026, 4, 28)
    assert request.case.is_on_time is True


def test_correction_is_refused_after_seven_working_days(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 2, 2))

    with pytest.raises(actions.RequestError, match="7个工作日内"):
        move(request, "request_correction", officer, dt.date(2026, 2, 12))

    assert request.case.state == "received"
    assert request.correction_due_on is None


def test_correction_is_asked_only_once(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 3, 2))
    move(request, "request_correction", officer, dt.date(2026, 3, 3))
    move(request, "correct", citizen, dt.date(2026, 3, 4))

    with pytest.raises(actions.RequestError, match="只能一次性告知"):
        move(request, "request_correction", officer, dt.date(2026, 3, 5))


def test_no_correction_in_time_closes_the_request_as_not_processed(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 3, 2))
    move(request, "request_correction", officer, dt.date(2026, 3, 3))
    assert request.correction_due_on == dt.date(2026, 3, 24)

    with pytest.raises(actions.RequestError):
        move(request, "close_not_corrected", officer, dt.date(2026, 3, 24))
    move(request, "close_not_corrected", officer, dt.date(2026, 3, 25))

    assert request.outcome == "other_not_corrected"
    assert request.case.state == "concluded"


def test_national_day_consultation_stops_the_clock(education, citizen, officer, leader):
    request = submit(citizen, education.department, dt.date(2026, 9, 22))

    move(request, "consult", officer, dt.date(2026, 9, 28), note="征求第三方意见")
    # The third party has 15 working days: 29, 30 September, 8–10, 12–16, 19–23 October.
    assert request.consultation_due_on == dt.date(2026, 10, 23)
    move(request, "end_consultation", officer, dt.date(2026, 10, 15), note="第三方不同意公开")
    # Stopped 29 September – 15 October: 9 working days added back.
    assert request.case.suspended_days == 9
    assert request.case.due_on == dt.date(2026, 11, 9)
    move(request, "extend", leader, dt.date(2026, 11, 2), extend_days=20, note="情况复杂")
    assert request.case.due_on == dt.date(2026, 12, 7)

    move(request, "answer_withheld_third_party", officer, dt.date(2026, 12, 8), note="涉及商业秘密")

    assert request.case.is_on_time is False
    assert request.outcome == "withheld_third_party"


def test_answer_attaches_the_reply_letter_as_pdf_and_docx(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))

    move(request, "answer_partly_disclosed", officer, dt.date(2026, 11, 10), note="隐去个人信息")

    files = CaseAttachment.objects.filter(case=request.case).order_by("pk")
    assert [f.content_type for f in files] == [
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]
    assert all(f.is_public for f in files)
    assert files[0].file.open("rb").read(5) == b"%PDF-"
    import io

    import docx

    text = "\n".join(
        p.text for p in docx.Document(io.BytesIO(files[1].file.open("rb").read())).paragraphs
    )
    assert "隐去个人信息" in text
    assert request.case.tracking_number in text
    assert "第三十七条" in text


def test_every_answer_transition_gives_its_outcome(education, citizen, officer):
    for key in rules.ANSWER_OUTCOMES:
        if key == "unavailable_still_unclear":
            continue
        request = submit(citizen, education.department, dt.date(2026, 11, 2))
        move(request, f"answer_{key}", officer, dt.date(2026, 11, 3), note="理由")
        assert request.outcome == key
        assert request.case.state == "concluded"


def test_still_unclear_needs_a_correction_first(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))

    with pytest.raises(actions.RequestError):
        move(request, "answer_unavailable_still_unclear", officer, dt.date(2026, 11, 3))


def test_withdrawal_counts_as_other_and_archive_closes(education, citizen, officer):
    withdrawn = submit(citizen, education.department, dt.date(2026, 11, 2))
    answered = submit(citizen, education.department, dt.date(2026, 11, 2))

    move(withdrawn, "withdraw", citizen, dt.date(2026, 11, 3))
    move(answered, "answer_disclosed", officer, dt.date(2026, 11, 3), note="")
    move(answered, "archive", officer, dt.date(2026, 11, 4))

    assert withdrawn.outcome == "other"
    assert withdrawn.case.is_closed
    assert answered.case.state == "archived"
    assert answered.case.is_closed
    assert answered.concluded_on == dt.date(2026, 11, 3)


# --- Fees ------------------------------------------------------------------------------------


def test_fee_by_count_charges_the_eleventh_request_of_the_month(education, citizen, officer):
    requests = [submit(citizen, education.department, dt.date(2026, 11, 2)) for _n in range(11)]
    tenth, eleventh = requests[9], requests[10]

    with pytest.raises(actions.RequestError, match="无需收费"), on(dt.date(2026, 11, 3)):
        actions.issue_fee_notice(request=tenth, actor=officer, method="by_count")
    with on(dt.date(2026, 11, 3)):
        actions.issue_fee_notice(request=eleventh, actor=officer, method="by_count")

    eleventh.case.refresh_from_db()
    assert eleventh.fee_yuan == 100
    assert eleventh.fee_due_on == dt.date(2026, 12, 1)
    assert eleventh.case.state == "fee_notice"
    assert eleventh.case.is_suspended
    assert CaseAttachment.objects.filter(case=eleventh.case).count() == 2  # PDF and DOCX


def test_another_month_starts_the_count_again(education, citizen, officer):
    for _n in range(10):
        submit(citizen, education.department, dt.date(2026, 10, 30))
    november = submit(citizen, education.department, dt.date(2026, 11, 2))

    assert actions.monthly_request_number(request=november) == 1


def test_fee_by_volume_and_payment_overdue_outcome(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    with on(dt.date(2026, 11, 3)):
        actions.issue_fee_notice(request=request, actor=officer, method="by_volume", pages=120)
    assert request.fee_yuan == 70 * 10 + 20 * 20

    with pytest.raises(actions.RequestError):
        move(request, "close_fee_unpaid", officer, dt.date(2026, 12, 1))
    move(request, "close_fee_unpaid", officer, dt.date(2026, 12, 2))

    assert request.outcome == "other_fee_unpaid"


def test_payment_resumes_the_clock(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))
    with on(dt.date(2026, 11, 4)):
        actions.issue_fee_notice(request=request, actor=officer, method="by_volume", pages=31)

    move(request, "record_payment", officer, dt.date(2026, 11, 11))

    assert request.fee_paid_on == dt.date(2026, 11, 11)
    assert request.case.suspended_days == 5
    assert request.case.due_on == dt.date(2026, 12, 7)


def test_the_desk_does_not_offer_the_fee_notice_without_an_amount(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))

    with pytest.raises(actions.RequestError, match="信息处理费"):
        move(request, "issue_fee_notice", officer, dt.date(2026, 11, 3))


# --- Identity and bad input ------------------------------------------------------------------


def test_organisation_request_needs_credit_code_and_contact(education, company):
    with pytest.raises(actions.RequestInvalidError) as refused:
        submit(company, education.department, dt.date(2026, 11, 2), credit_code="", contact_name="")

    assert set(refused.value.errors) == {"credit_code", "contact_name"}
    assert not DisclosureRequest.objects.exists()
    assert not Case.objects.exists()


def test_request_for_another_person_without_identity_is_refused(education, citizen):
    with pytest.raises(actions.RequestInvalidError) as refused:
        submit(
            citizen, education.department, dt.date(2026, 11, 2), applicant_name="李四", id_number=""
        )

    assert "id_number" in refused.value.errors
    assert not Case.objects.exists()


def test_request_for_another_person_needs_their_authorisation(education, citizen):
    from zaixian.accounts.tests.factories import resident_id

    other_id = resident_id(999)
    with pytest.raises(actions.RequestInvalidError) as refused:
        submit(citizen, education.department, dt.date(2026, 11, 2), id_number=other_id)
    assert "upload" in refused.value.errors

    with on(dt.date(2026, 11, 2)):
        made = actions.submit_disclosure_request(
            applicant=citizen,
            department=education.department,
            details=details_of(citizen, applicant_name="李四", id_number=other_id),
            upload=SimpleUploadedFile("授权委托书.pdf", PDF, content_type="application/pdf"),
        )
    assert made.on_behalf_of_other
    assert made.case.attachments.count() == 1


def test_fake_pdf_is_refused_and_nothing_is_saved(education, citizen):
    fake = SimpleUploadedFile(
        "身份证明.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )

    with pytest.raises(actions.RequestInvalidError) as refused, on(dt.date(2026, 11, 2)):
        actions.submit_disclosure_request(
            applicant=citizen,
            department=education.department,
            details=details_of(citizen),
            upload=fake,
        )

    assert "upload" in refused.value.errors
    assert not Case.objects.exists()


def test_staff_cannot_make_requests(education, officer):
    with pytest.raises(actions.NotPublicUserError):
        actions.submit_disclosure_request(
            applicant=officer,
            department=education.department,
            details=actions.RequestDetails(
                applicant_kind="natural_person", applicant_name="王", phone="", description="x"
            ),
        )


def test_officer_of_another_department_cannot_act(education, citizen, other_officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))

    with pytest.raises(case_actions.NotPermittedError):
        move(request, "answer_disclosed", other_officer, dt.date(2026, 11, 3), note="")
    with pytest.raises(case_actions.NotPermittedError), on(dt.date(2026, 11, 3)):
        actions.issue_fee_notice(request=request, actor=other_officer, method="by_volume", pages=99)


def test_an_officer_cannot_approve_an_extension(education, citizen, officer):
    request = submit(citizen, education.department, dt.date(2026, 11, 2))

    with pytest.raises(case_actions.NotPermittedError):
        move(request, "extend", officer, dt.date(2026, 11, 3), extend_days=5)


# --- Paper requests (Article 31) ------------------------------------------------------------


def test_posted_request_counts_from_the_day_the_office_signs_for_it(education, officer):
    from zaixian.accounts.tests.factories import credit_code

    details = actions.RequestDetails(
        applicant_kind="research",
        applicant_name="晋城市农业科学研究所",
        credit_code=credit_code(77),
        contact_name="赵研究",
        phone="13912345678",
        description="本市耕地质量监测数据",
        delivery="post",
        address="山西省晋城市城区凤台东街1号",
    )
    with on(dt.date(2026, 11, 10)):
        request = actions.register_disclosure_request(
            officer=officer,
            department=education.department,
            details=details,
            channel="post",
            submitted_on=dt.date(2026, 11, 2),
            signed_for_on=dt.date(2026, 11, 5),
        )

    assert request.received_on == dt.date(2026, 11, 5)
    assert request.case.clock_started_on == dt.date(2026, 11, 5)
    assert request.case.due_on == dt.date(2026, 12, 3)
    assert request.case.applicant is None
