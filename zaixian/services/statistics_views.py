"""The service hall's statistics in the admin: a filter (year or month range, department,
item), the tables, two charts drawn as SVG on the server from the same figures (the tables
are their text alternative; no script, no CDN), and the XLSX export of every table.

Case officers and leaders see the departments they see (``departments_visible_to``),
platform administrators all; nobody else gets the page.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.services import reports

MAX_MONTHS = 36
# A city has hundreds of items: the page shows those with the most cases (rendering every row
# was most of the page's time with 480 items), the export has them all.
ITEMS_ON_PAGE = 30
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


class StatisticsFilterForm(forms.Form):
    """The period (a year, or a range of months, at most three years), a department (with
    those under it) and an item. Choices are limited to what the user may see."""

    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    start = forms.CharField(
        label=gettext_lazy("From month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-01"}),
    )
    end = forms.CharField(
        label=gettext_lazy("To month"),
        required=False,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2026-12"}),
    )
    department = forms.TypedChoiceField(
        label=gettext_lazy("Department"), coerce=int, required=False, empty_value=None
    )
    item = forms.TypedChoiceField(
        label=gettext_lazy("Service item"), coerce=int, required=False, empty_value=None
    )

    def __init__(
        self,
        *args: Any,
        departments: list[reports.DepartmentChoice],
        items: list[tuple[int, str]],
        today: date,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        years = range(today.year, today.year - 10, -1)
        self.fields["year"].choices = [(year, str(year)) for year in years]
        self.fields["department"].choices = [("", _("All departments"))] + [
            (d.pk, "\u3000" * max(0, len(d.path) // 4 - 2) + d.name) for d in departments
        ]
        self.fields["item"].choices = [("", _("All items")), *items]

    def _month(self, name: str) -> date | None:
        value = (self.cleaned_data.get(name) or "").strip()
        if not value:
            return None
        match = _MONTH.match(value)
        if not match or not 1 <= int(match.group(2)) <= 12 or int(match.group(1)) < 2000:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-03."))
        return date(int(match.group(1)), int(match.group(2)), 1)

    def clean_start(self) -> date | None:
        return self._month("start")

    def clean_end(self) -> date | None:
        return self._month("end")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start or end:
            start = start or (end or self.today).replace(month=1)
            end = end or self.today.replace(day=1)
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end.year - start.year) * 12 + end.month - start.month >= MAX_MONTHS:
                raise forms.ValidationError(
                    _("Choose at most %(months)d months.") % {"months": MAX_MONTHS}
                )
            cleaned["period"] = reports.StatisticsPeriod.months_of(start, end)
        else:
            cleaned["period"] = reports.StatisticsPeriod.year(
                cleaned.get("year") or self.today.year
            )
        return cleaned

    def filters(self) -> reports.StatisticsFilters:
        """The valid form's filters; the current year when the form is not valid."""
        if not self.is_valid():
            return reports.StatisticsFilters(period=reports.StatisticsPeriod.year(self.today.year))
        return reports.StatisticsFilters(
            period=self.cleaned_data["period"],
            department_id=self.cleaned_data.get("department"),
            item_id=self.cleaned_data.get("item"),
        )


def _statistics_request(
    request: HttpRequest,
) -> tuple[StatisticsFilterForm, reports.ServiceStatistics]:
    """Parse the filter and read the figures for ``request.user``; 403 without a role."""
    user = request.user
    if not reports.may_view_statistics(user):
        raise PermissionDenied
    departments = reports.statistics_departments(user=user)
    items = [
        (item.pk, f"{item.code} {item.name}")
        for item in reports.statistics_items(departments=departments)
    ]
    form = StatisticsFilterForm(
        request.GET or None, departments=departments, items=items, today=timezone.localdate()
    )
    figures = reports.statistics_for_departments(departments=departments, filters=form.filters())
    return form, figures


# --- Charts --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    value: int
    series: int  # 0 received, 1 concluded


@dataclass(frozen=True)
class ChartGroup:
    label: str
    x: float  # the label's anchor
    y: float
    bars: list[Bar]


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    groups: list[ChartGroup]
    ticks: list[tuple[float, int]]  # (position, value)
    horizontal: bool


def _nice_maximum(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return int(step * magnitude)
    return value


def monthly_chart(rows: list[reports.StatisticsRow]) -> Chart:
    """Received and concluded per month, as vertical bar pairs."""
    width, height, left, bottom, top = 760, 260, 56, 28, 12
    plot_height = height - bottom - top
    maximum = _nice_maximum(max([1, *(max(r.figures.received, r.figures.concluded) for r in rows)]))
    slot = (width - left - 8) / max(1, len(rows))
    bar = min(18.0, slot * 0.38)
    groups = []
    for n, row in enumerate(rows):
        x0 = left + n * slot + slot / 2 - bar
        bars = []
        for series, value in enumerate((row.figures.received, row.figures.concluded)):
            h = plot_height * value / maximum
            bars.append(Bar(x0 + series * bar, top + plot_height - h, bar - 1, h, value, series))
        groups.append(ChartGroup(row.label[2:], left + n * slot + slot / 2, height - 10, bars))
    ticks = [(top + plot_height * (1 - k / 4), maximum * k // 4) for k in range(5)]
    return Chart(width, height, groups, ticks, horizontal=False)


def department_chart(rows: list[reports.StatisticsRow]) -> Chart:
    """Received and concluded per department, as horizontal bar pairs."""
    left, right, top, row_height = 190, 24, 8, 26
    width = 760
    height = top + row_height * max(1, len(rows)) + 24
    plot_width = width - left - right
    maximum = _nice_maximum(max([1, *(max(r.figures.received, r.figures.concluded) for r in rows)]))
    groups = []
    for n, row in enumerate(rows):
        y0 = top + n * row_height + 3
        bars = [
            Bar(left, y0 + series * 10, plot_width * value / maximum, 9, value, series)
            for series, value in enumerate((row.figures.received, row.figures.concluded))
        ]
        groups.append(ChartGroup(row.label[:14], left - 6, y0 + 14, bars))
    ticks = [(left + plot_width * k / 4, maximum * k // 4) for k in range(5)]
    return Chart(width, height, groups, ticks, horizontal=True)


# --- Views ---------------------------------------------------------------------------------


class StatisticsView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "services/admin/statistics.html"
    page_title = gettext_lazy("Service statistics")
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, figures = _statistics_request(self.request)
        context.update(
            filter_form=form,
            figures=figures,
            items=figures.items[:ITEMS_ON_PAGE],
            item_ratings=figures.ratings_by_item[:ITEMS_ON_PAGE],
            items_on_page=ITEMS_ON_PAGE,
            monthly_chart=monthly_chart(figures.months),
            department_chart=department_chart(figures.departments),
            export_query=self.request.GET.urlencode(),
        )
        return context


COLUMNS = [
    gettext_lazy("Received"),
    gettext_lazy("Accepted"),
    gettext_lazy("Concluded"),
    gettext_lazy("Concluded on time"),
    gettext_lazy("On-time rate (%)"),
    gettext_lazy("Average working days"),
]


def _figure_cells(figures: reports.Figures) -> list[Any]:
    return [
        figures.received,
        figures.accepted,
        figures.concluded,
        figures.on_time,
        figures.on_time_rate,
        figures.average_working_days,
    ]


def statistics_workbook(figures: reports.ServiceStatistics) -> bytes:
    """Every table of the page, one sheet each, Chinese headers (the active language)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)
    period = f"{figures.period.start:%Y-%m} – {figures.period.last_month:%Y-%m}"

    def sheet(title: str, header: list[Any], rows: list[list[Any]]) -> None:
        worksheet = workbook.create_sheet(title=title[:31])
        worksheet.append([str(h) for h in header])
        for cell in worksheet[1]:
            cell.font = bold
        for row in rows:
            worksheet.append(row)
        worksheet.freeze_panes = "A2"
        for column, width in zip("ABCDEFGHI", (16, 28, 14, 12, 12, 12, 12, 12, 12), strict=False):
            worksheet.column_dimensions[column].width = width

    summary = workbook.active
    if summary is not None:
        workbook.remove(summary)
    sheet(
        _("Summary"),
        [_("Period"), *COLUMNS, _("Licences completed")],
        [[period, *_figure_cells(figures.total), figures.licences_completed]],
    )
    sheet(
        _("By month"),
        [_("Month"), *COLUMNS],
        [[row.label, *_figure_cells(row.figures)] for row in figures.months],
    )
    sheet(
        _("By department"),
        [_("Department code"), _("Department"), *COLUMNS],
        [[row.code, row.label, *_figure_cells(row.figures)] for row in figures.departments],
    )
    sheet(
        _("By item"),
        [_("Item code"), _("Service item"), _("Department"), *COLUMNS],
        [
            [row.code, row.label, row.department, *_figure_cells(row.figures)]
            for row in figures.items
        ],
    )
    rating_header = [_("Ratings"), _("Average grade"), _("Bad ratings"), _("Bad rating rate (%)")]
    sheet(
        _("Ratings by department"),
        [_("Department code"), _("Department"), *rating_header],
        [
            [row.code, row.label, row.count, row.average, row.bad, row.bad_rate]
            for row in figures.ratings_by_department
        ],
    )
    sheet(
        _("Ratings by item"),
        [_("Item code"), _("Service item"), *rating_header],
        [
            [row.code, row.label, row.count, row.average, row.bad, row.bad_rate]
            for row in figures.ratings_by_item
        ],
    )
    output = io.BytesIO()
    workbook.save(output)
    return output.getvalue()


class StatisticsExportView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _form, figures = _statistics_request(request)
        period = figures.period
        response = HttpResponse(
            statistics_workbook(figures),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        filename = f"service-statistics-{period.start:%Y%m}-{period.last_month:%Y%m}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
