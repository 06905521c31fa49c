"""The JSON API at /api/v1/services/: the catalogue for everyone, applications for their
applicant only (404 for anyone else's), the web form's validation, JSON errors in Chinese."""

import json

import pytest
from django.test import Client

from zaixian.services import api as services_api
from zaixian.services.models import ServiceItem
from zaixian.services.tests.factories import (
    ApplicationFactory,
    LifeEventFactory,
    ServiceFAQFactory,
    ServiceItemFactory,
    exe_renamed_pdf,
    pdf_upload,
    valid_form_data,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/services"


def post_json(client, url, payload, **extra):
    return client.post(url, json.dumps(payload), content_type="application/json", **extra)


def put_json(client, url, payload):
    return client.put(url, json.dumps(payload), content_type="application/json")


@pytest.fixture
def signed_in(client, citizen):
    client.force_login(citizen)
    return client


def _complete_draft(client, item):
    created = post_json(
        client, f"{BASE}/applications", {"item": item.code, "form_data": valid_form_data()}
    )
    assert created.status_code == 201, created.content
    pk = created.json()["id"]
    material = item.materials.get()
    uploaded = client.post(
        f"{BASE}/applications/{pk}/materials", {"file": pdf_upload(), "material_id": material.pk}
    )
    assert uploaded.status_code == 201, uploaded.content
    return pk


# --- The catalogue -------------------------------------------------------------------------


def test_catalogue_lists_published_items_with_a_count(client, item, django_assert_num_queries):
    ServiceItemFactory(is_published=False, name="未发布事项")
    ServiceItemFactory(department=item.department, name="公共服务事项", kind="public_service")

    with django_assert_num_queries(2):  # the page with departments, the count
        response = client.get(f"{BASE}/items")

    body = response.json()
    assert response.status_code == 200
    assert body["count"] == 2
    assert {entry["name"] for entry in body["items"]} == {item.name, "公共服务事项"}
    first = next(entry for entry in body["items"] if entry["code"] == item.code)
    assert first["department"] == {"code": item.department.code, "name": item.department.name}
    assert first["kind_label"] == "行政许可"
    assert first["accepts_online"] is True


def test_catalogue_pages_with_limit_and_offset(client, item):
    ServiceItemFactory(department=item.department)
    ServiceItemFactory(department=item.department)

    first = client.get(f"{BASE}/items", {"limit": 2}).json()
    rest = client.get(f"{BASE}/items", {"limit": 2, "offset": 2}).json()

    assert (first["count"], len(first["items"]), len(rest["items"])) == (3, 2, 1)


def test_catalogue_filters_by_kind_department_audience_life_event_and_words(client, item):
    other = ServiceItemFactory(kind="payment", for_businesses=False, name="农机购置补贴")
    event = LifeEventFactory()
    other.life_events.add(event)
    other.save()  # a ParentalManyToManyField is written on save

    by_kind = client.get(f"{BASE}/items", {"kind": "payment"}).json()
    by_department = client.get(f"{BASE}/items", {"department": item.department.code}).json()
    by_audience = client.get(f"{BASE}/items", {"audience": "business"}).json()
    by_event = client.get(f"{BASE}/items", {"life_event": event.slug}).json()
    by_words = client.get(f"{BASE}/items", {"q": "农机 补贴"}).json()

    assert [entry["code"] for entry in by_kind["items"]] == [other.code]
    assert [entry["code"] for entry in by_department["items"]] == [item.code]
    assert [entry["code"] for entry in by_audience["items"]] == [item.code]
    assert [entry["code"] for entry in by_event["items"]] == [other.code]
    assert [entry["code"] for entry in by_words["items"]] == [other.code]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"kind": "bribe"}, "kind"),
        ({"department": "NOPE"}, "department"),
        ({"audience": "aliens"}, "audience"),
        ({"topic": "nothing"}, "topic"),
    ],
)
def test_catalogue_refuses_unknown_filter_values(client, item, params, field):
    response = client.get(f"{BASE}/items", params)

    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert response.json()["detail"].startswith("未知")


@pytest.mark.parametrize(
    "params", [{"limit": "many"}, {"limit": -1}, {"limit": 101}, {"q": "x" * 101}]
)
def test_catalogue_answers_422_to_malformed_parameters(client, params):
    response = client.get(f"{BASE}/items", params)

    assert response.status_code == 422
    assert response.json()["detail"] == "请求无效。"


def test_item_detail_has_materials_form_fields_and_questions(client, item):
    ServiceFAQFactory(item=item)

    response = client.get(f"{BASE}/items/{item.code}")

    body = response.json()
    assert response.status_code == 200
    assert [field["key"] for field in body["form_fields"]] == [
        "name",
        "id_number",
        "phone",
        "address",
        "scope",
    ]
    assert body["form_fields"][4]["choices"] == ["预包装食品销售", "散装食品销售"]
    assert body["materials"][0]["name"] == "营业执照复印件"
    assert body["faqs"] == [{"question": "办理需要多长时间？", "answer": "承诺时限为10个工作日。"}]


def test_unpublished_or_unknown_item_is_a_json_404(client):
    hidden = ServiceItemFactory(is_published=False)

    for code in (hidden.code, "NO-SUCH-ITEM"):
        response = client.get(f"{BASE}/items/{code}")
        assert response.status_code == 404
        assert response.json()["detail"] == "未找到。"


def test_catalogue_is_rate_limited(client, monkeypatch):
    monkeypatch.setattr(services_api, "CATALOGUE_RATE", "2/m")

    statuses = [client.get(f"{BASE}/items").status_code for _ in range(3)]

    assert statuses == [200, 200, 429]
    refused = client.get(f"{BASE}/items")
    assert int(refused["Retry-After"]) > 0
    assert "请求过于频繁" in refused.json()["detail"]


def test_openapi_document_and_docs_are_served(client):
    document = client.get("/api/v1/openapi.json")
    docs = client.get("/api/v1/docs")

    assert document.status_code == 200
    assert "/api/v1/services/applications/{pk}/submit" in document.json()["paths"]
    assert docs.status_code == 200


# --- Applications: the happy path ------------------------------------------------------------


def test_citizen_applies_uploads_and_submits(signed_in, item):
    pk = _complete_draft(signed_in, item)

    before = signed_in.get(f"{BASE}/applications/{pk}").json()
    response = signed_in.post(f"{BASE}/applications/{pk}/submit")

    assert before["is_draft"] is True
    assert before["errors"] == {}
    body = response.json()
    assert response.status_code == 200
    assert body["is_draft"] is False
    assert body["state"] == "submitted"
    assert body["state_label"] == "已提交，待受理"
    assert len(body["tracking_number"]) >= 12
    assert [event["action"] for event in body["history"]] == ["created"]
    assert body["form_data"]["phone"] == "13912345678"


def test_draft_lists_what_is_missing_and_keeps_partial_values(signed_in, item):
    response = post_json(
        signed_in, f"{BASE}/applications", {"item": item.code, "form_data": {"name": "王小明"}}
    )

    body = response.json()
    assert response.status_code == 201
    assert body["form_data"] == {"name": "王小明"}
    assert "id_number" in body["errors"]
    assert any(key.startswith("material_") for key in body["errors"])


def test_draft_values_are_merged_by_put(signed_in, item):
    pk = post_json(signed_in, f"{BASE}/applications", {"item": item.code}).json()["id"]

    response = put_json(
        signed_in, f"{BASE}/applications/{pk}", {"form_data": {"phone": "13900000000"}}
    )

    assert response.status_code == 200
    assert response.json()["form_data"] == {"phone": "13900000000"}


def test_null_clears_a_draft_value(signed_in, item):
    pk = post_json(
        signed_in, f"{BASE}/applications", {"item": item.code, "form_data": {"name": "王小明"}}
    ).json()["id"]

    response = put_json(signed_in, f"{BASE}/applications/{pk}", {"form_data": {"name": None}})

    assert response.json()["form_data"] == {"name": ""}
    assert "name" in response.json()["errors"]


def test_my_applications_lists_mine_only(
    signed_in, citizen, other_citizen, item, django_assert_num_queries
):
    ApplicationFactory(item=item, applicant=citizen)
    ApplicationFactory(item=item, applicant=other_citizen)

    with django_assert_num_queries(4):  # session, user, page, count
        response = signed_in.get(f"{BASE}/applications")

    assert response.json()["count"] == 1


# --- Applications: validation and denials --------------------------------------------------


def test_submit_with_a_wrong_id_number_is_refused_per_field(signed_in, item):
    pk = _complete_draft(signed_in, item)
    put_json(
        signed_in, f"{BASE}/applications/{pk}", {"form_data": {"id_number": "140502199001011234"}}
    )

    response = signed_in.post(f"{BASE}/applications/{pk}/submit")

    assert response.status_code == 422
    assert "id_number" in response.json()["errors"]
    assert signed_in.get(f"{BASE}/applications/{pk}").json()["is_draft"] is True


def test_submit_without_the_required_material_is_refused(signed_in, item):
    pk = post_json(
        signed_in, f"{BASE}/applications", {"item": item.code, "form_data": valid_form_data()}
    ).json()["id"]

    response = signed_in.post(f"{BASE}/applications/{pk}/submit")

    assert response.status_code == 422
    assert any(key.startswith("material_") for key in response.json()["errors"])


def test_second_submit_is_a_conflict(signed_in, item):
    pk = _complete_draft(signed_in, item)
    signed_in.post(f"{BASE}/applications/{pk}/submit")

    response = signed_in.post(f"{BASE}/applications/{pk}/submit")
    edit = put_json(signed_in, f"{BASE}/applications/{pk}", {"form_data": {"name": "改"}})

    assert response.status_code == 409
    assert edit.status_code == 409


def test_executable_disguised_as_pdf_is_refused(signed_in, item):
    pk = post_json(signed_in, f"{BASE}/applications", {"item": item.code}).json()["id"]

    response = signed_in.post(
        f"{BASE}/applications/{pk}/materials",
        {"file": exe_renamed_pdf(), "material_id": item.materials.get().pk},
    )

    assert response.status_code == 400
    assert response.json()["errors"]["file"]


@pytest.mark.parametrize("data", [{"material_id": 999999}, {}])
def test_upload_must_name_a_material_of_the_item(signed_in, item, data):
    pk = post_json(signed_in, f"{BASE}/applications", {"item": item.code}).json()["id"]

    response = signed_in.post(f"{BASE}/applications/{pk}/materials", {"file": pdf_upload(), **data})

    assert response.status_code == 400


def test_item_not_online_cannot_be_applied_for(signed_in):
    offline = ServiceItemFactory(information_only=True)

    response = post_json(signed_in, f"{BASE}/applications", {"item": offline.code})

    assert response.status_code == 400
    assert response.json()["detail"] == "该事项不能在线申请。"


def test_unknown_item_cannot_be_applied_for(signed_in):
    response = post_json(signed_in, f"{BASE}/applications", {"item": "NO-SUCH-ITEM"})

    assert response.status_code == 404


def test_staff_cannot_apply(client, officer, item):
    client.force_login(officer)

    response = post_json(client, f"{BASE}/applications", {"item": item.code})

    assert response.status_code == 403


def test_anonymous_gets_401(client, item, submitted):
    responses = [
        client.get(f"{BASE}/applications"),
        client.get(f"{BASE}/applications/{submitted.pk}"),
        post_json(client, f"{BASE}/applications", {"item": item.code}),
    ]

    assert [r.status_code for r in responses] == [401, 401, 401]
    assert responses[0].json()["detail"] == "请先登录。"


def test_write_without_csrf_token_is_refused(citizen, item):
    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)

    response = post_json(client, f"{BASE}/applications", {"item": item.code})

    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not citizen.applications.exists()


def test_someone_elses_application_is_not_found_whatever_the_method(
    client, other_citizen, submitted, item
):
    client.force_login(other_citizen)
    url = f"{BASE}/applications/{submitted.pk}"

    responses = [
        client.get(url),
        put_json(client, url, {"form_data": {"name": "冒名"}}),
        client.post(f"{url}/submit"),
        client.post(
            f"{url}/materials", {"file": pdf_upload(), "material_id": item.materials.get().pk}
        ),
        client.get(f"{BASE}/applications/999999"),
    ]

    assert [r.status_code for r in responses] == [404] * 5
    assert responses[0].json() == responses[-1].json()


@pytest.mark.parametrize(
    "body",
    [
        "{not json",
        json.dumps({"form_data": {}}),
        json.dumps({"item": 12, "form_data": "text"}),
        json.dumps({"item": "X", "form_data": {"name": {"nested": 1}}}),
    ],
)
def test_malformed_bodies_get_422(signed_in, item, body):
    response = signed_in.post(f"{BASE}/applications", body, content_type="application/json")

    assert response.status_code in {400, 422}
    assert response.json()["detail"]


def test_writes_are_rate_limited_per_account(signed_in, item, monkeypatch):
    monkeypatch.setattr(services_api, "WRITE_RATE", "1/m")

    first = post_json(signed_in, f"{BASE}/applications", {"item": item.code})
    second = post_json(signed_in, f"{BASE}/applications", {"item": item.code})

    assert (first.status_code, second.status_code) == (201, 429)
    assert ServiceItem.objects.get(pk=item.pk).applications.count() == 1
