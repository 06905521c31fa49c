"""The analysts' dashboard in the admin: alerts to confirm or dismiss, incidents and their
clocks, the hottest events, failing sources."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.opinion import actions, queries
from zaixian.opinion.forms import AlertDecisionForm


class DashboardView(WagtailAdminTemplateMixin, TemplateView):
    template_name = "opinion/admin/dashboard.html"
    page_title = gettext_lazy("Public-opinion watch")
    header_icon = "view"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.can_watch(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["dashboard"] = queries.dashboard(self.request.user, now=timezone.now())
        context["form"] = kwargs.get("form") or AlertDecisionForm()
        return context


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
