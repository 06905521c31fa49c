"""Background entry points of static publishing."""

from typing import Any

from django_tasks import task

from zaixian.publishing import actions


@task()
def publish_changes_task(changes: list[dict[str, Any]]) -> None:
    """Rewrite what the recorded page events changed (``actions.record_page_change``)."""
    actions.publish_recorded_changes(changes=changes)


@task()
def publish_site_task(site_id: int) -> None:
    """Rebuild one site's whole static tree."""
    actions.publish_site_by_id(site_id=site_id)


@task()
def publish_urls_task(site_id: int, urls: list[str]) -> None:
    """Rewrite some pages of a site (the further list pages and subtrees of a change)."""
    actions.publish_recorded_urls(site_id=site_id, urls=urls)
