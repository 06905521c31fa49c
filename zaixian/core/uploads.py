"""Checks for files that citizens and officers upload: the content must be what the name says.

The type is read from the file's first bytes (the ``filetype`` package), never trusted from the
name or the browser's Content-Type, so an executable renamed to ``.pdf`` is refused.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import IO, Any

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    content_type: str
    label: str


# The documents offices accept (GB/T 33190 OFD is a zip container, as are DOCX/XLSX).
KINDS: dict[str, FileKind] = {
    "pdf": FileKind("pdf", "application/pdf", "PDF"),
    "jpg": FileKind("jpg", "image/jpeg", "JPEG"),
    "jpeg": FileKind("jpeg", "image/jpeg", "JPEG"),
    "png": FileKind("png", "image/png", "PNG"),
    "docx": FileKind(
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "Word",
    ),
    "xlsx": FileKind(
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Excel",
    ),
    "ofd": FileKind("ofd", "application/ofd", "OFD"),
}
DEFAULT_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "ofd")
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

_ZIP_MEMBERS = {
    "docx": "word/document.xml",
    "xlsx": "xl/workbook.xml",
    "ofd": "OFD.xml",
}


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    size: int
    sha256: str


def _head(upload: IO[bytes]) -> bytes:
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    return head


def _zip_has(upload: IO[bytes], member: str) -> bool:
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def _content_matches(extension: str, upload: IO[bytes]) -> bool:
    head = _head(upload)
    if extension in _ZIP_MEMBERS:
        return head.startswith(b"PK\x03\x04") and _zip_has(upload, _ZIP_MEMBERS[extension])
    guessed = filetype.guess(head)
    if guessed is None:
        return False
    if extension in ("jpg", "jpeg"):
        return guessed.extension == "jpg"
    return bool(guessed.extension == extension)


def check_upload(
    upload: Any,
    *,
    extensions: tuple[str, ...] = DEFAULT_EXTENSIONS,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> CheckedUpload:
    """Validate an uploaded file (a Django ``UploadedFile``) and return its kind, size and
    SHA-256. Raises ``ValidationError`` with a message a citizen understands."""
    name = getattr(upload, "name", "") or ""
    extension = PurePath(name).suffix.lower().lstrip(".")
    allowed = ", ".join(sorted({KINDS[e].label for e in extensions if e in KINDS}))
    if extension not in extensions or extension not in KINDS:
        raise ValidationError(
            _("“%(name)s” is not an accepted file type. Accepted: %(allowed)s."),
            code="file_type",
            params={"name": name, "allowed": allowed},
        )
    size = int(getattr(upload, "size", 0) or 0)
    if size == 0:
        raise ValidationError(_("“%(name)s” is empty."), code="file_empty", params={"name": name})
    if size > max_bytes:
        raise ValidationError(
            _("“%(name)s” is too large (%(size)s); the limit is %(limit)s."),
            code="file_size",
            params={
                "name": name,
                "size": filesizeformat(size),
                "limit": filesizeformat(max_bytes),
            },
        )
    stream = upload.file if hasattr(upload, "file") else upload
    if not _content_matches(extension, stream):
        raise ValidationError(
            _("The content of “%(name)s” is not a real %(kind)s file. Please upload the original."),
            code="file_content",
            params={"name": name, "kind": KINDS[extension].label},
        )
    digest = hashlib.sha256()
    stream.seek(0)
    for chunk in iter(lambda: stream.read(65536), b""):
        digest.update(chunk)
    stream.seek(0)
    return CheckedUpload(kind=KINDS[extension], size=size, sha256=digest.hexdigest())
