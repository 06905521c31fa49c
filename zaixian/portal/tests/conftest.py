"""Fixtures of the editorial tests: two sites of the site group, each with its groups, and
users in each role."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Site

from zaixian.core.models import User
from zaixian.portal import actions
from zaixian.portal.models import ChannelPage, HomePage


@dataclass
class EditorialSite:
    """A site with a channel and one user per role."""

    site: Site
    home: HomePage
    channel: ChannelPage
    groups: actions.SiteGroups
    editor: User
    first_reviewer: User
    second_reviewer: User
    final_approver: User
    site_admin: User


def make_user(*, username: str, groups: list[Group]) -> User:
    user = User.objects.create_user(username=username, password="pw-" + username)
    user.groups.set(groups)
    return user


def make_editorial_site(*, hostname: str, site_name: str, prefix: str) -> EditorialSite:
    site = actions.create_site(
        hostname=hostname, port=80, site_name=site_name, root_title=site_name
    )
    groups = actions.setup_site(site=site)
    home = site.root_page.specific
    channel = home.add_child(instance=ChannelPage(title="新闻", slug="news", live=True))
    return EditorialSite(
        site=site,
        home=home,
        channel=channel,
        groups=groups,
        editor=make_user(username=f"{prefix}-editor", groups=[groups.editors]),
        first_reviewer=make_user(username=f"{prefix}-first", groups=[groups.first_reviewers]),
        second_reviewer=make_user(username=f"{prefix}-second", groups=[groups.second_reviewers]),
        final_approver=make_user(username=f"{prefix}-final", groups=[groups.final_approvers]),
        site_admin=make_user(username=f"{prefix}-admin", groups=[groups.site_admins]),
    )


@pytest.fixture
def site_a(db: None) -> EditorialSite:
    """The city portal, the default site (the test client's host falls back to it)."""
    Site.objects.all().delete()
    editorial = make_editorial_site(hostname="localhost", site_name="晋城在线", prefix="a")
    editorial.site.is_default_site = True
    editorial.site.save()
    return editorial


@pytest.fixture
def site_b(site_a: EditorialSite) -> EditorialSite:
    """A department site: the agriculture bureau's farm-information site."""
    return make_editorial_site(hostname="nw.localhost", site_name="太行农网", prefix="b")
