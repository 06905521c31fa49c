"""Documents for offices, made the same way by every module: PDF through WeasyPrint (Pango
lays out Chinese with the system's Noto CJK fonts) and DOCX through python-docx with the CJK
font set for East Asian text. Documents are self-contained: a template (or data in it) can
never make the server fetch a URL or read a local file."""

from __future__ import annotations

import io
import logging
from typing import Any

logger = logging.getLogger(__name__)

PDF_CONTENT_TYPE = "application/pdf"
DOCX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CJK_FONT = "Noto Sans CJK SC"


class DocumentRenderingUnavailableError(RuntimeError):
    """WeasyPrint or the Pango library it needs is missing on this server."""


def html_to_pdf(html: str) -> bytes:
    """The PDF of a self-contained HTML document (inline CSS, inline SVG, ``data:`` images such
    as screenshots). WeasyPrint's fetcher is limited to ``data:`` URIs: any other URL in the
    document (http, file, …) is skipped, never fetched."""
    try:
        from weasyprint import HTML
        from weasyprint.urls import URLFetcher
    except (ImportError, OSError) as error:  # OSError: Pango's shared library is missing
        logger.error("PDF rendering unavailable: %s", error)
        raise DocumentRenderingUnavailableError(str(error)) from error
    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=False)
    pdf: bytes = HTML(string=html, url_fetcher=fetcher).write_pdf()
    return pdf


def new_docx(*, font_size: float = 12) -> Any:
    """An empty python-docx document whose Normal style writes Chinese in Noto Sans CJK."""
    from docx import Document
    from docx.oxml.ns import qn
    from docx.shared import Pt

    document = Document()
    style = document.styles["Normal"]
    style.font.name = CJK_FONT
    style.font.size = Pt(font_size)
    style.element.rPr.rFonts.set(qn("w:eastAsia"), CJK_FONT)
    return document


def add_docx_table(document: Any, header: list[str], rows: list[list[str]]) -> Any:
    """A bordered table with a header row."""
    grid = document.add_table(rows=1, cols=len(header))
    grid.style = "Table Grid"
    for cell, text in zip(grid.rows[0].cells, header, strict=True):
        cell.text = text
    for row in rows:
        for cell, text in zip(grid.add_row().cells, row, strict=True):
            cell.text = str(text)
    return grid


def docx_bytes(document: Any) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def png_bar_chart(rows: list[tuple[str, float]], *, title: str, color: str = "#1d5fa8") -> bytes:
    """A horizontal bar chart as PNG (matplotlib, Noto Sans CJK) for DOCX documents, which
    cannot show SVG; first row on top."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    cjk = [f.name for f in font_manager.fontManager.ttflist if "Noto Sans CJK" in f.name]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]
    figure, axes = plt.subplots(figsize=(6.4, 0.35 * max(len(rows), 3) + 0.8), dpi=120)
    axes.barh(
        [label for label, _ in reversed(rows)], [value for _, value in reversed(rows)], color=color
    )
    axes.set_title(title)
    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()
