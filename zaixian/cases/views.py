"""Pages of the case engine: the applicant's own case, attachment downloads, and in the admin
the officers' worklist, a case's desk, the leaders' deadline overview and the case types."""

from __future__ import annotations

import importlib
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.cases import actions, queries, registry
from zaixian.cases.forms import AssignForm, TransitionForm, WorklistFilterForm
from zaixian.cases.models import Case
from zaixian.core import audit


def _module_page(case: Case) -> str:
    """The module's own page for the applicant's case, when its type names one."""
    try:
        declared = case.type
    except registry.UnknownCaseTypeError:
        return ""
    if not declared.applicant_url:
        return ""
    module_name, _sep, function_name = declared.applicant_url.partition(":")
    return str(getattr(importlib.import_module(module_name), function_name)(case))


def _module_transitions(case: Case) -> frozenset[str]:
    try:
        return case.type.module_transitions
    except registry.UnknownCaseTypeError:
        return frozenset()


def _available(case: Case, actor: Any) -> list[registry.Transition]:
    try:
        declared = case.type
    except registry.UnknownCaseTypeError:
        return []
    if case.is_closed:
        return []
    return [
        t
        for t in declared.transitions_from(case.state)
        if actions.may_perform(case=case, transition=t, actor=actor)
    ]


def _perform(request: HttpRequest, form: TransitionForm) -> bool:
    """Run the transition of a valid form; on a refusal put the message on the form."""
    data = form.cleaned_data
    try:
        with transaction.atomic():
            event = actions.transition_case(
                case=form.case,
                transition=data["transition"],
                actor=request.user,
                note=data.get("note") or "",
                expected_version=data["version"],
                extend_days=data.get("extend_days") or 0,
            )
            if data.get("attachment"):
                actions.add_case_attachment(
                    case=form.case, upload=data["attachment"], actor=request.user, event=event
                )
    except actions.CaseError as error:
        form.add_error(None, str(error))
        return False
    except ValidationError as error:
        form.add_error("attachment", error)
        return False
    return True


# --- The applicant --------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def my_case(request: HttpRequest, tracking_number: str) -> HttpResponse:
    case = queries.applicant_case(user=request.user, tracking_number=tracking_number)
    if case is None:
        raise Http404
    # Steps the module handles on its own page (a correction re-checks the form) are not
    # offered here; the page links there instead.
    transitions = [
        t for t in _available(case, request.user) if t.name not in _module_transitions(case)
    ]
    form = None
    if transitions:
        form = TransitionForm(
            request.POST or None, request.FILES or None, case=case, transitions=transitions
        )
        if request.method == "POST" and form.is_valid() and _perform(request, form):
            messages.success(request, _("Done. Your case has been updated."))
            return redirect(case.get_absolute_url())
    elif request.method == "POST":
        return HttpResponse(_("Nothing can be done on this case now."), status=409)
    status = 400 if form is not None and form.errors else 200
    return render(
        request,
        "cases/my_case.html",
        {
            "case": case,
            "events": queries.case_history(case=case, public_only=True),
            "attachments": queries.case_attachments(case=case, public_only=True),
            "form": form,
            "module_page": _module_page(case),
        },
        status=status,
    )


@login_required
def attachment_download(request: HttpRequest, attachment_id: int) -> FileResponse:
    attachment = queries.attachment_for(user=request.user, attachment_id=attachment_id)
    if attachment is None:
        raise Http404
    if attachment.case.applicant_id != request.user.pk:
        audit.record_personal_data_view(
            instance=attachment.case, user=request.user, fields=[f"attachment:{attachment.pk}"]
        )
    return FileResponse(
        attachment.file.open("rb"),
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )


# --- Officers, in the admin -----------------------------------------------------------------


class _TitledAdminView(WagtailAdminTemplateMixin, TemplateView):
    """An admin page whose header shows its own title after the dashboard breadcrumb."""

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class WorklistView(_TitledAdminView):
    template_name = "cases/admin/worklist.html"
    page_title = gettext_lazy("Worklist")
    header_icon = "tasks"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        form = WorklistFilterForm(self.request.GET or None)
        data = form.cleaned_data if form.is_valid() else {}
        filters = queries.WorklistFilters(
            case_type=data.get("case_type", ""),
            state=data.get("state", ""),
            deadline_status=data.get("deadline_status", ""),
            assignee=data.get("assignee", ""),
            include_closed=data.get("include_closed", False),
            search=data.get("q", ""),
        )
        today = timezone.localdate()
        cases = queries.worklist(user=self.request.user, filters=filters, today=today)
        page = Paginator(cases, 50).get_page(self.request.GET.get("p"))
        rows = [(case, case.deadline_status_on(today)) for case in page.object_list]
        context.update(filter_form=form, page=page, rows=rows, today=today)
        return context


class CaseDeskView(_TitledAdminView):
    """One case as an officer sees it: details, applicant, history, files, and the actions
    the officer may take now."""

    template_name = "cases/admin/case.html"
    header_icon = "doc-full"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        case = queries.cases_for_officer(request.user).filter(pk=kwargs["pk"]).first()
        if case is None:
            raise PermissionDenied
        self.case = case
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"{self.case.tracking_number} {self.case.title}"

    def _form(self) -> TransitionForm | None:
        # Steps the module handles on its own page (the type's panel links there) are not
        # offered in the generic form.
        transitions = [
            t
            for t in _available(self.case, self.request.user)
            if t.name not in _module_transitions(self.case)
        ]
        if not transitions:
            return None
        return TransitionForm(
            self.request.POST or None,
            self.request.FILES or None,
            case=self.case,
            transitions=transitions,
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        show_personal = self.request.GET.get("show") == "applicant"
        if show_personal:
            audit.record_personal_data_view(
                instance=self.case,
                user=self.request.user,
                fields=["applicant_phone", "applicant_email"],
            )
        try:
            detail_template = self.case.type.detail_template
        except registry.UnknownCaseTypeError:
            detail_template = ""
        context.update(
            case=self.case,
            deadline_status=self.case.deadline_status,
            events=queries.case_history(case=self.case, public_only=False),
            attachments=queries.case_attachments(case=self.case, public_only=False),
            form=kwargs.get("form", self._form()),
            assign_form=kwargs.get("assign_form", self._assign_form()),
            show_personal=show_personal,
            detail_template=detail_template,
        )
        return context

    def _assign_form(self, data: Any = None) -> AssignForm | None:
        if self.case.is_closed:
            return None
        return AssignForm(
            data,
            officers=queries.officers_for(case=self.case),
            initial={"assignee": self.case.assignee_id},
            prefix="assign",
        )

    def _assign(self, request: HttpRequest) -> HttpResponse:
        form = self._assign_form(request.POST)
        if form is not None and form.is_valid():
            try:
                actions.assign_case(
                    case=self.case, assignee=form.cleaned_data["assignee"], actor=request.user
                )
            except actions.CaseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("The case has been assigned."))
                return redirect("cases_admin:case", pk=self.case.pk)
        return self.render_to_response(self.get_context_data(assign_form=form), status=400)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if "assign-assignee" in request.POST:
            return self._assign(request)
        form = self._form()
        if form is None:
            messages.error(request, _("Nothing can be done on this case now."))
            return redirect("cases_admin:case", pk=self.case.pk)
        if form.is_valid() and _perform(request, form):
            messages.success(request, _("The case has been updated."))
            return redirect("cases_admin:case", pk=self.case.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


class DeadlineOverviewView(_TitledAdminView):
    template_name = "cases/admin/overview.html"
    page_title = gettext_lazy("Deadline overview")
    header_icon = "time"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        rows = queries.deadline_overview(user=self.request.user)
        context.update(
            rows=rows,
            totals={
                "open": sum(row.open for row in rows),
                "warning": sum(row.warning for row in rows),
                "overdue": sum(row.overdue for row in rows),
                "suspended": sum(row.suspended for row in rows),
            },
            worklist_url=reverse("cases_admin:worklist"),
        )
        return context


class CaseTypesView(_TitledAdminView):
    template_name = "cases/admin/case_types.html"
    page_title = gettext_lazy("Case types")
    header_icon = "list-ul"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["case_types"] = registry.case_types()
        return context
