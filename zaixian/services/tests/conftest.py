import os

import pytest

from zaixian.accounts.tests.factories import PublicUserFactory
from zaixian.cases.tests.factories import make_officer
from zaixian.core.tests.factories import DepartmentFactory
from zaixian.services.tests.factories import ApplicationFactory, ServiceItemFactory

# Departments are a tree ordered by code (treebeard renumbers the paths of siblings created out
# of order, leaving instances in memory stale): these codes sort before the factory's "D…".


@pytest.fixture
def department():
    return DepartmentFactory(name="晋城市市场监督管理局", short_name="晋市监", code="A1SCJG")


@pytest.fixture
def other_department():
    return DepartmentFactory(name="晋城市交通运输局", short_name="晋市交", code="A2JTYS")


@pytest.fixture
def item(department):
    return ServiceItemFactory(department=department, with_form=True)


@pytest.fixture
def citizen():
    return PublicUserFactory()


@pytest.fixture
def other_citizen():
    return PublicUserFactory()


@pytest.fixture
def officer(department):
    return make_officer(department)


@pytest.fixture
def other_officer(other_department):
    return make_officer(other_department)


@pytest.fixture
def submitted(item, citizen):
    """A submitted application of ``citizen`` for ``item``."""
    return ApplicationFactory(item=item, applicant=citizen, submitted=True)


@pytest.fixture(scope="session")
def pdf_rendering():
    """Decision documents need WeasyPrint's Pango (scripts/system-deps.sh installs it)."""
    try:
        import weasyprint  # noqa: F401 — loading it loads Pango
    except OSError as error:
        reason = f"WeasyPrint cannot load Pango: {error}"
        if os.environ.get("CI") == "true":  # as the root conftest's missing_service: fail on CI
            pytest.fail(f"{reason} (required on CI)")
        pytest.skip(reason)
