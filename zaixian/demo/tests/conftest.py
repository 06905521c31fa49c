from collections.abc import Iterator

import pytest
from django.db import transaction

from zaixian.demo import actions


@pytest.fixture(scope="module")
def demo_city(django_db_setup, django_db_blocker) -> Iterator[actions.DemoSummary]:
    """The full demo city, loaded once per test module (loading it takes seconds) inside a
    transaction that is rolled back afterwards. Each test runs in a savepoint within it."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        try:
            yield actions.load_demo()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)
