import pytest
from django.urls import reverse

from zaixian.cases.tests.factories import make_officer
from zaixian.services.models import ServiceItem
from zaixian.services.tests.factories import ServiceItemFactory

pytestmark = pytest.mark.django_db


def _edit_url(item):
    return reverse("wagtailsnippets_services_serviceitem:edit", args=[item.pk])


def _edit_data(item, **overrides):
    data = {
        "code": item.code,
        "kind": item.kind,
        "name": item.name,
        "department": item.department_id,
        "for_citizens": "on",
        "summary": item.summary,
        "is_published": "on",
        "legal_basis": item.legal_basis,
        "conditions": item.conditions,
        "fees": "",
        "statutory_days": "20",
        "promised_days": "10",
        "online_depth": "5",
        "visits_needed": "0",
        "venue": item.venue,
        "office_hours": item.office_hours,
        "consultation_phone": "",
        "complaint_phone": "",
    }
    for prefix in ("materials", "form_fields", "faqs"):
        data.update(
            {
                f"{prefix}-TOTAL_FORMS": "0",
                f"{prefix}-INITIAL_FORMS": "0",
                f"{prefix}-MIN_NUM_FORMS": "0",
                f"{prefix}-MAX_NUM_FORMS": "1000",
            }
        )
    data.update(overrides)
    return data


def test_officer_lists_only_own_departments_items(client, item, officer, other_department):
    foreign = ServiceItemFactory(department=other_department, name="外部门事项")
    client.force_login(officer)

    response = client.get(reverse("wagtailsnippets_services_serviceitem:list"))

    content = response.content.decode()
    assert response.status_code == 200
    assert item.name in content
    assert foreign.name not in content


def test_officer_edits_own_departments_item(client, item, officer):
    client.force_login(officer)

    response = client.post(_edit_url(item), _edit_data(item, name="食品经营许可（新）"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "食品经营许可（新）"


def test_officer_cannot_edit_another_departments_item(client, item, other_officer):
    client.force_login(other_officer)

    shown = client.get(_edit_url(item))
    changed = client.post(_edit_url(item), _edit_data(item, name="篡改"))
    deleted = client.post(reverse("wagtailsnippets_services_serviceitem:delete", args=[item.pk]))

    assert shown.status_code in (302, 403)
    assert changed.status_code in (302, 403)
    assert deleted.status_code in (302, 403)
    item.refresh_from_db()
    assert item.name != "篡改"


def test_officer_cannot_move_item_to_another_department(client, item, officer, other_department):
    client.force_login(officer)

    response = client.post(_edit_url(item), _edit_data(item, department=other_department.pk))

    assert response.status_code == 200  # the form again, with the error
    assert response.context["form"].errors["department"]
    item.refresh_from_db()
    assert item.department_id != other_department.pk


def test_platform_admin_edits_any_item(client, item, other_department):
    admin = make_officer(other_department, roles=("platform_admin",))
    client.force_login(admin)

    response = client.post(_edit_url(item), _edit_data(item, name="平台修改"))

    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "平台修改"


def test_officer_adds_item_with_form_fields(client, department, officer):
    client.force_login(officer)
    template = ServiceItem(
        code="X",
        kind="licence",
        name="新事项",
        department=department,
        summary="",
        legal_basis="",
        conditions="",
        venue="",
        office_hours="",
    )
    data = _edit_data(template, code="NEW-0001")
    data.update(
        {
            "form_fields-TOTAL_FORMS": "1",
            "form_fields-0-key": "name",
            "form_fields-0-label": "姓名",
            "form_fields-0-field_type": "text",
            "form_fields-0-is_required": "on",
            "form_fields-0-choices": "",
            "form_fields-0-help_text": "",
            "form_fields-0-ORDER": "1",
            "form_fields-0-id": "",
            "form_fields-0-DELETE": "",
        }
    )

    response = client.post(reverse("wagtailsnippets_services_serviceitem:add"), data)

    assert response.status_code == 302, response.context["form"].errors
    created = ServiceItem.objects.get(code="NEW-0001")
    assert [f.key for f in created.form_fields.all()] == ["name"]


def test_citizen_has_no_admin_access(client, item, citizen):
    client.force_login(citizen)

    response = client.get(_edit_url(item))

    assert response.status_code in (302, 403)


def test_life_events_are_for_platform_admins(client, officer, other_department):
    admin = make_officer(other_department, roles=("platform_admin",))
    url = reverse("wagtailsnippets_services_lifeevent:list")

    client.force_login(officer)
    refused = client.get(url)
    client.force_login(admin)
    allowed = client.get(url)

    assert refused.status_code in (302, 403)
    assert allowed.status_code == 200
