"""Pages of the hotline: the public side under /hdjl/ (web form, mailboxes, tracking, typical
cases, published replies) and, in the admin, the operator's console with its lookups, the
hotline case desk for the centre and the departments, the list, the dashboard and the
monthly bulletin."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.cases import queries as case_queries
from zaixian.core.ratelimit import rate_limited
from zaixian.hotline import actions, queries, reports, rules
from zaixian.hotline.forms import (
    BulletinForm,
    CallbackForm,
    DispatchForm,
    IntakeForm,
    MergeForm,
    NoteForm,
    PublicSubmissionForm,
    ReviewForm,
    TrackingForm,
    TypicalCaseForm,
)
from zaixian.hotline.models import HotlineCase, KnowledgeEntry, TypicalCase

SUBMIT_RATE = "5/h"
TRACK_RATE = "30/h"
LOOKUP_RATE = "600/m"

PUBLIC_CHANNELS = {
    "web": (rules.Channel.WEB, gettext_lazy("Write to the 12345 hotline")),
    "mayor": (rules.Channel.MAYOR_MAILBOX, gettext_lazy("Mayor's mailbox")),
    "governor": (rules.Channel.GOVERNOR_MAILBOX, gettext_lazy("Governor's mailbox")),
}


# --- Public ------------------------------------------------------------------------------


def index(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "hotline/index.html",
        {
            "channels": PUBLIC_CHANNELS,
            "typical_cases": queries.published_typical_cases()[:5],
            "replies": queries.public_closed_cases()[:5],
        },
    )


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(scope="hotline:submit", rate=SUBMIT_RATE)
def submit(request: HttpRequest, channel: str) -> HttpResponse:
    if channel not in PUBLIC_CHANNELS:
        raise Http404
    channel_value, title = PUBLIC_CHANNELS[channel]
    form = PublicSubmissionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                hotline_case = actions.register_case(
                    channel=channel_value,
                    kind=data["kind"],
                    category=data["category"],
                    content=data["content"],
                    caller_name=data["caller_name"],
                    caller_phone=data["caller_phone"],
                    caller_address=data["caller_address"],
                    email=data["email"],
                    agrees_to_publish=data["agrees_to_publish"],
                    citizen=request.user if request.user.is_authenticated else None,
                )
            except actions.HotlineError as error:
                form.add_error(None, str(error))
                status = 503
            else:
                return render(
                    request,
                    "hotline/received.html",
                    {"case": hotline_case.case, "title": title},
                    status=201,
                )
        else:
            status = 400
    return render(request, "hotline/submit.html", {"form": form, "title": title}, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(scope="hotline:track", rate=TRACK_RATE)
def track(request: HttpRequest) -> HttpResponse:
    """The state, the public steps and the public reply of a case; never a name, a phone or
    an address."""
    form = TrackingForm(request.POST or None)
    case = hotline_case = None
    not_found = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            case = case_queries.tracked_case(
                tracking_number=form.cleaned_data["tracking_number"],
                phone_last4=form.cleaned_data["phone_last4"],
            )
            hotline_case = queries.hotline_case_of(case) if case is not None else None
            not_found = hotline_case is None
            status = 404 if not_found else 200
        else:
            status = 400
    return render(
        request,
        "hotline/track.html",
        {
            "form": form,
            "case": case if hotline_case else None,
            "hotline_case": hotline_case,
            "steps": case_queries.case_history(case=case, public_only=True) if hotline_case else [],
            "reply": rules.mask_text(
                hotline_case.reply,
                names=[hotline_case.caller_name],
                addresses=[hotline_case.caller_address],
            )
            if hotline_case
            else "",
            "not_found": not_found,
        },
        status=status,
    )


def typical_cases(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.published_typical_cases(), 20).get_page(request.GET.get("p"))
    return render(request, "hotline/typical_cases.html", {"page": page})


def typical_case(request: HttpRequest, pk: int) -> HttpResponse:
    typical = get_object_or_404(queries.published_typical_cases(), pk=pk)
    return render(request, "hotline/typical_case.html", {"typical": typical})


def replies(request: HttpRequest) -> HttpResponse:
    """Closed cases whose callers agreed to publication, masked."""
    page = Paginator(queries.public_closed_cases(), 20).get_page(request.GET.get("p"))
    rows = [
        (
            hotline_case,
            rules.mask_text(
                hotline_case.content,
                names=[hotline_case.caller_name],
                addresses=[hotline_case.caller_address],
            ),
            rules.mask_text(
                hotline_case.reply,
                names=[hotline_case.caller_name],
                addresses=[hotline_case.caller_address],
            ),
        )
        for hotline_case in page.object_list
    ]
    return render(request, "hotline/replies.html", {"page": page, "rows": rows})


# --- Admin: the operator's console ---------------------------------------------------------


class _HotlineAdminView(WagtailAdminTemplateMixin, TemplateView):
    header_icon = "call"

    def get_breadcrumbs_items(self) -> list[dict[str, Any]]:
        return [*self.breadcrumbs_items, {"url": "", "label": self.get_page_title()}]


class _CentreOnlyMixin:
    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        if not queries.is_centre_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]  # the view's


class ConsoleView(_CentreOnlyMixin, _HotlineAdminView):
    """The operator's console: register a call or a letter with the keyboard alone."""

    template_name = "hotline/admin/console.html"
    page_title = gettext_lazy("Register a call")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["form"] = kwargs.get("form") or IntakeForm()
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = IntakeForm(request.POST)
        if form.is_valid():
            try:
                hotline_case = actions.register_case(actor=request.user, **form.cleaned_data)
            except actions.CaseError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request,
                    _("Registered: tracking number %(number)s")
                    % {"number": hotline_case.case.tracking_number},
                )
                return redirect("hotline_admin:case", pk=hotline_case.pk)
        return self.render_to_response(self.get_context_data(form=form), status=400)


@require_GET
@rate_limited(scope="hotline:lookup", rate=LOOKUP_RATE, methods=("GET",))
def lookup(request: HttpRequest) -> JsonResponse:
    """As the operator types: the caller's earlier cases, likely duplicates and suggested
    departments (JSON for the console's script)."""
    if not queries.is_centre_staff(request.user):
        raise PermissionDenied
    params = request.GET
    phone = params.get("phone", "")[:20]
    content = params.get("content", "")[:2000]
    address = params.get("address", "")[:200]
    category_id = int(params["category"]) if params.get("category", "").isdigit() else None
    history = queries.caller_history(user=request.user, phone=phone)
    duplicates = queries.likely_duplicates(
        phone=phone, content=content, address=address, category_id=category_id
    )
    suggestions = queries.suggested_departments(
        category_id=category_id, text=content, area=params.get("area", "")[:40]
    )
    return JsonResponse(
        {
            "history": [
                {
                    "url": reverse("hotline_admin:case", args=[item.pk]),
                    "tracking_number": item.tracking_number,
                    "received": timezone.localtime(item.received_at).strftime("%Y-%m-%d"),
                    "kind": item.kind,
                    "category": item.category,
                    "state": item.state,
                    "summary": item.summary,
                }
                for item in history
            ],
            "duplicates": [
                {
                    "url": reverse("hotline_admin:case", args=[item.pk]),
                    "tracking_number": item.case.tracking_number,
                    "state": str(item.case.get_state_display()),
                    "summary": item.content[:60],
                }
                for item in duplicates
            ],
            "suggestions": [{"id": d.pk, "name": d.name} for d in suggestions],
        }
    )


@require_GET
def knowledge_search(request: HttpRequest) -> JsonResponse:
    if not queries.is_centre_staff(request.user):
        raise PermissionDenied
    entries = queries.search_knowledge(request.GET.get("q", "")[:100])
    return JsonResponse(
        {
            "results": [
                {
                    "id": entry.pk,
                    "question": entry.question,
                    "answer": entry.answer,
                    "department": entry.department.name,
                }
                for entry in entries
            ]
        }
    )


# --- Admin: the case desk ------------------------------------------------------------------


class CaseListView(_HotlineAdminView):
    template_name = "hotline/admin/cases.html"
    page_title = gettext_lazy("Hotline cases")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        cases = queries.hotline_cases_for(self.request.user)
        state = self.request.GET.get("state", "")
        if state in {s.key for s in rules.HOTLINE_CASE.states}:
            cases = cases.filter(case__state=state)
        if self.request.GET.get("duplicates"):
            cases = cases.filter(duplicate_of__isnull=False, merged_into__isnull=True)
        page = Paginator(cases.order_by("-received_at"), 50).get_page(self.request.GET.get("p"))
        context.update(
            page=page,
            states=rules.HOTLINE_CASE.states,
            state=state,
            is_centre=queries.is_centre_staff(self.request.user),
        )
        return context


class CaseDeskView(_HotlineAdminView):
    """One hotline case: details (caller masked unless shown, which is audited), dispatches,
    history, and the steps the user may take now."""

    template_name = "hotline/admin/case.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        hotline_case = queries.hotline_case_for(request.user, kwargs["pk"])
        if hotline_case is None:
            raise PermissionDenied
        self.hotline_case = hotline_case
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self) -> str:
        return f"{self.hotline_case.case.tracking_number} {self.hotline_case.category.name}"

    def _steps(self) -> set[str]:
        case = self.hotline_case.case
        user = self.request.user
        is_centre = queries.is_centre_staff(user)
        state = case.state
        steps: set[str] = set()
        if is_centre:
            if state in (rules.REGISTERED, rules.RETURNED, rules.UNSATISFIED):
                steps.add("dispatch")
            if state == rules.REGISTERED and self.hotline_case.kind == rules.Kind.CONSULTATION:
                steps.add("close_directly")
            if state == rules.REPLIED:
                steps.add("review")
            if state == rules.CALLBACK:
                steps.add("callback")
            if state == rules.UNSATISFIED:
                steps.add("close")
            if state in rules.MERGEABLE:
                steps.add("merge")
            if case.is_closed and self.hotline_case.reply and state == rules.CLOSED:
                steps.add("typical")
        if not case.is_closed and queries.assisting_department_of(
            hotline_case=self.hotline_case, user=user
        ):
            steps.add("opinion")
        lead = self.hotline_case.lead_department
        if (
            lead is not None
            and case.department_id == lead.pk
            and case_queries.cases_for_officer(user).filter(pk=case.pk).exists()
        ):
            if state == rules.DISPATCHED:
                steps.update({"accept", "return"})
            if state == rules.HANDLING:
                steps.add("reply")
        return steps

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        hotline_case = self.hotline_case
        caller = None
        if self.request.GET.get("show") == "caller":
            caller = actions.view_caller_details(hotline_case=hotline_case, user=self.request.user)
        steps = self._steps()
        forms = kwargs.get("forms", {})
        suggestions = []
        if "dispatch" in steps:
            suggestions = queries.suggested_departments(
                category_id=hotline_case.category_id,
                text=hotline_case.content,
                area=hotline_case.area,
            )
        initial_department = hotline_case.lead_department or (
            suggestions[0] if suggestions else None
        )
        typical = TypicalCase.objects.filter(hotline_case=hotline_case).first()
        context.update(
            hotline_case=hotline_case,
            case=hotline_case.case,
            caller=caller,
            steps=steps,
            suggestions=suggestions,
            dispatch_form=forms.get("dispatch")
            or DispatchForm(
                initial={"department": initial_department.pk if initial_department else None}
            ),
            note_form=forms.get("note") or NoteForm(),
            review_form=forms.get("review") or ReviewForm(),
            callback_form=forms.get("callback") or CallbackForm(),
            merge_form=forms.get("merge")
            or MergeForm(
                initial={
                    "into": hotline_case.duplicate_of.case.tracking_number
                    if hotline_case.duplicate_of
                    else ""
                }
            ),
            typical=typical,
            typical_form=forms.get("typical")
            or (
                TypicalCaseForm(
                    initial={
                        "title": typical.title,
                        "content": typical.content,
                        "reply": typical.reply,
                    }
                )
                if typical is not None
                else None
            ),
            dispatches=hotline_case.dispatches.select_related("department"),
            opinions=hotline_case.opinions.select_related("department"),
            opinion_form=forms.get("opinion") or NoteForm(prefix="opinion"),
            events=case_queries.case_history(case=hotline_case.case, public_only=False),
            deadline_status=hotline_case.case.deadline_status,
        )
        return context

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        step = request.POST.get("step", "")
        if step not in self._steps():
            messages.error(request, _("This step is not possible on this case now."))
            return redirect("hotline_admin:case", pk=self.hotline_case.pk)
        form, perform = self._step_form(step, request)
        if form.is_valid():
            try:
                perform(form.cleaned_data)
            except (actions.CaseError, ValidationError) as error:
                form.add_error(None, " ".join(getattr(error, "messages", [str(error)])))
            else:
                messages.success(request, _("The hotline case has been updated."))
                return redirect("hotline_admin:case", pk=self.hotline_case.pk)
        key = {"return": "note", "reply": "note", "close": "note", "close_directly": "note"}
        return self.render_to_response(
            self.get_context_data(forms={key.get(step, step): form}), status=400
        )

    def _step_form(self, step: str, request: HttpRequest) -> tuple[Any, Any]:
        hotline_case = self.hotline_case
        user = request.user
        data = request.POST
        if step == "dispatch":
            return DispatchForm(data), lambda d: actions.dispatch_case(
                hotline_case=hotline_case,
                department=d["department"],
                assisting=d["assisting"],
                actor=user,
                note=d["note"],
            )
        if step == "accept":
            return _EmptyForm(data), lambda d: actions.accept_case(
                hotline_case=hotline_case, actor=user
            )
        if step == "return":
            return NoteForm(data), lambda d: actions.return_case(
                hotline_case=hotline_case, actor=user, reason=d["note"]
            )
        if step == "reply":
            return NoteForm(data), lambda d: actions.reply_to_case(
                hotline_case=hotline_case, actor=user, reply=d["note"]
            )
        if step == "review":
            return ReviewForm(data), lambda d: actions.review_reply(
                hotline_case=hotline_case,
                actor=user,
                approve=d["decision"] == "approve",
                note=d["note"],
            )
        if step == "callback":
            return CallbackForm(data), lambda d: actions.record_callback(
                hotline_case=hotline_case,
                actor=user,
                satisfaction=d["satisfaction"],
                note=d["note"],
            )
        if step == "opinion":
            return NoteForm(data, prefix="opinion"), lambda d: actions.add_assist_opinion(
                hotline_case=hotline_case, actor=user, text=d["note"]
            )
        if step == "close":
            return NoteForm(data), lambda d: actions.close_unsatisfied_case(
                hotline_case=hotline_case, actor=user, note=d["note"]
            )
        if step == "close_directly":
            entry_id = data.get("knowledge_entry", "")
            entry = (
                KnowledgeEntry.objects.filter(pk=int(entry_id)).first()
                if entry_id.isdigit()
                else None
            )
            return NoteForm(data), lambda d: actions.close_directly(
                hotline_case=hotline_case, actor=user, answer=d["note"], knowledge_entry=entry
            )
        if step == "merge":
            return MergeForm(data), lambda d: actions.merge_case(
                duplicate=hotline_case, into=_merge_target(user, d["into"]), actor=user
            )
        # typical
        if data.get("publish"):
            typical = TypicalCase.objects.filter(hotline_case=hotline_case).first()
            if typical is None:
                return _EmptyForm(data), lambda d: _refuse()
            return TypicalCaseForm(data), lambda d: actions.publish_typical_case(
                typical=typical, actor=user, **d
            )
        return _EmptyForm(data), lambda d: actions.draft_typical_case(
            hotline_case=hotline_case, actor=user
        )


class _EmptyForm(NoteForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["note"].required = False


def _refuse() -> None:
    raise actions.HotlineError


def _merge_target(user: Any, tracking_number: str) -> HotlineCase:
    number = tracking_number.strip().upper()
    target = queries.hotline_cases_for(user).filter(case__tracking_number=number).first()
    if target is None:
        raise actions.HotlineError(_("No hotline case has this tracking number."))
    return target


# --- Admin: dashboard and bulletin ---------------------------------------------------------


class DashboardView(_CentreOnlyMixin, _HotlineAdminView):
    template_name = "hotline/admin/dashboard.html"
    page_title = gettext_lazy("Hotline dashboard")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        dashboard = reports.dashboard(now=timezone.now())
        context.update(
            dashboard=dashboard,
            chart=reports.volume_chart_svg(dashboard.volume_by_day),
            bulletin_form=BulletinForm(initial={"month": f"{date.today():%Y-%m}"}),  # noqa: DTZ011 — only a default month
        )
        return context


class BulletinView(_CentreOnlyMixin, _HotlineAdminView):
    """The monthly bulletin in the admin (HTML) or as a PDF or Word download."""

    template_name = "hotline/admin/bulletin.html"
    page_title = gettext_lazy("Monthly bulletin")

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        form = BulletinForm(request.GET or None)
        if not form.is_valid():
            return self.render_to_response(self.get_context_data(form=form), status=400)
        year, month = (int(part) for part in form.cleaned_data["month"].split("-"))
        bulletin = reports.monthly_bulletin(year=year, month=month)
        fmt = request.GET.get("format", "html")
        if fmt in ("pdf", "docx"):
            content, content_type = reports.render_bulletin(bulletin, fmt=fmt)
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = (
                f'attachment; filename="hotline-bulletin-{year}-{month:02d}.{fmt}"'
            )
            return response
        return self.render_to_response(
            self.get_context_data(
                form=form, bulletin=bulletin, charts=reports.bulletin_charts_svg(bulletin)
            )
        )
