"""The object store as a publishing target: each host's served tree (the version its link
points at: an object store has no symlinks) and the assets, copied into an S3-compatible
bucket (Aliyun OSS, Tencent COS, Huawei OBS, MinIO, AWS S3) that a CDN uses as its origin.

Only what changed is sent. A full publish compares the files with the bucket's listing (size
and MD5, the ETag of a plain upload); an incremental one with the manifest of the last upload
kept beside the tree (``.object-store/<host>.json``), so it reads only the files whose size or
time changed. Objects of files that are gone are deleted. Uploads run in threads.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError
from django.conf import settings

from zaixian.publishing import rules
from zaixian.publishing.tree import file_lock

SETTING = "STATIC_PUBLISH_OBJECT_STORE"
WORKERS_SETTING = "STATIC_PUBLISH_OBJECT_STORE_WORKERS"
DEFAULT_WORKERS = 16
HASH_CHUNK = 1024 * 1024


class ObjectStoreError(RuntimeError):
    """The store refused or could not be reached; the local tree is untouched."""


class ProgressBar(Protocol):
    def update(self, n: int = 1) -> Any: ...

    def close(self) -> Any: ...


# Called with a label and the number of files to send; returns the bar to advance.
ProgressFactory = Callable[[str, int], ProgressBar]


@dataclass
class SyncResult:
    """What one sync did to one host's (or the assets') objects."""

    top: str
    uploaded: int = 0
    deleted: int = 0
    unchanged: int = 0


def configured_target() -> rules.ObjectStoreTarget | None:
    """The bucket of ``STATIC_PUBLISH_OBJECT_STORE``, or None when publishing goes to no
    object store."""
    url = getattr(settings, SETTING, "")
    if not url:
        return None
    try:
        return rules.parse_object_store_url(url)
    except rules.ObjectStoreURLError as error:
        raise ObjectStoreError(
            f"{SETTING} must look like https://endpoint/bucket/prefix, not {url!r}."
        ) from error


class ObjectStore:
    """One bucket, through boto3. Credentials come from the environment (AWS_ACCESS_KEY_ID
    and AWS_SECRET_ACCESS_KEY, or boto3's other usual sources)."""

    def __init__(self, target: rules.ObjectStoreTarget, *, workers: int | None = None) -> None:
        self.target = target
        self.workers = workers or int(getattr(settings, WORKERS_SETTING, DEFAULT_WORKERS))
        self.client = boto3.client(
            "s3",
            endpoint_url=target.endpoint_url,
            region_name=target.region or None,
            config=Config(
                s3={"addressing_style": target.addressing_style},
                # The other clouds' S3 APIs do not all know AWS's newer default checksums.
                request_checksum_calculation="when_required",
                response_checksum_validation="when_required",
                max_pool_connections=self.workers,
                retries={"max_attempts": 3, "mode": "standard"},
            ),
        )

    def listing(self, top: str) -> dict[str, rules.StoredFile]:
        """The objects below ``<prefix><top>/``, by path relative to it."""
        start = rules.object_key(self.target, top, "")
        found: dict[str, rules.StoredFile] = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.target.bucket, Prefix=start):
            for entry in page.get("Contents", []):
                found[entry["Key"][len(start) :]] = rules.StoredFile(
                    size=int(entry["Size"]), md5=rules.etag_md5(entry.get("ETag", ""))
                )
        return found

    def upload(self, *, top: str, relative: str, path: Path, is_asset: bool) -> None:
        with path.open("rb") as body:
            self.client.put_object(
                Bucket=self.target.bucket,
                Key=rules.object_key(self.target, top, relative),
                Body=body,
                **rules.object_headers(relative, is_asset=is_asset),
            )

    def delete(self, *, top: str, relative: str) -> None:
        self.client.delete_object(
            Bucket=self.target.bucket, Key=rules.object_key(self.target, top, relative)
        )


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with path.open("rb") as handle:
        while chunk := handle.read(HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _local_files(directory: Path) -> dict[str, os.stat_result]:
    """The files nginx would serve from ``directory``: no dot-files (temporary files)."""
    files = {}
    for folder, subfolders, names in os.walk(directory):
        subfolders[:] = [name for name in subfolders if not name.startswith(".")]
        for name in names:
            if name.startswith("."):
                continue
            path = Path(folder) / name
            stat = path.lstat()
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(directory).as_posix()] = stat
    return files


class _Manifest:
    """What was last uploaded for one top-level name: path → (size, mtime_ns, md5)."""

    def __init__(self, *, root: Path, top: str, target: rules.ObjectStoreTarget) -> None:
        self.path = root / rules.OBJECT_STORE_DIR / f"{top}.json"
        self.identity = target.identity
        self.files: dict[str, tuple[int, int, str]] = {}
        self.is_valid = False
        with contextlib.suppress(FileNotFoundError, ValueError):
            saved = json.loads(self.path.read_text())
            if saved.get("target") == self.identity:
                self.files = {name: tuple(entry) for name, entry in saved["files"].items()}
                self.is_valid = True

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=".tmp-")
        with os.fdopen(fd, "w") as handle:
            json.dump({"target": self.identity, "files": self.files}, handle)
        os.replace(temporary, self.path)

    def remove(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()


def _sync_lock(root: Path, top: str) -> contextlib.AbstractContextManager[None]:
    """One upload of a host at a time (two tasks would race on its manifest)."""
    return file_lock(root, f"{top}.object-store.lock")


def _describe(error: BaseException) -> str:
    if isinstance(error, ClientError):
        details = error.response.get("Error", {})
        return f"{details.get('Code', '?')}: {details.get('Message', '')}".strip()
    return str(error) or repr(error)


def _run_parallel(
    *, store: ObjectStore, jobs: list[Callable[[], None]], on_done: Callable[[int], None]
) -> None:
    """Run ``jobs`` in the store's threads; stop at the first failure and raise it, once the
    jobs already running have finished. ``on_done(index)`` is called for each success."""
    if not jobs:
        return
    lock = threading.Lock()

    def run(index: int) -> None:
        jobs[index]()
        with lock:
            on_done(index)

    with ThreadPoolExecutor(max_workers=store.workers, thread_name_prefix="upload") as pool:
        futures: list[Future[None]] = [pool.submit(run, index) for index in range(len(jobs))]
        done, _pending = wait(futures, return_when=FIRST_EXCEPTION)
        for future in done:
            error = future.exception()
            if error is not None:
                pool.shutdown(wait=True, cancel_futures=True)
                raise error


def sync_directory(
    *,
    store: ObjectStore,
    root: Path,
    top: str,
    directory: Path,
    is_asset: bool = False,
    compare_with_listing: bool = False,
    progress: ProgressFactory | None = None,
) -> SyncResult:
    """Make the objects below ``<prefix><top>/`` the files of ``directory``: upload what is
    new or changed, delete what is gone. ``compare_with_listing``: trust the bucket's listing,
    not the manifest of the last upload (a full publish; the first upload)."""
    result = SyncResult(top=top)
    with _sync_lock(root, top):
        manifest = _Manifest(root=root, top=top, target=store.target)
        try:
            if compare_with_listing or not manifest.is_valid:
                remote = store.listing(top)
            else:
                remote = {
                    name: rules.StoredFile(size=size, md5=md5)
                    for name, (size, _mtime, md5) in manifest.files.items()
                }
        except (BotoCoreError, ClientError) as error:
            raise ObjectStoreError(
                f"Cannot list {store.target.bucket}/{rules.object_key(store.target, top, '')} "
                f"at {store.target.endpoint_url}: {_describe(error)}"
            ) from error
        stats = _local_files(directory)
        local: dict[str, rules.StoredFile] = {}
        for name, stat in stats.items():
            known = manifest.files.get(name)
            if known is not None and known[0] == stat.st_size and known[1] == stat.st_mtime_ns:
                md5 = known[2]
            else:
                md5 = _md5(directory / name)
            local[name] = rules.StoredFile(size=stat.st_size, md5=md5)
        upload, delete = rules.objects_to_sync(local=local, remote=remote)
        result.unchanged = len(local) - len(upload)
        # The manifest lists what the bucket holds: the files already equal now, each upload
        # as it succeeds, each deleted object gone (so a failed run is resumed, not redone).
        manifest.files = {
            name: (stats[name].st_size, stats[name].st_mtime_ns, local[name].md5)
            for name in local
            if name not in upload and name in remote
        }
        manifest.files.update(
            {
                name: (stored.size, 0, stored.md5)
                for name, stored in remote.items()
                if name in delete
            }
        )
        bar = progress(top, len(upload) + len(delete)) if progress is not None else None

        def uploaded(index: int) -> None:
            name = upload[index]
            manifest.files[name] = (stats[name].st_size, stats[name].st_mtime_ns, local[name].md5)
            result.uploaded += 1
            if bar is not None:
                bar.update(1)

        def deleted(index: int) -> None:
            manifest.files.pop(delete[index], None)
            result.deleted += 1
            if bar is not None:
                bar.update(1)

        try:
            _run_parallel(
                store=store,
                jobs=[
                    _bind(
                        store.upload,
                        top=top,
                        relative=name,
                        path=directory / name,
                        is_asset=is_asset,
                    )
                    for name in upload
                ],
                on_done=uploaded,
            )
            _run_parallel(
                store=store,
                jobs=[_bind(store.delete, top=top, relative=name) for name in delete],
                on_done=deleted,
            )
        except (BotoCoreError, ClientError, OSError) as error:
            raise ObjectStoreError(
                f"Uploading {top} to {store.target.bucket} at {store.target.endpoint_url} "
                f"failed: {_describe(error)}"
            ) from error
        finally:
            manifest.save()
            if bar is not None:
                bar.close()
    return result


def _bind(function: Callable[..., None], **kwargs: Any) -> Callable[[], None]:
    return lambda: function(**kwargs)


def remove_top(*, store: ObjectStore, root: Path, top: str) -> int:
    """Delete every object below ``<prefix><top>/`` (a host that is no site any more) and
    forget its manifest; the number deleted."""
    if not rules.is_valid_hostname(top):
        raise ObjectStoreError(f"{top!r} is not a host name of the tree.")
    with _sync_lock(root, top):
        manifest = _Manifest(root=root, top=top, target=store.target)
        try:
            names = list(store.listing(top))
            _run_parallel(
                store=store,
                jobs=[_bind(store.delete, top=top, relative=name) for name in names],
                on_done=lambda _index: None,
            )
        except (BotoCoreError, ClientError) as error:
            raise ObjectStoreError(
                f"Deleting {top} from {store.target.bucket} at {store.target.endpoint_url} "
                f"failed: {_describe(error)}"
            ) from error
        manifest.remove()
    return len(names)
