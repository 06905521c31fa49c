"""The disclosure office's reports in the admin: items published late (Article 26) and the
counts of items disclosed per category and month, with a bar chart and the XLSX export.

Who sees what is decided in ``queries.report_departments`` (the reports permission, then the
user's departments); the views only parse, call and render."""

from __future__ import annotations

import io
from typing import Any

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.disclosure import queries
from zaixian.disclosure.forms import DisclosureReportFilterForm

LATE_ITEMS_PER_PAGE = 50
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class LateItemsView(WagtailAdminTemplateMixin, TemplateView):
    """Items published more than 20 working days after they were made."""

    template_name = "disclosure/admin/late_items.html"
    page_title = gettext_lazy("Items published late")
    header_icon = "warning"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        items = queries.late_items_for_user(user=self.request.user)
        paginator = Paginator(items, LATE_ITEMS_PER_PAGE)
        context["items"] = paginator.get_page(self.request.GET.get("p"))
        return context


def _counts_request(
    request: HttpRequest,
) -> tuple[DisclosureReportFilterForm, queries.DisclosureCounts]:
    departments = queries.report_departments(user=request.user)  # 403 without permission
    form = DisclosureReportFilterForm(
        request.GET or None, departments=list(departments), today=timezone.localdate()
    )
    start, end = form.period()
    counts = queries.disclosure_counts(
        start=start, end=end, department=form.selected_department(), within=departments
    )
    return form, counts


class DisclosureCountsView(WagtailAdminTemplateMixin, TemplateView):
    """Items disclosed by an organisation (or all the user may see) in a period."""

    template_name = "disclosure/admin/counts.html"
    page_title = gettext_lazy("Disclosure counts")
    header_icon = "table"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form, counts = _counts_request(self.request)
        maximum = max(counts.busiest_month_count, 1)
        context.update(
            filter_form=form,
            counts=counts,
            month_bars=[
                (month, count, round(100 * count / maximum, 1)) for month, count in counts.by_month
            ],
            export_query=self.request.GET.urlencode(),
        )
        return context


def counts_workbook(counts: queries.DisclosureCounts) -> bytes:
    """The report's two tables, one sheet each, headers in the active language."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    bold = Font(bold=True)
    organisation = counts.department.name if counts.department else _("All organisations")
    by_category = workbook.active
    by_category.title = _("By category")
    by_category.append([_("Organisation"), organisation])
    by_category.append([_("Period"), f"{counts.start:%Y-%m-%d} – {counts.end:%Y-%m-%d}"])
    by_category.append([])
    by_category.append([_("Code"), _("Category"), _("Items")])
    for cell in by_category[4]:
        cell.font = bold
    for category, count in counts.by_category:
        by_category.append([category.code, category.name, count])
    by_category.append(["", _("Total"), counts.total])
    by_category.append(["", _("Of which published late"), counts.late])
    by_category.column_dimensions["B"].width = 60

    by_month = workbook.create_sheet(_("By month"))
    by_month.append([_("Month"), _("Items")])
    for cell in by_month[1]:
        cell.font = bold
    for month, count in counts.by_month:
        by_month.append([f"{month:%Y-%m}", count])
    by_month.append([_("Total"), counts.total])

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


class DisclosureCountsExportView(View):
    def get(self, request: HttpRequest) -> HttpResponse:
        _form, counts = _counts_request(request)
        response = HttpResponse(counts_workbook(counts), content_type=XLSX_CONTENT_TYPE)
        filename = f"disclosure-counts-{counts.start:%Y%m%d}-{counts.end:%Y%m%d}.xlsx"
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
        return response
