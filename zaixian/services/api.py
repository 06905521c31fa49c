"""The service hall's JSON API (mounted at ``/api/v1/services/`` by ``zaixian.api``): the
public catalogue, and for a signed-in citizen or business their applications — start a draft,
fill it in, upload materials, submit, follow the case.

Validation is the web form's: drafts keep what was sent, ``submit`` runs
``actions.submit_application``, which checks the whole form with ``ApplicationForm`` and the
required materials. Authentication is the site's session (sign in at ``/accounts/login/``) with
Django's CSRF check on every write. An application of someone else answers 404, like one that
does not exist, so ids cannot be probed.
"""

# No `from __future__ import annotations`: Ninja reads the signatures at import time.

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import LimitOffsetPagination, paginate
from ninja.security import django_auth

from zaixian.cases import queries as case_queries
from zaixian.core.models import Department
from zaixian.core.ratelimit import hit_for_request
from zaixian.services import actions, queries
from zaixian.services.models import (
    Application,
    Audience,
    LifeEvent,
    ServiceItem,
    ServiceMaterial,
    ServiceTopic,
)

router = Router(tags=["services"])

MAX_PAGE = 100


class Pages(LimitOffsetPagination):
    """``limit`` (1–100, default 20) and ``offset``: no request reads a whole table."""

    class Input(Schema):
        limit: int = Field(20, ge=1, le=MAX_PAGE)
        offset: int = Field(0, ge=0)


CATALOGUE_RATE = "120/m"
READ_RATE = "120/m"
WRITE_RATE = "30/m"


# The API's general answers, here because this router is the API's only one so far (their
# translations live in this app's catalogue); ``zaixian.api`` uses them.
MESSAGES = {
    "invalid": gettext_lazy("The request is not valid."),
    "unauthenticated": gettext_lazy("Please sign in first."),
    "not_found": gettext_lazy("Not found."),
    "csrf": gettext_lazy(
        "The security token (CSRF) is missing or wrong. Reload the page and retry."
    ),
    "rate_limited": gettext_lazy("Too many requests. Please try again in %(minutes)d minutes."),
}


class ApiRateLimitedError(Exception):
    """Too many requests; ``zaixian.api`` answers 429 with ``Retry-After``."""

    def __init__(self, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(retry_after)


class ApiError(Exception):
    """A refused request: ``status``, a message for people and, for invalid input, the
    messages per field."""

    def __init__(
        self, status: int, detail: Any, errors: dict[str, list[str]] | None = None
    ) -> None:
        self.status = status
        self.detail = str(detail)
        self.errors = errors or {}
        super().__init__(self.detail)


def _limit(request: HttpRequest, *, scope: str, rate: str) -> None:
    """Count the request per account when signed in, else per client address."""
    user = getattr(request, "user", None)
    key = f"user:{user.pk}" if user is not None and user.is_authenticated else ""
    usage = hit_for_request(request=request, scope=scope, rate=rate, key=key)
    if usage.is_exceeded:
        raise ApiRateLimitedError(usage.retry_after)


# --- Schemas -------------------------------------------------------------------------------


class DepartmentOut(Schema):
    code: str
    name: str


class ItemSummaryOut(Schema):
    code: str
    name: str
    department: DepartmentOut
    kind: str
    kind_label: str
    for_citizens: bool
    for_businesses: bool
    online_depth: int
    online_depth_label: str
    accepts_online: bool
    statutory_days: int
    promised_days: int
    visits_needed: int
    fees: str
    summary: str

    @staticmethod
    def resolve_kind_label(item: ServiceItem) -> str:
        return str(item.get_kind_display())

    @staticmethod
    def resolve_online_depth_label(item: ServiceItem) -> str:
        return str(item.get_online_depth_display())


class MaterialOut(Schema):
    id: int
    name: str
    is_required: bool
    form: str
    form_label: str
    copies: int
    note: str
    template_url: str | None

    @staticmethod
    def resolve_form_label(material: ServiceMaterial) -> str:
        return str(material.get_form_display())

    @staticmethod
    def resolve_template_url(material: ServiceMaterial) -> str | None:
        return material.template.url if material.template is not None else None


class FormFieldOut(Schema):
    key: str
    label: str
    field_type: str
    is_required: bool
    choices: list[str]
    help_text: str

    @staticmethod
    def resolve_choices(field: Any) -> list[str]:
        return [line.strip() for line in field.choices.splitlines() if line.strip()]


class FAQOut(Schema):
    question: str
    answer: str


class NamedOut(Schema):
    slug: str
    name: str


class ItemOut(ItemSummaryOut):
    legal_basis: str
    conditions: str
    venue: str
    office_hours: str
    consultation_phone: str
    complaint_phone: str
    life_events: list[NamedOut]
    topics: list[NamedOut]
    materials: list[MaterialOut]
    form_fields: list[FormFieldOut]
    faqs: list[FAQOut]

    @staticmethod
    def resolve_life_events(item: ServiceItem) -> list[LifeEvent]:
        return list(item.life_events.all())

    @staticmethod
    def resolve_topics(item: ServiceItem) -> list[ServiceTopic]:
        return list(item.topics.all())

    @staticmethod
    def resolve_materials(item: ServiceItem) -> list[ServiceMaterial]:
        return list(item.materials.all())

    @staticmethod
    def resolve_form_fields(item: ServiceItem) -> list[Any]:
        return list(item.form_fields.all())

    @staticmethod
    def resolve_faqs(item: ServiceItem) -> list[Any]:
        return list(item.faqs.all())


class CatalogueFilters(Schema):
    department: str = Field("", description="department code; its sub-departments included")
    kind: str = Field("", description="item kind, e.g. licence")
    audience: str = Field("", description="citizen or business")
    life_event: str = Field("", description="life event slug")
    topic: str = Field("", description="topic slug")
    q: str = Field("", max_length=100, description="words in the name or summary")


# A form value as JSON gives it: text, a number, or null to clear the field.
FormValue = str | int | float | None


def _typed(form_data: dict[str, FormValue]) -> dict[str, str | int | float]:
    """The values as the web form sends them: null is an empty field."""
    return {key: "" if value is None else value for key, value in form_data.items()}


class ApplicationIn(Schema):
    item: str = Field(..., max_length=40, description="the item code")
    form_data: dict[str, FormValue] = Field(default_factory=dict)


class DraftIn(Schema):
    form_data: dict[str, FormValue]


class ItemRefOut(Schema):
    code: str
    name: str


class StoredMaterialOut(Schema):
    id: int
    name: str
    material_id: int | None
    field_key: str
    size: int
    uploaded_at: datetime

    @staticmethod
    def resolve_name(stored: Any) -> str:
        return str(stored.original_name)


class EventOut(Schema):
    at: datetime
    action: str
    label: str
    state: str
    state_label: str
    note: str


class ApplicationOut(Schema):
    id: int
    item: ItemRefOut
    is_draft: bool
    created_at: datetime
    submitted_at: datetime | None
    tracking_number: str | None
    state: str
    state_label: str
    due_on: date | None
    is_closed: bool

    @staticmethod
    def resolve_tracking_number(application: Application) -> str | None:
        return application.case.tracking_number if application.case is not None else None

    @staticmethod
    def resolve_state(application: Application) -> str:
        return application.case.state if application.case is not None else "draft"

    @staticmethod
    def resolve_state_label(application: Application) -> str:
        if application.case is None:
            return _("Draft")
        return str(application.case.get_state_display())

    @staticmethod
    def resolve_due_on(application: Application) -> date | None:
        return application.case.due_on if application.case is not None else None

    @staticmethod
    def resolve_is_closed(application: Application) -> bool:
        return application.case is not None and application.case.is_closed


class ApplicationDetailOut(ApplicationOut):
    form_data: dict[str, Any]
    materials: list[StoredMaterialOut]
    errors: dict[str, list[str]] = Field(
        description="what must be fixed before a draft can be submitted (empty when ready)"
    )
    history: list[EventOut]


class ErrorOut(Schema):
    detail: str
    errors: dict[str, list[str]] = Field(default_factory=dict)


# --- The catalogue -------------------------------------------------------------------------


def _catalogue_filters(filters: CatalogueFilters) -> dict[str, Any]:
    """The query's filters as ``published_items`` takes them; unknown values are a 400."""
    arguments: dict[str, Any] = {"search": filters.q.strip()}
    if filters.department:
        arguments["department"] = Department.objects.filter(code=filters.department).first()
        if arguments["department"] is None:
            raise ApiError(400, _("Unknown department code."), {"department": [filters.department]})
    if filters.kind:
        if filters.kind not in ServiceItem.Kind.values:
            raise ApiError(400, _("Unknown item kind."), {"kind": ServiceItem.Kind.values})
        arguments["kind"] = filters.kind
    if filters.audience:
        if filters.audience not in Audience.values:
            raise ApiError(400, _("Unknown audience."), {"audience": Audience.values})
        arguments["audience"] = filters.audience
    if filters.life_event:
        arguments["life_event"] = LifeEvent.objects.filter(slug=filters.life_event).first()
        if arguments["life_event"] is None:
            raise ApiError(400, _("Unknown life event."), {"life_event": [filters.life_event]})
    if filters.topic:
        arguments["topic"] = ServiceTopic.objects.filter(slug=filters.topic).first()
        if arguments["topic"] is None:
            raise ApiError(400, _("Unknown topic."), {"topic": [filters.topic]})
    return arguments


@router.get(
    "/items",
    response={200: list[ItemSummaryOut], 400: ErrorOut, 429: ErrorOut},
    summary="The published service items",
)
@paginate(Pages)
def list_items(request: HttpRequest, filters: Query[CatalogueFilters]) -> Any:
    """Published items in department order, filtered; paged with ``limit`` (1–100, default
    20) and ``offset``."""
    _limit(request, scope="api:catalogue", rate=CATALOGUE_RATE)
    return queries.published_items(**_catalogue_filters(filters))


@router.get(
    "/items/{code}",
    response={200: ItemOut, 404: ErrorOut, 429: ErrorOut},
    summary="One service item with its materials, form and questions",
)
def get_item(request: HttpRequest, code: str) -> Any:
    _limit(request, scope="api:catalogue", rate=CATALOGUE_RATE)
    item = queries.published_item(code=code)
    if item is None:
        raise Http404
    return item


# --- Applications --------------------------------------------------------------------------

_APPLICATION_ERRORS = {
    401: ErrorOut,
    403: ErrorOut,
    404: ErrorOut,
    409: ErrorOut,
    422: ErrorOut,
    429: ErrorOut,
}


def _own(request: HttpRequest, pk: int) -> Application:
    application = queries.application_for(user=request.user, pk=pk)
    if application is None:  # someone else's or none: the same answer
        raise Http404
    return application


def _detail(application: Application) -> dict[str, Any]:
    case = application.case
    events = []
    if case is not None:
        for event in case_queries.case_history(case=case, public_only=True):
            try:
                state_label = str(case.type.state(event.to_state).label)
            except KeyError:
                state_label = event.to_state
            events.append(
                {
                    "at": event.at,
                    "action": event.transition,
                    "label": str(event.label),
                    "state": event.to_state,
                    "state_label": state_label,
                    "note": event.note,
                }
            )
    return {
        "application": application,
        "errors": actions.validation_errors(application=application) if case is None else {},
        "history": events,
    }


class _DetailView:
    """Adapts an application plus its computed parts to ``ApplicationDetailOut``."""

    def __init__(self, application: Application) -> None:
        parts = _detail(application)
        self._application = application
        self.errors = parts["errors"]
        self.history = parts["history"]
        self.form_data = application.form_data
        self.materials = list(queries.application_materials(application=application))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._application, name)


def _refused(error: actions.ApplicationError) -> ApiError:
    if isinstance(error, actions.ApplicationInvalidError):
        return ApiError(422, error, error.errors)
    if isinstance(error, actions.NotPublicUserError | actions.NotApplicantError):
        return ApiError(403, error)
    if isinstance(error, actions.ApplicationNotEditableError):
        return ApiError(409, error)
    return ApiError(400, error)


@router.get(
    "/applications",
    auth=django_auth,
    response={200: list[ApplicationOut], **_APPLICATION_ERRORS},
    summary="My applications, drafts and submitted, newest first",
)
@paginate(Pages)
def list_applications(request: HttpRequest) -> Any:
    _limit(request, scope="api:applications:read", rate=READ_RATE)
    return queries.applications_of(user=request.user)


@router.post(
    "/applications",
    auth=django_auth,
    response={201: ApplicationDetailOut, 400: ErrorOut, **_APPLICATION_ERRORS},
    summary="Start a draft application for an item",
)
def create_application(request: HttpRequest, payload: ApplicationIn) -> Any:
    """A new draft with the given form values (kept as they are; ``errors`` tells what must
    be fixed before submitting)."""
    _limit(request, scope="api:applications:write", rate=WRITE_RATE)
    item = queries.published_item(code=payload.item)
    if item is None:
        raise ApiError(404, _("There is no published service item with this code."))
    try:
        application = actions.start_application(item=item, applicant=request.user)
        if payload.form_data:
            actions.save_application_draft(
                application=application, actor=request.user, form_data=_typed(payload.form_data)
            )
    except actions.ApplicationError as error:
        raise _refused(error) from error
    return Status(201, _DetailView(_own(request, application.pk)))


@router.get(
    "/applications/{int:pk}",
    auth=django_auth,
    response={200: ApplicationDetailOut, **_APPLICATION_ERRORS},
    summary="One of my applications with its public history",
)
def get_application(request: HttpRequest, pk: int) -> Any:
    _limit(request, scope="api:applications:read", rate=READ_RATE)
    return _DetailView(_own(request, pk))


@router.put(
    "/applications/{int:pk}",
    auth=django_auth,
    response={200: ApplicationDetailOut, **_APPLICATION_ERRORS},
    summary="Save form values of a draft",
)
def save_application(request: HttpRequest, pk: int, payload: DraftIn) -> Any:
    """Merge the given values into the draft (fields not sent keep their value)."""
    _limit(request, scope="api:applications:write", rate=WRITE_RATE)
    application = _own(request, pk)
    try:
        actions.save_application_draft(
            application=application, actor=request.user, form_data=_typed(payload.form_data)
        )
    except actions.ApplicationError as error:
        raise _refused(error) from error
    return _DetailView(_own(request, pk))


@router.post(
    "/applications/{int:pk}/materials",
    auth=django_auth,
    response={201: StoredMaterialOut, 400: ErrorOut, **_APPLICATION_ERRORS},
    summary="Upload a file for a required material or a file field of the form",
)
def upload_material(
    request: HttpRequest,
    pk: int,
    file: File[UploadedFile],
    material_id: Form[int | None] = None,
    field_key: Form[str] = "",
) -> Any:
    """Multipart: ``file`` and either ``material_id`` (one of the item's materials) or
    ``field_key`` (a file field of its form). The file is checked by its content."""
    _limit(request, scope="api:applications:write", rate=WRITE_RATE)
    application = _own(request, pk)
    material = None
    if material_id is not None:
        material = application.item.materials.filter(pk=material_id).first()
        if material is None:
            raise ApiError(400, _("This item has no such material."), {"material_id": []})
    elif not field_key:
        raise ApiError(
            400, _("Say which material or form field the file is for."), {"material_id": []}
        )
    try:
        stored = actions.add_application_material(
            application=application,
            actor=request.user,
            upload=file,
            material=material,
            field_key=field_key,
        )
    except actions.ApplicationError as error:
        raise _refused(error) from error
    except ValidationError as error:
        raise ApiError(400, _("The file was refused."), {"file": error.messages}) from error
    return Status(201, stored)


@router.post(
    "/applications/{int:pk}/submit",
    auth=django_auth,
    response={200: ApplicationDetailOut, 400: ErrorOut, **_APPLICATION_ERRORS},
    summary="Submit a complete draft; the answer carries the tracking number",
)
def submit(request: HttpRequest, pk: int) -> Any:
    """Checks the form (the web form's validation) and the required materials; 422 with the
    messages per field when something is missing or wrong."""
    _limit(request, scope="api:applications:write", rate=WRITE_RATE)
    application = _own(request, pk)
    try:
        actions.submit_application(application=application, actor=request.user)
    except actions.ApplicationError as error:
        raise _refused(error) from error
    return _DetailView(_own(request, pk))
