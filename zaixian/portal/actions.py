"""Every write of the portal."""

from __future__ import annotations

from django.core.management import call_command


def publish_scheduled_pages() -> None:
    """Publish pages whose go-live time has come and unpublish expired ones (Wagtail's
    scheduled publishing)."""
    call_command("publish_scheduled", verbosity=0)
