"""``zaixian analytics import-logs --site HOST FILE…`` and ``zaixian analytics report --site
HOST --from D --to D --format json|csv`` (``manage.py analytics …``)."""

from __future__ import annotations

import csv
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from tqdm import tqdm

from zaixian.analytics import actions, reports
from zaixian.analytics.rules import LogFormatError, compile_log_format


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"Not a date (YYYY-MM-DD): {value!r}") from error


class Command(BaseCommand):
    help = "Web analytics: import access logs, print daily figures."

    def add_arguments(self, parser: CommandParser) -> None:
        commands = parser.add_subparsers(dest="command", required=True)
        importer = commands.add_parser(
            "import-logs",
            help="count page views from nginx/Apache access logs (plain or gzip)",
            description=(
                "Import access logs into a site's daily figures. A file already imported "
                "counts once; an interrupted or grown file resumes where it stopped."
            ),
        )
        importer.add_argument("--site", required=True, help="the site's host name")
        importer.add_argument(
            "--log-format",
            default="combined",
            help="'combined' (default), 'common', or an nginx log_format string",
        )
        importer.add_argument("--no-progress", action="store_true", help="no progress bar")
        importer.add_argument(
            "--workers",
            type=int,
            default=min(2, os.cpu_count() or 1),
            help="parser processes (default 2, or 1 on one core)",
        )
        importer.add_argument("files", nargs="+", type=Path, metavar="FILE")
        report = commands.add_parser(
            "report",
            help="print page views, visits and unique visitors per day",
        )
        report.add_argument("--site", help="the site's host name (default: every site)")
        report.add_argument("--from", dest="start", required=True, help="YYYY-MM-DD")
        report.add_argument("--to", dest="end", required=True, help="YYYY-MM-DD")
        report.add_argument("--format", choices=["json", "csv"], default="json")
        commands.add_parser("roll-up", help="roll up the page views recorded since the last run")
        commands.add_parser("purge", help="delete raw data past retention and old salts")

    def _site(self, host: str) -> Any:
        site = reports.site_by_host(host)
        if site is None:
            raise CommandError(f"No site with the host name {host!r}")
        return site

    def handle(self, *args: Any, **options: Any) -> None:
        command = options["command"]
        if command == "import-logs":
            self._import(options)
        elif command == "report":
            self._report(options)
        elif command == "roll-up":
            self.stdout.write(f"{actions.roll_up_page_views()} page views rolled up")
        elif command == "purge":
            result = actions.purge_analytics()
            self.stdout.write(
                f"deleted {result.page_views} page views, {result.visitor_days} visitor "
                f"states, {result.salts} salts"
            )

    def _import(self, options: dict[str, Any]) -> None:
        site = self._site(options["site"])
        try:
            compile_log_format(options["log_format"])
        except LogFormatError as error:
            raise CommandError(str(error)) from error
        for path in options["files"]:
            if not path.is_file():
                raise CommandError(f"No such file: {path}")
        for path in options["files"]:
            size = actions.uncompressed_size_hint(path)
            with tqdm(
                total=size,
                unit="B",
                unit_scale=True,
                desc=path.name,
                disable=options["no_progress"],
                file=self.stderr._out,
            ) as bar:
                result = actions.import_log_file(
                    site=site,
                    path=path,
                    log_format=options["log_format"],
                    progress=bar.update,
                    workers=max(1, options["workers"]),
                )
            if result.already_imported:
                self.stdout.write(f"{path}: already imported, nothing new")
            else:
                self.stdout.write(
                    f"{path}: {result.lines} lines, {result.page_views} page views, "
                    f"{result.bad_lines} lines not in the format"
                )

    def _report(self, options: dict[str, Any]) -> None:
        sites = [self._site(options["site"])] if options["site"] else reports.all_sites()
        try:
            period = reports.Period(_day(options["start"]), _day(options["end"]))
        except ValueError as error:
            raise CommandError(str(error)) from error
        days = reports.daily_figures(sites=sites, period=period)
        rows = [
            {
                "day": row.day.isoformat(),
                "page_views": row.totals.page_views,
                "visits": row.totals.visits,
                "visitors": row.totals.visitors,
            }
            for row in days
        ]
        if options["format"] == "json":
            self.stdout.write(json.dumps(rows, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=["day", "page_views", "visits", "visitors"])
        writer.writeheader()
        writer.writerows(rows)
