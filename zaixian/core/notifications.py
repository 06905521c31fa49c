"""Notifications to citizens and officers: the in-site message, e-mail and SMS.

``notify`` is what actions call (inside ``transaction.on_commit``) when something happens
that a person should hear about. E-mail goes through Django's mail backends; SMS through a
pluggable backend named by ``settings.ZAIXIAN_SMS_BACKEND`` (a dotted path to a class with
``send(*, phone, text)``), by default one that only writes the message to the log.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from zaixian.core.models import Notification
from zaixian.core.rules import mask_phone

logger = logging.getLogger(__name__)

DEFAULT_SMS_BACKEND = "zaixian.core.notifications.LoggingSMSBackend"


class SMSBackend:
    """The interface of an SMS gateway. A real one (a carrier's or a cloud provider's API)
    subclasses this and raises on failure; ``notify`` logs the error and goes on."""

    def send(self, *, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSMSBackend(SMSBackend):
    """Writes each message to the log at INFO, with the number masked. The default until a
    gateway is configured, so nothing is sent by accident from a test or demo install."""

    def send(self, *, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", mask_phone(phone), text)


@dataclass(frozen=True)
class SentSMS:
    phone: str
    text: str


class MemorySMSBackend(SMSBackend):
    """Keeps every message in ``MemorySMSBackend.outbox`` (like Django's locmem mail
    backend), for tests and for reading codes in a local demo."""

    outbox: ClassVar[list[SentSMS]] = []
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def send(self, *, phone: str, text: str) -> None:
        with self._lock:
            self.outbox.append(SentSMS(phone=phone, text=text))

    @classmethod
    def clear(cls) -> None:
        with cls._lock:
            cls.outbox.clear()


@cache
def _backend_class(path: str) -> type[SMSBackend]:
    backend: type[SMSBackend] = import_string(path)
    return backend


def get_sms_backend() -> SMSBackend:
    """An instance of the configured SMS backend."""
    path = getattr(settings, "ZAIXIAN_SMS_BACKEND", DEFAULT_SMS_BACKEND) or DEFAULT_SMS_BACKEND
    return _backend_class(path)()


def send_sms(*, phone: str, text: str) -> None:
    """Send one SMS through the configured backend; errors reach the caller (a verification
    code that was not sent must be reported to the person waiting for it)."""
    get_sms_backend().send(phone=phone, text=text)


def notify(
    *,
    recipient: Any = None,
    subject: str,
    body: str,
    email: str = "",
    phone: str = "",
    link: str = "",
) -> None:
    """Tell someone about an event: an in-site message when ``recipient`` (a user) is given,
    an e-mail to ``email`` or else the recipient's address, and an SMS to ``phone`` or else
    the recipient's mobile number. A failing mail server or SMS gateway is logged and does not
    undo the in-site message, which is written first."""
    if recipient is not None:
        Notification.objects.create(
            recipient=recipient, subject=subject[:200], body=body, link=link[:500]
        )
    email = email or (getattr(recipient, "email", "") if recipient is not None else "")
    phone = phone or (getattr(recipient, "phone", "") if recipient is not None else "")
    text = body
    if link:
        text = f"{body}\n\n{_absolute(link)}"
    if email:
        try:
            send_mail(subject, text, None, [email], fail_silently=False)
        except Exception:
            # Any error of any mail backend (SMTP, socket, TLS): the message is logged, the
            # in-site copy stays, and the caller's work is not undone by a mail outage.
            logger.exception("E-mail notification %r could not be sent", subject)
    if phone:
        try:
            send_sms(phone=phone, text=f"{subject}：{body}" if body else subject)
        except Exception:
            # The same for the SMS gateway, whatever it raises.
            logger.exception("SMS notification to %s could not be sent", mask_phone(phone))


def _absolute(link: str) -> str:
    if link.startswith(("http://", "https://")):
        return link
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    return f"{base}{link}" if link.startswith("/") else link
