"""Background entry points of static publishing."""

from typing import Any

from django_tasks import task

from zaixian.publishing import actions


@task()
def publish_changes_task(changes: list[dict[str, Any]]) -> None:
    """Rewrite what the recorded page events changed (``actions.record_page_change``)."""
    actions.publish_recorded_changes(changes=changes)


@task()
def publish_site_task(site_id: int, previous_hostname: str = "") -> None:
    """Rebuild one site's whole static tree (and remove its old host's after a rename)."""
    actions.publish_site_by_id(site_id=site_id, previous_hostname=previous_hostname)


@task()
def remove_site_tree_task(hostname: str) -> None:
    """Remove the static tree of a host that belongs to no site any more."""
    actions.remove_site_tree_by_hostname(hostname=hostname)


@task()
def publish_urls_task(site_id: int, urls: list[str]) -> None:
    """Rewrite some pages of a site (the further list pages and subtrees of a change)."""
    actions.publish_recorded_urls(site_id=site_id, urls=urls)
