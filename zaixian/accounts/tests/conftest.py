import pytest

from zaixian.core.notifications import MemorySMSBackend


@pytest.fixture(autouse=True)
def sms_outbox():
    """The SMS messages sent during the test (the test settings' MemorySMSBackend)."""
    MemorySMSBackend.clear()
    yield MemorySMSBackend.outbox
    MemorySMSBackend.clear()
