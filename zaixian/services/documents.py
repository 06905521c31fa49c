"""PDF documents of the service hall (decision letters), rendered from HTML templates by
WeasyPrint. WeasyPrint lays out text with Pango, so Chinese renders with the system's CJK
fonts (Debian: fonts-noto-cjk); both are installed by ``scripts/system-deps.sh``."""

from __future__ import annotations

import logging
from typing import Any

from django.template.loader import render_to_string

from zaixian.core.documents import (
    DocumentRenderingUnavailableError,  # noqa: F401 — callers catch it under this module's name
    html_to_pdf,
)

logger = logging.getLogger(__name__)


def render_pdf(*, template_name: str, context: dict[str, Any]) -> bytes:
    """Render ``template_name`` to PDF bytes."""
    return html_to_pdf(render_to_string(template_name, context))
