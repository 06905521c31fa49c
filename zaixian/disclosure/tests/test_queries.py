"""Queries: the catalogue's filters, the links between policies and interpretations, late
items per office, and the counts per organisation and period."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.http import QueryDict

from zaixian.core import actions as core_actions
from zaixian.core.models import User
from zaixian.disclosure import actions, queries, reports, rules
from zaixian.disclosure.models import DisclosureItemPage
from zaixian.disclosure.tests.factories import make_item

pytestmark = pytest.mark.django_db

VALIDITIES = {"valid", "invalid", "repealed"}


def fresh(user: User) -> User:
    """The user as a request loads it: sorted department inserts renumber tree paths, so
    the fixture's cached department may be stale."""
    return User.objects.select_related("department").get(pk=user.pk)


def _filter(**params):
    return rules.parse_catalogue_filter(params, validity_choices=VALIDITIES)


def test_filtered_items_by_category_year_validity_and_search(disclosure_root, education):
    fee = make_item(catalogue=education.catalogue, category_code="08", title="教育收费标准公示")
    old = make_item(
        catalogue=education.catalogue,
        date_written=dt.date(2025, 3, 3),
        publish_date=dt.date(2025, 3, 4),
        title="2025年招生工作方案",
    )
    repealed = make_item(catalogue=education.catalogue, repealed=True)
    catalogue = education.catalogue

    assert list(queries.filtered_items(root=catalogue, item_filter=_filter(category="08"))) == [fee]
    assert list(queries.filtered_items(root=catalogue, item_filter=_filter(year="2025"))) == [old]
    assert list(
        queries.filtered_items(root=catalogue, item_filter=_filter(validity="repealed"))
    ) == [repealed]
    assert list(queries.filtered_items(root=catalogue, item_filter=_filter(q="收费 公示"))) == [fee]
    assert list(
        queries.filtered_items(root=catalogue, item_filter=_filter(q=fee.index_number))
    ) == [fee]


def test_filtered_items_by_organisation_from_the_root(disclosure_root, education, finance):
    make_item(catalogue=education.catalogue)
    budget = make_item(catalogue=finance.catalogue, category_code="07")

    items = queries.filtered_items(root=disclosure_root, item_filter=_filter(organisation="JCCZJ"))

    assert list(items) == [budget]


def test_filtered_items_leave_out_drafts_and_withdrawn_items(education):
    shown = make_item(catalogue=education.catalogue)
    withdrawn = make_item(catalogue=education.catalogue)
    withdrawn.unpublish()
    actions.create_disclosure_item(
        catalogue=education.catalogue,
        title="草稿",
        category=shown.category,
        summary="草稿",
        date_written=dt.date(2026, 3, 2),
        publish=False,
    )

    items = queries.filtered_items(root=education.catalogue, item_filter=_filter())

    assert list(items) == [shown]


def test_catalogue_listing_pages_and_lists_years_newest_first(education, django_assert_num_queries):
    for year in (2024, 2025, 2026):
        make_item(
            catalogue=education.catalogue,
            date_written=dt.date(year, 3, 2),
            publish_date=dt.date(year, 3, 3),
        )

    listing = queries.catalogue_listing(root=education.catalogue, params=QueryDict("page=1"))

    assert listing["years"] == [2026, 2025, 2024]
    assert listing["items"].paginator.count == 3
    assert len(listing["categories"]) == 23


def test_interpretations_are_read_both_ways_and_only_live(education):
    policy = make_item(
        catalogue=education.catalogue, genre="normative", document_number="晋市教发〔2026〕2号"
    )
    live = make_item(catalogue=education.catalogue, category_code="23", interprets=[policy])
    withdrawn = make_item(catalogue=education.catalogue, category_code="23", interprets=[policy])
    withdrawn.unpublish()

    assert queries.interpretations_of(policy=policy) == [live]
    assert queries.interpreted_policies(item=live) == [policy]


def test_late_items_for_user_shows_own_organisation_only(education, finance):
    own = make_item(catalogue=education.catalogue, late=True)
    make_item(catalogue=education.catalogue)
    make_item(catalogue=finance.catalogue, late=True)

    items = queries.late_items_for_user(user=fresh(education.reviewer))

    assert list(items) == [own]


def test_late_items_for_user_refuses_users_without_the_reports_permission(education):
    with pytest.raises(PermissionDenied):
        queries.late_items_for_user(user=education.editor)


def test_platform_administrator_sees_every_organisations_late_items(education, finance):
    make_item(catalogue=education.catalogue, late=True)
    make_item(catalogue=finance.catalogue, late=True)
    admin = User.objects.create_superuser(username="root", password="pw")

    assert queries.late_items_for_user(user=admin).count() == 2


def test_disclosure_counts_per_category_month_and_late(education, finance):
    make_item(catalogue=education.catalogue, publish_date=dt.date(2026, 3, 3))
    make_item(catalogue=education.catalogue, category_code="08", publish_date=dt.date(2026, 3, 9))
    make_item(catalogue=education.catalogue, late=True, date_written=dt.date(2026, 3, 20))
    make_item(catalogue=finance.catalogue, category_code="07", publish_date=dt.date(2026, 3, 3))

    counts = queries.disclosure_counts(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), department=education.department
    )

    assert counts.total == 3
    by_code = {category.code: n for category, n in counts.by_category}
    assert by_code["01"] == 2
    assert by_code["08"] == 1
    assert by_code["07"] == 0
    by_month = dict(counts.by_month)
    assert len(by_month) == 12
    assert by_month[dt.date(2026, 3, 1)] == 2
    assert by_month[dt.date(2026, 4, 1)] == 1
    assert counts.late == 1


def test_disclosure_counts_of_the_city_include_subdepartments(city, education, finance):
    make_item(catalogue=education.catalogue, publish_date=dt.date(2026, 3, 3))
    make_item(catalogue=finance.catalogue, publish_date=dt.date(2026, 3, 3))

    with_children = queries.disclosure_counts(
        start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31), department=city
    )
    own_only = queries.disclosure_counts(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        department=city,
        include_subdepartments=False,
    )

    assert with_children.total == 2
    assert own_only.total == 0


def test_disclosure_counts_of_a_past_year_leave_out_withdrawn_items(education):
    """The seed's "4,800+ items proactively disclosed in 2012" is this count for 2012."""
    for month in range(1, 13):
        make_item(
            catalogue=education.catalogue,
            date_written=dt.date(2012, month, 2),
            publish_date=dt.date(2012, month, 5),
        )
    make_item(
        catalogue=education.catalogue,
        date_written=dt.date(2012, 12, 28),
        publish_date=dt.date(2013, 1, 4),
    )
    make_item(
        catalogue=education.catalogue,
        date_written=dt.date(2012, 5, 2),
        publish_date=dt.date(2012, 5, 3),
    ).unpublish()

    counts = queries.disclosure_counts(start=dt.date(2012, 1, 1), end=dt.date(2012, 12, 31))

    assert counts.total == 12
    assert all(n == 1 for _month, n in counts.by_month)


def test_disclosure_counts_within_limits_to_the_users_departments(education, finance):
    make_item(catalogue=education.catalogue, publish_date=dt.date(2026, 3, 3))
    make_item(catalogue=finance.catalogue, publish_date=dt.date(2026, 3, 3))

    counts = queries.disclosure_counts(
        start=dt.date(2026, 1, 1),
        end=dt.date(2026, 12, 31),
        within=queries.report_departments(user=fresh(education.reviewer)),
    )

    assert counts.total == 1


def test_normative_document_counts_made_repealed_and_in_force(city, education):
    catalogue = education.catalogue
    normative = {"genre": DisclosureItemPage.Genre.NORMATIVE}
    make_item(
        catalogue=catalogue,
        document_number="A〔2025〕1号",
        date_written=dt.date(2025, 3, 3),
        **normative,
    )
    make_item(catalogue=catalogue, document_number="A〔2026〕1号", **normative)
    make_item(catalogue=catalogue, document_number="A〔2026〕2号", **normative)
    make_item(
        catalogue=catalogue,
        date_written=dt.date(2025, 6, 2),
        publish_date=dt.date(2025, 6, 3),
        document_number="A〔2025〕2号",
        validity=DisclosureItemPage.Validity.REPEALED,
        validity_changed_on=dt.date(2026, 2, 2),
        **normative,
    )
    make_item(catalogue=catalogue)  # a notice: not counted

    counts_2026 = reports.normative_document_counts(year=2026, genre="normative", department=city)
    counts_2025 = reports.normative_document_counts(year=2025, genre="normative")

    assert counts_2026 == reports.NormativeDocumentCounts(made=2, repealed=1, in_force=3)
    assert counts_2025 == reports.NormativeDocumentCounts(made=2, repealed=0, in_force=2)


def test_report_departments_of_a_user_in_another_tree_branch(education, city):
    other = core_actions.create_department(
        parent=city, name="晋城市民政局", code="JCMZJ", kind="bureau"
    )
    reviewer = fresh(education.reviewer)

    departments = list(queries.report_departments(user=reviewer))

    assert [d.pk for d in departments] == [education.department.pk]
    assert other not in departments
