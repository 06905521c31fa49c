"""The hotline's admin viewsets: categories, dispatch rules, the knowledge base, Open311
clients and typical cases under one "Hotline" menu group."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from zaixian.hotline import actions
from zaixian.hotline.models import (
    DispatchRule,
    HotlineCategory,
    KnowledgeEntry,
    Open311Client,
    TypicalCase,
)


class HotlineCategoryViewSet(SnippetViewSet):
    model = HotlineCategory
    icon = "tag"
    menu_label = gettext_lazy("Categories")
    menu_order = 100
    list_display = ["name", "code", "group", "default_urgency", "is_active"]
    list_filter = ["is_active", "default_urgency"]


class DispatchRuleViewSet(SnippetViewSet):
    model = DispatchRule
    icon = "redirect"
    menu_label = gettext_lazy("Dispatch rules")
    menu_order = 200
    list_display = ["__str__", "weight", "is_active"]


class KnowledgeEntryViewSet(SnippetViewSet):
    model = KnowledgeEntry
    icon = "help"
    menu_label = gettext_lazy("Knowledge base")
    menu_order = 300
    list_display = ["question", "department", "category", "is_published", "updated_at"]
    list_filter = ["department", "is_published"]
    search_fields = ["question", "answer", "keywords"]


class Open311ClientForm(WagtailAdminModelForm):
    class Meta:
        model = Open311Client
        fields = ["name", "contact", "is_active"]


class Open311ClientCreateView(CreateView):
    """Creating a client issues its key, shown once."""

    def save_instance(self) -> Any:
        client, raw_key = actions.create_open311_client(
            name=self.form.cleaned_data["name"], contact=self.form.cleaned_data["contact"]
        )
        messages.warning(
            self.request,
            _("The API key of %(name)s, shown only now: %(key)s")
            % {"name": client.name, "key": raw_key},
        )
        return client


class Open311ClientViewSet(SnippetViewSet):
    model = Open311Client
    icon = "key"
    menu_label = gettext_lazy("Open311 clients")
    menu_order = 400
    list_display = ["name", "key_prefix", "is_active", "last_used_at"]
    base_form_class = Open311ClientForm
    add_view_class = Open311ClientCreateView


class TypicalCaseForm(WagtailAdminModelForm):
    class Meta:
        model = TypicalCase
        fields = ["title", "content", "reply"]
        widgets = {"hotline_case": forms.HiddenInput}


class TypicalCaseViewSet(SnippetViewSet):
    model = TypicalCase
    icon = "doc-full"
    menu_label = gettext_lazy("Typical cases")
    menu_order = 500
    list_display = ["title", "status", "published_at"]
    list_filter = ["status"]
    base_form_class = TypicalCaseForm


class HotlineViewSetGroup(SnippetViewSetGroup):
    items = (
        HotlineCategoryViewSet,
        DispatchRuleViewSet,
        KnowledgeEntryViewSet,
        Open311ClientViewSet,
        TypicalCaseViewSet,
    )
    menu_label = gettext_lazy("Hotline settings")
    menu_icon = "call"
    menu_order = 270
