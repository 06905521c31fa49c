"""Every write of static publishing: full rebuilds of a site's tree, incremental updates after
page events, the assets, and the copy to other machines.

Pages are rendered through the app itself (``render.Renderer``), so a static file is the page
an anonymous visitor would get. A response that is not the same for everyone (a form with a
CSRF token, a cookie, an error) is not written: nginx then passes the URL to the app.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import shlex
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.files.storage import FileSystemStorage
from django.db import connections, transaction
from wagtail.models import Site

from zaixian.publishing import object_store, queries, rules
from zaixian.publishing.object_store import ObjectStoreError, ProgressFactory, SyncResult
from zaixian.publishing.queries import PageChange
from zaixian.publishing.render import Renderer
from zaixian.publishing.tree import (
    SiteTree,
    TreeError,
    hostnames_in_tree,
    remove_file,
    write_file,
    write_plain,
)

logger = logging.getLogger(__name__)

Progress = Callable[[int], None]


class PublishError(RuntimeError):
    """Publishing cannot run as asked (no root configured, an unknown site, a failed copy)."""


@dataclass
class PublishResult:
    """What one publish run did to one site's tree."""

    hostname: str
    written: int = 0
    removed: int = 0
    skipped: list[str] = field(default_factory=list)
    full: bool = False


def publish_root() -> Path | None:
    """The configured static tree (``STATIC_PUBLISH_ROOT``), or None when publishing is off."""
    root = getattr(settings, "STATIC_PUBLISH_ROOT", "")
    return Path(root) if root else None


_pending = threading.local()


@contextlib.contextmanager
def _publishing() -> Iterator[None]:
    """While this thread renders pages, writes they cause (Wagtail creating a site's default
    settings row on first read) must not start another publish: it would wait for the lock
    this thread holds."""
    previous = getattr(_pending, "publishing", False)
    _pending.publishing = True
    try:
        yield
    finally:
        _pending.publishing = previous


def _is_publishing() -> bool:
    return bool(getattr(_pending, "publishing", False))


def _site_tree(*, root: Path, hostname: str) -> SiteTree:
    try:
        return SiteTree(root=root, hostname=hostname)
    except TreeError as error:
        raise PublishError(str(error)) from error


def _render_into(
    *,
    renderer: Renderer,
    site: Site,
    base: Path,
    urls: Iterable[str],
    atomic: bool,
    result: PublishResult,
    progress: Progress | None,
) -> None:
    for url in urls:
        try:
            relative = rules.file_for_url(url)
        except rules.UnsafePathError:
            result.skipped.append(url)
            continue
        rendered = renderer.render(site=site, url=url)
        if rendered.publishable:
            write_file(base / relative, rendered.content, atomic=atomic)
            result.written += 1
        else:
            # Stays on the application (a form, an error, a page that is gone).
            if (base / relative).exists():
                remove_file(base / relative)
                result.removed += 1
            if rendered.status == rules.HTTP_OK:
                result.skipped.append(url)
        if progress is not None:
            progress(1)


def can_fork_workers() -> bool:
    """Forked workers open their own database connections: not possible with an in-memory
    SQLite database (the tests'), which only this process sees."""
    database = connections["default"].settings_dict
    name = str(database.get("NAME", ""))
    in_memory = database["ENGINE"].endswith("sqlite3") and (
        name == ":memory:" or "mode=memory" in name
    )
    return not in_memory and hasattr(os, "fork")


def _render_worker(
    site_id: int, base: str, urls: list[str], queue: multiprocessing.Queue[Any]
) -> None:
    """One forked process: render its share of the URLs, report progress and the result."""
    result = PublishResult(hostname="")
    try:
        site = Site.objects.select_related("root_page").get(pk=site_id)
        renderer = Renderer()
        _render_into(
            renderer=renderer,
            site=site,
            base=Path(base),
            urls=urls,
            atomic=False,
            result=result,
            progress=lambda count: queue.put(("progress", count)),
        )
        queue.put(("done", (result.written, result.removed, result.skipped)))
    except BaseException as error:
        queue.put(("failed", repr(error)))
        raise
    finally:
        connections.close_all()


def _render_in_processes(
    *,
    site: Site,
    base: Path,
    urls: list[str],
    workers: int,
    result: PublishResult,
    progress: Progress | None,
) -> None:
    context = multiprocessing.get_context("fork")
    queue: multiprocessing.Queue[Any] = context.Queue()
    # Children must not inherit (and share) this process's database connection.
    connections.close_all()
    processes = [
        context.Process(
            target=_render_worker, args=(site.pk, str(base), urls[index::workers], queue)
        )
        for index in range(workers)
    ]
    for process in processes:
        process.start()
    try:
        finished = 0
        while finished < workers:
            kind, value = queue.get()
            if kind == "progress":
                if progress is not None:
                    progress(value)
            elif kind == "done":
                finished += 1
                written, removed, skipped = value
                result.written += written
                result.removed += removed
                result.skipped.extend(skipped)
            else:
                raise PublishError(f"A publishing worker failed: {value}")
    finally:
        for process in processes:
            if process.is_alive() and finished < workers:
                process.terminate()
            process.join()


def site_urls(*, site: Site) -> list[str]:
    """The URLs a full publish of ``site`` renders (for a progress bar's total)."""
    return queries.site_urls(site=site)


def publish_site(
    *,
    site: Site,
    root: Path,
    urls: list[str] | None = None,
    progress: Progress | None = None,
    sync: bool = True,
    workers: int = 1,
) -> PublishResult:
    """Rebuild a site's whole tree into a new version and switch to it at once. If anything
    fails on the way, the new version is discarded and the previous one stays served.
    ``workers`` > 1 renders in that many forked processes (one per core)."""
    tree = _site_tree(root=root, hostname=site.hostname)
    result = PublishResult(hostname=site.hostname, full=True)
    urls = queries.site_urls(site=site) if urls is None else urls
    with _publishing(), tree.lock():
        version = tree.new_version()
        try:
            if workers > 1 and can_fork_workers():
                _render_in_processes(
                    site=site,
                    base=version,
                    urls=urls,
                    workers=workers,
                    result=result,
                    progress=progress,
                )
            else:
                _render_into(
                    renderer=Renderer(),
                    site=site,
                    base=version,
                    urls=urls,
                    atomic=False,
                    result=result,
                    progress=progress,
                )
            tree.switch_to(version)
        except BaseException:
            tree.discard(version)
            raise
    logger.debug(
        "Published %s: %d files, %d left to the app.",
        site.hostname,
        result.written,
        len(result.skipped),
    )
    if sync:
        sync_tree(root=root, hostnames=[site.hostname], full=True)
    return result


def publish_changes(
    *, changes: list[PageChange], root: Path, sync: bool = True, defer_later: bool = False
) -> list[PublishResult]:
    """Rewrite, in every site that holds a changed page, the page and every page that shows
    it; remove the pages that are gone. Each file is replaced atomically. A site never
    published in full is published in full. ``defer_later``: leave the many further list
    pages and subtrees to low-priority background tasks (``plan.later``)."""
    results = []
    renderer = Renderer()
    sites = {
        site.pk: site for change in changes for site in queries.sites_holding(path=change.path)
    }
    for site in sites.values():
        tree = _site_tree(root=root, hostname=site.hostname)
        plan = queries.change_plan(site=site, changes=changes)
        if plan.full or tree.current() is None:
            results.append(publish_site(site=site, root=root, sync=False))
            continue
        result = PublishResult(hostname=site.hostname)
        with _publishing(), tree.lock():
            base = tree.current()
            if base is None:  # switched away while we waited for the lock
                continue
            for url in plan.remove:
                directory = rules.directory_for_url(url)
                if directory is not None and tree.remove_directory(base, directory):
                    result.removed += 1
            _render_into(
                renderer=renderer,
                site=site,
                base=base,
                urls=plan.render,
                atomic=True,
                result=result,
                progress=None,
            )
            if not defer_later:
                _render_into(
                    renderer=renderer,
                    site=site,
                    base=base,
                    urls=[*plan.later, *plan.sitemaps],
                    atomic=True,
                    result=result,
                    progress=None,
                )
            result.removed += _remove_sitemaps_beyond(base, count=len(plan.sitemaps))
            for channel_url, count in plan.lists.items():
                directory = rules.directory_for_url(channel_url)
                relative = directory if directory is not None else Path()
                for extra in tree.list_pages_beyond(base, Path(relative), count):
                    tree.remove_directory(base, extra.relative_to(base))
                    result.removed += 1
        logger.info(
            "Updated %s: %d files written, %d removed.",
            site.hostname,
            result.written,
            result.removed,
        )
        results.append(result)
        if defer_later:
            _enqueue_later(site_id=site.pk, urls=plan.later)
            # A sitemap file takes as long as dozens of pages: one task each, so that a new
            # publish's urgent task never waits behind more than one of them.
            for url in plan.sitemaps:
                _enqueue_later(site_id=site.pk, urls=[url])
    if sync and results:
        sync_tree(root=root, hostnames=[result.hostname for result in results])
    return results


def _remove_sitemaps_beyond(base: Path, *, count: int) -> int:
    """Remove the sitemap files numbered above ``count`` (the site has fewer pages now)."""
    removed = 0
    directory = base / rules.SITEMAPS_DIR
    if not directory.is_dir():
        return 0
    for path in directory.glob("*.xml"):
        if path.stem.isdigit() and int(path.stem) > count:
            remove_file(path)
            removed += 1
    return removed


# URLs per low-priority task: small enough that a new publish's urgent task, which jumps the
# queue, never waits long behind one.
LATER_BATCH = 25
URGENT_PRIORITY = 10
LATER_PRIORITY = -10


def _with_priority(task: Any, priority: int) -> Any:
    """The task at ``priority`` where the backend orders by it (the database queue does; RQ
    does not, and refuses the setting)."""
    return task.using(priority=priority) if task.get_backend().supports_priority else task


def _enqueue_later(*, site_id: int, urls: list[str]) -> None:
    from zaixian.publishing.tasks import publish_urls_task

    task = _with_priority(publish_urls_task, LATER_PRIORITY)
    for start in range(0, len(urls), LATER_BATCH):
        task.enqueue(site_id, urls[start : start + LATER_BATCH])


def publish_urls(*, site_id: int, urls: list[str], root: Path, sync: bool = True) -> None:
    """Rewrite some URLs of a site's served tree (the later part of a change)."""
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if site is None:
        return
    tree = _site_tree(root=root, hostname=site.hostname)
    result = PublishResult(hostname=site.hostname)
    with _publishing(), tree.lock():
        base = tree.current()
        if base is None:
            return
        _render_into(
            renderer=Renderer(),
            site=site,
            base=base,
            urls=urls,
            atomic=True,
            result=result,
            progress=None,
        )
    if sync:
        sync_tree(root=root, hostnames=[site.hostname])


def publish_recorded_urls(*, site_id: int, urls: list[str]) -> None:
    """The background task's body for ``publish_urls``."""
    root = publish_root()
    if root is not None:
        publish_urls(site_id=site_id, urls=urls, root=root)


def publish_assets(*, root: Path) -> int:
    """Copy the static files the pages use (``STATIC_URL``) into ``<root>/_assets``, with
    precompressed copies, skipping files that have not changed. With hashed file names
    (production's manifest storage) they come from ``STATIC_ROOT``, so ``collectstatic``
    must have run; otherwise from the apps' static directories."""
    target = root / rules.ASSETS_DIR / settings.STATIC_URL.strip("/")
    sources: list[tuple[str, Path]] = []
    if hasattr(staticfiles_storage, "manifest_name"):
        static_root = Path(settings.STATIC_ROOT)
        if not (static_root / staticfiles_storage.manifest_name).exists():
            raise PublishError(
                f"{static_root} has no collected static files; run "
                "`zaixian manage collectstatic` first."
            )
        sources = [
            (str(path.relative_to(static_root)), path)
            for path in static_root.rglob("*")
            if path.is_file()
        ]
    else:
        seen: set[str] = set()
        for finder in finders.get_finders():
            for name, storage in finder.list([]):
                if name in seen or not isinstance(storage, FileSystemStorage):
                    continue
                seen.add(name)
                sources.append((name, Path(storage.path(name))))
    copied = 0
    names = {name for name, _path in sources}
    for name, source in sources:
        destination = target / name
        stat = source.stat()
        if destination.exists():
            existing = destination.stat()
            if existing.st_size == stat.st_size and existing.st_mtime >= stat.st_mtime:
                continue
        content = source.read_bytes()
        has_own_copies = all(name + suffix in names for suffix in rules.COMPRESSED_SUFFIXES)
        if has_own_copies or name.endswith(rules.COMPRESSED_SUFFIXES):
            destination.parent.mkdir(parents=True, exist_ok=True)
            write_plain(destination, content, atomic=True)
        else:
            write_file(destination, content, atomic=True)
        copied += 1
    return copied


def sync_tree(
    *,
    root: Path,
    hostnames: Iterable[str] = (),
    full: bool = False,
    progress: ProgressFactory | None = None,
) -> list[SyncResult]:
    """Send the tree to the front end: run ``STATIC_PUBLISH_SYNC_COMMAND`` (e.g. rsync), if
    one is configured, and upload the served version of each of ``hostnames`` to the object
    store of ``STATIC_PUBLISH_OBJECT_STORE``, if one is configured. ``full``: also the
    assets, compared with the bucket's listing rather than the last upload's manifest."""
    command = getattr(settings, "STATIC_PUBLISH_SYNC_COMMAND", "")
    if command:
        arguments = [part.replace("{root}", str(root)) for part in shlex.split(command)]
        completed = subprocess.run(arguments, capture_output=True, text=True, check=False)  # noqa: S603 — the operator's own command
        if completed.returncode != 0:
            raise PublishError(
                f"The sync command failed ({completed.returncode}): "
                f"{completed.stderr.strip()[:500]}"
            )
    try:
        target = object_store.configured_target()
        if target is None:
            return []
        store = object_store.ObjectStore(target)
        results = []
        for hostname in dict.fromkeys(hostnames):
            served = _site_tree(root=root, hostname=hostname).current()
            if served is not None:
                results.append(
                    object_store.sync_directory(
                        store=store,
                        root=root,
                        top=hostname,
                        directory=served,
                        compare_with_listing=full,
                        progress=progress,
                    )
                )
        assets = root / rules.ASSETS_DIR
        if full and assets.is_dir():
            results.append(
                object_store.sync_directory(
                    store=store,
                    root=root,
                    top=rules.ASSETS_DIR,
                    directory=assets,
                    is_asset=True,
                    compare_with_listing=True,
                    progress=progress,
                )
            )
    except ObjectStoreError as error:
        raise PublishError(f"The object store: {error}") from error
    return results


def remove_site_tree(*, root: Path, hostname: str, sync: bool = True) -> bool:
    """Remove the tree of a host that no site has any more (a site renamed or deleted): its
    link, its versions and its objects in the object store. A host that a site still has is
    left alone. Whether there was anything to remove."""
    if hostname in queries.hostnames_in_use():
        return False
    tree = _site_tree(root=root, hostname=hostname)
    with tree.lock():
        try:
            removed = tree.remove()
        except TreeError as error:
            raise PublishError(str(error)) from error
    if sync:
        sync_tree(root=root)
        try:
            target = object_store.configured_target()
            if target is not None:
                deleted = object_store.remove_top(
                    store=object_store.ObjectStore(target), root=root, top=hostname
                )
                removed = removed or deleted > 0
        except ObjectStoreError as error:
            raise PublishError(f"The object store: {error}") from error
    logger.info("Removed the static tree of %s, which belongs to no site.", hostname)
    return removed


def remove_orphan_trees(*, root: Path, sync: bool = True) -> list[str]:
    """Remove the tree of every host in ``root`` that belongs to no site; their names."""
    in_use = queries.hostnames_in_use()
    orphans = [name for name in hostnames_in_tree(root) if name not in in_use]
    for hostname in orphans:
        remove_site_tree(root=root, hostname=hostname, sync=sync)
    return orphans


# --- Page events -> background work --------------------------------------------------------


class _Batch:
    """The page events of one transaction, published by one task after it commits."""

    def __init__(self, change: PageChange) -> None:
        self.changes = [change]

    def flush(self) -> None:
        from zaixian.publishing.tasks import publish_changes_task

        if getattr(_pending, "batch", None) is self:
            _pending.batch = None
        _with_priority(publish_changes_task, URGENT_PRIORITY).enqueue(
            [change.to_json() for change in self.changes]
        )


def forget_pending_changes() -> None:
    """Start a new batch (tests: the next ``on_commit`` callbacks are a new transaction's)."""
    _pending.batch = None


def record_page_change(*, change: PageChange) -> None:
    """Note a page event; when the transaction commits, one background task publishes all the
    changes it made (a deleted channel sends one event per page below it)."""
    if publish_root() is None or _is_publishing():
        return
    connection = transaction.get_connection()
    batch: _Batch | None = getattr(_pending, "batch", None)
    # Join the batch of the current transaction, unless it was rolled back (its callback
    # is gone from the connection's list) or there is no transaction.
    if (
        batch is not None
        and connection.in_atomic_block
        and any(entry[1] == batch.flush for entry in connection.run_on_commit)
    ):
        batch.changes.append(change)
        return
    batch = _pending.batch = _Batch(change)
    transaction.on_commit(batch.flush)


def enqueue_site_rebuild(*, site_id: int, previous_hostname: str = "") -> None:
    """Rebuild a site's whole tree in the background after the transaction commits (its host,
    its footer or its root changed: every page shows those). ``previous_hostname``: the host
    it had before a rename, whose tree goes once the new one is published."""
    if publish_root() is None or _is_publishing():
        return
    from zaixian.publishing.tasks import publish_site_task

    transaction.on_commit(partial(publish_site_task.enqueue, site_id, previous_hostname))


def enqueue_site_tree_removal(*, hostname: str) -> None:
    """Remove a deleted site's tree in the background after the transaction commits."""
    if publish_root() is None or not rules.is_valid_hostname(hostname):
        return
    from zaixian.publishing.tasks import remove_site_tree_task

    transaction.on_commit(partial(remove_site_tree_task.enqueue, hostname))


def publish_recorded_changes(*, changes: list[dict[str, object]]) -> None:
    """The background task's body: publish changes recorded by ``record_page_change``."""
    root = publish_root()
    if root is None:
        return
    publish_changes(changes=[PageChange.from_json(c) for c in changes], root=root, defer_later=True)


def publish_site_by_id(*, site_id: int, previous_hostname: str = "") -> PublishResult | None:
    """The background task's body for a site's rebuild; after a rename, the old host's tree
    is removed once the new one is published."""
    root = publish_root()
    site = Site.objects.select_related("root_page").filter(pk=site_id).first()
    if root is None or site is None:
        return None
    result = publish_site(site=site, root=root)
    if (
        previous_hostname
        and previous_hostname != site.hostname
        and rules.is_valid_hostname(previous_hostname)
    ):
        remove_site_tree(root=root, hostname=previous_hostname)
    return result


def remove_site_tree_by_hostname(*, hostname: str) -> None:
    """The background task's body for a deleted site's tree."""
    root = publish_root()
    if root is not None and rules.is_valid_hostname(hostname):
        remove_site_tree(root=root, hostname=hostname)
