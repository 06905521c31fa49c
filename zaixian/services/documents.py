"""PDF documents of the service hall (decision letters), rendered from HTML templates by
WeasyPrint. WeasyPrint lays out text with Pango, so Chinese renders with the system's CJK
fonts (Debian: fonts-noto-cjk); both are installed by ``scripts/system-deps.sh``."""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string

logger = logging.getLogger(__name__)


class DocumentRenderingUnavailableError(RuntimeError):
    """WeasyPrint or the Pango library it needs is missing on this server."""


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    # Documents are self-contained; never let a template (or data in it) make the server
    # fetch a URL or read a local file.
    raise ValueError(f"External resources are not allowed in documents: {url[:80]}")


def render_pdf(*, template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` to PDF bytes."""
    html = render_to_string(template_name, context)
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango's shared library is missing
        logger.error("PDF rendering unavailable: %s", error)
        raise DocumentRenderingUnavailableError(str(error)) from error
    pdf: bytes = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    return pdf
