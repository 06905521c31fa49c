import pytest
from django.test import RequestFactory, override_settings
from wagtail.models import ModelLogEntry

from zaixian.core import audit
from zaixian.core.middleware import RequestInfo, client_ip, current_request
from zaixian.core.tests.factories import DepartmentFactory, UserFactory


def test_record_personal_data_view_writes_entry(db):
    officer = UserFactory()
    citizen = UserFactory()

    entry = audit.record_personal_data_view(
        instance=citizen, user=officer, fields=["phone", "id_number"]
    )

    assert entry.action == "zaixian.view_personal_data"
    assert entry.user_id == officer.pk
    assert entry.data == {"fields": ["id_number", "phone"]}
    assert entry.label == str(citizen)


def test_record_rejects_unregistered_action(db):
    with pytest.raises(audit.UnknownLogActionError):
        audit.record(instance=DepartmentFactory(), action="zaixian.no_such_action")


def test_record_takes_user_and_ip_from_current_request(db):
    officer = UserFactory()
    token = current_request.set(RequestInfo(user_id=officer.pk, ip="10.1.2.3"))
    try:
        entry = audit.record(instance=DepartmentFactory(), action=audit.EXPORT, data={"rows": 3})
    finally:
        current_request.reset(token)

    entry.refresh_from_db()
    assert entry.user_id == officer.pk
    assert entry.data == {"rows": 3, "ip": "10.1.2.3"}


def test_record_outside_a_request_has_no_ip(db):
    entry = audit.record(instance=DepartmentFactory(), action=audit.EXPORT)

    assert "ip" not in ModelLogEntry.objects.get(pk=entry.pk).data


def test_client_ip_ignores_forged_header_from_untrusted_peer():
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.9", HTTP_X_REAL_IP="1.1.1.1")

    assert client_ip(request) == "203.0.113.9"


@override_settings(TRUSTED_PROXY_IPS=["127.0.0.1"])
def test_client_ip_uses_header_from_trusted_proxy():
    request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="198.51.100.7")

    assert client_ip(request) == "198.51.100.7"
