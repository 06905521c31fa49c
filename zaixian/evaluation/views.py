"""The self-evaluation in the admin: the sites and their latest verdicts, one run's scorecard
and findings with its report downloads, starting a run, and the yearly work report."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.core.documents import DocumentRenderingUnavailableError
from zaixian.core.ratelimit import rate_limited
from zaixian.evaluation import actions, queries
from zaixian.evaluation.models import EvaluationRun

DOWNLOAD_RATE = "30/h"
FORMATS = {"pdf", "docx", "html"}
YEARLY_FORMATS = {"pdf", "docx", "xlsx", "html"}


class _EvaluationView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "tasks"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.can_view_evaluation(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class DashboardView(_EvaluationView):
    """Every site the user may see, its latest score and verdict, and the week's availability."""

    template_name = "evaluation/admin/dashboard.html"
    page_title = gettext_lazy("Site self-evaluation")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["rows"] = queries.dashboard_rows(self.request.user, today=timezone.localdate())
        context["may_start"] = queries.can_start_evaluation(self.request.user)
        context["year"] = timezone.localdate().year - 1
        return context


class RunView(_EvaluationView):
    """One run: the verdict, the scorecard, the trend, and every finding with its evidence."""

    template_name = "evaluation/admin/run.html"
    page_title = gettext_lazy("Evaluation run")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        run = queries.run_for_user(self.request.user, self.kwargs["pk"])
        if run is None:
            raise Http404(_("There is no such evaluation run."))
        from zaixian.evaluation.reports import recent_runs, trend_chart_svg

        context.update(queries.run_detail(run))
        context["run"] = run
        history = recent_runs(target=run.target, before=run)
        context["trend_svg"] = trend_chart_svg(history) if len(history) > 1 else ""
        return context


def start_run(request: HttpRequest, target_id: int) -> HttpResponse:
    """POST: evaluate a site now, in the background."""
    if request.method != "POST":
        return HttpResponse(status=405)
    if not queries.can_start_evaluation(request.user):
        raise PermissionDenied
    target = queries.target_for_user(request.user, target_id)
    if target is None:
        raise Http404(_("There is no such site."))
    try:
        actions.queue_evaluation(target=target, user=request.user)
    except actions.EvaluationAlreadyRunningError as error:
        messages.warning(request, str(error))
        return redirect("evaluation_admin:dashboard")
    messages.success(
        request,
        _("The evaluation of %(site)s has started; its result appears here when it is done.")
        % {"site": target.name},
    )
    return redirect("evaluation_admin:dashboard")


@rate_limited(scope="evaluation:report", rate=DOWNLOAD_RATE, methods=("GET",))
def download_run_report(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    if not queries.can_view_evaluation(request.user):
        raise PermissionDenied
    run = queries.run_for_user(request.user, pk)
    if run is None or fmt not in FORMATS or run.status != EvaluationRun.Status.DONE:
        raise Http404(_("There is no such report."))
    from zaixian.evaluation.reports import render_scorecard

    name = f"evaluation-{run.target_id}-{run.started_at:%Y%m%d-%H%M}.{fmt}"
    return _download(lambda: render_scorecard(run, fmt=fmt), name=name)


@rate_limited(scope="evaluation:yearly", rate=DOWNLOAD_RATE, methods=("GET",))
def download_yearly_report(request: HttpRequest, target_id: int) -> HttpResponse:
    if not queries.can_view_evaluation(request.user):
        raise PermissionDenied
    target = queries.target_for_user(request.user, target_id)
    fmt = request.GET.get("format", "pdf")
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        year = 0
    if target is None:
        raise Http404(_("There is no such site."))
    if fmt not in YEARLY_FORMATS or not 2000 <= year <= timezone.localdate().year:
        return HttpResponse(
            _("Choose a year between 2000 and this year, and a format: PDF, DOCX, XLSX or HTML."),
            status=400,
            content_type="text/plain; charset=utf-8",
        )
    from zaixian.evaluation.reports import render_yearly_work_report, yearly_work_report

    return _download(
        lambda: render_yearly_work_report(yearly_work_report(target=target, year=year), fmt=fmt),
        name=f"site-yearly-report-{target.pk}-{year}.{fmt}",
    )


def _download(render: Callable[[], tuple[bytes, str]], *, name: str) -> HttpResponse:
    """The rendered document as an attachment, or 503 in words when this server cannot
    typeset documents (WeasyPrint or Pango missing)."""
    try:
        content, content_type = render()
    except DocumentRenderingUnavailableError:
        return HttpResponse(
            _("Reports cannot be made on this server now; please tell the administrator."),
            status=503,
            content_type="text/plain; charset=utf-8",
        )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
