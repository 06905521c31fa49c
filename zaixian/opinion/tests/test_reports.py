"""Flash reports and briefs with every chart, in HTML, PDF and DOCX, through the commands."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from zaixian.opinion import queries
from zaixian.opinion.models import Event, Report
from zaixian.opinion.tests.factories import STORY, TopicFactory, ingest

pytestmark = pytest.mark.django_db


@pytest.fixture
def event():
    queries.forget_cached_indexes()
    TopicFactory()
    now = timezone.now()
    for i in range(4):
        ingest(
            url=f"http://o{i}.example/{i}",
            title="城东小区停水三天无人管",
            body=STORY + f"（媒体{i}）",
            at=now - timedelta(hours=3 - i),
        )
    return Event.objects.get()


def run(name, *args):
    out = io.StringIO()
    call_command(name, *args, stdout=out)
    return out.getvalue()


def test_flash_report_html_has_every_chart_and_the_timeline(event, tmp_path):
    target = tmp_path / "flash.html"

    message = run(
        "report_opinion_flash",
        "--event",
        str(event.pk),
        "--format",
        "html",
        "--output",
        str(target),
    )

    html = target.read_text()
    assert "flash report" in message
    assert html.count("<svg") == 4
    for label in ("Volume over time", "Share by source", "Sentiment over time", "Top words"):
        assert label in html
    assert "停水" in html  # a top word (jieba) and the title
    assert html.count("城东小区停水三天无人管") >= 4  # the timeline rows
    assert Report.objects.get().number == 1


def test_report_in_chinese_has_the_chinese_chart_titles(event, tmp_path):
    target = tmp_path / "flash.html"

    with translation.override("zh-hans"):
        run(
            "report_opinion_flash",
            "--event",
            str(event.pk),
            "--format",
            "html",
            "--output",
            str(target),
        )

    html = target.read_text()
    for label in ("信息量走势", "来源分布", "情感走势", "高频词", "年第1期"):
        assert label in html


def test_flash_reports_are_numbered_in_turn_and_pdf_is_a_pdf(event, tmp_path):
    run(
        "report_opinion_flash",
        "--event",
        str(event.pk),
        "--format",
        "html",
        "--output",
        str(tmp_path / "a.html"),
    )
    run(
        "report_opinion_flash",
        "--event",
        str(event.pk),
        "--format",
        "pdf",
        "--output",
        str(tmp_path / "b.pdf"),
    )

    assert (tmp_path / "b.pdf").read_bytes().startswith(b"%PDF")
    assert sorted(Report.objects.values_list("number", flat=True)) == [1, 2]


def test_flash_report_docx_holds_the_four_chart_images(event, tmp_path):
    target = tmp_path / "flash.docx"

    run(
        "report_opinion_flash",
        "--event",
        str(event.pk),
        "--format",
        "docx",
        "--output",
        str(target),
    )

    with zipfile.ZipFile(target) as docx:
        images = [n for n in docx.namelist() if n.startswith("word/media/")]
        document = docx.read("word/document.xml").decode()
    assert len(images) == 4
    assert "城东小区停水三天无人管" in document


def test_brief_of_one_day_is_a_daily_digest_and_of_a_week_an_internal_reference(event, tmp_path):
    today = timezone.localdate()

    run(
        "report_opinion_brief",
        "--from",
        str(today),
        "--to",
        str(today),
        "--format",
        "html",
        "--output",
        str(tmp_path / "d.html"),
    )
    run(
        "report_opinion_brief",
        "--from",
        str(today - timedelta(days=6)),
        "--to",
        str(today),
        "--format",
        "docx",
        "--output",
        str(tmp_path / "w.docx"),
    )

    html = (tmp_path / "d.html").read_text()
    assert html.count("<svg") == 4
    assert "城东小区停水三天无人管" in html  # the main events table
    assert sorted(Report.objects.values_list("kind", flat=True)) == [
        Report.Kind.DAILY_DIGEST,
        Report.Kind.INTERNAL_REFERENCE,
    ]


def test_unknown_event_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="There is no event 999"):
        run("report_opinion_flash", "--event", "999", "--output", str(tmp_path / "x.pdf"))


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [
        ("2024-13-01", "2024-12-01", "is not a date"),
        ("2024-03-02", "2024-03-01", "must not be before"),
    ],
)
def test_bad_brief_dates_are_clear_errors(tmp_path, start, end, message):
    with pytest.raises(CommandError, match=message):
        run(
            "report_opinion_brief",
            "--from",
            start,
            "--to",
            end,
            "--output",
            str(tmp_path / "x.pdf"),
        )
