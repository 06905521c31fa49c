"""``zaixian report disclosure-annual --year YYYY [--org CODE] --format html|pdf|docx
--output FILE``: the annual report on open government information (2021 format)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zaixian.core.models import Department
from zaixian.disclosure import documents, reports


class Command(BaseCommand):
    help = (
        "Write the annual report on open government information (2021 format) of the city "
        "or of one organisation for a year, as HTML, PDF or DOCX."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--year", type=int, required=True, help="the report's year, e.g. 2025")
        parser.add_argument(
            "--org", default="", help="an organisation's code (default: the whole city)"
        )
        parser.add_argument("--format", choices=("html", "pdf", "docx"), default="html")
        parser.add_argument("--output", required=True, help="the file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        year = options["year"]
        if not 2008 <= year <= 2999:
            raise CommandError("--year must be a year such as 2025")
        department = None
        if options["org"]:
            department = Department.objects.filter(code=options["org"].strip().upper()).first()
            if department is None:
                raise CommandError(f"no organisation has the code {options['org']!r}")
        report = reports.annual_report(year=year, department=department)
        output = Path(options["output"])
        try:
            if options["format"] == "html":
                output.write_text(documents.annual_report_html(report), encoding="utf-8")
            elif options["format"] == "pdf":
                output.write_bytes(documents.annual_report_pdf(report))
            else:
                output.write_bytes(documents.annual_report_docx(report))
        except OSError as error:
            raise CommandError(f"cannot write {output}: {error}") from error
        except documents.DocumentRenderingUnavailableError as error:
            raise CommandError(f"PDF output is not available: {error}") from error
        status = "check rule holds" if report.is_consistent else "CHECK RULE FAILS"
        self.stdout.write(f"{report.title}: {output} ({status})")
