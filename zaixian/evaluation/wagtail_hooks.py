"""Registration only: the self-evaluation in the admin menu, for site and platform
administrators and leaders."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from zaixian.evaluation import queries, views
from zaixian.evaluation.admin_viewsets import (
    EvaluationViewSetGroup,
    TargetPermissionPolicy,
    WordingRulePermissionPolicy,
)
from zaixian.evaluation.models import EvaluationTarget, WordingRule

register_permission_policy(
    EvaluationTarget, TargetPermissionPolicy(EvaluationTarget), exact_class=True
)
register_permission_policy(WordingRule, WordingRulePermissionPolicy(WordingRule), exact_class=True)
register_snippet(EvaluationViewSetGroup)

admin_urlpatterns = [
    path("", views.DashboardView.as_view(), name="dashboard"),
    path("runs/<int:pk>/", views.RunView.as_view(), name="run"),
    path("runs/<int:pk>/report.<str:fmt>", views.download_run_report, name="run_report"),
    path("sites/<int:target_id>/start/", views.start_run, name="start_run"),
    path("sites/<int:target_id>/yearly/", views.download_yearly_report, name="yearly_report"),
]


@hooks.register("register_admin_urls")
def register_evaluation_admin_urls() -> list[Any]:
    return [
        path(
            "evaluation/",
            include((admin_urlpatterns, "evaluation_admin"), namespace="evaluation_admin"),
        )
    ]


class EvaluationMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return queries.can_view_evaluation(request.user)


@hooks.register("register_admin_menu_item")
def register_evaluation_menu() -> MenuItem:
    return EvaluationMenuItem(
        _("Site self-evaluation"),
        reverse("evaluation_admin:dashboard"),
        icon_name="tasks",
        order=270,
    )
