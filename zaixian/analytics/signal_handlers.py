"""Signal receivers of the web analytics: a saved or deleted site clears the collect
endpoint's host-name cache (``reports.site_by_host``); a site about to be deleted loses its
analytics rows in bulk first (``actions.delete_site_figures``)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save, pre_delete
from wagtail.models import Site

from zaixian.analytics import actions, reports


def delete_site_figures(sender: type[Site], instance: Site, **kwargs: Any) -> None:
    actions.delete_site_figures(site_id=instance.pk)


def connect() -> None:
    post_save.connect(reports.forget_sites, sender=Site, dispatch_uid="analytics_forget_sites")
    post_delete.connect(
        reports.forget_sites, sender=Site, dispatch_uid="analytics_forget_sites_deleted"
    )
    pre_delete.connect(
        delete_site_figures, sender=Site, dispatch_uid="analytics_delete_site_figures"
    )
