"""The annual report (2021 format): a known set of requests, items and hand-entered figures,
and every cell of tables 2, 3 and 4 with the check rule; the published page, PDF, DOCX and
the command line."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from zaixian.disclosure import actions, reports
from zaixian.disclosure.models import AnnualReportFigures, DisclosureItemPage
from zaixian.disclosure.tests.factories import make_item
from zaixian.disclosure.tests.requests import move, on, submit

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pdf_rendering")]

COLUMNS = ["natural_person", "business", "research", "public_interest", "legal_service",
           "other_organisation", "total"]  # fmt: skip


def _row(*values):
    return dict(zip(COLUMNS, values, strict=True))


@pytest.fixture
def known_year(education, finance, citizen, company, officer, leader):
    """Requests of 2024–2026 in education (and one in finance), items and figures."""
    from zaixian.cases.tests.factories import make_officer

    dept = education.department
    answer = "answer_disclosed"
    # Carried over from 2024: one answered in January 2025, one open all through 2025; one
    # answered in 2024 does not appear.
    a = submit(citizen, dept, dt.date(2024, 12, 20))
    move(a, answer, officer, dt.date(2025, 1, 10), note="")
    b = submit(company, dept, dt.date(2024, 12, 23))
    move(b, answer, officer, dt.date(2024, 12, 30), note="")
    submit(company, dept, dt.date(2024, 12, 27), applicant_kind="research")  # c: still open

    d = submit(citizen, dept, dt.date(2025, 2, 10))
    move(d, answer, officer, dt.date(2025, 2, 20), note="")
    e = submit(citizen, dept, dt.date(2025, 3, 3))
    move(e, "answer_withheld_state_secret", officer, dt.date(2025, 3, 20), note="涉密")
    f = submit(citizen, dept, dt.date(2025, 3, 3))
    move(f, "request_correction", officer, dt.date(2025, 3, 4), note="请说明")
    move(f, "close_not_corrected", officer, dt.date(2025, 3, 26), note="")
    submit(citizen, dept, dt.date(2025, 12, 29))  # g: carried into 2026

    h = submit(company, dept, dt.date(2025, 4, 1))
    move(h, "answer_partly_disclosed", officer, dt.date(2025, 4, 15), note="部分")
    i = submit(company, dept, dt.date(2025, 5, 6))
    with on(dt.date(2025, 5, 7)):
        actions.issue_fee_notice(request=i, actor=officer, method="by_volume", pages=50)
    move(i, "close_fee_unpaid", officer, dt.date(2025, 6, 10), note="")
    j = submit(company, dept, dt.date(2025, 6, 2), applicant_kind="public_interest")
    move(j, "answer_not_processed_repeated", officer, dt.date(2025, 6, 5), note="重复")
    k = submit(company, dept, dt.date(2025, 7, 1), applicant_kind="legal_service")
    move(k, "answer_unavailable_not_held", officer, dt.date(2025, 7, 10), note="不掌握")
    m = submit(company, dept, dt.date(2025, 7, 1), applicant_kind="other_organisation")
    move(m, "withdraw", company, dt.date(2025, 7, 2))
    n = submit(company, dept, dt.date(2025, 12, 30), applicant_kind="research")
    move(n, answer, officer, dt.date(2026, 1, 5), note="")

    other = submit(citizen, finance.department, dt.date(2025, 8, 3))
    finance.department.refresh_from_db()
    move(other, answer, make_officer(finance.department), dt.date(2025, 8, 4), note="")

    normative = {"genre": DisclosureItemPage.Genre.NORMATIVE}
    make_item(catalogue=education.catalogue, document_number="教〔2025〕1号",
              date_written=dt.date(2025, 3, 3), **normative)  # fmt: skip
    make_item(catalogue=education.catalogue, document_number="教〔2024〕9号",
              date_written=dt.date(2024, 5, 6), publish_date=dt.date(2024, 5, 7),
              validity=DisclosureItemPage.Validity.REPEALED,
              validity_changed_on=dt.date(2025, 6, 2), **normative)  # fmt: skip
    make_item(catalogue=education.catalogue, document_number="晋城市人民政府令第1号",
              genre=DisclosureItemPage.Genre.RULE, date_written=dt.date(2024, 1, 8))  # fmt: skip
    make_item(catalogue=education.catalogue, date_written=dt.date(2025, 9, 1))  # a notice
    make_item(catalogue=finance.catalogue, date_written=dt.date(2025, 9, 1), **normative,
              document_number="财〔2025〕1号")  # fmt: skip

    _licence_decision(dept, dt.date(2025, 5, 5))
    _licence_decision(dept, dt.date(2024, 5, 5))

    AnnualReportFigures.objects.create(
        department=dept,
        year=2025,
        overview="本机关认真贯彻落实《条例》。",
        penalty_decisions=12,
        compulsion_decisions=3,
        licensing_decisions=5,
        fees_collected=Decimal("1.2345"),
        reconsideration_upheld=1,
        reconsideration_corrected=2,
        reconsideration_other=3,
        reconsideration_pending=4,
        direct_suit_upheld=5,
        direct_suit_corrected=6,
        direct_suit_other=7,
        direct_suit_pending=8,
        suit_after_upheld=9,
        suit_after_corrected=10,
        suit_after_other=11,
        suit_after_pending=12,
    )
    return education


def _licence_decision(department, day):
    from zaixian.services.models import DecisionDocument
    from zaixian.services.tests.factories import ApplicationFactory, ServiceItemFactory

    application = ApplicationFactory(
        item=ServiceItemFactory(department=department, with_form=True), submitted=True
    )
    DecisionDocument.objects.create(
        case=application.case,
        department=department,
        kind=DecisionDocument.Kind.APPROVAL,
        year=day.year,
        serial=day.year,
        number=f"教准许字〔{day.year}〕第{day.year}号",
        issued_on=day,
    )


EXPECTED_TABLE3 = {
    "new": _row(4, 2, 1, 1, 1, 1, 10),
    "carried_in": _row(1, 0, 1, 0, 0, 0, 2),
    "results": _row(4, 2, 0, 1, 1, 1, 9),
    "disclosed": _row(2, 0, 0, 0, 0, 0, 2),
    "partly_disclosed": _row(0, 1, 0, 0, 0, 0, 1),
    "withheld": _row(1, 0, 0, 0, 0, 0, 1),
    "withheld_state_secret": _row(1, 0, 0, 0, 0, 0, 1),
    "unavailable": _row(0, 0, 0, 0, 1, 0, 1),
    "unavailable_not_held": _row(0, 0, 0, 0, 1, 0, 1),
    "not_processed": _row(0, 0, 0, 1, 0, 0, 1),
    "not_processed_repeated": _row(0, 0, 0, 1, 0, 0, 1),
    "other_handling": _row(1, 1, 0, 0, 0, 1, 3),
    "other": _row(0, 0, 0, 0, 0, 1, 1),  # （六）3.其他: the withdrawal
    "other_not_corrected": _row(1, 0, 0, 0, 0, 0, 1),
    "other_fee_unpaid": _row(0, 1, 0, 0, 0, 0, 1),
    "concluded": _row(4, 2, 0, 1, 1, 1, 9),
    "carried_out": _row(1, 0, 2, 0, 0, 0, 3),
}
ROW_ORDER = [
    "new", "carried_in", "results", "disclosed", "partly_disclosed", "withheld",
    "withheld_state_secret", "withheld_prohibited_by_law", "withheld_security",
    "withheld_third_party", "withheld_internal", "withheld_process",
    "withheld_enforcement_file", "withheld_inquiry", "unavailable", "unavailable_not_held",
    "unavailable_needs_creation", "unavailable_still_unclear", "not_processed",
    "not_processed_petition", "not_processed_repeated", "not_processed_publication",
    "not_processed_excessive", "not_processed_confirmation", "other_handling",
    "other_not_corrected", "other_fee_unpaid", "other", "concluded", "carried_out",
]  # fmt: skip


def test_every_cell_of_table_3_and_the_check_rule(known_year):
    report = reports.annual_report(year=2025, department=known_year.department)

    assert len(report.table3) == len(ROW_ORDER) == 30
    zero = _row(0, 0, 0, 0, 0, 0, 0)
    for index, row in enumerate(report.table3):
        expected_key = ROW_ORDER[index]
        assert row.key == expected_key
        assert row.values == EXPECTED_TABLE3.get(expected_key, zero), expected_key
    assert report.check == dict.fromkeys(COLUMNS, True)
    assert report.is_consistent


def test_every_cell_of_tables_2_and_4(known_year):
    report = reports.annual_report(year=2025, department=known_year.department)

    assert [(row.label, row.values, row.by_hand) for row in report.table2] == [
        ("规章", (0, 0, 1), False),
        ("行政规范性文件", (1, 1, 1), False),
        ("行政许可", (6,), True),
        ("行政处罚", (12,), True),
        ("行政强制", (3,), True),
        ("行政事业性收费", (Decimal("1.2345"),), True),
    ]
    assert report.table4.cells() == [1, 2, 3, 4, 10, 5, 6, 7, 8, 26, 9, 10, 11, 12, 42]
    assert report.items_disclosed == 2  # the normative document and the notice of 2025


def test_the_city_report_adds_every_organisation(known_year):
    report = reports.annual_report(year=2025)

    assert report.row("new").values["total"] == 11
    assert report.row("disclosed").values["natural_person"] == 3
    assert report.is_consistent
    assert report.table2[1].values == (2, 1, 2)
    assert report.table4.cells() == [0] * 15  # no figures entered for the city


def test_the_check_rule_flags_a_broken_column():
    rows = [
        reports.Table3Row("new", "一", 0, _row(1, 0, 0, 0, 0, 0, 1)),
        reports.Table3Row("carried_in", "二", 0, _row(0, 0, 0, 0, 0, 0, 0)),
        reports.Table3Row("concluded", "（七）", 1, _row(0, 0, 0, 0, 0, 0, 0)),
        reports.Table3Row("carried_out", "四", 0, _row(0, 0, 0, 0, 0, 0, 0)),
    ]

    check = reports.table3_check(rows)

    assert check["natural_person"] is False
    assert check["business"] is True


def test_published_page_pdf_and_docx(client, known_year):
    url = "/zwgk/annual-report/2025/"

    page = client.get(url, {"org": "JCJYJ"})
    pdf = client.get(url, {"org": "JCJYJ", "format": "pdf"})
    docx_response = client.get(url, {"format": "docx"})

    assert page.status_code == 200
    html = page.content.decode()
    assert "晋城市教育局2025年政府信息公开工作年度报告" in html
    assert "各列均成立" in html
    assert "人工填报" in html
    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF-")
    import docx

    document = docx.Document(io.BytesIO(docx_response.content))
    assert len(document.tables) == 6  # table 2 in four parts, tables 3 and 4
    assert document.tables[4].rows[1].cells[7].text == "11"  # 一、本年新收, 总计, the city


def test_report_downloads_are_rate_limited_per_address_and_the_page_is_not(
    client, known_year, monkeypatch
):
    from zaixian.disclosure import views

    monkeypatch.setattr(views, "REPORT_RATE", "2/h")
    url = "/zwgk/annual-report/2025/"

    answers = [client.get(url, {"format": "docx"}).status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    assert client.get(url).status_code == 200


def test_report_page_refuses_bad_input(client, known_year):
    assert client.get("/zwgk/annual-report/2025/", {"org": "NOPE"}).status_code == 404
    assert client.get("/zwgk/annual-report/2025/", {"format": "xls"}).status_code == 400
    assert client.get("/zwgk/annual-report/2999/").status_code == 404


def test_command_writes_each_format(tmp_path, known_year):
    for output in ("html", "pdf", "docx"):
        target = tmp_path / f"report.{output}"
        out = io.StringIO()
        call_command(
            "report_disclosure_annual",
            "--year=2025",
            "--org=JCJYJ",
            f"--format={output}",
            f"--output={target}",
            stdout=out,
        )
        assert target.stat().st_size > 0
        assert "check rule holds" in out.getvalue()
    assert "行政复议" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_figures_are_entered_only_by_who_may(client, known_year, finance):
    reviewer = finance.reviewer

    with pytest.raises(actions.FiguresNotPermittedError):
        actions.save_annual_report_figures(
            user=reviewer, department=known_year.department, year=2025, values={}
        )
    saved = actions.save_annual_report_figures(
        user=reviewer, department=finance.department, year=2025, values={"penalty_decisions": 4}
    )

    assert saved.penalty_decisions == 4
    assert reports.annual_report(year=2025, department=finance.department).table2[3].values == (4,)


def test_one_row_of_figures_per_organisation_and_year_and_one_for_the_city(education):
    from django.db import IntegrityError, transaction

    AnnualReportFigures.objects.create(department=None, year=2020)
    AnnualReportFigures.objects.create(department=education.department, year=2020)

    for department in (None, education.department):
        with pytest.raises(IntegrityError), transaction.atomic():
            AnnualReportFigures.objects.create(department=department, year=2020)
    assert AnnualReportFigures.objects.count() == 2
