"""The reprint table and list as CSV and XLSX: pure writers of what ``reports`` and
``queries`` read."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook

from zaixian.opinion.models import Reprint
from zaixian.opinion.reports import ReprintTable


def _table_rows(table: ReprintTable) -> list[list[object]]:
    rows: list[list[object]] = [[_("Outlet"), *table.periods, _("Total")]]
    rows.extend([row.outlet, *row.counts, row.total] for row in table.rows)
    rows.append([_("Total"), *table.totals, table.total])
    return rows


def _list_rows(reprints: Iterable[Reprint]) -> list[list[object]]:
    rows: list[list[object]] = [[_("Outlet"), _("URL"), _("Reprinted"), _("Our article")]]
    rows.extend(
        [
            reprint.outlet,
            reprint.url,
            timezone.localtime(reprint.reprinted_at).strftime("%Y-%m-%d %H:%M"),
            reprint.article_title,
        ]
        for reprint in reprints
    )
    return rows


def _csv(rows: list[list[object]]) -> str:
    buffer = io.StringIO()
    # A byte-order mark, so spreadsheet programs read the Chinese text as UTF-8.
    buffer.write("\ufeff")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def reprint_table_csv(table: ReprintTable) -> str:
    return _csv(_table_rows(table))


def reprint_list_csv(reprints: Iterable[Reprint]) -> str:
    return _csv(_list_rows(reprints))


def reprints_xlsx(table: ReprintTable, reprints: Iterable[Reprint]) -> bytes:
    """Two sheets: the counts per outlet and period, and every reprint."""
    book = Workbook()
    sheet = book.active
    sheet.title = _("Counts")[:31]
    for row in _table_rows(table):
        sheet.append(row)
    listing = book.create_sheet(_("List of reprints")[:31])
    for row in _list_rows(reprints):
        listing.append(row)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
