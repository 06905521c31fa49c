"""Registration only: the hotline's admin pages (console, cases, dashboard, bulletin), its
menu, and the viewsets of its reference data."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from zaixian.core.queries import user_has_role
from zaixian.core.roles import Role
from zaixian.hotline import views
from zaixian.hotline.admin_viewsets import (
    CentrePermissionPolicy,
    HotlineViewSetGroup,
    KnowledgePermissionPolicy,
    TypicalCasePermissionPolicy,
)
from zaixian.hotline.models import (
    DispatchRule,
    HotlineCategory,
    KnowledgeEntry,
    Open311Client,
    TypicalCase,
)

for _model in (HotlineCategory, DispatchRule, Open311Client):
    register_permission_policy(_model, CentrePermissionPolicy(_model), exact_class=True)
register_permission_policy(TypicalCase, TypicalCasePermissionPolicy(TypicalCase), exact_class=True)
register_permission_policy(
    KnowledgeEntry, KnowledgePermissionPolicy(KnowledgeEntry), exact_class=True
)
register_snippet(HotlineViewSetGroup)

admin_urlpatterns = [
    path("", views.CaseListView.as_view(), name="cases"),
    path("console/", views.ConsoleView.as_view(), name="console"),
    path("lookup/", views.lookup, name="lookup"),
    path("knowledge/", views.knowledge_search, name="knowledge"),
    path("dashboard/", views.DashboardView.as_view(), name="dashboard"),
    path("bulletin/", views.BulletinView.as_view(), name="bulletin"),
    path("<int:pk>/", views.CaseDeskView.as_view(), name="case"),
]


@hooks.register("register_admin_urls")
def register_hotline_admin_urls() -> list[Any]:
    return [
        path("hotline/", include((admin_urlpatterns, "hotline_admin"), namespace="hotline_admin"))
    ]


def _is_centre(request: HttpRequest) -> bool:
    return user_has_role(request.user, Role.HOTLINE_OPERATOR)


def _sees_hotline(request: HttpRequest) -> bool:
    user = request.user
    return (
        _is_centre(request)
        or user_has_role(user, Role.CASE_OFFICER)
        or user_has_role(user, Role.LEADER)
    )


class CentreMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _is_centre(request)


class HotlineMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _sees_hotline(request)


class HotlineSubmenu(SubmenuMenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _sees_hotline(request)


@hooks.register("register_admin_menu_item")
def register_hotline_menu() -> MenuItem:
    menu = Menu(
        items=[
            CentreMenuItem(
                _("Register a call"), reverse("hotline_admin:console"), icon_name="plus", order=100
            ),
            HotlineMenuItem(
                _("Hotline cases"), reverse("hotline_admin:cases"), icon_name="list-ul", order=200
            ),
            CentreMenuItem(
                _("Hotline dashboard"),
                reverse("hotline_admin:dashboard"),
                icon_name="view",
                order=300,
            ),
            CentreMenuItem(
                _("Monthly bulletin"),
                reverse("hotline_admin:bulletin"),
                icon_name="doc-full",
                order=400,
            ),
        ]
    )
    return HotlineSubmenu(_("Mayor's hotline"), menu, icon_name="mail", order=255)
