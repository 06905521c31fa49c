from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture
def publish_root(settings, tmp_path: Path) -> Path:
    """Static publishing switched on, into a fresh directory."""
    root = tmp_path / "public"
    settings.STATIC_PUBLISH_ROOT = str(root)
    settings.STATIC_PUBLISH_SYNC_COMMAND = ""
    return root


@pytest.fixture
def commit(django_capture_on_commit_callbacks) -> Callable[[], Any]:
    """``with commit():`` runs what the block leaves for after the commit (the tasks), as a
    real commit would."""
    from zaixian.publishing import actions

    def _commit() -> Any:
        actions.forget_pending_changes()
        return django_capture_on_commit_callbacks(execute=True)

    return _commit
