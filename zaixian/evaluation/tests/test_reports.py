"""The scorecard document (HTML, PDF, DOCX), the veto e-mail and the yearly work report."""

# ruff: noqa: F811 — the hotline fixtures are imported, then requested by name

import datetime as dt
import io
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile

from zaixian.evaluation import reports, rules
from zaixian.evaluation.models import YearlyReportFacts
from zaixian.evaluation.tests.factories import (
    EvaluationRunFactory,
    EvaluationTargetFactory,
    FindingFactory,
)
from zaixian.hotline import actions as hotline_actions
from zaixian.hotline.tests.conftest import (  # noqa: F401 — fixtures
    category,
    centre,
    department,
    operator,
    register,
)

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _png():
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "#c33").save(buffer, format="PNG")
    return buffer.getvalue()


@pytest.fixture(scope="session")
def pdf_rendering():
    import os

    try:
        import weasyprint  # noqa: F401 — loading it loads Pango
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"WeasyPrint cannot load Pango: {error} (required on CI)")
        pytest.skip(f"WeasyPrint cannot load Pango: {error}")


def _scored(run):
    run.scorecard = rules.score(run.findings.all()).to_json()
    card = rules.Scorecard.from_json(run.scorecard)
    run.score = card.total
    run.vetoes_failed = card.vetoes_failed
    run.is_passed = card.is_passed
    run.save()
    return run


@pytest.fixture
def run(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    target = EvaluationTargetFactory(name="晋城市人民政府门户网站", base_url="http://www.jc.test/")
    for day, score in ((1, "92.0"), (2, "88.5")):
        EvaluationRunFactory(
            target=target,
            started_at=datetime(2026, 11, day, 2, tzinfo=SHANGHAI),
            score=Decimal(score),
        )
    run = EvaluationRunFactory(target=target, started_at=datetime(2026, 11, 3, 2, tzinfo=SHANGHAI))
    FindingFactory(run=run, veto=True, evidence="热线工单20260701ABC超过3个月未答复。", page_url="")
    FindingFactory.create_batch(3, run=run, evidence="链接打不开（HTTP 404）：市政府文件。")
    with_screenshot = FindingFactory(
        run=run,
        check_code="browser.mobile",
        indicator="usability.mobile",
        evidence="手机上页面需要横向滚动。",
    )
    with_screenshot.screenshot.save("shot.png", ContentFile(_png()))
    FindingFactory(run=run, bonus=True)
    return _scored(run)


def test_scorecard_html_has_verdict_tables_trend_and_screenshot(run):
    content, content_type = reports.render_scorecard(run, fmt="html")

    html = content.decode()
    assert content_type.startswith("text/html")
    assert "晋城市人民政府门户网站" in html
    assert reports.verdict_text(rules.Scorecard.from_json(run.scorecard)) in html
    assert str(rules.INDICATOR_BY_CODE["veto.interaction"].name) in html
    assert "热线工单20260701ABC超过3个月未答复。" in html
    assert "<svg" in html
    assert "data:image/png;base64," in html
    assert "http://" not in html.split("<body>")[0]  # nothing to fetch in the head


def test_scorecard_verdict_says_veto(run):
    report = reports.scorecard_report(run)

    assert report.card.verdict == rules.Verdict.FAILED_VETO
    assert [line.code for line in report.failed_vetoes] == ["veto.interaction"]
    assert [point.score for point in report.history] == [
        Decimal("92.0"),
        Decimal("88.5"),
        report.card.total,
    ]


def test_scorecard_pdf_has_the_chinese_text(run, pdf_rendering):
    from pypdf import PdfReader

    content, content_type = reports.render_scorecard(run, fmt="pdf")

    assert content_type == "application/pdf"
    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "晋城市人民政府门户网站" in text
    assert "超过3个月未答复" in text


def test_scorecard_docx_has_the_tables(run):
    from docx import Document

    content, content_type = reports.render_scorecard(run, fmt="docx")

    document = Document(io.BytesIO(content))
    cells = {cell.text for table in document.tables for row in table.rows for cell in row.cells}
    assert content_type.endswith("wordprocessingml.document")
    assert len(document.tables) >= 5
    assert "晋城市人民政府门户网站" in cells
    assert str(rules.INDICATOR_BY_CODE["availability.links"].name) in cells
    assert "热线工单20260701ABC超过3个月未答复。" in cells
    assert len(document.inline_shapes) == 2  # the trend chart and the screenshot


def test_unknown_format_is_refused(run):
    with pytest.raises(reports.UnknownFormatError):
        reports.render_scorecard(run, fmt="odt")


def test_veto_email_lists_the_failed_items_with_evidence(run):
    subject, body = reports.veto_email(run)

    assert "晋城市人民政府门户网站" in subject
    assert "\n" not in subject
    assert str(rules.INDICATOR_BY_CODE["veto.interaction"].name) in body
    assert "热线工单20260701ABC超过3个月未答复。" in body
    assert str(run.pk) in reports.run_admin_path(run)
    assert reports.run_admin_path(run) in body
    assert "链接打不开" not in body  # deductions are not in the veto e-mail


# --- The yearly work report ---------------------------------------------------------------------

YEAR = 2025


def _at(month, day, hour=10, year=YEAR):
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


@pytest.fixture
def seeded(register, operator, department):
    from wagtail.models import Site

    from zaixian.accounts.tests.factories import PublicUserFactory
    from zaixian.analytics.models import DailySummary
    from zaixian.cases.tests.factories import make_officer
    from zaixian.portal.models import ChannelPage
    from zaixian.portal.tests.factories import make_article, make_channel, make_home, make_topic
    from zaixian.services.tests.factories import ApplicationFactory, ServiceItemFactory

    home = make_home(hostname="www.jc.test")
    site = Site.objects.get(is_default_site=True)
    news = make_channel(parent=home, kind=ChannelPage.Kind.NEWS)
    overview = make_channel(parent=home, kind=ChannelPage.Kind.OTHER)
    for when in (_at(3, 1), _at(9, 9)):
        make_article(parent=news, publish_time=when)
    make_article(parent=news, publish_time=_at(12, 30, year=YEAR - 1))
    make_article(parent=overview, publish_time=_at(5, 5))
    for when in (_at(4, 1), _at(4, 1, year=YEAR - 1)):
        topic = make_topic(parent=home)
        type(topic).objects.filter(pk=topic.pk).update(first_published_at=when)
    for day, views, visitors in (
        (dt.date(YEAR, 1, 2), 100, 40),
        (dt.date(YEAR, 6, 1), 50, 10),
        (dt.date(YEAR - 1, 12, 31), 999, 999),
    ):
        DailySummary.objects.create(site=site, day=day, page_views=views, visitors=visitors)

    officer = make_officer(department)
    with time_machine.travel(_at(3, 2, 9), tick=False):
        closed = register(received_at=_at(3, 2, 9), agrees_to_publish=True)
        hotline_actions.dispatch_case(hotline_case=closed, department=department, actor=operator)
        hotline_actions.accept_case(hotline_case=closed, actor=officer)
    with time_machine.travel(_at(3, 4, 9), tick=False):
        hotline_actions.reply_to_case(hotline_case=closed, actor=officer, reply="已修复")
        hotline_actions.review_reply(hotline_case=closed, actor=operator, approve=True)
        hotline_actions.record_callback(
            hotline_case=closed, actor=operator, satisfaction="satisfied"
        )
    with time_machine.travel(_at(7, 1), tick=False):
        register(received_at=_at(7, 1), caller_phone="13900000011")
    with time_machine.travel(_at(7, 1, year=YEAR - 1), tick=False):
        register(received_at=_at(7, 1, year=YEAR - 1), caller_phone="13900000012")

    item = ServiceItemFactory(with_form=True)
    ServiceItemFactory(information_only=True)
    with time_machine.travel(_at(8, 8), tick=False):
        ApplicationFactory(item=item, submitted=True)
        ApplicationFactory(
            item=item, submitted=True, applicant=PublicUserFactory(organisation=True)
        )

    target = EvaluationTargetFactory(site=site, name="晋城在线")
    first = EvaluationRunFactory(target=target, started_at=_at(2, 1))
    FindingFactory(run=first, page_url="http://www.jc.test/a", link_url="http://www.jc.test/x")
    FindingFactory(run=first, page_url="http://www.jc.test/b", link_url="http://www.jc.test/y")
    FindingFactory(run=first, bonus=True)
    latest = EvaluationRunFactory(target=target, started_at=_at(11, 1))
    FindingFactory(run=latest, page_url="http://www.jc.test/a", link_url="http://www.jc.test/x")
    EvaluationRunFactory(target=target, started_at=_at(1, 1, year=YEAR - 1))
    return target


def test_yearly_report_figures_are_the_counts_of_the_data(seeded):
    report = reports.yearly_work_report(target=seeded, year=YEAR)

    assert report.value("site_name") == "晋城在线"
    assert report.value("page_views") == 150
    assert report.value("visitors") == 50
    assert report.value("news_items") == 2
    assert report.value("overview_items") == 1
    assert report.value("disclosure_items") == 0
    assert report.value("published_total") == 3
    assert report.value("topics_maintained") == 2
    assert report.value("topics_opened") == 1
    assert report.value("messages_received") == 2
    assert report.value("messages_closed") == 1
    assert report.value("average_days") == 2.0
    assert report.value("messages_published") == 1
    assert report.value("service_items") == 2
    assert report.value("has_service_catalogue") is True
    assert report.value("applications") == 2
    assert report.value("applications_citizens") == 1
    assert report.value("applications_organisations") == 1
    assert report.value("security_checks") == 2
    assert report.value("problems_found") == 2
    assert report.value("problems_fixed") == 1
    assert report.field("surveys").source == reports.Source.NOT_TRACKED
    assert report.field("has_emergency_drill").source == reports.Source.MISSING
    assert report.field("site_type").value == str(YearlyReportFacts.SiteType.PORTAL.label)


def test_yearly_report_takes_the_offices_facts(seeded):
    YearlyReportFacts.objects.create(
        target=seeded,
        year=YEAR,
        surveys=4,
        has_emergency_drill=True,
        other_security_checks=3,
        other_problems_found=5,
        other_problems_fixed=5,
        filler="王五",
    )

    report = reports.yearly_work_report(target=seeded, year=YEAR)

    assert report.value("surveys") == 4
    assert report.field("surveys").source == reports.Source.MANUAL
    assert report.value("has_emergency_drill") is True
    assert report.value("security_checks") == 5
    assert report.value("problems_found") == 7
    assert report.value("problems_fixed") == 6
    assert report.value("filler") == "王五"


def test_yearly_report_of_an_outside_site_has_only_its_evaluations():
    target = EvaluationTargetFactory()
    EvaluationRunFactory(target=target, started_at=_at(5, 1))

    report = reports.yearly_work_report(target=target, year=YEAR)

    assert report.value("security_checks") == 1
    with pytest.raises(KeyError):
        report.value("page_views")


@pytest.mark.parametrize("fmt", ["html", "docx", "xlsx"])
def test_yearly_report_renders(seeded, fmt):
    content, _content_type = reports.render_yearly_work_report(
        reports.yearly_work_report(target=seeded, year=YEAR), fmt=fmt
    )

    if fmt == "html":
        assert "晋城在线" in content.decode()
    elif fmt == "docx":
        from docx import Document

        document = Document(io.BytesIO(content))
        cells = [c.text for t in document.tables for r in t.rows for c in r.cells]
        assert "150" in cells
    else:
        from openpyxl import load_workbook

        sheet = load_workbook(io.BytesIO(content)).active
        values = [row[2] for row in sheet.iter_rows(min_row=3, values_only=True)]
        assert 150 in values


def test_yearly_report_pdf(seeded, pdf_rendering):
    from pypdf import PdfReader

    content, _type = reports.render_yearly_work_report(
        reports.yearly_work_report(target=seeded, year=YEAR), fmt="pdf"
    )

    assert content.startswith(b"%PDF")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    assert "晋城在线" in text


def test_recent_runs_up_to_a_run():
    target = EvaluationTargetFactory()
    runs = [
        EvaluationRunFactory(target=target, started_at=_at(11, day, 2, 2026)) for day in range(1, 6)
    ]

    points = reports.recent_runs(target=target, before=runs[3], limit=3)

    assert [p.run_id for p in points] == [runs[1].pk, runs[2].pk, runs[3].pk]


def test_security_figures_count_distinct_problems_and_the_fixed_ones():
    target = EvaluationTargetFactory()
    first = EvaluationRunFactory(target=target, started_at=_at(3, 1))
    for page in ("a", "b", "c"):
        FindingFactory(run=first, page_url=f"http://x.test/{page}", link_url="http://x.test/z")
    FindingFactory(run=first, bonus=True)
    second = EvaluationRunFactory(target=target, started_at=_at(6, 1))
    FindingFactory(run=second, page_url="http://x.test/a", link_url="http://x.test/z")
    latest = EvaluationRunFactory(target=target, started_at=_at(2, 1, year=2026))
    FindingFactory(run=latest, page_url="http://x.test/b", link_url="http://x.test/z")

    figures = reports.security_figures(target=target, year=YEAR)

    assert figures == reports.SecurityFigures(evaluations=2, problems_found=3, problems_fixed=2)


# --- Commands ------------------------------------------------------------------------------------


def test_report_evaluation_command_writes_the_scorecard(run, tmp_path):
    from django.core.management import call_command

    output = tmp_path / "scorecard.docx"

    call_command("report_evaluation", run=run.pk, format="docx", output=str(output))

    assert output.read_bytes().startswith(b"PK")


def test_report_evaluation_command_refuses_an_unknown_run(tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("report_evaluation", run=999999, format="html", output=str(tmp_path / "x"))


def test_report_site_yearly_command_finds_the_site_by_host(seeded, tmp_path):
    from django.core.management import call_command
    from openpyxl import load_workbook

    output = tmp_path / "yearly.xlsx"

    call_command(
        "report_site_yearly", site="www.jc.test", year=YEAR, format="xlsx", output=str(output)
    )

    sheet = load_workbook(output).active
    assert "晋城在线" in sheet["A1"].value
