import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def _fresh_cache():
    """The working-day calendar is cached; a rolled-back test must not leave its years behind."""
    cache.clear()
    yield
    cache.clear()
