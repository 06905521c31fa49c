"""The editor's admin: creating and editing items through Wagtail's page editor (index
number, metadata errors, nothing half-saved), and the catalogue-scoped permissions: an editor
of one organisation cannot add or publish into another organisation's catalogue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from zaixian.disclosure.models import DisclosureGuidePage, DisclosureItemPage
from zaixian.disclosure.tests.factories import category, make_item

pytestmark = pytest.mark.django_db


def item_form(**overrides) -> dict[str, str]:
    """The POST body of Wagtail's page editor for a disclosure item."""
    values = {
        "title": "关于做好2026年义务教育招生工作的通知",
        "slug": "",
        "category": str(category("11").pk),
        "summary": "招生范围、时间和办理方式。",
        "index_number": "",
        "date_written": "2026-03-02",
        "publish_date": "",
        "document_number": "",
        "subject": "education",
        "genre": "notice",
        "validity": "valid",
        "validity_changed_on": "",
        "keywords": "招生 义务教育",
        "body": rich_text("<p>各县（市、区）教育局：……</p>"),
        "attachments": inline_formset([]),
        "interpreted_policy_links": inline_formset([]),
        "comments": inline_formset([]),
    }
    values.update(overrides)
    return nested_form_data(values)


def add_url(catalogue) -> str:
    return reverse(
        "wagtailadmin_pages:add", args=("disclosure", "disclosureitempage", catalogue.pk)
    )


def assert_denied(response) -> None:
    """Wagtail's admin turns a PermissionDenied into a redirect to the dashboard."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_editor_creates_a_draft_with_a_generated_index_number(client, education):
    client.force_login(education.editor)

    response = client.post(add_url(education.catalogue), item_form())

    assert response.status_code == 302
    item = DisclosureItemPage.objects.get()
    assert not item.live
    assert item.department == education.department
    assert item.index_number == f"JCJYJ-11-{timezone.localdate().year}-0001"
    assert item.publication_deadline is not None


def test_editor_cannot_add_into_another_organisations_catalogue(client, education, finance):
    client.force_login(education.editor)

    form_page = client.get(add_url(finance.catalogue))
    response = client.post(add_url(finance.catalogue), item_form())

    assert_denied(form_page)
    assert_denied(response)
    assert not DisclosureItemPage.objects.exists()


def test_editor_cannot_publish_even_in_own_catalogue(client, education):
    client.force_login(education.editor)

    client.post(add_url(education.catalogue), item_form(**{"action-publish": "action-publish"}))

    assert not DisclosureItemPage.objects.filter(live=True).exists()


def test_reviewer_publishes_in_own_catalogue_and_publish_date_is_set(client, education):
    client.force_login(education.reviewer)

    response = client.post(
        add_url(education.catalogue), item_form(**{"action-publish": "action-publish"})
    )

    assert response.status_code == 302
    item = DisclosureItemPage.objects.get()
    assert item.live
    assert item.publish_date == timezone.localdate()


def test_reviewer_cannot_publish_another_organisations_item(client, education, finance):
    item = make_item(catalogue=finance.catalogue)
    client.force_login(education.reviewer)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(item.pk,)),
        item_form(title="改过的标题", slug=item.slug, **{"action-publish": "action-publish"}),
    )

    assert_denied(response)
    item.refresh_from_db()
    assert item.title != "改过的标题"


def test_index_number_collision_is_a_form_error_and_nothing_is_saved(client, education):
    make_item(catalogue=education.catalogue, category_code="11", index_number="JCJYJ-11-2026-0003")
    client.force_login(education.editor)

    response = client.post(
        add_url(education.catalogue), item_form(index_number="JCJYJ-11-2026-0003")
    )

    assert response.status_code == 200
    assert "index_number" in response.context["form"].errors
    assert DisclosureItemPage.objects.count() == 1


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"index_number": "JCJYJ-11-26-3"}, "index_number"),
        ({"index_number": "JCCZJ-11-2026-0001"}, "index_number"),
        ({"date_written": "2026-02-30"}, "date_written"),
        ({"date_written": ""}, "date_written"),
        ({"title": ""}, "title"),
        ({"summary": "字" * 501}, "summary"),
        ({"genre": "normative"}, "document_number"),
        ({"validity": "repealed"}, "validity_changed_on"),
        ({"publish_date": "2026-03-01"}, "publish_date"),
        ({"category": "99999"}, "category"),
    ],
)
def test_bad_metadata_is_a_form_error_and_nothing_is_saved(client, education, overrides, field):
    client.force_login(education.editor)

    response = client.post(add_url(education.catalogue), item_form(**overrides))

    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not DisclosureItemPage.objects.exists()


def test_interpretation_without_a_policy_is_refused(client, education):
    client.force_login(education.editor)

    response = client.post(add_url(education.catalogue), item_form(category=str(category("23").pk)))

    assert response.status_code == 200
    assert "category" in response.context["form"].errors
    assert not DisclosureItemPage.objects.exists()


def test_interpretation_with_its_policy_is_saved_with_the_link(client, education):
    policy = make_item(
        catalogue=education.catalogue, genre="normative", document_number="晋市教发〔2026〕3号"
    )
    client.force_login(education.editor)

    response = client.post(
        add_url(education.catalogue),
        item_form(
            category=str(category("23").pk),
            interpreted_policy_links=inline_formset([{"policy": str(policy.pk)}]),
        ),
    )

    assert response.status_code == 302
    interpretation = DisclosureItemPage.objects.exclude(pk=policy.pk).get()
    assert list(interpretation.interpreted_policy_links.values_list("policy", flat=True)) == [
        policy.pk
    ]


def test_index_number_cannot_be_changed_in_the_editor(client, education):
    item = make_item(catalogue=education.catalogue, category_code="11")
    number = item.index_number
    client.force_login(education.reviewer)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=(item.pk,)),
        item_form(slug=item.slug, index_number="JCJYJ-11-2026-0099", date_written="2026-03-02"),
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.index_number == number


def test_editor_form_shows_the_metadata_fields(client, education):
    client.force_login(education.editor)

    response = client.get(add_url(education.catalogue))

    assert response.status_code == 200
    for name in ("index_number", "date_written", "document_number", "validity", "keywords"):
        assert f'name="{name}"' in response.content.decode()


def test_item_page_type_is_creatable_only_under_a_catalogue(disclosure_root, education):
    assert DisclosureItemPage.can_create_at(education.catalogue)
    assert not DisclosureItemPage.can_create_at(disclosure_root)


def test_catalogue_has_at_most_one_guide(education):
    guide = DisclosureGuidePage(
        title="指南",
        slug="guide",
        classification="<p>分类</p>",
        how_to_obtain="<p>获取</p>",
        office_name="办公室",
        office_address="地址",
        office_hours="工作日",
        phone="0356-1234567",
    )
    education.catalogue.add_child(instance=guide)

    assert not DisclosureGuidePage.can_create_at(education.catalogue)


def test_moving_an_item_to_another_catalogue_is_refused(
    client, education, finance, django_user_model
):
    item = make_item(catalogue=education.catalogue)
    admin = django_user_model.objects.create_superuser(username="root", password="pw")
    client.force_login(admin)

    response = client.post(
        reverse("wagtailadmin_pages:move_confirm", args=(item.pk, finance.catalogue.pk))
    )

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.get_parent().pk == education.catalogue.pk
    assert item.date_written == dt.date(2026, 3, 2)


def test_copying_an_item_into_another_catalogue_gives_it_that_organisation_and_number(
    client, education, finance, django_user_model
):
    item = make_item(catalogue=education.catalogue, category_code="07")
    admin = django_user_model.objects.create_superuser(username="root", password="pw")
    client.force_login(admin)

    response = client.post(
        reverse("wagtailadmin_pages:copy", args=(item.pk,)),
        {
            "new_title": item.title,
            "new_slug": "copied",
            "new_parent_page": str(finance.catalogue.pk),
            "copy_subpages": "false",
            "publish_copies": "false",
            "alias": "false",
        },
    )

    assert response.status_code == 302
    copy = DisclosureItemPage.objects.get(slug="copied")
    assert copy.department == finance.department
    assert copy.index_number.startswith("JCCZJ-07-")
    item.refresh_from_db()
    assert item.index_number.startswith("JCJYJ-07-")


def catalogue_form(department, **overrides) -> dict[str, str]:
    values = {
        "title": "晋城市民政局政府信息公开目录",
        "slug": "jcmzj",
        "department": str(department.pk),
        "intro": "",
        "per_page": "20",
        "comments": inline_formset([]),
    }
    values.update(overrides)
    return nested_form_data(values)


def test_catalogue_made_in_the_admin_gets_its_groups(
    client, disclosure_root, city, django_user_model
):
    from zaixian.core import actions as core_actions
    from zaixian.disclosure.models import DisclosureCataloguePage

    civil = core_actions.create_department(
        parent=city, name="晋城市民政局", code="JCMZJ", kind="bureau"
    )
    client.force_login(django_user_model.objects.create_superuser(username="root", password="pw"))

    response = client.post(
        reverse(
            "wagtailadmin_pages:add",
            args=("disclosure", "disclosurecataloguepage", disclosure_root.pk),
        ),
        catalogue_form(civil),
    )

    assert response.status_code == 302
    catalogue = DisclosureCataloguePage.objects.get(department=civil)
    assert catalogue.group_permissions.filter(group__name="晋城市民政局·信息公开编辑").exists()


def test_catalogue_organisation_cannot_be_changed_in_the_editor(client, education, finance):
    client.force_login(education.reviewer)
    catalogue = education.catalogue

    client.post(
        reverse("wagtailadmin_pages:edit", args=(catalogue.pk,)),
        catalogue_form(finance.department, title=catalogue.title, slug=catalogue.slug),
    )

    catalogue.refresh_from_db()
    assert catalogue.department_id == education.department.pk
