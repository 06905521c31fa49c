"""Background entry points of search."""

from django_tasks import task

from zaixian.search import actions


@task()
def reindex_page_subtree_task(page_id: int) -> None:
    actions.reindex_page_subtree(page_id=page_id)
