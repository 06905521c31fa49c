"""``manage.py report_opinion_flash --event 12 --format pdf --output flash.pdf`` (also
``zaixian report opinion-flash …``): the flash report (舆情快报) of one event, numbered for the
year."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zaixian.opinion import actions, reports
from zaixian.opinion.models import Event, Report


class Command(BaseCommand):
    help = "Write the flash report of one opinion event as HTML, PDF or DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--event", type=int, required=True, help="event id")
        parser.add_argument("--format", choices=reports.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        event = Event.objects.filter(pk=options["event"]).first()
        if event is None:
            raise CommandError(f"There is no event {options['event']}.")
        report = actions.number_report(
            kind=Report.Kind.FLASH, title=f"舆情快报：{event.title}", event=event
        )
        content, _type = reports.render_report(
            reports.flash_report(event=event, report=report), fmt=options["format"]
        )
        write(self, options["output"], content)
        self.stdout.write(
            f"{options['output']}: flash report {report.year}/{report.number} "
            f"on event {event.pk}, {len(content)} bytes ({options['format']})"
        )


def write(command: BaseCommand, output: str, content: bytes) -> None:
    if output == "-":
        command.stdout.buffer.write(content)  # type: ignore[attr-defined]  # OutputWrapper
    else:
        Path(output).write_bytes(content)
