"""The catalogue in the admin ("Online services"): service items with their materials, form
fields and FAQ; life events; topics.

Who may change what is decided by ``queries`` (``items_editable_by``, ``may_edit_item``): an
officer changes only the items of the departments they see, a platform administrator all. The
permission policies below and the views' object checks both ask it, so a URL typed by hand is
refused like a hidden button.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Model, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import (
    FieldPanel,
    FieldRowPanel,
    InlinePanel,
    MultiFieldPanel,
    ObjectList,
)
from wagtail.snippets.views import snippets as snippet_views
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from zaixian.core.permission_policies import ManagedModelPermissionPolicy
from zaixian.services import queries
from zaixian.services.forms import ServiceItemAdminForm
from zaixian.services.models import LifeEvent, ServiceItem, ServiceTopic


class ServiceItemPermissionPolicy(ManagedModelPermissionPolicy):
    """Officers and leaders with a department manage their departments' items without a
    model permission of their own; everyone else needs Django's model permissions, and an
    instance must be one ``queries.items_editable_by`` returns."""

    def manages(self, user: Any) -> bool:
        return queries.may_add_items(user=user)

    def scope(self, user: Any) -> QuerySet[Any]:
        return queries.items_editable_by(user)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Model) -> bool:
        if not self.user_has_permission(user, action):
            return False
        return queries.may_edit_item(user=user, item=instance)  # type: ignore[arg-type]  # a ServiceItem


class CatalogueTermPermissionPolicy(ManagedModelPermissionPolicy):
    """Life events and topics are shared by all departments: platform administrators (or
    holders of the model permissions) edit them."""

    def manages(self, user: Any) -> bool:
        return queries.may_edit_catalogue_terms(user=user)


class _EditableItemMixin:
    """Refuse an item the user may not change, whatever the URL."""

    request: Any

    def get_object(self, queryset: Any = None) -> ServiceItem:
        item: ServiceItem = super().get_object(queryset)  # type: ignore[misc]  # mixed into a view
        if not queries.may_edit_item(user=self.request.user, item=item):
            raise PermissionDenied
        return item


class ServiceItemIndexView(snippet_views.IndexView):
    def get_base_queryset(self) -> QuerySet[Any]:
        return queries.items_editable_by(self.request.user).select_related("department")


class ServiceItemEditView(_EditableItemMixin, snippet_views.EditView):
    pass


class ServiceItemDeleteView(_EditableItemMixin, snippet_views.DeleteView):
    pass


class ServiceItemCopyView(_EditableItemMixin, snippet_views.CopyView):
    pass


class ServiceItemInspectView(_EditableItemMixin, snippet_views.InspectView):
    pass


class ServiceItemHistoryView(_EditableItemMixin, snippet_views.HistoryView):
    pass


class ServiceItemViewSet(SnippetViewSet):
    model = ServiceItem
    icon = "list-ul"
    menu_label = _("Service items")
    menu_order = 100
    list_display = ["name", "code", "department", "kind", "online_depth", "is_published"]
    list_filter = ["kind", "online_depth", "is_published"]
    search_fields = ["name", "code", "summary"]
    ordering = ["department__path", "code"]
    index_view_class = ServiceItemIndexView
    edit_view_class = ServiceItemEditView
    delete_view_class = ServiceItemDeleteView
    copy_view_class = ServiceItemCopyView
    inspect_view_class = ServiceItemInspectView
    history_view_class = ServiceItemHistoryView
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldRowPanel([FieldPanel("code"), FieldPanel("kind")]),
                    FieldPanel("name"),
                    FieldPanel("department"),
                    FieldRowPanel([FieldPanel("for_citizens"), FieldPanel("for_businesses")]),
                    FieldPanel("summary"),
                    FieldPanel("is_published"),
                ],
                heading=_("Item"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("legal_basis"),
                    FieldPanel("conditions"),
                    FieldPanel("fees"),
                    FieldRowPanel([FieldPanel("statutory_days"), FieldPanel("promised_days")]),
                    FieldRowPanel([FieldPanel("online_depth"), FieldPanel("visits_needed")]),
                ],
                heading=_("Service guide"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("venue"),
                    FieldPanel("office_hours"),
                    FieldRowPanel(
                        [FieldPanel("consultation_phone"), FieldPanel("complaint_phone")]
                    ),
                ],
                heading=_("Where and when"),
            ),
            MultiFieldPanel(
                [FieldPanel("life_events"), FieldPanel("topics")],
                heading=_("Browsing"),
            ),
            InlinePanel("materials", heading=_("Required materials"), label=_("Material")),
            InlinePanel(
                "form_fields",
                heading=_("Application form"),
                label=_("Field"),
                help_text=_(
                    "The fields applicants fill in online. Personal fields (ID number, phone, "
                    "address) are masked on officers' screens until shown on purpose."
                ),
            ),
            InlinePanel("faqs", heading=_("Frequently asked questions"), label=_("Question")),
        ],
        base_form_class=ServiceItemAdminForm,
    )


class LifeEventViewSet(SnippetViewSet):
    model = LifeEvent
    icon = "date"
    menu_label = _("Life events")
    menu_order = 200
    list_display = ["name", "audience", "slug", "sort_order"]
    list_filter = ["audience"]
    ordering = ["audience", "sort_order", "name"]


class ServiceTopicViewSet(SnippetViewSet):
    model = ServiceTopic
    icon = "tag"
    menu_label = _("Topics")
    menu_order = 300
    list_display = ["name", "slug", "sort_order"]
    ordering = ["sort_order", "name"]


class OnlineServicesViewSetGroup(SnippetViewSetGroup):
    items = (ServiceItemViewSet, LifeEventViewSet, ServiceTopicViewSet)
    menu_label = _("Online services")
    menu_icon = "site"
    menu_order = 260
