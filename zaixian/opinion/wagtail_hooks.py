"""Registration only: the analysts' dashboard in the admin menu, for analysts and leaders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.snippets.models import register_snippet

from zaixian.opinion import queries, views
from zaixian.opinion.admin_viewsets import OpinionViewSetGroup

register_snippet(OpinionViewSetGroup)

admin_urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("alerts/<int:pk>/decide/", views.decide_alert, name="decide_alert"),
    path("steps/<int:pk>/complete/", views.complete_step, name="complete_step"),
    path("incidents/<int:pk>/milestone/", views.record_milestone, name="record_milestone"),
    path("incidents/<int:pk>/close/", views.close_incident, name="close_incident"),
    path("events/<int:pk>/", views.EventView.as_view(), name="event"),
    path("events/<int:pk>/flash-report/", views.flash_report, name="flash_report"),
    path("reprints/", views.ReprintsView.as_view(), name="reprints"),
]


@hooks.register("register_admin_urls")
def register_opinion_admin_urls() -> list[Any]:
    return [
        path("opinion/", include((admin_urlpatterns, "opinion_admin"), namespace="opinion_admin"))
    ]


class WatchMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return queries.can_watch(request.user)


@hooks.register("register_admin_menu_item")
def register_opinion_menu() -> MenuItem:
    return WatchMenuItem(
        _("Public-opinion watch"), reverse("opinion_admin:dashboard"), icon_name="view", order=260
    )
