"""The engine's sources and collections in the admin, with each source's health record."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from zaixian.monitoring.models import Source, SourceCollection


class SourceViewSet(SnippetViewSet):
    model = Source
    icon = "link"
    list_display = [
        "name",
        "kind",
        "collection",
        "last_success_at",
        "consecutive_errors",
        "last_error",
    ]
    list_filter = ["kind", "collection", "is_active"]
    search_fields = ["name", "outlet", "url"]
    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("outlet")]),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("collection")]),
        FieldPanel("url"),
        MultiFieldPanel(
            [
                FieldPanel("link_selector"),
                FieldPanel("title_selector"),
                FieldPanel("time_selector"),
                FieldPanel("body_selector"),
                FieldPanel("field_map"),
            ],
            heading=_("Extraction"),
        ),
        FieldRowPanel([FieldPanel("interval_minutes"), FieldPanel("is_active")]),
    ]


class SourceCollectionViewSet(SnippetViewSet):
    model = SourceCollection
    icon = "folder-open-inverse"
    list_display = ["name", "slug", "weight"]


class MonitoringViewSetGroup(SnippetViewSetGroup):
    items = (SourceViewSet, SourceCollectionViewSet)
    menu_icon = "link"
    menu_label = _("Monitoring sources")
    menu_name = "monitoring"
    menu_order = 261
