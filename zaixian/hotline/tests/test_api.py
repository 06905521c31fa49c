"""Open311 GeoReport v2: services, POST, GET back, errors, in JSON and XML."""

from xml.etree import ElementTree

import pytest

from zaixian.hotline import actions, rules
from zaixian.hotline.models import HotlineCase

pytestmark = pytest.mark.django_db

BASE = "/open311/v2"


def _xml(content):
    return ElementTree.fromstring(content)  # noqa: S314 — our own server's response in a test


@pytest.fixture
def api_key(centre, category):
    _client, key = actions.create_open311_client(name="城市通")
    return key


def _post(client, fmt, **data):
    return client.post(f"{BASE}/requests.{fmt}", data)


def _valid(api_key, **overrides):
    data = {
        "api_key": api_key,
        "service_code": "urban-construction",
        "lat": "35.490000",
        "long": "112.850000",
        "address_string": "晋城市城区泽州路1号",
        "description": "泽州路人行道地砖松动，老人容易绊倒。",
        "first_name": "小红",
        "last_name": "李",
        "phone": "13512345678",
    }
    data.update(overrides)
    return data


def test_discovery_lists_the_v2_endpoint(client):
    response = client.get(f"{BASE}/discovery.json")

    assert response.status_code == 200
    endpoint = response.json()["endpoints"][0]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2")


def test_services_list_in_json_and_xml(client, category, utilities):
    as_json = client.get(f"{BASE}/services.json")
    as_xml = client.get(f"{BASE}/services.xml")

    assert as_json["Content-Type"].startswith("application/json")
    codes = [service["service_code"] for service in as_json.json()]
    assert codes == ["urban-construction", "utilities"] or sorted(codes) == sorted(
        ["urban-construction", "utilities"]
    )
    assert as_json.json()[0]["metadata"] is False
    root = _xml(as_xml.content)
    assert root.tag == "services"
    assert sorted(s.findtext("service_code") for s in root.findall("service")) == sorted(codes)
    assert as_xml.content.startswith(b'<?xml version="1.0" encoding="utf-8"?>')


def test_service_definition_and_unknown_code(client, category):
    found = client.get(f"{BASE}/services/urban-construction.json")
    missing = client.get(f"{BASE}/services/no-such.xml")

    assert found.json() == {"service_code": "urban-construction", "attributes": []}
    assert missing.status_code == 404
    error = _xml(missing.content).find("error")
    assert error.findtext("code") == "404"
    assert "no-such" in error.findtext("description")


def test_post_request_json_and_get_it_back(client, api_key):
    response = _post(client, "json", **_valid(api_key))

    assert response.status_code == 201
    created = response.json()[0]
    hotline_case = HotlineCase.objects.get()
    assert created["service_request_id"] == hotline_case.case.tracking_number
    assert hotline_case.channel == rules.Channel.OPEN311
    assert hotline_case.caller_name == "李小红"
    assert hotline_case.caller_phone == "13512345678"

    fetched = client.get(f"{BASE}/requests/{created['service_request_id']}.json").json()[0]
    assert fetched["status"] == "open"
    assert fetched["service_code"] == "urban-construction"
    assert fetched["lat"] == "35.490000"
    assert "13512345678" not in str(fetched)
    assert "李小红" not in str(fetched)
    assert "泽州路1号" not in fetched["address"]

    by_token = client.get(f"{BASE}/tokens/{created['token']}.json").json()[0]
    assert by_token["service_request_id"] == created["service_request_id"]


def test_post_request_xml_and_list_with_filters(client, api_key):
    response = _post(client, "xml", **_valid(api_key))
    _post(client, "xml", **_valid(api_key, description="另一处路灯不亮了", phone="13600000000"))

    assert response.status_code == 201
    number = _xml(response.content).find("request").findtext("service_request_id")
    listed = _xml(client.get(f"{BASE}/requests.xml").content)
    assert len(listed.findall("request")) == 2
    one = client.get(f"{BASE}/requests.json", {"service_request_id": number}).json()
    assert [r["service_request_id"] for r in one] == [number]
    assert client.get(f"{BASE}/requests.json", {"status": "closed"}).json() == []
    assert len(client.get(f"{BASE}/requests.json", {"status": "open"}).json()) == 2
    coded = client.get(f"{BASE}/requests.json", {"service_code": "utilities"}).json()
    assert coded == []
    dated = client.get(
        f"{BASE}/requests.json",
        {"start_date": "2000-01-01T00:00:00+08:00", "end_date": "2000-12-31T00:00:00+08:00"},
    ).json()
    assert dated == []


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_bad_api_key_is_403(client, api_key, fmt):
    response = _post(client, fmt, **_valid("0000.wrong"))

    assert response.status_code == 403
    assert not HotlineCase.objects.exists()
    if fmt == "json":
        assert response.json()[0]["code"] == 403
    else:
        assert _xml(response.content).find("error").findtext("code") == "403"


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_missing_description_is_400(client, api_key, fmt):
    response = _post(client, fmt, **_valid(api_key, description=""))

    assert response.status_code == 400
    body = response.json()[0] if fmt == "json" else None
    if body is not None:
        assert body == {"code": 400, "description": "description is required."} or (
            body["code"] == 400 and "description" in body["description"]
        )
    else:
        error = _xml(response.content).find("error")
        assert error.findtext("code") == "400"


def test_missing_location_is_400(client, api_key):
    response = _post(client, "json", **_valid(api_key, lat="", long="", address_string=""))

    assert response.status_code == 400
    assert response.json()[0]["code"] == 400


@pytest.mark.parametrize("fmt", ["json", "xml"])
def test_unknown_service_code_is_400(client, api_key, fmt):
    response = _post(client, fmt, **_valid(api_key, service_code="unicorns"))

    assert response.status_code == 400
    text = response.content.decode()
    assert "unicorns" in text


def test_unknown_request_and_token_are_404(client, centre):
    assert client.get(f"{BASE}/requests/20260101XX0000000.json").status_code == 404
    assert client.get(f"{BASE}/tokens/abcdef.xml").status_code == 404


def test_bad_dates_and_status_are_400(client, centre):
    bad_date = client.get(f"{BASE}/requests.json", {"start_date": "yesterday"})
    bad_status = client.get(f"{BASE}/requests.json", {"status": "pending"})

    assert bad_date.status_code == 400
    assert bad_status.status_code == 400


def test_unknown_format_is_404(client, centre):
    assert client.get(f"{BASE}/services.csv").status_code == 404


def test_errors_are_chinese_for_a_chinese_client(client, api_key):
    response = client.post(
        f"{BASE}/requests.json", _valid(api_key, description=""), HTTP_ACCEPT_LANGUAGE="zh-hans"
    )

    assert response.status_code == 400
    assert any("\u4e00" <= char <= "\u9fff" for char in response.json()[0]["description"])


def test_posting_is_rate_limited(client, api_key, settings):
    for _attempt in range(20):
        _post(client, "json", **_valid(api_key, description=""))

    response = _post(client, "json", **_valid(api_key))

    assert response.status_code == 429
    assert response.json()[0]["code"] == 429
