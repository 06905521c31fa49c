"""Actions: the /zwgk/ page, catalogues and their groups, index numbers, items."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import Page

from zaixian.disclosure import actions
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureIndexPage,
    DisclosureItemPage,
    IndexNumberSequence,
)
from zaixian.disclosure.tests.factories import category, make_item
from zaixian.portal.models import ChannelPage

pytestmark = pytest.mark.django_db


def test_ensure_disclosure_root_creates_live_page_at_zwgk(site):
    root = actions.ensure_disclosure_root(site=site)

    assert root.live
    assert root.url == "/zwgk/"


def test_ensure_disclosure_root_is_idempotent(site):
    first = actions.ensure_disclosure_root(site=site)

    second = actions.ensure_disclosure_root(site=site)

    assert first.pk == second.pk
    assert DisclosureIndexPage.objects.count() == 1


def test_ensure_disclosure_root_takes_over_a_channel_at_zwgk_and_keeps_its_children(site):
    home = site.root_page.specific
    channel = home.add_child(instance=ChannelPage(title="政务公开", slug="zwgk", live=True))
    channel.add_child(instance=ChannelPage(title="政府信息公开年报", slug="gknb", live=True))

    root = actions.ensure_disclosure_root(site=site)

    assert root.url == "/zwgk/"
    annual = ChannelPage.objects.get(slug="gknb")
    assert annual.get_parent().pk == root.pk
    assert annual.url == "/zwgk/gknb/"
    assert not Page.objects.filter(pk=channel.pk).exists()


def test_create_disclosure_catalogue_is_one_per_organisation(disclosure_root, education):
    again = actions.create_disclosure_catalogue(
        root=disclosure_root, department=education.department
    )

    assert again.pk == education.catalogue.pk
    assert DisclosureCataloguePage.objects.count() == 1
    assert education.catalogue.url == "/zwgk/jcjyj/"


def test_allocate_index_number_counts_per_organisation_category_and_year(education):
    first = actions.allocate_index_number(
        department=education.department, category=category("01"), year=2026
    )
    second = actions.allocate_index_number(
        department=education.department, category=category("01"), year=2026
    )
    other_category = actions.allocate_index_number(
        department=education.department, category=category("07"), year=2026
    )
    next_year = actions.allocate_index_number(
        department=education.department, category=category("01"), year=2027
    )

    assert (first, second) == ("JCJYJ-01-2026-0001", "JCJYJ-01-2026-0002")
    assert other_category == "JCJYJ-07-2026-0001"
    assert next_year == "JCJYJ-01-2027-0001"


def test_allocate_index_number_skips_numbers_taken_by_hand(education):
    make_item(catalogue=education.catalogue, index_number="JCJYJ-01-2026-0001")

    number = actions.allocate_index_number(
        department=education.department, category=category("01"), year=2026
    )

    assert number == "JCJYJ-01-2026-0002"


def test_deleted_items_number_is_never_reused(education):
    item = make_item(catalogue=education.catalogue)
    number = item.index_number
    item.delete()

    new = make_item(catalogue=education.catalogue)

    assert number == "JCJYJ-01-2026-0001"
    assert new.index_number == "JCJYJ-01-2026-0002"


def test_create_disclosure_item_fills_organisation_number_and_deadline(education):
    item = make_item(
        catalogue=education.catalogue,
        date_written=dt.date(2026, 9, 25),
        publish_date=dt.date(2026, 9, 28),
    )

    assert item.live
    assert item.department == education.department
    assert item.index_number == "JCJYJ-01-2026-0001"
    # 20 working days after 25 September 2026 across the National Day holiday (1–7 Oct,
    # with the adjusted working days of that year's schedule).
    assert item.publication_deadline > dt.date(2026, 10, 22)
    assert not item.is_late


def test_item_published_after_twenty_working_days_is_late(education):
    item = make_item(catalogue=education.catalogue, late=True)

    assert item.is_late
    assert item.days_late >= 1


def test_create_disclosure_item_rejects_index_number_collision_and_saves_nothing(education):
    make_item(catalogue=education.catalogue, index_number="JCJYJ-01-2026-0005")
    before = DisclosureItemPage.objects.count()

    with pytest.raises(ValidationError) as error:
        make_item(catalogue=education.catalogue, index_number="JCJYJ-01-2026-0005")

    assert "index_number" in error.value.message_dict
    assert DisclosureItemPage.objects.count() == before


def test_create_disclosure_item_rejects_malformed_index_number(education):
    with pytest.raises(ValidationError) as error:
        make_item(catalogue=education.catalogue, index_number="JCJYJ/01/2026/1")

    assert "index_number" in error.value.message_dict
    assert not DisclosureItemPage.objects.exists()
    assert not IndexNumberSequence.objects.exists()


def test_create_disclosure_item_rejects_other_organisations_code(education, finance):
    with pytest.raises(ValidationError) as error:
        make_item(catalogue=education.catalogue, index_number="JCCZJ-01-2026-0001")

    assert "JCJYJ" in " ".join(error.value.message_dict["index_number"])


def test_interpretation_must_name_a_policy(education):
    with pytest.raises(ValidationError) as error:
        make_item(catalogue=education.catalogue, category_code="23")

    assert "category" in error.value.message_dict


def test_interpretation_is_linked_both_ways(education):
    policy = make_item(
        catalogue=education.catalogue,
        genre=DisclosureItemPage.Genre.NORMATIVE,
        document_number="晋市教发〔2026〕1号",
    )

    interpretation = make_item(
        catalogue=education.catalogue, category_code="23", interprets=[policy]
    )

    assert [link.policy_id for link in interpretation.interpreted_policy_links.all()] == [policy.pk]
    assert [link.interpretation_id for link in policy.interpretation_links.all()] == [
        interpretation.pk
    ]


def test_record_item_publication_sets_missing_publish_date(education):
    item = actions.create_disclosure_item(
        catalogue=education.catalogue,
        title="关于开展教育收费专项检查的通知",
        category=category("08"),
        summary="检查安排。",
        date_written=dt.date(2026, 3, 2),
    )

    assert item.publish_date is not None
    assert (
        item.publish_date
        == item.first_published_at.astimezone(dt.timezone(dt.timedelta(hours=8))).date()
    )


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_index_numbers_allocated_at_once_on_postgres_are_all_different(education):
    import threading

    from django.db import connection

    department, fee_category = education.department, category("08")
    barrier = threading.Barrier(4)
    numbers: list[str] = []
    lock = threading.Lock()

    def allocate() -> None:
        try:
            barrier.wait()
            for _ in range(5):
                number = actions.allocate_index_number(
                    department=department, category=fee_category, year=2026
                )
                with lock:
                    numbers.append(number)
        finally:
            connection.close()

    threads = [threading.Thread(target=allocate) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(numbers) == 20
    assert sorted(numbers) == [f"JCJYJ-08-2026-{n:04d}" for n in range(1, 21)]
