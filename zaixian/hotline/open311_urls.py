"""Open311 GeoReport v2 under /open311/v2/."""

from django.urls import re_path

from zaixian.hotline import api

app_name = "open311"

_FMT = r"(?P<fmt>[a-z]+)"

urlpatterns = [
    re_path(rf"^discovery\.{_FMT}$", api.discovery, name="discovery"),
    re_path(rf"^services\.{_FMT}$", api.services, name="services"),
    re_path(
        rf"^services/(?P<service_code>[a-z0-9-]+)\.{_FMT}$", api.service_definition, name="service"
    ),
    re_path(rf"^requests\.{_FMT}$", api.requests_view, name="requests"),
    re_path(
        rf"^requests/(?P<service_request_id>[0-9A-Za-z]+)\.{_FMT}$",
        api.request_detail,
        name="request",
    ),
    re_path(rf"^tokens/(?P<token>[0-9a-f]+)\.{_FMT}$", api.token_detail, name="token"),
]
