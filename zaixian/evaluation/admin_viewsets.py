"""The evaluated sites and the wording rules in the admin: platform administrators manage
them; a site administrator edits the sites of their own departments."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from zaixian.core.permission_policies import ManagedModelPermissionPolicy
from zaixian.evaluation import queries
from zaixian.evaluation.models import EvaluationTarget, WordingRule


class TargetPermissionPolicy(ManagedModelPermissionPolicy):
    def manages(self, user: Any) -> bool:
        return queries.can_manage_targets(user)

    def scope(self, user: Any) -> QuerySet[Any] | None:
        return queries.targets_visible_to(user)


class EvaluationTargetViewSet(SnippetViewSet):
    model = EvaluationTarget
    icon = "site"
    list_display = ["name", "base_url", "department", "max_pages", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["name", "base_url"]


class WordingRulePermissionPolicy(ManagedModelPermissionPolicy):
    def manages(self, user: Any) -> bool:
        return queries.can_manage_targets(user)


class WordingRuleViewSet(SnippetViewSet):
    model = WordingRule
    icon = "spell-check"
    list_display = ["wrong", "correct", "kind", "is_serious", "is_active"]
    list_filter = ["kind", "is_serious", "is_active"]
    search_fields = ["wrong", "correct", "note"]


class EvaluationViewSetGroup(SnippetViewSetGroup):
    items = (EvaluationTargetViewSet, WordingRuleViewSet)
    menu_icon = "tasks"
    menu_label = _("Self-evaluation settings")
    menu_name = "evaluation-settings"
    menu_order = 272
