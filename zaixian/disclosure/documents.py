"""The letters of disclosure requests (the reply, the fee notice) and the annual report as
documents, in PDF and DOCX through core's shared rendering (``zaixian.core.documents``). Both
are made from the same content, so the two files of a letter never say different things."""

from __future__ import annotations

import io
import logging
import re
from dataclasses import dataclass, field
from typing import Any

from django.template.loader import render_to_string

# The content type and the error are part of this module's API: callers name them here.
from zaixian.core.documents import (
    DOCX_CONTENT_TYPE,  # noqa: F401
    DocumentRenderingUnavailableError,  # noqa: F401
    docx_bytes,
    html_to_pdf,
    new_docx,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Letter:
    """A letter to an applicant: heading lines, paragraphs and the signature block."""

    issuer: str
    title: str
    number: str
    addressee: str
    paragraphs: list[str]
    signature: str
    date_text: str
    notes: list[str] = field(default_factory=list)


def letter_pdf(letter: Letter) -> bytes:
    return html_to_pdf(render_to_string("disclosure/documents/letter.html", {"letter": letter}))


def letter_docx(letter: Letter) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    document = new_docx()
    for text, size in ((letter.issuer, 18), (letter.title, 20)):
        heading = document.add_paragraph()
        heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = heading.add_run(text)
        run.bold = True
        run.font.size = Pt(size)
    if letter.number:
        document.add_paragraph(letter.number).alignment = WD_ALIGN_PARAGRAPH.CENTER
    document.add_paragraph(f"{letter.addressee}：")
    for text in letter.paragraphs:
        paragraph = document.add_paragraph(text)
        paragraph.paragraph_format.first_line_indent = Pt(24)
    for text in letter.notes:
        document.add_paragraph(text)
    for text in (letter.signature, letter.date_text):
        document.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_bytes(document)


# --- The annual report -----------------------------------------------------------------------


def annual_report_html(report: Any, *, standalone: bool = True) -> str:
    """The report as a self-contained HTML document (the PDF's source, and the CLI's HTML)."""
    return render_to_string(
        "disclosure/documents/annual_report.html", {"report": report, "standalone": standalone}
    )


def annual_report_pdf(report: Any) -> bytes:
    return html_to_pdf(annual_report_html(report))


def _docx_table(document: Any, header: list[str], rows: list[list[Any]]) -> None:
    table = document.add_table(rows=1, cols=len(header))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, header, strict=True):
        cell.text = str(text)
    for values in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, values, strict=True):
            cell.text = str(value)


def outcome_chart_png(report: Any) -> bytes:
    """A bar chart of table 3's outcome groups (总计 column) for the Word report, drawn by
    matplotlib with a Noto Sans CJK face so the Chinese labels render."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt
    from matplotlib.ticker import MaxNLocator

    cjk = [f.name for f in font_manager.fontManager.ttflist if "Noto Sans CJK" in f.name]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    groups = [row for row in report.table3 if row.level == 1 and row.key != "concluded"]
    # "（二）部分公开（区分处理的…）" → "部分公开"
    labels = [re.sub(r"^（.）", "", row.label).split("（")[0] for row in groups]
    figure, axes = plt.subplots(figsize=(6.4, 3.2), dpi=120)
    axes.barh(list(reversed(labels)), [row.values["total"] for row in reversed(groups)],
              color="#1d5fa8")  # fmt: skip
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title("本年度办理结果")
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def annual_report_docx(report: Any) -> bytes:
    """The report as a Word document: the six sections with tables 2, 3 and 4."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH

    document = new_docx()
    title = document.add_heading(report.title, level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    hand = "（人工填报）"
    document.add_heading("一、总体情况", level=1)
    for text in (report.overview or "").splitlines() or ["—"]:
        document.add_paragraph(text)
    document.add_paragraph(f"本年度主动公开政府信息{report.items_disclosed}条。")

    document.add_heading("二、主动公开政府信息情况", level=1)
    for article, header in (
        ("第二十条第（一）项", ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]),
        ("第二十条第（五）项", ["信息内容", "本年处理决定数量"]),
        ("第二十条第（六）项", ["信息内容", "本年处理决定数量"]),
        ("第二十条第（八）项", ["信息内容", "本年收费金额（单位：万元）"]),
    ):
        document.add_paragraph(article)
        _docx_table(
            document,
            header,
            [
                [row.label + (hand if row.by_hand else ""), *row.values]
                for row in report.table2
                if row.article == article
            ],
        )

    document.add_heading("三、收到和处理政府信息公开申请情况", level=1)
    _docx_table(
        document,
        ["", *(label for _key, label in report.columns)],
        [["　" * row.level + row.label, *row.cells()] for row in report.table3],
    )
    from docx.shared import Cm

    document.add_picture(io.BytesIO(outcome_chart_png(report)), width=Cm(15))
    document.add_paragraph(
        "勾稽关系（第一项加第二项之和，等于第三项加第四项之和）："
        + ("全部成立" if report.is_consistent else "不成立，请核对")
    )

    document.add_heading("四、政府信息公开行政复议、行政诉讼情况" + hand, level=1)
    parts = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    _docx_table(
        document,
        ["", *parts],
        [
            ["行政复议", *report.table4.reconsideration],
            ["行政诉讼（未经复议直接起诉）", *report.table4.direct_suit],
            ["行政诉讼（复议后起诉）", *report.table4.suit_after_reconsideration],
        ],
    )
    document.add_heading("五、存在的主要问题及改进情况", level=1)
    for text in (report.problems or "").splitlines() or ["—"]:
        document.add_paragraph(text)
    document.add_heading("六、其他需要报告的事项", level=1)
    for text in (report.other_matters or "").splitlines() or ["—"]:
        document.add_paragraph(text)
    return docx_bytes(document)
