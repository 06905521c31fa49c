"""Registration only: admin viewsets, the audit log report and our log actions."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import URLPattern, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from zaixian.core.admin_viewsets import PlatformViewSetGroup
from zaixian.core.audit import LOG_ACTIONS
from zaixian.core.views import AUDIT_LOG_PERMISSION, AuditLogView


@hooks.register("register_admin_viewset")
def register_platform_viewsets() -> PlatformViewSetGroup:
    return PlatformViewSetGroup()


@hooks.register("register_log_actions")
def register_zaixian_log_actions(actions: Any) -> None:
    for action, (label, message) in LOG_ACTIONS.items():
        actions.register_action(action, label, message)


@hooks.register("register_admin_urls")
def register_audit_log_urls() -> list[URLPattern]:
    return [
        path("reports/audit-log/", AuditLogView.as_view(), name="zaixian_audit_log"),
        path(
            "reports/audit-log/results/",
            AuditLogView.as_view(results_only=True),
            name="zaixian_audit_log_results",
        ),
    ]


class AuditLogMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return bool(request.user.has_perm(AUDIT_LOG_PERMISSION))


@hooks.register("register_reports_menu_item")
def register_audit_log_menu_item() -> MenuItem:
    return AuditLogMenuItem(
        _("Audit log"),
        reverse("zaixian_audit_log"),
        name="audit-log",
        icon_name="list-ul",
        order=1100,
    )
