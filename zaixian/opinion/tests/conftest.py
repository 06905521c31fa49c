"""Fixtures of the opinion watch's tests."""

from collections.abc import Iterator

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def _english() -> Iterator[None]:
    """Messages are asserted by their English msgids; the Chinese ones are the catalogue's."""
    with translation.override("en"):
        yield
