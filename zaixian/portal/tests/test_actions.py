"""Tests of the portal's writes: site creation and set-up, and the page cache generation."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    GroupSitePermission,
    Page,
    Site,
    Workflow,
    WorkflowPage,
)

from zaixian.portal import actions, queries
from zaixian.portal.models import HomePage, SiteFooterSettings

pytestmark = pytest.mark.django_db


def page_permission_types(group: Group, page: Page) -> set[str]:
    return {
        codename.removesuffix("_page")
        for codename in GroupPagePermission.objects.filter(group=group, page=page).values_list(
            "permission__codename", flat=True
        )
    }


def test_create_site_makes_home_site_footer_and_groups():
    site = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网首页"
    )

    home = site.root_page.specific
    assert isinstance(home, HomePage)
    assert home.title == "太行农网首页"
    assert home.live
    assert home.get_parent().is_root()
    assert site.site_name == "太行农网"
    assert not site.is_default_site
    assert SiteFooterSettings.objects.filter(site=site).exists()
    assert set(
        Group.objects.filter(name__startswith="太行农网·").values_list("name", flat=True)
    ) == {
        "太行农网·编辑",
        "太行农网·初审",
        "太行农网·复审",
        "太行农网·终审",
        "太行农网·站点管理员",
    }


def test_create_site_is_idempotent():
    first = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )
    pages_before = Page.objects.count()

    second = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )

    assert second.pk == first.pk
    assert second.root_page_id == first.root_page_id
    assert Page.objects.count() == pages_before
    assert Workflow.objects.filter(name="太行农网三审").count() == 1
    assert SiteFooterSettings.objects.filter(site=first).count() == 1


def test_create_default_site_replaces_the_previous_default():
    old_default = Site.objects.get(is_default_site=True)

    site = actions.create_site(
        hostname="www.example.cn",
        port=80,
        site_name="晋城在线",
        root_title="晋城在线",
        is_default=True,
    )

    old_default.refresh_from_db()
    assert site.is_default_site
    assert not old_default.is_default_site


def test_create_site_repoints_a_site_whose_root_is_not_a_home_page():
    stock = Site.objects.get(hostname="localhost", port=80)
    assert not isinstance(stock.root_page.specific, HomePage)

    site = actions.create_site(
        hostname="localhost", port=80, site_name="晋城在线", root_title="晋城在线"
    )

    assert site.pk == stock.pk
    assert isinstance(site.root_page.specific, HomePage)


def test_setup_site_grants_page_permissions_on_the_site_root_only():
    site = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )

    groups = actions.setup_site(site=site)

    root = site.root_page
    assert page_permission_types(groups.editors, root) == {"add", "change", "lock"}
    assert "publish" not in page_permission_types(groups.first_reviewers, root)
    assert "publish" not in page_permission_types(groups.second_reviewers, root)
    assert "publish" in page_permission_types(groups.final_approvers, root)
    assert page_permission_types(groups.site_admins, root) >= {
        "add",
        "change",
        "publish",
        "lock",
        "unlock",
        "bulk_delete",
    }
    assert set(
        GroupPagePermission.objects.filter(group__name__startswith="太行农网·").values_list(
            "page_id", flat=True
        )
    ) == {root.pk}
    for group in [groups.editors, *groups.reviewers, groups.site_admins]:
        assert group.permissions.filter(codename="access_admin").exists()
    assert GroupSitePermission.objects.filter(
        group=groups.site_admins, site=site, permission__codename="change_sitefootersettings"
    ).exists()
    assert not GroupSitePermission.objects.filter(group=groups.editors).exists()
    assert not groups.site_admins.permissions.filter(codename="change_sitefootersettings").exists()


def test_setup_site_creates_the_site_collection_with_permissions():
    site = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )

    groups = actions.setup_site(site=site)

    assert groups.collection.name == "太行农网"
    assert groups.collection.get_parent() == Collection.get_first_root_node()
    editor_codenames = set(
        GroupCollectionPermission.objects.filter(
            group=groups.editors, collection=groups.collection
        ).values_list("permission__codename", flat=True)
    )
    assert {"add_image", "choose_image", "add_document", "choose_document"} <= editor_codenames
    assert "delete_image" not in editor_codenames
    assert GroupCollectionPermission.objects.filter(
        group=groups.site_admins, collection=groups.collection, permission__codename="delete_image"
    ).exists()


def test_setup_site_creates_the_three_step_workflow_on_the_site_root():
    site = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )

    groups = actions.setup_site(site=site)

    workflow = groups.workflow
    assert workflow.name == "太行农网三审"
    assert workflow.active
    tasks = [task.specific for task in workflow.tasks]
    assert [task.name for task in tasks] == ["太行农网·初审", "太行农网·复审", "太行农网·终审"]
    assert [list(task.groups.all()) for task in tasks] == [[g] for g in groups.reviewers]
    assert WorkflowPage.objects.get(page=site.root_page).workflow == workflow
    assert site.root_page.get_workflow() == workflow


def test_setup_site_is_idempotent():
    site = actions.create_site(
        hostname="nw.example.cn", port=80, site_name="太行农网", root_title="太行农网"
    )
    counts_before = (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Collection.objects.count(),
        Workflow.objects.count(),
    )

    groups = actions.setup_site(site=site)

    assert counts_before == (
        Group.objects.count(),
        GroupPagePermission.objects.count(),
        GroupCollectionPermission.objects.count(),
        Collection.objects.count(),
        Workflow.objects.count(),
    )
    assert len(list(groups.workflow.tasks)) == 3


def test_invalidate_page_cache_changes_the_generation_of_that_site_only():
    before_a = queries.page_cache_generation(site_id=1)
    before_b = queries.page_cache_generation(site_id=2)

    actions.invalidate_page_cache(site_id=1)

    assert queries.page_cache_generation(site_id=1) != before_a
    assert queries.page_cache_generation(site_id=2) == before_b
