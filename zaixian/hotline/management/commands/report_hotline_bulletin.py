"""``manage.py report_hotline_bulletin --month 2026-10 --format pdf --output bulletin.pdf``
(also ``zaixian report hotline-bulletin …``): the monthly operations bulletin."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zaixian.hotline import reports


class Command(BaseCommand):
    help = "Write the 12345 hotline's monthly operations bulletin as HTML, PDF or DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--month", required=True, help="YYYY-MM")
        parser.add_argument("--format", choices=["html", "pdf", "docx"], default="pdf")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        match = re.fullmatch(r"(\d{4})-(0[1-9]|1[0-2])", options["month"])
        if match is None:
            raise CommandError("--month must be YYYY-MM, e.g. 2026-10")
        bulletin = reports.monthly_bulletin(year=int(match[1]), month=int(match[2]))
        content, _content_type = reports.render_bulletin(bulletin, fmt=options["format"])
        if options["output"] == "-":
            self.stdout.buffer.write(content)  # type: ignore[attr-defined]  # OutputWrapper
            return
        Path(options["output"]).write_bytes(content)
        self.stdout.write(
            f"{options['output']}: {bulletin.total} cases, {len(content)} bytes "
            f"({options['format']})"
        )
