"""Fixtures of the disclosure tests: the portal's default site with ``/zwgk/``, two
organisations with their catalogues, and an editor and a reviewer of each."""

from __future__ import annotations

import os
from dataclasses import dataclass

import pytest
from django.conf import settings
from wagtail.models import Collection, Locale, Page, Site

from zaixian.core import actions as core_actions
from zaixian.core.models import Department, User
from zaixian.disclosure import actions
from zaixian.disclosure.models import DisclosureCataloguePage, DisclosureIndexPage
from zaixian.portal import actions as portal_actions


@dataclass
class Organisation:
    department: Department
    catalogue: DisclosureCataloguePage
    groups: actions.CatalogueGroups
    editor: User
    reviewer: User


@pytest.fixture
def categories(db: None) -> None:
    """The data migration's categories; a transactional test elsewhere may have flushed them."""
    actions.ensure_disclosure_categories()


@pytest.fixture
def site(categories: None) -> Site:
    if Page.get_first_root_node() is None:
        # An earlier transactional test flushed the tables, Wagtail's root page and root
        # collection included.
        locale, _created = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
        Page.add_root(instance=Page(title="Root", slug="root", locale=locale))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    Site.objects.all().delete()
    return portal_actions.create_site(
        hostname="localhost", port=80, site_name="晋城在线", root_title="晋城在线", is_default=True
    )


@pytest.fixture
def disclosure_root(site: Site) -> DisclosureIndexPage:
    return actions.ensure_disclosure_root(site=site)


@pytest.fixture
def city(categories: None) -> Department:
    return core_actions.create_department(
        parent=None, name="晋城市人民政府", code="JC", kind=Department.Kind.GOVERNMENT
    )


def _organisation(
    *, root: DisclosureIndexPage, parent: Department, name: str, code: str
) -> Organisation:
    department = core_actions.create_department(
        parent=parent, name=name, code=code, kind=Department.Kind.BUREAU
    )
    catalogue = actions.create_disclosure_catalogue(root=root, department=department)
    groups = actions.setup_catalogue_permissions(catalogue=catalogue)
    editor = User.objects.create_user(username=f"{code.lower()}-editor", department=department)
    editor.groups.set([groups.editors])
    reviewer = User.objects.create_user(username=f"{code.lower()}-reviewer", department=department)
    reviewer.groups.set([groups.reviewers])
    return Organisation(department, catalogue, groups, editor, reviewer)


@pytest.fixture
def education(disclosure_root: DisclosureIndexPage, city: Department) -> Organisation:
    return _organisation(root=disclosure_root, parent=city, name="晋城市教育局", code="JCJYJ")


@pytest.fixture
def finance(disclosure_root: DisclosureIndexPage, city: Department) -> Organisation:
    return _organisation(root=disclosure_root, parent=city, name="晋城市财政局", code="JCCZJ")


# --- Disclosure requests --------------------------------------------------------------------


@pytest.fixture
def citizen():
    from zaixian.accounts.tests.factories import PublicUserFactory

    return PublicUserFactory()


@pytest.fixture
def company():
    from zaixian.accounts.tests.factories import PublicUserFactory

    return PublicUserFactory(organisation=True)


@pytest.fixture
def officer(education, finance):
    from zaixian.cases.tests.factories import make_officer

    # Creating a sibling department renumbers tree paths; read the department afresh so the
    # officer's department (whose path decides what they see) is current.
    education.department.refresh_from_db()
    return make_officer(education.department)


@pytest.fixture
def leader(education, finance):
    from zaixian.cases.tests.factories import make_officer

    education.department.refresh_from_db()
    return make_officer(education.department, roles=("leader",))


@pytest.fixture
def other_officer(finance):
    from zaixian.cases.tests.factories import make_officer

    finance.department.refresh_from_db()
    return make_officer(finance.department)


@pytest.fixture(scope="session")
def pdf_rendering():
    """Letters need WeasyPrint's Pango (scripts/system-deps.sh installs it)."""
    try:
        import weasyprint  # noqa: F401 — loading it loads Pango
    except OSError as error:
        reason = f"WeasyPrint cannot load Pango: {error}"
        if os.environ.get("CI") == "true":  # as the root conftest's missing_service: fail on CI
            pytest.fail(f"{reason} (required on CI)")
        pytest.skip(reason)
