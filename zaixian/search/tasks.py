"""Background entry points of search."""

from django_tasks import task

from zaixian.search import actions


@task()
def reindex_page_subtree_task(page_id: int) -> None:
    actions.reindex_page_subtree(page_id=page_id)


@task()
def refresh_common_terms_task() -> int:
    """Nightly: track the terms common enough for counting by bitmap (SQLite)."""
    return actions.refresh_common_terms()
