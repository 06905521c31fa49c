"""Background entry points of the portal."""

from django_tasks import task

from zaixian.portal import actions


@task()
def publish_scheduled_pages_task() -> None:
    actions.publish_scheduled_pages()
