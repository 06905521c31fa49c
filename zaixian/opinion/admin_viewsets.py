"""Topics, alert rules and response plans in the admin."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from zaixian.opinion.models import AlertRule, ResponsePlan, Topic


class TopicViewSet(SnippetViewSet):
    model = Topic
    icon = "tag"
    list_display = ["name", "all_words", "any_words", "none_words", "window", "is_active"]
    search_fields = ["name"]


class AlertRuleViewSet(SnippetViewSet):
    model = AlertRule
    icon = "warning"
    list_display = ["name", "topic", "window_hours", "min_items", "growth_factor", "is_active"]


class ResponsePlanViewSet(SnippetViewSet):
    model = ResponsePlan
    icon = "list-ol"
    list_display = ["name"]


class OpinionViewSetGroup(SnippetViewSetGroup):
    items = (TopicViewSet, AlertRuleViewSet, ResponsePlanViewSet)
    menu_icon = "tag"
    menu_label = _("Opinion settings")
    menu_name = "opinion-settings"
    menu_order = 262
