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


def test_demo_requests_cover_every_outcome_and_make_a_consistent_report(site):
    from django.utils import timezone

    from zaixian.core.validators import validate_credit_code, validate_resident_id
    from zaixian.disclosure import reports, rules
    from zaixian.disclosure.models import AnnualReportFigures, DisclosureRequest

    demo.load_disclosure_demo(items_per_category=1, interpretations=0)
    last_year = timezone.localdate().year - 1

    requests = DisclosureRequest.objects.all()
    assert requests.count() == len(demo.ORGANISATIONS) * 2 * demo.REQUESTS_PER_ORGANISATION_AND_YEAR
    assert set(requests.values_list("outcome", flat=True)) >= set(rules.OUTCOMES_BY_KEY)
    for request in requests:
        if request.id_number:
            validate_resident_id(request.id_number)
        else:
            validate_credit_code(request.credit_code)
    report = reports.annual_report(year=last_year)
    assert report.is_consistent
    assert report.row("new").values["total"] == len(demo.ORGANISATIONS) * 24
    assert all(row.values["total"] > 0 for row in report.table3 if row.level == 2)
    assert AnnualReportFigures.objects.filter(year=last_year).count() == 1 + len(demo.ORGANISATIONS)
    assert demo.load_disclosure_request_demo() == 0
