"""The demo loader's disclosure part: catalogues and guides, items of every category,
interpretations linked to policies, repealed and late items; a second call changes nothing."""

from __future__ import annotations

import io

import pytest

from zaixian.disclosure import demo, queries
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureGuidePage,
    DisclosureItemPage,
    PolicyInterpretationLink,
)

pytestmark = pytest.mark.django_db


def test_load_disclosure_demo_builds_catalogues_and_items_of_every_category(site):
    out = io.StringIO()

    created = demo.load_disclosure_demo(stdout=out, items_per_category=3, interpretations=4)

    assert created == 22 * 3 + 4
    assert DisclosureCataloguePage.objects.live().count() == len(demo.ORGANISATIONS)
    assert DisclosureGuidePage.objects.live().count() == len(demo.ORGANISATIONS)
    used = set(DisclosureItemPage.objects.values_list("category__code", flat=True))
    assert used == set(DisclosureCategory.objects.values_list("code", flat=True))
    assert PolicyInterpretationLink.objects.count() == 4
    assert "disclosure:" in out.getvalue()
    assert all(item.live and item.index_number for item in DisclosureItemPage.objects.all())


def test_load_disclosure_demo_has_repealed_and_late_items(site):
    demo.load_disclosure_demo(items_per_category=10, interpretations=0)

    assert DisclosureItemPage.objects.exclude(validity="valid").exists()
    assert queries.late_items().exists()


def test_load_disclosure_demo_twice_changes_nothing(site):
    demo.load_disclosure_demo(items_per_category=1, interpretations=1)
    count = DisclosureItemPage.objects.count()

    again = demo.load_disclosure_demo(items_per_category=1, interpretations=1)

    assert again == 0
    assert DisclosureItemPage.objects.count() == count
