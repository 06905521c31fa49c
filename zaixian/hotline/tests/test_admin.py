"""The hotline's admin viewsets: who manages the reference data, the knowledge base per
department, Open311 keys issued once, typical cases changed only on the desk."""

import pytest
from django.urls import reverse

from zaixian.hotline import queries
from zaixian.hotline.models import KnowledgeEntry, Open311Client
from zaixian.hotline.tests.factories import KnowledgeEntryFactory

pytestmark = pytest.mark.django_db


def _denied(response):
    return response.status_code == 403 or (
        response.status_code == 302 and response.url == "/admin/"
    )


def test_centre_manages_categories_and_departments_do_not(client, operator, officer, category):
    url = reverse("wagtailsnippets_hotline_hotlinecategory:list")
    client.force_login(operator)
    assert client.get(url).status_code == 200
    client.force_login(officer)
    assert _denied(client.get(url))


def test_department_keeps_only_its_own_knowledge_entries(
    client, officer, department, other_department
):
    own = KnowledgeEntryFactory(department=department, question="本部门的问题？")
    other = KnowledgeEntryFactory(department=other_department, question="别的部门的问题？")
    client.force_login(officer)

    listing = client.get(reverse("wagtailsnippets_hotline_knowledgeentry:list")).content.decode()
    edit_other = client.get(reverse("wagtailsnippets_hotline_knowledgeentry:edit", args=[other.pk]))
    created = client.post(
        reverse("wagtailsnippets_hotline_knowledgeentry:add"),
        {
            "department": other_department.pk,
            "question": "越权新增？",
            "answer": "不应保存",
            "keywords": "",
            "is_published": "on",
        },
    )

    assert own.question in listing
    assert other.question not in listing
    assert _denied(edit_other)
    assert created.status_code == 200  # the form refuses a department the officer does not see
    assert not KnowledgeEntry.objects.filter(question="越权新增？").exists()


def test_knowledge_entry_saved_in_the_admin_is_searchable(client, officer, department):
    client.force_login(officer)

    client.post(
        reverse("wagtailsnippets_hotline_knowledgeentry:add"),
        {
            "department": department.pk,
            "question": "住房公积金贷款额度是多少？",
            "answer": "最高60万元，按缴存余额计算。",
            "keywords": "公积金",
            "is_published": "on",
        },
    )

    assert [e.question for e in queries.search_knowledge("公积金贷款")] == [
        "住房公积金贷款额度是多少？"
    ]


def test_open311_client_created_in_the_admin_shows_its_key_once(client, operator):
    client.force_login(operator)

    response = client.post(
        reverse("wagtailsnippets_hotline_open311client:add"),
        {"name": "城市通", "contact": "dev@example.cn", "is_active": "on"},
        follow=True,
    )

    client_row = Open311Client.objects.get()
    page = response.content.decode()
    key = page.split("仅此一次显示）：", 1)[1].split("<", 1)[0].strip()
    assert key.startswith(client_row.key_prefix + ".")
    assert queries.open311_client_for_key(key) == client_row


def test_typical_cases_are_not_added_or_changed_in_the_admin(client, operator):
    client.force_login(operator)

    assert _denied(client.get(reverse("wagtailsnippets_hotline_typicalcase:add")))
    assert client.get(reverse("wagtailsnippets_hotline_typicalcase:list")).status_code == 200
