"""Registration only: the case engine's admin pages and menu."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem

from zaixian.cases import views
from zaixian.core.queries import user_has_role
from zaixian.core.roles import Role

admin_urlpatterns = [
    path("", views.WorklistView.as_view(), name="worklist"),
    path("<int:pk>/", views.CaseDeskView.as_view(), name="case"),
    path("overview/", views.DeadlineOverviewView.as_view(), name="overview"),
    path("types/", views.CaseTypesView.as_view(), name="types"),
]


@hooks.register("register_admin_urls")
def register_case_admin_urls() -> list[Any]:
    return [path("cases/", include((admin_urlpatterns, "cases_admin"), namespace="cases_admin"))]


def _handles_cases(request: HttpRequest) -> bool:
    user = request.user
    return user_has_role(user, Role.CASE_OFFICER) or user_has_role(user, Role.LEADER)


class CaseMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _handles_cases(request)


class CaseSubmenu(SubmenuMenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return _handles_cases(request)


@hooks.register("register_admin_menu_item")
def register_case_menu() -> MenuItem:
    menu = Menu(
        items=[
            CaseMenuItem(
                _("Worklist"), reverse("cases_admin:worklist"), icon_name="tasks", order=100
            ),
            CaseMenuItem(
                _("Deadline overview"),
                reverse("cases_admin:overview"),
                icon_name="time",
                order=200,
            ),
            CaseMenuItem(
                _("Case types"), reverse("cases_admin:types"), icon_name="list-ul", order=300
            ),
        ]
    )
    return CaseSubmenu(_("Cases"), menu, icon_name="folder-open-inverse", order=250)
