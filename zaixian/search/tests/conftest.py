from __future__ import annotations

import pytest
from wagtail.models import Site

from zaixian.search.tests import factories


@pytest.fixture
def portal(db) -> Site:
    """The city portal with one channel (no articles)."""
    return factories.make_site(name="晋城在线")


@pytest.fixture
def news(portal):
    return factories.make_channel(parent=portal.root_page, title="今日晋城")
