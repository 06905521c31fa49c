"""The static tree on disk: one directory per site, written so that a visitor never sees a
half-written file and a failed rebuild never replaces what is served.

Layout under the root (``STATIC_PUBLISH_ROOT``)::

    <hostname>               -> .versions/<hostname>/<version>   (a relative symlink)
    .versions/<hostname>/<version>/index.html, index.html.gz, index.html.br, jrjc/…
    _assets/static/…         the collected static files (CSS, JS, images)
    .locks/<hostname>.lock   one writer per site at a time (full rebuild or incremental)
    .trash/                  removed directories on their way out

A full rebuild writes a new version and then swaps the symlink with ``os.replace`` (atomic);
an incremental update writes each file to a temporary name in the same directory and renames
it over the old one (atomic too). Relative links keep a copied tree (rsync) valid elsewhere.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from zaixian.publishing import rules


class TreeError(RuntimeError):
    """The tree cannot be written as asked (e.g. a real directory where the site link goes)."""


def write_file(path: Path, content: bytes, *, atomic: bool) -> None:
    """Write a file and its precompressed copies. ``atomic``: each through a temporary file in
    the same directory, renamed over the old one (for a tree that is being served)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    copies = rules.compressed_copies(content) if rules.is_compressible(path.name) else {}
    # The compressed copies first: nginx finds the plain file before it looks for them.
    for suffix, data in copies.items():
        write_plain(path.with_name(path.name + suffix), data, atomic=atomic)
    write_plain(path, content, atomic=atomic)


def write_plain(path: Path, content: bytes, *, atomic: bool) -> None:
    """Write one file as it is (see ``write_file``)."""
    if not atomic:
        path.write_bytes(content)
        return
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


def remove_file(path: Path) -> None:
    for candidate in (path, *(path.with_name(path.name + s) for s in rules.COMPRESSED_SUFFIXES)):
        with contextlib.suppress(FileNotFoundError):
            candidate.unlink()


@contextlib.contextmanager
def file_lock(root: Path, name: str) -> Iterator[None]:
    """An exclusive lock named ``name`` in the tree's lock directory, across processes on
    this machine, held for the block."""
    locks = root / rules.LOCKS_DIR
    locks.mkdir(parents=True, exist_ok=True)
    with open(locks / name, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


class SiteTree:
    """The published tree of one site (one host name) under ``root``."""

    def __init__(self, *, root: Path, hostname: str) -> None:
        if not rules.is_valid_hostname(hostname):
            raise TreeError(f"{hostname!r} cannot name a directory of the static tree.")
        self.root = root
        self.hostname = hostname
        self.link = root / hostname
        self.versions = root / rules.VERSIONS_DIR / hostname

    def current(self) -> Path | None:
        """The directory served now, or None before the first full publish."""
        if self.link.is_symlink():
            target = self.link.resolve()
            return target if target.is_dir() else None
        if self.link.exists():
            raise TreeError(
                f"{self.link} is not a link made by the publisher; move it away and publish again."
            )
        return None

    def lock(self) -> contextlib.AbstractContextManager[None]:
        """One writer per site at a time, across processes on this machine."""
        return file_lock(self.root, f"{self.hostname}.lock")

    def new_version(self) -> Path:
        self.versions.mkdir(parents=True, exist_ok=True)
        name = time.strftime("%Y%m%d-%H%M%S") + f"-{time.time_ns() % 1_000_000_000:09d}"
        directory = self.versions / name
        directory.mkdir()
        return directory

    def switch_to(self, version: Path) -> None:
        """Serve ``version`` from now on: swap the site's symlink in one rename."""
        previous = self.current()  # refuses to replace a real directory
        target = os.path.relpath(version, self.link.parent)
        temporary = self.link.with_name(f".{self.hostname}.{time.time_ns()}.link")
        os.symlink(target, temporary)
        try:
            os.replace(temporary, self.link)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
            raise
        self.prune(keep=[version] if previous is None else [version, previous])

    def discard(self, version: Path) -> None:
        """Remove an unfinished version (a failed rebuild)."""
        shutil.rmtree(version, ignore_errors=True)

    def prune(self, *, keep: list[Path]) -> None:
        """Keep the served version and the one served before it (to switch back by hand);
        remove the rest, among them what a killed rebuild left half-written. Runs under the
        site's lock, so no other rebuild is writing a version."""
        kept = {path.name for path in keep}
        for version in self.versions.iterdir():
            if version.is_dir() and not version.is_symlink() and version.name not in kept:
                shutil.rmtree(version, ignore_errors=True)

    def remove_directory(self, base: Path, relative: PurePosixPath) -> bool:
        """Take a page's directory (and all below it) out of the served tree at once: rename it
        into the trash, then delete it."""
        directory = base / relative
        if not directory.is_dir():
            return False
        trash = self.root / rules.TRASH_DIR
        trash.mkdir(parents=True, exist_ok=True)
        doomed = trash / f"{self.hostname}-{time.time_ns()}"
        os.replace(directory, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
        return True

    def remove(self) -> bool:
        """Stop serving this host and delete its versions: the link goes first (visitors get
        nothing rather than a half-deleted tree), then the versions, by way of the trash.
        Nothing outside the root is touched: the host name is one path segment, and a
        versions directory that leads elsewhere is left alone."""
        removed = False
        if self.link.is_symlink():
            self.link.unlink()
            removed = True
        elif self.link.exists():
            raise TreeError(
                f"{self.link} is not a link made by the publisher; move it away by hand."
            )
        versions = self.root / rules.VERSIONS_DIR
        if (
            self.versions.is_dir()
            and not self.versions.is_symlink()
            and not versions.is_symlink()
            and self.versions.resolve().parent == versions.resolve()
        ):
            trash = self.root / rules.TRASH_DIR
            trash.mkdir(parents=True, exist_ok=True)
            doomed = trash / f"{self.hostname}-{time.time_ns()}"
            os.replace(self.versions, doomed)
            shutil.rmtree(doomed, ignore_errors=True)
            removed = True
        return removed

    def list_pages_beyond(self, base: Path, channel: PurePosixPath, count: int) -> list[Path]:
        """A channel's list-page directories numbered above ``count`` (``channel/page/N``)."""
        pages = base / channel / rules.PAGE_LIST_SEGMENT
        if not pages.is_dir():
            return []
        return [
            entry
            for entry in pages.iterdir()
            if entry.is_dir() and entry.name.isdigit() and int(entry.name) > count
        ]


def hostnames_in_tree(root: Path) -> list[str]:
    """The host names that have a link or versions in the tree (never ``_assets`` or the
    publisher's own dot-directories, which are no host names)."""
    names: set[str] = set()
    if root.is_dir():
        names.update(
            entry.name
            for entry in root.iterdir()
            if entry.is_symlink() and rules.is_valid_hostname(entry.name)
        )
    versions = root / rules.VERSIONS_DIR
    if versions.is_dir() and not versions.is_symlink():
        names.update(
            entry.name
            for entry in versions.iterdir()
            if entry.is_dir() and not entry.is_symlink() and rules.is_valid_hostname(entry.name)
        )
    return sorted(names)
