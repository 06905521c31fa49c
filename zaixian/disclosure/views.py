"""The disclosure office's reports in the admin: items published late (Article 26) and the
counts of items disclosed per category and month, with a bar chart and the XLSX export.

Who sees what is decided in ``queries.report_departments`` (the reports permission, then the
user's departments); the views only parse, call and render."""

from __future__ import annotations

import io
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.cases import actions as case_actions
from zaixian.cases import queries as case_queries
from zaixian.core import audit
from zaixian.core.ratelimit import hit_for_request, rate_limited, rate_limited_response
from zaixian.disclosure import actions, documents, queries, reports
from zaixian.disclosure.forms import (
    AnnualReportChoiceForm,
    AnnualReportFiguresForm,
    DisclosureReportFilterForm,
    DisclosureRequestForm,
    FeeNoticeForm,
    PaperRequestForm,
)
from zaixian.disclosure.models import DisclosureRequest

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


# --- Disclosure requests: the public form and the applicant's page ---------------------------

REQUEST_RATE = "10/m"


def _message_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "disclosure/request_message.html", {"message": message}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited(scope="disclosure:request", rate=REQUEST_RATE)
def request_form_view(request: HttpRequest) -> HttpResponse:
    """The online request form (政府信息公开申请表) for a signed-in public account."""
    profile = getattr(request.user, "public_profile", None)
    if request.user.is_staff or profile is None:
        return _message_page(request, str(actions.NotPublicUserError.default_message), 403)
    initial: dict[str, Any] = {"phone": profile.mobile_phone, "email": profile.email}
    if profile.kind == "organisation":
        initial.update(
            applicant_kind=DisclosureRequest.ApplicantKind.BUSINESS,
            applicant_name=profile.organisation_name,
            credit_code=profile.credit_code,
        )
    else:
        initial.update(
            applicant_kind=DisclosureRequest.ApplicantKind.NATURAL_PERSON,
            applicant_name=profile.real_name,
            id_number=profile.resident_id,
        )
    department_code = request.GET.get("organisation", "")
    form = DisclosureRequestForm(request.POST or None, request.FILES or None, initial=initial)
    if department_code and not form.is_bound:
        department = form.fields["department"].queryset.filter(code=department_code).first()  # type: ignore[attr-defined]  # ModelChoiceField
        form.initial["department"] = department.pk if department else None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created = actions.submit_disclosure_request(
                    applicant=request.user,
                    department=form.cleaned_data["department"],
                    details=form.details(),
                    upload=form.cleaned_data.get("upload"),
                )
            except actions.RequestInvalidError as error:
                for name, messages_ in error.errors.items():
                    form.add_error(name if name in form.fields else None, messages_)
            except actions.RequestError as error:
                form.add_error(None, str(error))
            else:
                return redirect("disclosure:request_receipt", created.case.tracking_number)
        status = 400
    return render(request, "disclosure/request_form.html", {"form": form}, status=status)


@login_required
@require_GET
def request_receipt_view(request: HttpRequest, tracking_number: str) -> HttpResponse:
    """The applicant's own request: its number, date of receipt, deadline and answer."""
    disclosure_request = queries.applicant_request(
        user=request.user, tracking_number=tracking_number
    )
    if disclosure_request is None:
        raise Http404
    case = disclosure_request.case
    return render(
        request,
        "disclosure/request_receipt.html",
        {
            "disclosure_request": disclosure_request,
            "case": case,
            "events": case_queries.case_history(case=case, public_only=True),
            "attachments": case_queries.case_attachments(case=case, public_only=True),
        },
    )


# --- Disclosure requests in the admin: the fee notice and the applicant's identity ------------


class FeeNoticeView(View):
    """POST from the request panel on the case desk: work out the fee and send the notice."""

    def post(self, request: HttpRequest, case_pk: int) -> HttpResponse:
        disclosure_request = (
            queries.requests_for_officer(user=request.user)
            .filter(case_id=case_pk)
            .select_related("case")
            .first()
        )
        if disclosure_request is None:
            raise PermissionDenied
        form = FeeNoticeForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Choose how the fee is charged."))
            return redirect("cases_admin:case", pk=case_pk)
        try:
            actions.issue_fee_notice(
                request=disclosure_request,
                actor=request.user,
                method=form.cleaned_data["method"],
                pages=form.cleaned_data.get("pages"),
                expected_version=form.cleaned_data["version"],
            )
        except actions.RequestInvalidError as error:
            messages.error(request, " ".join(m for ms in error.errors.values() for m in ms))
        except case_actions.CaseError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The fee notice has been sent."))
        return redirect("cases_admin:case", pk=case_pk)


class RequestIdentityView(WagtailAdminTemplateMixin, TemplateView):
    """The applicant's unmasked identity and contact, for an officer who handles the case;
    each opening is written to the audit log."""

    template_name = "disclosure/admin/request_identity.html"
    page_title = gettext_lazy("Applicant's identity")
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        found = queries.requests_for_officer(user=request.user).filter(case_id=kwargs["case_pk"])
        self.disclosure_request = found.select_related("case").first()
        if self.disclosure_request is None:
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        item = self.disclosure_request
        audit.record_personal_data_view(
            instance=item.case,
            user=self.request.user,
            fields=["id_number", "credit_code", "phone", "email", "address"],
        )
        rows = [
            (_("Applicant type"), item.get_applicant_kind_display()),
            (_("Name"), item.applicant_name),
            (_("Resident ID number"), item.id_number),
            (_("Unified social credit code"), item.credit_code),
            (_("Contact person"), item.contact_name),
            (_("Mobile phone"), item.phone),
            (_("E-mail"), item.email),
            (_("Postal address"), f"{item.address} {item.postcode}".strip()),
        ]
        context.update(
            case=item.case,
            rows=rows,
            desk_url=reverse("cases_admin:case", args=[item.case.pk]),
        )
        return context


# --- The annual report ------------------------------------------------------------------------

REPORT_FORMATS = ("html", "pdf", "docx")


def _report_response(report: reports.AnnualReport, output: str) -> HttpResponse:
    name = (
        f"disclosure-annual-{report.year}-{report.department.code if report.department else 'city'}"
    )
    if output == "pdf":
        response = HttpResponse(documents.annual_report_pdf(report), content_type="application/pdf")
    else:
        response = HttpResponse(
            documents.annual_report_docx(report), content_type=documents.DOCX_CONTENT_TYPE
        )
    response["Content-Disposition"] = f'attachment; filename="{name}.{output}"'
    return response


REPORT_RATE = "30/h"
"""Downloads of annual reports (PDF, DOCX) per client address."""


@require_GET
def annual_report_view(request: HttpRequest, year: int) -> HttpResponse:
    """The published annual report of the city or of one organisation (``?org=CODE``), as a
    page or, with ``?format=pdf|docx``, a download. Only finished years are published."""
    form = AnnualReportChoiceForm({"year": year, "org": request.GET.get("org", "")})
    output = request.GET.get("format", "html")
    if output not in REPORT_FORMATS:
        return _message_page(request, _("Choose HTML, PDF or DOCX."), 400)
    if not form.is_valid():
        message = " ".join(str(m) for ms in form.errors.values() for m in ms)
        return _message_page(request, message, 404)
    if year >= timezone.localdate().year:
        return _message_page(
            request, _("The report of a year is published after the year has ended."), 404
        )
    if output != "html":
        # Each download is composed and typeset anew (seconds of CPU for a PDF): counted per
        # address, like a form's submissions.
        usage = hit_for_request(request=request, scope="disclosure:annual-report", rate=REPORT_RATE)
        if usage.is_exceeded:
            return rate_limited_response(request, retry_after=usage.retry_after)
    report = reports.annual_report(year=year, department=form.cleaned_data["org"])
    if output != "html":
        try:
            return _report_response(report, output)
        except documents.DocumentRenderingUnavailableError:
            return _message_page(request, _("PDF output is not available on this server."), 503)
    return render(
        request,
        "disclosure/annual_report.html",
        {"report": report, "organisations": queries.request_departments()},
    )


class AnnualFiguresView(WagtailAdminTemplateMixin, TemplateView):
    """The office enters the annual report's figures from outside the platform."""

    template_name = "disclosure/admin/annual_figures.html"
    page_title = gettext_lazy("Annual report: figures entered by hand")
    header_icon = "edit"

    def _choice(self) -> tuple[int, Any]:
        choice = AnnualReportChoiceForm(
            {
                "year": self.request.GET.get("year") or timezone.localdate().year - 1,
                "org": self.request.GET.get("org", ""),
            }
        )
        if not choice.is_valid():
            raise Http404
        department = choice.cleaned_data["org"]
        if not queries.may_enter_annual_figures(user=self.request.user, department=department):
            raise PermissionDenied
        return choice.cleaned_data["year"], department

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year, department = self._choice()
        form = kwargs.get("form") or AnnualReportFiguresForm(
            instance=reports.figures_for(year=year, department=department)
        )
        context.update(
            form=form,
            year=year,
            department=department,
            organisations=queries.report_departments(user=self.request.user),
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        year, department = self._choice()
        form = AnnualReportFiguresForm(request.POST)
        if form.is_valid():
            try:
                actions.save_annual_report_figures(
                    user=request.user, department=department, year=year, values=form.cleaned_data
                )
            except actions.RequestError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The figures have been saved."))
                return redirect(request.get_full_path())
        return self.render_to_response(self.get_context_data(form=form), status=400)


class RegisterRequestView(WagtailAdminTemplateMixin, TemplateView):
    """An officer registers a request received in person, by post, by letter or by fax."""

    template_name = "disclosure/admin/register_request.html"
    page_title = gettext_lazy("Register a disclosure request")
    header_icon = "form"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.may_register_requests(user=request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or PaperRequestForm(user=self.request.user)
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = PaperRequestForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                created = actions.register_disclosure_request(
                    officer=request.user,
                    department=data["department"],
                    details=form.details(),
                    channel=data["channel"],
                    submitted_on=data["submitted_on"],
                    signed_for_on=data.get("signed_for_on"),
                    confirmed_on=data.get("confirmed_on"),
                )
            except actions.RequestInvalidError as error:
                for name, messages_ in error.errors.items():
                    form.add_error(name if name in form.fields else None, messages_)
            except case_actions.CaseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Registered; the date of receipt is %(date)s.")
                    % {"date": created.received_on.isoformat()},
                )
                return redirect("cases_admin:case", pk=created.case_id)
        return self.render_to_response(self.get_context_data(form=form), status=400)
