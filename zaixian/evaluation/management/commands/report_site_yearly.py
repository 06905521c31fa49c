"""``manage.py report_site_yearly --site www.example.gov.cn --year 2025 --format xlsx --output
report.xlsx`` (also ``zaixian report site-yearly …``): a site's yearly work report
(政府网站工作年度报表), due by 31 January."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from zaixian.evaluation import reports
from zaixian.evaluation.management.commands.report_evaluation import write
from zaixian.evaluation.models import EvaluationTarget


def target_for_host(host: str) -> EvaluationTarget | None:
    """The evaluated site whose platform site or home-page URL has ``host``."""
    host = host.lower().split(":")[0]
    by_site = EvaluationTarget.objects.filter(site__hostname__iexact=host).first()
    if by_site is not None:
        return by_site
    for target in EvaluationTarget.objects.all():
        if (urlsplit(target.base_url).hostname or "").lower() == host:
            return target
    return None


class Command(BaseCommand):
    help = "Write a site's yearly work report as HTML, PDF, DOCX or XLSX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--site", required=True, help="host name of the evaluated site")
        parser.add_argument("--year", type=int, help="the year reported (default: last year)")
        parser.add_argument("--format", choices=reports.YEARLY_FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        target = target_for_host(options["site"])
        if target is None:
            raise CommandError(
                f"No evaluated site has the host {options['site']!r}; add it in the admin."
            )
        this_year = timezone.localdate().year
        year = options["year"] or this_year - 1
        if not 2000 <= year <= this_year:
            raise CommandError(f"--year must be between 2000 and {this_year}.")
        report = reports.yearly_work_report(target=target, year=year)
        content, _type = reports.render_yearly_work_report(report, fmt=options["format"])
        write(self, options["output"], content)
        if options["output"] != "-":
            self.stdout.write(
                f"{options['output']}: yearly work report {year} of {target}, "
                f"{len(content)} bytes ({options['format']})"
            )
