"""Public pages under /zwgk/ (catalogues, filters, item metadata, guide) and the office's
reports in the admin (late items, counts, XLSX export), with their denials."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.urls import reverse
from wagtail.documents.models import Document

from zaixian.core.models import User
from zaixian.disclosure import actions
from zaixian.disclosure.models import DisclosureAttachment
from zaixian.disclosure.tests.factories import make_item

pytestmark = pytest.mark.django_db


def guide_fields() -> dict[str, str]:
    return {
        "classification": "<p>按主动公开类别和主题分类编排。</p>",
        "how_to_obtain": "<p>通过本网站、档案馆、图书馆获取，或依申请公开。</p>",
        "office_name": "晋城市教育局办公室",
        "office_address": "晋城市凤台东街1号",
        "postcode": "048000",
        "office_hours": "工作日 8:00–12:00，15:00–18:00",
        "phone": "0356-2022000",
        "fax": "0356-2022001",
        "email": "gk@jcjyj.example.cn",
    }


def test_zwgk_lists_catalogues_and_every_organisations_items(client, education, finance):
    make_item(catalogue=education.catalogue, title="义务教育招生工作通知")
    make_item(catalogue=finance.catalogue, title="市级财政预算公开", category_code="07")

    response = client.get("/zwgk/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "晋城市教育局" in html
    assert "晋城市财政局" in html
    assert "义务教育招生工作通知" in html
    assert "市级财政预算公开" in html


def test_zwgk_filters_by_organisation(client, education, finance):
    make_item(catalogue=education.catalogue, title="义务教育招生工作通知")
    make_item(catalogue=finance.catalogue, title="市级财政预算公开", category_code="07")

    response = client.get("/zwgk/", {"organisation": "JCCZJ"})

    assert response.status_code == 200
    assert [item.title for item in response.context["items"]] == ["市级财政预算公开"]


def test_catalogue_filters_by_category_year_and_search(client, education):
    make_item(catalogue=education.catalogue, title="教育收费标准公示", category_code="08")
    make_item(catalogue=education.catalogue, title="招生方案")

    response = client.get(education.catalogue.url, {"category": "08", "year": "2026", "q": "收费"})

    assert response.status_code == 200
    assert [item.title for item in response.context["items"]] == ["教育收费标准公示"]


def test_catalogue_with_a_bad_filter_says_so_with_status_400(client, education):
    make_item(catalogue=education.catalogue, title="招生方案")

    response = client.get(education.catalogue.url, {"year": "明年"})

    assert response.status_code == 400
    assert response.context["item_filter"].errors
    assert [item.title for item in response.context["items"]] == ["招生方案"]


def test_catalogue_listing_queries_do_not_grow_with_items(
    client, education, django_assert_max_num_queries
):
    for _ in range(3):
        make_item(catalogue=education.catalogue)
    client.get(education.catalogue.url)  # warm caches (site root, settings)
    cache.clear()  # the anonymous page cache would answer without any query
    with django_assert_max_num_queries(40) as few:
        client.get(education.catalogue.url)
    for _ in range(12):
        make_item(catalogue=education.catalogue)
    cache.clear()

    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(education.catalogue.url)

    assert response.context["items"].paginator.count == 15


def test_catalogue_pages_twenty_items_at_a_time(client, education):
    for _ in range(21):
        make_item(catalogue=education.catalogue)

    first = client.get(education.catalogue.url)
    second = client.get(education.catalogue.url, {"page": "2"})

    assert len(first.context["items"].object_list) == 20
    assert len(second.context["items"].object_list) == 1


def test_item_page_shows_the_metadata_table(client, education):
    item = make_item(
        catalogue=education.catalogue,
        title="晋城市教育局关于规范校外培训的意见",
        genre="normative",
        document_number="晋市教发〔2026〕5号",
        keywords="校外培训 规范",
        publish_date=dt.date(2026, 3, 4),
    )

    response = client.get(item.url)

    assert response.status_code == 200
    html = response.content.decode()
    for text in (
        item.index_number,
        "晋城市教育局",
        "2026-03-02",
        "2026-03-04",
        "晋市教发〔2026〕5号",
        "索引号",
        "发布机构",
        "成文日期",
        "发布日期",
        "文号",
        "主题分类",
        "有效性",
    ):
        assert text in html


def test_item_page_offers_its_attachments_for_download(client, education):
    item = make_item(catalogue=education.catalogue)
    document = Document(title="实施方案全文")
    document.file.save("plan.pdf", ContentFile(b"%PDF-1.4\n%test\n"), save=True)
    DisclosureAttachment.objects.create(page=item, document=document)

    response = client.get(item.url)

    html = response.content.decode()
    assert f'href="{document.url}" download' in html
    assert "实施方案全文" in html


def test_policy_and_interpretation_pages_link_to_each_other(client, education):
    policy = make_item(
        catalogue=education.catalogue,
        title="关于规范校外培训的意见",
        genre="normative",
        document_number="晋市教发〔2026〕6号",
    )
    interpretation = make_item(
        catalogue=education.catalogue,
        title="《关于规范校外培训的意见》解读",
        category_code="23",
        interprets=[policy],
    )

    policy_html = client.get(policy.url).content.decode()
    interpretation_html = client.get(interpretation.url).content.decode()

    assert interpretation.url in policy_html
    assert policy.url in interpretation_html


def test_guide_page_shows_the_article_12_contents(client, education):
    guide = actions.ensure_disclosure_guide(catalogue=education.catalogue, **guide_fields())

    response = client.get(guide.url)
    catalogue = client.get(education.catalogue.url)

    html = response.content.decode()
    for text in (
        "晋城市教育局办公室",
        "晋城市凤台东街1号",
        "0356-2022000",
        "0356-2022001",
        "gk@jcjyj",
    ):
        assert text in html
    assert guide.url in catalogue.content.decode()


# --- Admin reports ---------------------------------------------------------------------------


def fresh(user: User) -> User:
    return User.objects.get(pk=user.pk)


def test_late_items_report_lists_the_offices_late_items(client, education, finance):
    late = make_item(catalogue=education.catalogue, late=True, title="迟发的通知")
    make_item(catalogue=finance.catalogue, late=True, title="别人的迟发通知")
    client.force_login(fresh(education.reviewer))

    response = client.get(reverse("disclosure_admin:late_items"))

    assert response.status_code == 200
    html = response.content.decode()
    assert late.title in html
    assert "别人的迟发通知" not in html


def test_late_items_report_is_denied_to_editors(client, education):
    client.force_login(education.editor)

    response = client.get(reverse("disclosure_admin:late_items"))

    assert response.status_code in {302, 403}
    if response.status_code == 302:
        assert response.url == reverse("wagtailadmin_home")


def test_reports_need_a_login(client, education):
    response = client.get(reverse("disclosure_admin:counts"))

    assert response.status_code == 302
    assert "login" in response.url


def test_counts_report_shows_the_tables(client, education):
    make_item(catalogue=education.catalogue, publish_date=dt.date(2026, 3, 3))
    make_item(catalogue=education.catalogue, category_code="08", publish_date=dt.date(2026, 4, 3))
    client.force_login(fresh(education.reviewer))

    response = client.get(reverse("disclosure_admin:counts"), {"year": "2026"})

    assert response.status_code == 200
    counts = response.context["counts"]
    assert counts.total == 2
    assert dict(counts.by_month)[dt.date(2026, 4, 1)] == 1


def test_counts_report_with_a_bad_period_shows_the_error(client, education):
    client.force_login(fresh(education.reviewer))

    response = client.get(
        reverse("disclosure_admin:counts"), {"start": "2026-05-01", "end": "2026-01-01"}
    )

    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_counts_report_refuses_another_organisation(client, education, finance):
    make_item(catalogue=finance.catalogue, publish_date=dt.date(2026, 3, 3))
    client.force_login(fresh(education.reviewer))

    response = client.get(
        reverse("disclosure_admin:counts"), {"year": "2026", "department": finance.department.pk}
    )

    assert response.context["filter_form"].errors
    assert response.context["counts"].total == 0


def test_counts_export_is_an_xlsx_workbook_with_both_tables(client, education):
    from openpyxl import load_workbook

    make_item(catalogue=education.catalogue, publish_date=dt.date(2026, 3, 3))
    client.force_login(fresh(education.reviewer))

    response = client.get(reverse("disclosure_admin:counts_export"), {"year": "2026"})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    workbook = load_workbook(io.BytesIO(response.content))
    assert len(workbook.sheetnames) == 2
    category_rows = list(workbook.worksheets[0].iter_rows(values_only=True))
    assert ("01", "行政法规、规章和规范性文件", 1) in category_rows
    month_rows = list(workbook.worksheets[1].iter_rows(values_only=True))
    assert ("2026-03", 1) in month_rows


def test_counts_export_is_denied_to_editors(client, education):
    client.force_login(education.editor)

    response = client.get(reverse("disclosure_admin:counts_export"))

    assert response.status_code in {302, 403}
