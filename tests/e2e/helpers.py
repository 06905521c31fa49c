"""Helpers for the end-to-end tests: a small portal built with the project's own actions and
factories, and the browser steps several tests share (logging in to the admin, measuring
the layout)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page

from zaixian.core.actions import assign_user, create_department
from zaixian.core.models import Department, User
from zaixian.core.roles import Role
from zaixian.portal.actions import SiteGroups, setup_site
from zaixian.portal.models import ArticlePage
from zaixian.portal.tests.factories import SiteTree, make_article, make_site_tree

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}
PASSWORD = "Zaixian-e2e-2024!"
FEATURE_TITLE = "晋城市推进IPv6规模部署和政务云建设"
FEATURE_BODY = (
    "<p>市信息中心介绍。晋城在线门户网站已完成IPv6改造。电子政务云平台承载全市各部门业务系统。"
    "太行农网三十个村级信息服务站统一标准建设。12316热线为农户提供服务。</p>"
)
REVIEWER_NAMES = ("李初审", "张复审", "赵终审")


@dataclass
class Portal:
    """What ``build_portal`` made: the default site's tree, its review groups, the staff and a
    featured article that the search tests look for."""

    tree: SiteTree
    groups: SiteGroups
    feature: ArticlePage
    editor: User
    reviewers: list[User] = field(default_factory=list)


def ensure_wagtail_roots() -> None:
    """Recreate what Wagtail's data migrations made and a transactional test's flush removed:
    the default content locale, the root of the page tree and the root collection. A no-op
    on a freshly migrated database."""
    Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    if Page.get_first_root_node() is None:
        Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(instance=Collection(name="Root"))


def publish(page: Page) -> ArticlePage:
    """Publish through a revision, as the admin does, so that Wagtail's signals (which keep
    the search index and the page cache in step) fire."""
    page.save_revision().publish()
    page.refresh_from_db()
    return page.specific


def _staff(*, username: str, name: str, department: Department, role: Role, group: Group) -> User:
    user = User.objects.create_user(username=username, password=PASSWORD, last_name=name)
    assign_user(user=user, department=department, roles=[role])
    user.groups.add(group)
    return user


def build_portal() -> Portal:
    """The default site (晋城在线) with 今日晋城 (headlines) and 通知公告, a featured article
    published like an editor would, the site's three-step review (``setup_site``), an editor
    and one reviewer per step, all in the municipal government's office. The role groups
    come from ``assign_user`` (through ``ensure_role_groups``)."""
    tree = make_site_tree(articles=3, notices=2)
    groups = setup_site(site=tree.site)
    feature = publish(
        make_article(
            parent=tree.news,
            title=FEATURE_TITLE,
            body=FEATURE_BODY,
            summary="晋城在线门户网站完成IPv6改造。",
            live=False,
        )
    )
    office = create_department(
        parent=None, name="晋城市人民政府办公室", code="JCSZFB", kind=Department.Kind.GOVERNMENT
    )
    editor = _staff(
        username="editor", name="王编辑", department=office, role=Role.EDITOR, group=groups.editors
    )
    reviewers = [
        _staff(
            username=f"reviewer{step}",
            name=name,
            department=office,
            role=Role.REVIEWER,
            group=group,
        )
        for step, (name, group) in enumerate(
            zip(REVIEWER_NAMES, groups.reviewers, strict=True), start=1
        )
    ]
    return Portal(tree=tree, groups=groups, feature=feature, editor=editor, reviewers=reviewers)


def admin_login(page: Any, *, username: str, password: str = PASSWORD) -> None:
    """Log in to the Wagtail admin through its login form, which is in Chinese by default."""
    page.goto("/admin/login/")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="登录").click()
    page.wait_for_url(re.compile(r"/admin/$"))


def horizontal_overflow(page: Any) -> int:
    """How many CSS pixels the page is wider than the viewport (0 when nothing overflows)."""
    return int(page.evaluate("document.documentElement.scrollWidth - window.innerWidth"))


def root_font_size(page: Any) -> float:
    """The computed font size of the page's body text, in CSS pixels."""
    return float(page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)"))
