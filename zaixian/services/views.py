"""Pages of the service hall (``/bsfw/``): the catalogue and item guides, applying online
(drafts, materials, submission, receipt), corrections, "my applications", public tracking,
rating and the public rating statistics; in the admin, an application's personal data."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from zaixian.cases import actions as case_actions
from zaixian.cases import queries as case_queries
from zaixian.core import audit
from zaixian.core.ratelimit import rate_limited
from zaixian.services import actions, queries
from zaixian.services.forms import (
    ApplicationForm,
    CatalogueFilterForm,
    MaterialsForm,
    RatingForm,
    StartApplicationForm,
    TrackingForm,
)
from zaixian.services.models import Application, ServiceFormField, ServiceItem
from zaixian.services.rules import CORRECTION_STATE, PERSONAL_FIELD_TYPES, RATEABLE_STATES

APPLY_RATE = "20/m"
EDIT_RATE = "30/m"
TRACK_RATE = "10/m"
RATE_RATE = "10/m"

# --- The catalogue -------------------------------------------------------------------------


@require_GET
def catalogue(request: HttpRequest) -> HttpResponse:
    form = CatalogueFilterForm(request.GET or None)
    filters = form.filters()
    items = queries.published_items(**filters)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "services/catalogue.html",
        {
            "form": form,
            "page": page,
            "items": list(page.object_list),
            "filters": filters,
            "life_events": form.life_events_by_audience(),
            "topics": form.topics,
            "departments": form.departments,
            "kinds": ServiceItem.Kind.choices,
            "page_query": query.urlencode(),
            "is_filtered": any(value for value in filters.values()),
        },
    )


@require_GET
def item_guide(request: HttpRequest, code: str) -> HttpResponse:
    item = queries.published_item(code=code)
    if item is None:
        raise Http404
    return render(
        request,
        "services/item.html",
        {
            "item": item,
            "start_form": StartApplicationForm(item=item),
            "rating": queries.item_rating(item=item),
        },
    )


# --- Applying ------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited(scope="services:apply", rate=APPLY_RATE)
def start_application_view(request: HttpRequest, code: str) -> HttpResponse:
    item = queries.published_item(code=code)
    if item is None:
        raise Http404
    if request.method == "GET":
        return redirect("services:item", code=item.code)
    form = StartApplicationForm(request.POST, item=item)
    if not form.is_valid():
        return _message_page(request, form.errors.get("item", [_("Invalid request.")])[0], 400)
    draft = queries.open_draft(user=request.user, item=item)
    if draft is not None:
        messages.info(request, _("You had started this application; here is your draft."))
        return redirect("services:application", pk=draft.pk)
    try:
        application = actions.start_application(item=item, applicant=request.user)
    except actions.ApplicationError as error:
        return _message_page(request, str(error), 403)
    return redirect("services:application", pk=application.pk)


def _message_page(request: HttpRequest, message: str, status: int) -> HttpResponse:
    return render(request, "services/message.html", {"message": message}, status=status)


def _is_editable(application: Application) -> bool:
    if application.is_draft:
        return True
    case = application.case
    return case is not None and case.state == CORRECTION_STATE and not case.is_closed


class _Editor:
    """The forms of an application page, filled from the request or from the draft."""

    def __init__(self, request: HttpRequest, application: Application) -> None:
        self.application = application
        item = application.item
        self.specs = list(item.form_fields.all())
        self.materials = list(item.materials.all())
        self.stored = list(queries.application_materials(application=application))
        uploaded_keys = {m.field_key for m in self.stored if m.field_key}
        uploaded_ids = {m.material_id for m in self.stored if m.material_id}
        bound = request.method == "POST"
        self.form = ApplicationForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            item=item,
            specs=self.specs,
            uploaded_keys=uploaded_keys,
            initial=application.form_data,
        )
        self.materials_form = MaterialsForm(
            request.POST if bound else None,
            request.FILES if bound else None,
            materials=self.materials,
            uploaded_ids=uploaded_ids,
        )

    def typed_values(self, request: HttpRequest) -> dict[str, str]:
        return {
            spec.key: request.POST.get(spec.key, "")
            for spec in self.specs
            if spec.field_type != ServiceFormField.FieldType.FILE
        }

    def store_uploads(self, request: HttpRequest) -> bool:
        """Store every uploaded file that passes the checks; False if any was refused."""
        ok = True
        for spec in self.specs:
            upload = request.FILES.get(spec.key)
            if spec.field_type != ServiceFormField.FieldType.FILE or upload is None:
                continue
            if spec.key in self.form.errors:  # the form's own check refused it already
                ok = False
                continue
            try:
                actions.add_application_material(
                    application=self.application,
                    actor=request.user,
                    upload=upload,
                    field_key=spec.key,
                )
            except ValidationError as error:
                self.form.add_error(spec.key, error)
                ok = False
        if not self.materials_form.is_valid():
            return False
        for material, upload in self.materials_form.uploaded_files():
            try:
                actions.add_application_material(
                    application=self.application,
                    actor=request.user,
                    upload=upload,
                    material=material,
                )
            except ValidationError as error:
                self.materials_form.add_error(f"material_{material.pk}", error)
                ok = False
        return ok

    def show_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the errors of a refused submission on the fields they concern."""
        checked = ApplicationForm(
            item=self.application.item,
            data=self.application.form_data,
            specs=self.specs,
            uploaded_keys={m.field_key for m in self.application.materials.all() if m.field_key},
        )
        checked.is_valid()
        self.form = checked
        for key, messages_ in errors.items():
            if key.startswith("material_") and key in self.materials_form.fields:
                if not self.materials_form.is_bound:
                    self.materials_form = MaterialsForm(
                        {}, {}, materials=self.materials, uploaded_ids=()
                    )
                self.materials_form.is_valid()
                self.materials_form.add_error(key, messages_)
            elif key not in checked.fields:
                checked.add_error(None, messages_)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited(scope="services:application", rate=EDIT_RATE)
def application_view(request: HttpRequest, pk: int) -> HttpResponse:
    """A draft (or an application sent back for correction): fill in, upload, save, submit."""
    application = queries.application_for(user=request.user, pk=pk)
    if application is None:
        raise Http404
    if not _is_editable(application):
        if application.case is not None:
            return redirect(application.case.get_absolute_url())
        raise Http404
    editor = _Editor(request, application)
    is_correction = not application.is_draft
    status = 200
    if request.method == "POST":
        outcome = _handle_application_post(request, editor, is_correction=is_correction)
        if isinstance(outcome, HttpResponse):
            return outcome
        status = outcome
        editor.stored = list(queries.application_materials(application=application))
    return render(
        request,
        "services/application.html",
        {
            "application": application,
            "item": application.item,
            "form": editor.form,
            "materials_form": editor.materials_form,
            "stored": editor.stored,
            "is_correction": is_correction,
            "case": application.case,
            "correction_note": (
                queries.correction_request_note(case=application.case)
                if application.case is not None
                else ""
            ),
        },
        status=status,
    )


def _handle_application_post(
    request: HttpRequest, editor: _Editor, *, is_correction: bool
) -> HttpResponse | int:
    """Save what was typed and uploaded, then submit (or hand in the corrections) when asked.
    Returns the redirect on success, else the status of the page with its errors."""
    application = editor.application
    intent = request.POST.get("action", "save")
    if intent not in ("save", "submit"):
        editor.form.add_error(None, _("Unknown action. Reload the page and try again."))
        return 400
    try:
        actions.save_application_draft(
            application=application, actor=request.user, form_data=editor.typed_values(request)
        )
        uploads_ok = editor.store_uploads(request)
    except actions.ApplicationError as error:
        editor.form.add_error(None, str(error))
        return 400
    if not uploads_ok:
        return 400
    if intent == "save":
        messages.success(request, _("Your draft has been saved."))
        return redirect("services:application", pk=application.pk)
    try:
        if is_correction:
            version = request.POST.get("version", "")
            if not version.isdigit():
                raise case_actions.CaseConflictError
            actions.correct_application(
                application=application,
                actor=request.user,
                note=request.POST.get("note", "")[:2000],
                expected_version=int(version),
            )
        else:
            actions.submit_application(application=application, actor=request.user)
    except actions.ApplicationInvalidError as error:
        editor.show_errors(error.errors)
        return 400
    except (actions.ApplicationError, case_actions.CaseError) as error:
        editor.form.add_error(None, str(error))
        return 400
    if is_correction:
        messages.success(
            request, _("Your corrections have been sent. The office continues its work.")
        )
        return redirect(application.case.get_absolute_url())  # type: ignore[union-attr]  # under correction: has a case
    return redirect("services:receipt", pk=application.pk)


@login_required
@require_GET
def receipt(request: HttpRequest, pk: int) -> HttpResponse:
    """The receipt (受理回执) of a submitted application, with its tracking number."""
    application = queries.application_for(user=request.user, pk=pk)
    if application is None or application.case is None:
        raise Http404
    return render(
        request,
        "services/receipt.html",
        {
            "application": application,
            "case": application.case,
            "item": application.item,
            "stored": queries.application_materials(application=application),
        },
    )


@login_required
@require_GET
def material_download(request: HttpRequest, pk: int, material_pk: int) -> FileResponse:
    stored = queries.application_material_for(
        user=request.user, application_pk=pk, material_pk=material_pk
    )
    if stored is None:
        raise Http404
    return FileResponse(
        stored.file.open("rb"),
        as_attachment=True,
        filename=stored.original_name,
        content_type=stored.content_type,
    )


@login_required
@require_POST
def material_delete(request: HttpRequest, pk: int, material_pk: int) -> HttpResponse:
    stored = queries.application_material_for(
        user=request.user, application_pk=pk, material_pk=material_pk
    )
    if stored is None:
        raise Http404
    try:
        actions.remove_application_material(stored=stored, actor=request.user)
    except actions.ApplicationError as error:
        return _message_page(request, str(error), 409)
    messages.success(request, _("The file has been removed."))
    return redirect("services:application", pk=pk)


@login_required
@require_POST
def discard_draft(request: HttpRequest, pk: int) -> HttpResponse:
    application = queries.application_for(user=request.user, pk=pk)
    if application is None:
        raise Http404
    try:
        actions.discard_application_draft(application=application, actor=request.user)
    except actions.ApplicationError as error:
        return _message_page(request, str(error), 409)
    messages.success(request, _("The draft has been deleted."))
    return redirect("services:my_applications")


@login_required
@require_GET
def my_applications(request: HttpRequest) -> HttpResponse:
    applications: QuerySet[Application] = queries.applications_of(user=request.user)
    page = Paginator(applications, 20).get_page(request.GET.get("page"))
    rows = [
        {
            "application": application,
            "case": application.case,
            "can_edit": _is_editable(application),
            "can_rate": application.case is not None
            and application.case.state in RATEABLE_STATES
            and not hasattr(application.case, "rating"),
        }
        for application in page.object_list
    ]
    return render(request, "services/my_applications.html", {"page": page, "rows": rows})


# --- Rating --------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
@rate_limited(scope="services:rate", rate=RATE_RATE)
def rate_view(request: HttpRequest, pk: int) -> HttpResponse:
    application = queries.application_for(user=request.user, pk=pk)
    if application is None or application.case is None:
        raise Http404
    case = application.case
    existing = getattr(case, "rating", None)
    form = RatingForm(request.POST or None)
    status = 200
    if request.method == "POST" and existing is None:
        if form.is_valid():
            try:
                actions.rate_service(
                    case=case,
                    actor=request.user,
                    grade=form.cleaned_data["grade"],
                    comment=form.cleaned_data["comment"],
                )
            except actions.ApplicationError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Thank you for your rating."))
                return redirect("services:my_applications")
        status = 400
    elif request.method == "POST":
        status = 409
    return render(
        request,
        "services/rate.html",
        {
            "application": application,
            "case": case,
            "form": form,
            "existing": existing,
            "can_rate": existing is None and case.state in RATEABLE_STATES,
        },
        status=status,
    )


@require_GET
def rating_statistics(request: HttpRequest) -> HttpResponse:
    """Public 好差评 statistics per department and item, computed from the ratings."""
    return render(
        request,
        "services/ratings.html",
        {
            "departments": queries.rating_statistics_by_department(),
            "items": queries.rating_statistics_by_item(),
            "totals": queries.rating_totals(),
        },
    )


# --- Tracking ------------------------------------------------------------------------------


@never_cache
@require_http_methods(["GET", "POST"])
@rate_limited(scope="services:track", rate=TRACK_RATE)
def track(request: HttpRequest) -> HttpResponse:
    """Anyone with the tracking number and the last four digits of the applicant's phone
    sees the state and the dated public steps; never a name, a note or a file."""
    form = TrackingForm(request.POST or None)
    case = None
    not_found = False
    status = 200
    if request.method == "POST":
        if form.is_valid():
            case = case_queries.tracked_case(
                tracking_number=form.cleaned_data["tracking_number"],
                phone_last4=form.cleaned_data["phone_last4"],
            )
            not_found = case is None
            status = 404 if not_found else 200
        else:
            status = 400
    return render(
        request,
        "services/track.html",
        {
            "form": form,
            "case": case,
            "steps": case_queries.case_history(case=case, public_only=True) if case else [],
            "not_found": not_found,
        },
        status=status,
    )


# --- In the admin: an application's personal data ------------------------------------------


class ApplicationPersonalDataView(WagtailAdminTemplateMixin, TemplateView):
    """The unmasked form data of an application, for an officer who handles its case; each
    opening is written to the audit log."""

    template_name = "services/admin/personal_data.html"
    page_title = gettext_lazy("Application form data")
    header_icon = "user"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        case = case_queries.cases_for_officer(request.user).filter(pk=kwargs["case_pk"]).first()
        if case is None:
            raise PermissionDenied
        application = queries.application_of_case(case=case)
        if application is None:
            raise Http404
        self.case = case
        self.application = application
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        specs = list(self.application.item.form_fields.all())
        personal = [s.key for s in specs if s.is_personal or s.field_type in PERSONAL_FIELD_TYPES]
        audit.record_personal_data_view(
            instance=self.case,
            user=self.request.user,
            fields=[f"form:{key}" for key in personal] or ["form"],
        )
        data = self.application.form_data
        context.update(
            case=self.case,
            rows=[
                (spec.label, data.get(spec.key, ""))
                for spec in specs
                if spec.field_type != ServiceFormField.FieldType.FILE
            ],
            desk_url=reverse("cases_admin:case", args=[self.case.pk]),
        )
        return context
