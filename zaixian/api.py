"""The platform's JSON API at ``/api/v1/``: one NinjaAPI that mounts every app's router, with
its OpenAPI document at ``/api/v1/openapi.json`` and the interactive docs at
``/api/v1/docs``. Errors are JSON ``{"detail": …, "errors": {field: [messages]}}`` in the
request's language (Chinese by default); see docs/api.md.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

from zaixian.analytics.api import router as analytics_router
from zaixian.opinion.api import router as opinion_router
from zaixian.services.api import MESSAGES, ApiError, ApiRateLimitedError
from zaixian.services.api import router as services_router

api = NinjaAPI(
    title="Zaixian API",
    version="1",
    description=(
        "The public service catalogue, and for signed-in citizens and businesses their "
        "applications. Authentication: the site's session cookie, with Django's CSRF token "
        "(X-CSRFToken header) on every write. Errors: JSON with `detail` and `errors`."
    ),
    urls_namespace="api-v1",
    docs_url="/docs",
    openapi_url="/openapi.json",
)
api.add_router("/services/", services_router)
api.add_router("/analytics/", analytics_router)
api.add_router("/opinion/", opinion_router)


def _error(request: HttpRequest, status: int, detail: Any, errors: Any = None) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(detail), "errors": errors or {}}, status=status
    )


@api.exception_handler(ApiError)
def on_api_error(request: HttpRequest, error: ApiError) -> HttpResponse:
    return _error(request, error.status, error.detail, error.errors)


@api.exception_handler(ApiRateLimitedError)
def on_rate_limited(request: HttpRequest, error: ApiRateLimitedError) -> HttpResponse:
    minutes = max(1, (error.retry_after + 59) // 60)
    response = _error(
        request,
        429,
        str(MESSAGES["rate_limited"]) % {"minutes": minutes},
    )
    response["Retry-After"] = str(error.retry_after)
    return response


@api.exception_handler(NinjaValidationError)
def on_invalid_request(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    """Input that does not fit the schema: which fields, and pydantic's description of each."""
    errors: dict[str, list[str]] = {}
    for problem in error.errors:
        location = [str(part) for part in problem.get("loc", ()) if part not in {"body", "payload"}]
        errors.setdefault(".".join(location) or "request", []).append(str(problem.get("msg", "")))
    return _error(request, 422, MESSAGES["invalid"], errors)


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request: HttpRequest, error: AuthenticationError) -> HttpResponse:
    return _error(request, 401, MESSAGES["unauthenticated"])


@api.exception_handler(Http404)
def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return _error(request, 404, MESSAGES["not_found"])


@api.exception_handler(HttpError)
def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if error.status_code == 403 and "CSRF" in str(error):
        return _error(request, 403, MESSAGES["csrf"])
    return _error(request, error.status_code, error)
