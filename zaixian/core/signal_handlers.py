"""Handlers for library events (not our own flows)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import pre_save
from django.dispatch import receiver
from wagtail.models import ModelLogEntry, PageLogEntry

from zaixian.core.middleware import current_request


@receiver(pre_save, sender=ModelLogEntry)
@receiver(pre_save, sender=PageLogEntry)
def add_client_ip_to_log_entry(sender: type, instance: Any, **kwargs: Any) -> None:
    """Wagtail's audit log records who and when; we add the client address for every entry."""
    info = current_request.get()
    if info is None or not info.ip:
        return
    data = dict(instance.data or {})
    data.setdefault("ip", info.ip)
    instance.data = data
