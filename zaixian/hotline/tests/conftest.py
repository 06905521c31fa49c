import pytest

from zaixian.cases.tests.factories import make_officer
from zaixian.core.tests.factories import DepartmentFactory
from zaixian.hotline import actions, rules
from zaixian.hotline.models import HotlineSettings
from zaixian.hotline.tests.factories import HotlineCategoryFactory

# Department codes sort before the factory's "D…" (treebeard orders siblings by code).


@pytest.fixture
def centre():
    department = DepartmentFactory(
        name="晋城市12345热线服务中心", short_name="热线中心", code="A0RX"
    )
    settings = HotlineSettings.load()
    settings.centre = department
    settings.save()
    return department


@pytest.fixture
def department(centre):
    return DepartmentFactory(name="晋城市住房和城乡建设局", short_name="住建局", code="A1ZJJ")


@pytest.fixture
def other_department(centre):
    return DepartmentFactory(name="晋城市交通运输局", short_name="交通局", code="A2JTJ")


@pytest.fixture
def operator(centre):
    return make_officer(centre, roles=("hotline_operator",), first_name="话务员", last_name="李")


@pytest.fixture
def officer(department):
    return make_officer(department)


@pytest.fixture
def other_officer(other_department):
    return make_officer(other_department)


@pytest.fixture
def leader(department):
    return make_officer(department, roles=("leader",))


@pytest.fixture
def category():
    return HotlineCategoryFactory(name="城乡建设", code="urban-construction")


@pytest.fixture
def utilities():
    return HotlineCategoryFactory(
        name="水电气暖", code="utilities", default_urgency=rules.Urgency.UTILITIES
    )


@pytest.fixture
def register(operator, category):
    """Register a phone call (keyword arguments override the defaults)."""

    def _register(**kwargs):
        values = {
            "channel": rules.Channel.PHONE,
            "kind": rules.Kind.COMPLAINT,
            "category": category,
            "content": "小区门口道路破损严重，下雨天积水，出行不便。",
            "caller_name": "王小明",
            "caller_phone": "13912345678",
            "caller_address": "晋城市城区凤台街道白水街88号3号楼2单元501室",
            "area": "城区",
            "actor": operator,
        }
        values.update(kwargs)
        return actions.register_case(**values)

    return _register


@pytest.fixture(scope="session")
def pdf_rendering():
    """The PDF bulletin needs WeasyPrint's Pango (scripts/system-deps.sh installs it)."""
    import os

    try:
        import weasyprint  # noqa: F401 — loading it loads Pango
    except OSError as error:
        if os.environ.get("CI") == "true":
            pytest.fail(f"WeasyPrint cannot load Pango: {error} (required on CI)")
        pytest.skip(f"WeasyPrint cannot load Pango: {error}")
