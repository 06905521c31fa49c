"""Signal receivers of the web analytics: a saved or deleted site clears the collect
endpoint's host-name cache (``reports.site_by_host``)."""

from __future__ import annotations

from django.db.models.signals import post_delete, post_save
from wagtail.models import Site

from zaixian.analytics import reports


def connect() -> None:
    post_save.connect(reports.forget_sites, sender=Site, dispatch_uid="analytics_forget_sites")
    post_delete.connect(
        reports.forget_sites, sender=Site, dispatch_uid="analytics_forget_sites_deleted"
    )
