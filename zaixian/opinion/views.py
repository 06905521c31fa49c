"""The analysts' dashboard in the admin: alerts to confirm or dismiss, incidents and their
clocks, the hottest events, failing sources."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.opinion import actions, exports, queries, reports
from zaixian.opinion.forms import (
    AlertDecisionForm,
    IncidentMilestoneForm,
    IncidentStepForm,
    ReprintFilterForm,
)
from zaixian.opinion.models import Report


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "opinion/admin/dashboard.html"
    page_title = gettext_lazy("Public-opinion watch")
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.can_watch(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        # The header shows the last crumb: without this one it would read "Home".
        return [*super().get_breadcrumbs_items(), {"url": "", "label": str(self.page_title)}]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["dashboard"] = queries.dashboard(self.request.user, now=timezone.now())
        context["form"] = kwargs.get("form") or AlertDecisionForm()
        context["milestone_form"] = IncidentMilestoneForm()
        return context


def _dashboard_error(request: HttpRequest, message: str, *, status: int) -> HttpResponse:
    """The dashboard again, with the message and a client-error status."""
    messages.error(request, message)
    request.method = "GET"
    response = DashboardView.as_view()(request)
    response.status_code = status
    return response


def _back(request: HttpRequest) -> HttpResponse:
    """Back to the page the form was on (the dashboard or an event's page)."""
    target = request.POST.get("next", "")
    if target.startswith("/admin/opinion/"):
        return redirect(target)
    return redirect("opinion_admin:dashboard")


def complete_step(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: mark one response step of an incident done, with a note."""
    if request.method != "POST":
        return HttpResponse(status=405)
    step = queries.incident_step_for_user(request.user, pk)  # PermissionDenied for others
    if step is None:
        return _dashboard_error(request, _("There is no such response step."), status=404)
    form = IncidentStepForm(request.POST)
    if not form.is_valid():
        return _dashboard_error(request, _("The note is too long."), status=400)
    try:
        actions.complete_incident_step(step=step, user=request.user, note=form.cleaned_data["note"])
    except actions.OpinionError as error:
        return _dashboard_error(request, str(error), status=409)
    messages.success(request, _("Step done: %(step)s") % {"step": step.text})
    return _back(request)


def record_milestone(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: stop one of an incident's response clocks (authoritative information released,
    progress released, public concern answered), now or at the time given."""
    if request.method != "POST":
        return HttpResponse(status=405)
    incident = queries.incident_for_user(request.user, pk)
    if incident is None:
        return _dashboard_error(request, _("There is no such incident."), status=404)
    form = IncidentMilestoneForm(request.POST)
    if not form.is_valid():
        return _dashboard_error(
            request,
            _("The milestone was not understood: choose one of the clocks and a valid time."),
            status=400,
        )
    try:
        actions.record_incident_milestone(
            incident=incident,
            user=request.user,
            milestone=form.cleaned_data["milestone"],
            at=form.cleaned_data["at"],
        )
    except actions.IncidentMilestoneError as error:
        return _dashboard_error(request, str(error), status=400)
    except actions.OpinionError as error:
        return _dashboard_error(request, str(error), status=409)
    messages.success(request, _("Milestone recorded."))
    return _back(request)


def close_incident(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: close an incident (and its event)."""
    if request.method != "POST":
        return HttpResponse(status=405)
    incident = queries.incident_for_user(request.user, pk)
    if incident is None:
        return _dashboard_error(request, _("There is no such incident."), status=404)
    try:
        actions.close_incident(incident=incident, user=request.user)
    except actions.OpinionError as error:
        return _dashboard_error(request, str(error), status=409)
    messages.success(request, _("Incident closed."))
    return _back(request)


class EventView(WagtailAdminTemplateMixin, TemplateView):
    """One event: timeline, sources, sentiment over time, heat, incidents, related hotline
    cases and portal articles, and its flash reports."""

    template_name = "opinion/admin/event.html"
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.can_watch(request.user):
            raise PermissionDenied
        self.detail = queries.event_detail(request.user, kwargs["pk"], now=timezone.now())
        if self.detail is None:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return self.detail.event.title

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("opinion_admin:dashboard"), "label": _("Public-opinion watch")},
            {"url": "", "label": self.detail.event.title},
        ]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["detail"] = self.detail
        context["sentiment_svg"] = reports.sentiment_chart_svg(
            queries.event_items(self.detail.event)
        )
        context["milestone_form"] = IncidentMilestoneForm()
        return context


def flash_report(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: number a flash report (舆情快报) of the event and download it as PDF or DOCX."""
    if request.method != "POST":
        return HttpResponse(status=405)
    event = queries.event_for_user(request.user, pk)
    if event is None:
        raise Http404
    fmt = request.POST.get("format", "")
    if fmt not in {"pdf", "docx"}:
        messages.error(request, _("Choose PDF or DOCX."))
        response = EventView.as_view()(_as_get(request), pk=pk)
        response.status_code = 400
        return response
    report = actions.number_report(
        kind=Report.Kind.FLASH, title=f"{_('Flash report')}：{event.title}", event=event
    )
    content, content_type = reports.render_report(
        reports.flash_report(event=event, report=report), fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    name = f"flash-{report.year}-{report.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _as_get(request: HttpRequest) -> HttpRequest:
    request.method = "GET"
    return request


class ReprintsView(WagtailAdminTemplateMixin, TemplateView):
    """Reprints of the portal's articles: counts per outlet and month or year (the seed's
    table), the list, and both as CSV or XLSX."""

    template_name = "opinion/admin/reprints.html"
    page_title = gettext_lazy("Reprints of our articles")
    header_icon = "doc-full"
    per_page = 50

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.can_watch(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self) -> list[dict[str, str]]:
        return [
            *super().get_breadcrumbs_items(),
            {"url": reverse("opinion_admin:dashboard"), "label": _("Public-opinion watch")},
            {"url": "", "label": str(self.page_title)},
        ]

    def period(self, form: ReprintFilterForm) -> tuple[str, date, date]:
        today = timezone.localdate()
        data = form.cleaned_data if form.is_valid() else {}
        end = data.get("end") or today
        start = data.get("start") or date(end.year, 1, 1)
        return data.get("by") or "month", start, end

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = ReprintFilterForm(request.GET or None)
        by, start, end = self.period(form)
        table = reports.reprint_table(by=by, start=start, end=end)
        reprints = queries.reprints_for_user(request.user, start=start, end=end)
        export = request.GET.get("export", "")
        name = f"reprints-{start:%Y%m%d}-{end:%Y%m%d}"
        if export == "counts.csv":
            return _download(
                exports.reprint_table_csv(table), "text/csv; charset=utf-8", f"{name}-counts.csv"
            )
        if export == "list.csv":
            return _download(
                exports.reprint_list_csv(reprints.iterator()),
                "text/csv; charset=utf-8",
                f"{name}.csv",
            )
        if export == "xlsx":
            return _download(
                exports.reprints_xlsx(table, reprints.iterator()),
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                f"{name}.xlsx",
            )
        if export:
            messages.error(request, _("Unknown export format."))
        try:
            page = max(1, int(request.GET.get("page", "1")))
        except ValueError:
            page = 1
        listing = list(reprints[(page - 1) * self.per_page : page * self.per_page + 1])
        context = self.get_context_data(
            filter_form=form,
            table=table,
            start=start,
            end=end,
            reprints=listing[: self.per_page],
            page=page,
            has_next=len(listing) > self.per_page,
            query=_query_without(request, "page", "export"),
        )
        response = self.render_to_response(context)
        if (form.is_bound and not form.is_valid()) or export:
            response.status_code = 400
        return response


def _query_without(request: HttpRequest, *names: str) -> str:
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()


def _download(content: str | bytes, content_type: str, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def decide_alert(request: HttpRequest, pk: int) -> HttpResponse:
    """POST: confirm (an incident is opened) or dismiss one alert."""
    if request.method != "POST":
        return HttpResponse(status=405)
    alert = queries.open_alert_for_user(request.user, pk)  # PermissionDenied for others
    view = DashboardView.as_view()
    if alert is None:
        messages.error(request, _("There is no such alert."))
        response = view(request)
        response.status_code = 404
        return response
    form = AlertDecisionForm(request.POST)
    if form.is_valid():
        try:
            if form.cleaned_data["decision"] == "confirm":
                actions.confirm_alert(
                    alert=alert,
                    user=request.user,
                    owner=form.cleaned_data["owner"],
                    note=form.cleaned_data["note"],
                )
                messages.success(request, _("Alert confirmed; an incident was opened."))
            else:
                actions.dismiss_alert(
                    alert=alert, user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, _("Alert dismissed."))
        except actions.OpinionError as error:
            messages.error(request, str(error))
            request.method = "GET"
            response = DashboardView.as_view()(request)
            response.status_code = 409
            return response
        return redirect("opinion_admin:dashboard")
    messages.error(request, _("The decision was not understood: choose confirm or dismiss."))
    request.method = "GET"
    response = DashboardView.as_view()(request)
    response.status_code = 400
    return response
