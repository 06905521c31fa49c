"""The analytics report as CSV (the daily figures) and XLSX (every table): pure writers of
a ``reports.SiteReport``."""

from __future__ import annotations

import csv
import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from zaixian.analytics.models import DailyCount
from zaixian.analytics.reports import SiteReport

DAILY_COLUMNS = ("page_views", "visitors", "visits", "bounces", "duration_seconds")


def _daily_header() -> list[str]:
    return [
        _("Day"),
        _("Page views"),
        _("Visitors"),
        _("Visits"),
        _("Bounces"),
        _("Time on site (s)"),
    ]


def report_csv(report: SiteReport) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(_daily_header())
    for row in report.days:
        writer.writerow([row.day.isoformat(), *(getattr(row.totals, c) for c in DAILY_COLUMNS)])
    return buffer.getvalue()


def report_xlsx(report: SiteReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Days")[:31]
    sheet.append(_daily_header())
    for row in report.days:
        sheet.append([row.day, *(getattr(row.totals, c) for c in DAILY_COLUMNS)])
    labels = dict(DailyCount.Dimension.choices)
    for dimension, rows in report.dimensions.items():
        page = book.create_sheet(str(labels[dimension])[:31])
        page.append([str(labels[dimension]), _("Count"), _("Share (%)")])
        for ranked in rows:
            page.append([ranked.value, ranked.count, ranked.share])
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
