"""Registration only: the "Online services" admin menu (catalogue viewsets), its permission
policies, and the admin page with an application's unmasked form data."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from zaixian.services import views
from zaixian.services.admin_viewsets import (
    CatalogueTermPermissionPolicy,
    OnlineServicesViewSetGroup,
    ServiceItemPermissionPolicy,
)
from zaixian.services.models import LifeEvent, ServiceItem, ServiceTopic

register_permission_policy(ServiceItem, ServiceItemPermissionPolicy(ServiceItem), exact_class=True)
register_permission_policy(LifeEvent, CatalogueTermPermissionPolicy(LifeEvent), exact_class=True)
register_permission_policy(
    ServiceTopic, CatalogueTermPermissionPolicy(ServiceTopic), exact_class=True
)
register_snippet(OnlineServicesViewSetGroup)

admin_urlpatterns = [
    path(
        "applications/<int:case_pk>/form-data/",
        views.ApplicationPersonalDataView.as_view(),
        name="personal_data",
    ),
]


@hooks.register("register_admin_urls")
def register_services_admin_urls() -> list[Any]:
    return [
        path(
            "services/",
            include((admin_urlpatterns, "services_admin"), namespace="services_admin"),
        )
    ]


# --- Statistics (reports) ---

from django.http import HttpRequest  # noqa: E402 — the statistics block is appended on its own
from django.urls import reverse  # noqa: E402
from django.utils.translation import gettext_lazy as _  # noqa: E402
from wagtail.admin.menu import MenuItem  # noqa: E402

from zaixian.services import reports, statistics_views  # noqa: E402

statistics_urlpatterns = [
    path("", statistics_views.StatisticsView.as_view(), name="index"),
    path("export/", statistics_views.StatisticsExportView.as_view(), name="export"),
]


@hooks.register("register_admin_urls")
def register_statistics_admin_urls() -> list[Any]:
    return [
        path(
            "services/statistics/",
            include(
                (statistics_urlpatterns, "services_statistics"), namespace="services_statistics"
            ),
        )
    ]


class StatisticsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return reports.may_view_statistics(request.user)


@hooks.register("register_admin_menu_item")
def register_statistics_menu_item() -> MenuItem:
    return StatisticsMenuItem(
        _("Service statistics"),
        reverse("services_statistics:index"),
        icon_name="table",
        order=260,
    )
