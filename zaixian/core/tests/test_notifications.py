import logging
import smtplib

import pytest
from django.core import mail
from django.test import override_settings

from zaixian.core import notifications
from zaixian.core.models import Notification
from zaixian.core.notifications import MemorySMSBackend, notify, send_sms
from zaixian.core.tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _empty_sms_outbox():
    MemorySMSBackend.clear()
    yield
    MemorySMSBackend.clear()


class FailingSMSBackend(notifications.SMSBackend):
    def send(self, *, phone, text):
        raise ConnectionError("gateway down")


class FailingEmailBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise smtplib.SMTPServerDisconnected("mail server gone")


@pytest.mark.django_db
def test_notify_recipient_writes_message_sends_mail_and_sms():
    citizen = UserFactory(email="zhang@example.cn", phone="13800138000")

    notify(recipient=citizen, subject="您的办件已受理", body="请留意后续通知。", link="/bsfw/x/")

    message = Notification.objects.get(recipient=citizen)
    assert (message.subject, message.body, message.link) == (
        "您的办件已受理",
        "请留意后续通知。",
        "/bsfw/x/",
    )
    assert message.read_at is None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["zhang@example.cn"]
    assert mail.outbox[0].from_email == "noreply@zaixian.local"
    assert "http://127.0.0.1:8000/bsfw/x/" in mail.outbox[0].body
    assert MemorySMSBackend.outbox == [
        notifications.SentSMS(phone="13800138000", text="您的办件已受理：请留意后续通知。")
    ]


@pytest.mark.django_db
def test_explicit_email_and_phone_take_precedence_over_the_recipients():
    citizen = UserFactory(email="old@example.cn", phone="13800138000")

    notify(recipient=citizen, subject="s", body="b", email="new@example.cn", phone="13900139000")

    assert mail.outbox[0].to == ["new@example.cn"]
    assert MemorySMSBackend.outbox[0].phone == "13900139000"


@pytest.mark.django_db
def test_notify_without_recipient_writes_no_message():
    notify(subject="验证您的邮箱", body="链接", email="someone@example.cn")

    assert Notification.objects.count() == 0
    assert len(mail.outbox) == 1
    assert MemorySMSBackend.outbox == []


@pytest.mark.django_db
def test_recipient_without_contact_gets_only_the_in_site_message():
    citizen = UserFactory(email="", phone="")

    notify(recipient=citizen, subject="s", body="b")

    assert Notification.objects.filter(recipient=citizen).count() == 1
    assert mail.outbox == []
    assert MemorySMSBackend.outbox == []


@pytest.mark.django_db
@override_settings(
    EMAIL_BACKEND="zaixian.core.tests.test_notifications.FailingEmailBackend",
    ZAIXIAN_SMS_BACKEND="zaixian.core.tests.test_notifications.FailingSMSBackend",
)
def test_failing_mail_and_sms_are_logged_and_keep_the_in_site_message(caplog):
    citizen = UserFactory(email="zhang@example.cn", phone="13800138000")

    with caplog.at_level(logging.ERROR, logger="zaixian.core.notifications"):
        notify(recipient=citizen, subject="办件已办结", body="b")

    assert Notification.objects.filter(recipient=citizen, subject="办件已办结").exists()
    logged = caplog.text
    assert "E-mail notification" in logged
    assert "SMS notification to 138****8000" in logged
    assert "13800138000" not in logged


@override_settings(ZAIXIAN_SMS_BACKEND="zaixian.core.notifications.LoggingSMSBackend")
def test_logging_backend_masks_the_number(caplog):
    with caplog.at_level(logging.INFO, logger="zaixian.core.notifications"):
        send_sms(phone="13800138000", text="验证码 123456")

    assert "SMS to 138****8000: 验证码 123456" in caplog.text
    assert "13800138000" not in caplog.text


@override_settings(ZAIXIAN_SMS_BACKEND="zaixian.core.tests.test_notifications.FailingSMSBackend")
def test_send_sms_passes_gateway_errors_to_the_caller():
    with pytest.raises(ConnectionError):
        send_sms(phone="13800138000", text="验证码 123456")


def test_send_sms_uses_the_configured_backend():
    send_sms(phone="13800138000", text="验证码 123456")

    assert MemorySMSBackend.outbox == [
        notifications.SentSMS(phone="13800138000", text="验证码 123456")
    ]


def test_base_backend_must_be_subclassed():
    with pytest.raises(NotImplementedError):
        notifications.SMSBackend().send(phone="13800138000", text="x")
