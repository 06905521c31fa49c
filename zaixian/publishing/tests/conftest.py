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


@pytest.fixture(scope="session")
def s3_server(tmp_path_factory):
    """A real S3-compatible server (OpenStack Swift with its S3 API) on a free loopback port,
    for the whole run; the tests that use it skip, saying why, when it cannot start."""
    from zaixian.publishing.tests.s3_server import S3ServerUnavailableError, swift_s3_server

    try:
        with swift_s3_server(tmp_path_factory.mktemp("swift")) as server:
            yield server
    except S3ServerUnavailableError as error:
        pytest.skip(str(error))


@pytest.fixture
def bucket(s3_server, settings, monkeypatch, publish_root: Path):
    """A fresh bucket as the publishing target: ``(client, name)``."""
    import uuid

    import boto3
    from botocore.config import Config

    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3_server.access_key)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3_server.secret_key)
    name = f"public-{uuid.uuid4().hex[:12]}"
    client = boto3.client(
        "s3",
        endpoint_url=s3_server.endpoint_url,
        region_name="us-east-1",
        config=Config(
            s3={"addressing_style": "path"},
            request_checksum_calculation="when_required",
            response_checksum_validation="when_required",
        ),
    )
    client.create_bucket(Bucket=name)
    settings.STATIC_PUBLISH_OBJECT_STORE = (
        f"{s3_server.endpoint_url}/{name}/www?addressing=path&region=us-east-1"
    )
    return client, name
