"""Registration only: the disclosure office's reports in the admin, their menu, and the rule
that an item stays in its organisation's catalogue when pages are moved."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.models import Page

from zaixian.disclosure import actions, queries, views
from zaixian.disclosure.models import DisclosureCataloguePage, DisclosureItemPage

admin_urlpatterns = [
    path("late/", views.LateItemsView.as_view(), name="late_items"),
    path("counts/", views.DisclosureCountsView.as_view(), name="counts"),
    path("counts/export/", views.DisclosureCountsExportView.as_view(), name="counts_export"),
    path("annual-figures/", views.AnnualFiguresView.as_view(), name="annual_figures"),
    path("requests/register/", views.RegisterRequestView.as_view(), name="register_request"),
    path("requests/<int:case_pk>/fee/", views.FeeNoticeView.as_view(), name="fee_notice"),
    path(
        "requests/<int:case_pk>/identity/",
        views.RequestIdentityView.as_view(),
        name="request_identity",
    ),
]


@hooks.register("register_admin_urls")
def register_disclosure_admin_urls() -> list[Any]:
    return [
        path(
            "disclosure/",
            include((admin_urlpatterns, "disclosure_admin"), namespace="disclosure_admin"),
        )
    ]


class ReportMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return queries.can_view_disclosure_reports(request.user)


class RegisterRequestMenuItem(MenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        return queries.may_register_requests(user=request.user)


class ReportSubmenu(SubmenuMenuItem):
    def is_shown(self, request: HttpRequest) -> bool:
        user = request.user
        return queries.can_view_disclosure_reports(user) or queries.may_register_requests(user=user)


@hooks.register("register_admin_menu_item")
def register_disclosure_menu() -> MenuItem:
    menu = Menu(
        items=[
            ReportMenuItem(
                gettext_lazy("Items published late"),
                reverse("disclosure_admin:late_items"),
                icon_name="warning",
                order=100,
            ),
            ReportMenuItem(
                gettext_lazy("Disclosure counts"),
                reverse("disclosure_admin:counts"),
                icon_name="table",
                order=200,
            ),
            RegisterRequestMenuItem(
                gettext_lazy("Register a disclosure request"),
                reverse("disclosure_admin:register_request"),
                icon_name="form",
                order=50,
            ),
            ReportMenuItem(
                gettext_lazy("Annual report figures"),
                reverse("disclosure_admin:annual_figures"),
                icon_name="edit",
                order=300,
            ),
        ]
    )
    return ReportSubmenu(
        gettext_lazy("Open government"), menu, icon_name="doc-full-inverse", order=260
    )


@hooks.register("before_move_page")
def keep_items_in_their_catalogue(
    request: HttpRequest, page: Page, destination: Page
) -> HttpResponse | None:
    """An item's index number and publishing organisation belong to its catalogue: it may not
    be moved into another one (copy it there instead, which gives it a new number)."""
    if not isinstance(page.specific, DisclosureItemPage):
        return None
    parent = page.get_parent()
    if parent is not None and destination.pk == parent.pk:
        return None
    messages.error(
        request,
        _("A disclosure item stays in its organisation's catalogue; copy it instead of moving it."),
    )
    return redirect("wagtailadmin_explore", parent.pk if parent else page.pk)


@hooks.register("after_copy_page")
def adopt_copied_items(request: HttpRequest, page: Page, new_page: Page) -> None:
    """A copied item (or a copied catalogue's items) gets the index numbers and organisation
    of where it now is."""
    for copy in [new_page, *new_page.get_descendants()]:
        specific = copy.specific
        if isinstance(specific, DisclosureItemPage):
            actions.adopt_copied_item(item=specific)


@hooks.register("after_create_page")
def set_up_new_catalogue(request: HttpRequest, page: Page) -> None:
    """A catalogue made in the admin gets its organisation's editors, reviewers and review
    workflow at once, as one made by ``actions.create_disclosure_catalogue`` does."""
    specific = page.specific
    if isinstance(specific, DisclosureCataloguePage):
        actions.setup_catalogue_permissions(catalogue=specific)
