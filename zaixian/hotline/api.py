"""Open311 GeoReport v2 under ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2).

Plain Django views rather than a Ninja router: the spec puts the format in the path
(``services.xml``/``services.json``), requires XML and has its own error bodies
(``[{"code": 400, "description": "…"}]`` / ``<errors><error><code>…``). Submission needs an
``api_key`` (clients are managed in the admin, keys stored hashed); reading is public and shows
no personal data (the text masked, no name or phone). CSRF-exempt (a machine API with keys)
and rate limited per client address.
"""

from __future__ import annotations

import json
from datetime import datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from zaixian.core.ratelimit import hit_for_request
from zaixian.hotline import actions, queries, rules
from zaixian.hotline.models import HotlineCase, HotlineCategory

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
CHANGESET = "2026-11-27T00:00:00+08:00"
FORMATS = {"json": "application/json; charset=utf-8", "xml": "text/xml; charset=utf-8"}
READ_RATE = "120/m"
WRITE_RATE = "20/m"
DEFAULT_PERIOD_DAYS = 90  # the spec's default window for GET requests
MAX_REQUESTS = 1000


class Open311Error(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


# --- Rendering -----------------------------------------------------------------------------


def _xml_value(parent: ElementTree.Element, key: str, value: Any) -> None:
    element = ElementTree.SubElement(parent, key)
    if isinstance(value, dict):
        for child_key, child_value in value.items():
            _xml_value(element, child_key, child_value)
    elif isinstance(value, list):
        for item in value:
            if isinstance(item, dict):
                child = ElementTree.SubElement(element, _singular(key))
                for child_key, child_value in item.items():
                    _xml_value(child, child_key, child_value)
            else:
                ElementTree.SubElement(element, _singular(key)).text = str(item)
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)


def _render(fmt: str, payload: Any, *, root: str, item: str, status: int = 200) -> HttpResponse:
    """JSON as is; XML with ``root`` holding one ``item`` element per entry of a list (or
    the fields of a single object)."""
    if fmt == "json":
        body = json.dumps(payload, ensure_ascii=False, default=str)
        return HttpResponse(body, content_type=FORMATS["json"], status=status)
    top = ElementTree.Element(root)
    for entry in payload if isinstance(payload, list) else [payload]:
        element = ElementTree.SubElement(top, item) if isinstance(payload, list) else top
        for key, value in entry.items():
            _xml_value(element, key, value)
    body = ElementTree.tostring(top, encoding="unicode")
    return HttpResponse(
        '<?xml version="1.0" encoding="utf-8"?>' + body, content_type=FORMATS["xml"], status=status
    )


def _singular(key: str) -> str:
    return {"attributes": "attribute", "endpoints": "endpoint", "formats": "format"}.get(
        key, key.rstrip("s")
    )


def _error(fmt: str, status: int, description: str) -> HttpResponse:
    return _render(
        fmt if fmt in FORMATS else "xml",
        [{"code": status, "description": description}],
        root="errors",
        item="error",
        status=status,
    )


def _w3(value: datetime | None) -> str | None:
    return timezone.localtime(value).isoformat(timespec="seconds") if value else None


def _guard(fmt: str, request: HttpRequest, *, write: bool = False) -> HttpResponse | None:
    if fmt not in FORMATS:
        return _error("xml", 404, _("Unknown format: use .xml or .json."))
    usage = hit_for_request(
        request=request,
        scope="open311:write" if write else "open311:read",
        rate=WRITE_RATE if write else READ_RATE,
    )
    if usage.is_exceeded:
        response = _error(fmt, 429, _("Too many requests; try again later."))
        response["Retry-After"] = str(usage.retry_after)
        return response
    return None


# --- Discovery and services ----------------------------------------------------------------


def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _guard(fmt, request)) is not None:
        return refused
    url = request.build_absolute_uri(reverse("open311:discovery", args=[fmt]))
    payload = {
        "changeset": CHANGESET,
        "contact": _("12345 hotline centre"),
        "key_service": _("API keys are issued by the hotline centre."),
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": url.rsplit("/discovery.", 1)[0],
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return _render(fmt, payload, root="discovery", item="discovery")


def _service(category: HotlineCategory) -> dict[str, Any]:
    return {
        "service_code": category.code,
        "service_name": category.name,
        "description": category.description,
        "metadata": False,
        "type": "realtime",
        "keywords": "",
        "group": category.group,
    }


def services(request: HttpRequest, fmt: str) -> HttpResponse:
    if (refused := _guard(fmt, request)) is not None:
        return refused
    payload = [_service(category) for category in queries.active_categories()]
    return _render(fmt, payload, root="services", item="service")


def service_definition(request: HttpRequest, service_code: str, fmt: str) -> HttpResponse:
    if (refused := _guard(fmt, request)) is not None:
        return refused
    category = queries.active_categories().filter(code=service_code).first()
    if category is None:
        return _error(fmt, 404, _("Unknown service_code: %(code)s") % {"code": service_code})
    # Our services take no extra attributes (metadata is false); the definition lists none.
    payload = {"service_code": category.code, "attributes": []}
    return _render(fmt, payload, root="service_definition", item="service_definition")


# --- Requests ------------------------------------------------------------------------------


def _status(hotline_case: HotlineCase) -> str:
    return "closed" if hotline_case.case.is_closed else "open"


def _public_request(hotline_case: HotlineCase) -> dict[str, Any]:
    case = hotline_case.case
    expected = case.due_at
    if expected is None and case.due_on is not None:
        expected = timezone.make_aware(datetime.combine(case.due_on, time(23, 59, 59)))
    masked = rules.mask_text(
        hotline_case.content,
        names=[hotline_case.caller_name],
        addresses=[hotline_case.caller_address],
    )
    return {
        "service_request_id": case.tracking_number,
        "status": _status(hotline_case),
        "status_notes": str(case.get_state_display()),
        "service_name": hotline_case.category.name,
        "service_code": hotline_case.category.code,
        "description": masked,
        "agency_responsible": hotline_case.lead_department.name
        if hotline_case.lead_department
        else "",
        "service_notice": "",
        "requested_datetime": _w3(hotline_case.received_at),
        "updated_datetime": _w3(case.updated_at),
        "expected_datetime": _w3(expected if not case.is_closed else None),
        "address": rules.public_address(hotline_case.caller_address),
        "address_id": "",
        "zipcode": "",
        "lat": str(hotline_case.latitude) if hotline_case.latitude is not None else "",
        "long": str(hotline_case.longitude) if hotline_case.longitude is not None else "",
        "media_url": "",
    }


def _parse_date(value: str, name: str) -> datetime:
    parsed = parse_datetime(value.replace(" ", "+")) if value else None
    if parsed is None or parsed.tzinfo is None:
        raise Open311Error(
            400,
            _("%(name)s must be a W3C date-time with a time zone, e.g. 2026-11-27T08:00:00+08:00.")
            % {"name": name},
        )
    return parsed


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    params = request.GET
    ids = [item.strip() for item in params.get("service_request_id", "").split(",") if item]
    status = params.get("status", "")
    try:
        if status and status not in ("open", "closed"):
            raise Open311Error(400, _("status must be open or closed."))
        start = _parse_date(params["start_date"], "start_date") if "start_date" in params else None
        end = _parse_date(params["end_date"], "end_date") if "end_date" in params else None
    except Open311Error as error:
        return _error(fmt, error.status, error.description)
    if not ids and start is None and end is None:
        start = timezone.now() - timedelta(days=DEFAULT_PERIOD_DAYS)
    found = queries.open311_requests(
        ids=ids,
        service_code=params.get("service_code", ""),
        start=start,
        end=end,
        status=status,
        limit=MAX_REQUESTS,
    )
    payload = [_public_request(hotline_case) for hotline_case in found]
    return _render(fmt, payload, root="service_requests", item="request")


def _decimal(value: str, name: str, low: int, high: int) -> Decimal | None:
    if not value:
        return None
    try:
        number = Decimal(value)
    except InvalidOperation:
        number = None
    if number is None or not low <= number <= high:
        raise Open311Error(400, _("%(name)s is not a valid coordinate.") % {"name": name})
    return number.quantize(Decimal("0.000001"))


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    data = request.POST
    client = queries.open311_client_for_key(data.get("api_key", ""))
    if client is None:
        return _error(fmt, 403, _("api_key is missing or invalid."))
    try:
        code = data.get("service_code", "").strip()
        if not code:
            raise Open311Error(400, _("service_code is required."))
        category = queries.active_categories().filter(code=code).first()
        if category is None:
            raise Open311Error(400, _("Unknown service_code: %(code)s") % {"code": code})
        latitude = _decimal(data.get("lat", ""), "lat", -90, 90)
        longitude = _decimal(data.get("long", ""), "long", -180, 180)
        address = data.get("address_string", "").strip()[:200]
        if (latitude is None or longitude is None) and not address:
            raise Open311Error(400, _("A location is required: lat and long, or address_string."))
        description = data.get("description", "").strip()
        if not description:
            raise Open311Error(400, _("description is required."))
        if len(description) > 4000:
            raise Open311Error(400, _("description is longer than 4000 characters."))
        phone = rules.normalise_phone(data.get("phone", ""))
        if phone and len(phone) not in range(7, 13):
            raise Open311Error(400, _("phone is not a valid phone number."))
    except Open311Error as error:
        return _error(fmt, error.status, error.description)
    name = f"{data.get('last_name', '')}{data.get('first_name', '')}".strip()[:100]
    try:
        hotline_case = actions.register_case(
            channel=rules.Channel.OPEN311,
            kind=rules.Kind.HELP,
            category=category,
            content=description,
            caller_name=name or _("Open311 user"),
            caller_phone=phone,
            caller_address=address,
            email=data.get("email", "")[:254],
            open311_client=client,
            latitude=latitude,
            longitude=longitude,
        )
    except actions.HotlineError as error:
        return _error(fmt, 503, str(error))
    actions.touch_open311_client(client=client)
    payload = [
        {
            "service_request_id": hotline_case.case.tracking_number,
            "token": hotline_case.open311_token,
            "service_notice": _("Keep the request id to follow your request."),
            "account_id": "",
        }
    ]
    return _render(fmt, payload, root="service_requests", item="request", status=201)


@csrf_exempt
def requests_view(request: HttpRequest, fmt: str) -> HttpResponse:
    if request.method not in ("GET", "POST"):
        return _error(fmt, 405, _("Only GET and POST are allowed."))
    if (refused := _guard(fmt, request, write=request.method == "POST")) is not None:
        return refused
    if request.method == "POST":
        return _create_request(request, fmt)
    return _list_requests(request, fmt)


def request_detail(request: HttpRequest, service_request_id: str, fmt: str) -> HttpResponse:
    if (refused := _guard(fmt, request)) is not None:
        return refused
    found = list(queries.open311_requests(ids=[service_request_id], limit=1))
    if not found:
        return _error(
            fmt, 404, _("Unknown service_request_id: %(id)s") % {"id": service_request_id}
        )
    return _render(fmt, [_public_request(found[0])], root="service_requests", item="request")


def token_detail(request: HttpRequest, token: str, fmt: str) -> HttpResponse:
    if (refused := _guard(fmt, request)) is not None:
        return refused
    hotline_case = queries.open311_request_for_token(token)
    if hotline_case is None:
        return _error(fmt, 404, _("Unknown token: %(token)s") % {"token": token})
    payload = [{"service_request_id": hotline_case.case.tracking_number, "token": token}]
    return _render(fmt, payload, root="service_requests", item="request")
