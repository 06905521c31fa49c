"""``manage.py report_evaluation --run 12 --format pdf --output scorecard.pdf`` (also
``zaixian report evaluation …``): the scorecard of one evaluation run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zaixian.evaluation import reports
from zaixian.evaluation.models import EvaluationRun


def write(command: BaseCommand, output: str, content: bytes) -> None:
    if output == "-":
        command.stdout.buffer.write(content)  # type: ignore[attr-defined]  # OutputWrapper
    else:
        Path(output).write_bytes(content)


class Command(BaseCommand):
    help = "Write the scorecard of one evaluation run as HTML, PDF or DOCX."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--run", type=int, required=True, help="evaluation run id")
        parser.add_argument("--format", choices=reports.FORMATS, default="pdf")
        parser.add_argument("--output", required=True, help="file to write ('-' for stdout)")

    def handle(self, *args: Any, **options: Any) -> None:
        run = EvaluationRun.objects.select_related("target").filter(pk=options["run"]).first()
        if run is None:
            raise CommandError(f"There is no evaluation run {options['run']}.")
        if run.status != EvaluationRun.Status.DONE:
            raise CommandError(f"Run {run.pk} is {run.status}: only finished runs are reported.")
        content, _type = reports.render_scorecard(run, fmt=options["format"])
        write(self, options["output"], content)
        if options["output"] != "-":
            self.stdout.write(
                f"{options['output']}: run {run.pk} of {run.target}, score {run.score}, "
                f"{len(content)} bytes ({options['format']})"
            )
