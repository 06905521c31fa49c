"""Registration only: the "Web analytics" admin menu item and its pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, re_path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from zaixian.analytics import reports, views

admin_urlpatterns = [
    path("", views.AnalyticsReportView.as_view(), name="index"),
    re_path(r"^export\.(?P<fmt>csv|xlsx)$", views.export_report, name="export"),
]


@hooks.register("register_admin_urls")
def register_analytics_admin_urls() -> list[Any]:
    return [
        path(
            "analytics/",
            include((admin_urlpatterns, "analytics_admin"), namespace="analytics_admin"),
        )
    ]


class AnalyticsMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return reports.may_view_analytics(request.user)


@hooks.register("register_admin_menu_item")
def register_analytics_menu_item() -> MenuItem:
    return AnalyticsMenuItem(
        _("Web analytics"), reverse("analytics_admin:index"), icon_name="view", order=270
    )
