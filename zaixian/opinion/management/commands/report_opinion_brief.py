"""``manage.py report_opinion_brief --from 2024-03-01 --to 2024-03-07 --format docx --output
brief.docx`` (also ``zaixian report opinion-brief …``): the daily digest (one day) or the
internal reference (内参, a longer period), numbered for the year."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zaixian.opinion import actions, reports
from zaixian.opinion.management.commands.report_opinion_flash import write
from zaixian.opinion.models import Report


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from exc


class Command(BaseCommand):
    help = "Write the opinion digest (one day) or internal reference (a period)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        parser.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        parser.add_argument("--format", choices=reports.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        start, end = _day(options["start"]), _day(options["end"])
        if end < start:
            raise CommandError("--to must not be before --from.")
        if (end - start).days > 366:
            raise CommandError("A brief covers at most a year.")
        kind = Report.Kind.DAILY_DIGEST if start == end else Report.Kind.INTERNAL_REFERENCE
        report = actions.number_report(
            kind=kind,
            title=f"{Report.Kind(kind).label} {start:%Y-%m-%d}–{end:%Y-%m-%d}",
            period_start=start,
            period_end=end,
        )
        content, _type = reports.render_report(
            reports.brief(start=start, end=end, report=report), fmt=options["format"]
        )
        write(self, options["output"], content)
        self.stdout.write(
            f"{options['output']}: {kind} {report.year}/{report.number}, "
            f"{len(content)} bytes ({options['format']})"
        )
