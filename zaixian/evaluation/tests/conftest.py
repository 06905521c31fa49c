"""Fixtures of the self-evaluation's tests: the local fixture site with its seeded defects."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.utils import translation

from zaixian.evaluation.tests.fixture_server import (
    FixtureSite,
    FixtureSites,
    start_fixture_sites,
)


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted by their English msgids; the Chinese ones are the catalogue's."""
    with translation.override("en"):
        yield


@pytest.fixture
def evaluation_sites() -> Iterator[FixtureSites]:
    """The fresh and stale fixture sites, the external site they link to, a refused port."""
    sites = start_fixture_sites()
    try:
        yield sites
    finally:
        sites.close()


@pytest.fixture
def evaluation_site(evaluation_sites: FixtureSites) -> FixtureSite:
    """The fresh fixture site (home updated today, elder mode linked); ``.url(path)``,
    ``.base_url`` and ``.log`` of the requests it answered."""
    return evaluation_sites.fresh


@pytest.fixture
def evaluation_stale_site(evaluation_sites: FixtureSites) -> FixtureSite:
    """The stale fixture site: the same pages, its home page 20 days old without elder mode."""
    return evaluation_sites.stale
