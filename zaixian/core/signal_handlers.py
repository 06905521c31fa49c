"""Handlers for library events (not our own flows)."""

from __future__ import annotations

from typing import Any

from django.apps import AppConfig, apps
from django.db.models.signals import post_delete, post_migrate, post_save, pre_save
from django.dispatch import receiver
from wagtail.models import ModelLogEntry, PageLogEntry

from zaixian.core.middleware import current_request
from zaixian.core.models import CalendarDay, HolidaySchedule
from zaixian.core.workdays import invalidate_calendar_cache


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


@receiver(post_save, sender=HolidaySchedule)
@receiver(post_delete, sender=HolidaySchedule)
@receiver(post_save, sender=CalendarDay)
@receiver(post_delete, sender=CalendarDay)
def retire_cached_calendar(sender: type, **kwargs: Any) -> None:
    """The admin, data migrations and the shell all write these tables; model signals are the
    one place every write path passes, so the cached working-day calendar follows them."""
    invalidate_calendar_cache()


@receiver(post_migrate)
def top_up_role_groups(sender: AppConfig, **kwargs: Any) -> None:
    """After ``migrate``, give the role groups the permissions of apps migrated after core's
    data migration (e.g. the portal's footer settings). Runs once, for core's own signal; the
    permissions of every app are created first because their own handlers run later."""
    if sender.label != "core":
        return
    from django.contrib.auth.management import create_permissions

    from zaixian.core.actions import ensure_role_groups

    using = kwargs.get("using", "default")
    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    ensure_role_groups()
