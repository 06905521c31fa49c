"""The hotline's admin viewsets: categories, dispatch rules, the knowledge base, Open311
clients and typical cases under one "Hotline" menu group."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import CreateView, SnippetViewSet, SnippetViewSetGroup

from zaixian.core.models import Department
from zaixian.core.permission_policies import ManagedModelPermissionPolicy
from zaixian.core.queries import departments_visible_to
from zaixian.hotline import actions, queries
from zaixian.hotline.models import (
    DispatchRule,
    HotlineCategory,
    KnowledgeEntry,
    Open311Client,
    TypicalCase,
)


class CentrePermissionPolicy(ManagedModelPermissionPolicy):
    """The hotline centre's staff manage the hotline's reference data (categories, dispatch
    rules, Open311 clients, typical cases); others need Django's model permissions."""

    def manages(self, user: Any) -> bool:
        return queries.is_centre_staff(user)


class TypicalCasePermissionPolicy(CentrePermissionPolicy):
    """Typical cases are drafted and published on the hotline desk, which masks personal
    data; the listing only shows them and lets the centre take one down."""

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in {"add", "change"}:
            return False
        return super().user_has_permission(user, action)


class KnowledgePermissionPolicy(CentrePermissionPolicy):
    """Departments keep their own knowledge-base entries current; the centre keeps all."""

    def manages(self, user: Any) -> bool:
        return queries.may_keep_knowledge(user)

    def scope(self, user: Any) -> QuerySet[Any]:
        return queries.knowledge_for_user(user)


class KnowledgeEntryForm(WagtailAdminModelForm):
    """A department officer chooses among the departments they see."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if "department" not in self.fields:
            return
        if user is not None and not queries.is_centre_staff(user):
            self.fields["department"].queryset = departments_visible_to(user)
        else:
            self.fields["department"].queryset = Department.objects.order_by("path")


class _OwnEntryMixin:
    request: Any

    def get_object(self, queryset: Any = None) -> KnowledgeEntry:
        entry: KnowledgeEntry = super().get_object(queryset)  # type: ignore[misc]  # a mixin
        if not queries.knowledge_for_user(self.request.user).filter(pk=entry.pk).exists():
            raise PermissionDenied
        return entry


class KnowledgeIndexView(snippet_views.IndexView):
    def get_base_queryset(self) -> QuerySet[Any]:
        return queries.knowledge_for_user(self.request.user).select_related("department")


class KnowledgeEditView(_OwnEntryMixin, snippet_views.EditView):
    pass


class KnowledgeDeleteView(_OwnEntryMixin, snippet_views.DeleteView):
    pass


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
    list_filter = ["is_published"]
    edit_handler = ObjectList(
        [
            FieldPanel("department"),
            FieldPanel("category"),
            FieldPanel("question"),
            FieldPanel("answer"),
            FieldPanel("keywords"),
            FieldPanel("is_published"),
        ],
        base_form_class=KnowledgeEntryForm,
    )
    index_view_class = KnowledgeIndexView
    edit_view_class = KnowledgeEditView
    delete_view_class = KnowledgeDeleteView


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
    edit_handler = ObjectList(
        [FieldPanel("name"), FieldPanel("contact"), FieldPanel("is_active")],
        base_form_class=Open311ClientForm,
    )
    add_view_class = Open311ClientCreateView


class TypicalCaseViewSet(SnippetViewSet):
    model = TypicalCase
    icon = "doc-full"
    menu_label = gettext_lazy("Typical cases")
    menu_order = 500
    list_display = ["title", "status", "published_at"]
    list_filter = ["status"]


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
