"""Fixtures of the analytics tests: two sites of the group, a site administrator of the
second, a leader, and a writer of access-log lines."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from zaixian.cases.tests.factories import make_officer
from zaixian.core import actions as core_actions
from zaixian.core.models import Department
from zaixian.portal import actions as portal_actions

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0.0.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, "
    "like Gecko) Version/17.0 Mobile/15E148 Safari/604.1"
)
BAIDUSPIDER = "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
CST = timezone(timedelta(hours=8))


def log_line(ip, when, path, *, status=200, ua=CHROME, referrer="-", method="GET"):
    stamp = when.strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{ip} - - [{stamp}] "{method} {path} HTTP/1.1" {status} 512 "{referrer}" "{ua}"\n'


def at(day, hour, minute=0, second=0):
    return datetime(2026, 11, day, hour, minute, second, tzinfo=CST)


@pytest.fixture
def sites(db):
    if Page.get_first_root_node() is None:
        locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    Site.objects.all().delete()
    portal = portal_actions.create_site(
        hostname="www.jc.test",
        port=80,
        site_name="晋城在线",
        root_title="晋城在线",
        is_default=True,
    )
    farm = portal_actions.create_site(
        hostname="nyj.jc.test", port=80, site_name="太行农网", root_title="太行农网"
    )
    return portal, farm


@pytest.fixture
def portal(sites):
    return sites[0]


@pytest.fixture
def farm(sites):
    return sites[1]


@pytest.fixture
def department(db):
    return core_actions.create_department(
        parent=None, name="晋城市人民政府", code="JC", kind=Department.Kind.GOVERNMENT
    )


@pytest.fixture
def farm_admin(farm, department):
    user = make_officer(department, roles=("site_admin",))
    groups = portal_actions.setup_site(site=farm)
    user.groups.add(groups.site_admins)
    return user


@pytest.fixture
def leader(sites, department):
    return make_officer(department, roles=("leader",))


@pytest.fixture
def editor(farm, department):
    user = make_officer(department, roles=("editor",))
    user.groups.add(portal_actions.setup_site(site=farm).editors)
    return user


@pytest.fixture(autouse=True)
def _forget_remembered_sites_and_salts():
    """The process remembers host names and salts; a rolled-back test's must not leak."""
    from zaixian.analytics import actions, reports

    reports.forget_sites()
    actions.forget_salts()
    yield
    reports.forget_sites()
    actions.forget_salts()
