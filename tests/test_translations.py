"""Chinese first: every catalogue of ours is complete (no untranslated or fuzzy message) and
its committed .mo matches its .po, so what the tests read is what visitors get."""

from __future__ import annotations

import gettext
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import missing_service

ROOT = Path(__file__).resolve().parent.parent
CATALOGUES = sorted(path for path in (ROOT / "zaixian").rglob("locale/*/LC_MESSAGES/django.po"))


def _msgfmt() -> str:
    msgfmt = shutil.which("msgfmt")
    if not msgfmt:
        missing_service("gettext's msgfmt is not installed (Debian package `gettext`)")
    assert msgfmt
    return msgfmt


def _catalog(mo_path: Path) -> dict[object, str]:
    with mo_path.open("rb") as handle:
        return dict(gettext.GNUTranslations(handle)._catalog)  # type: ignore[attr-defined]  # the parsed messages


def test_there_are_chinese_catalogues_for_every_app_with_text() -> None:
    apps = {path.relative_to(ROOT / "zaixian").parts[0] for path in CATALOGUES}

    assert {"locale", "core", "portal", "search", "demo"} <= apps


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_complete_and_compiled(po_path: Path, tmp_path: Path) -> None:
    msgfmt = _msgfmt()
    compiled = tmp_path / "django.mo"

    result = subprocess.run(
        [msgfmt, "--check-format", "--statistics", "-o", str(compiled), str(po_path)],
        capture_output=True,
        text=True,
        check=False,
        env={"LC_ALL": "C"},
    )

    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr, result.stderr
    assert "fuzzy" not in result.stderr, result.stderr
    committed = po_path.with_suffix(".mo")
    assert committed.exists(), f"{committed} is missing: run compilemessages"
    assert _catalog(committed) == _catalog(compiled), f"{committed} is stale: run compilemessages"


def _msgids(po_path: Path, work: Path) -> set[str]:
    """The translated messages of a .po file, as compiled by msgfmt (plural forms count
    under their singular msgid)."""
    compiled = work / "translated.mo"
    subprocess.run([_msgfmt(), "-o", str(compiled), str(po_path)], check=True, capture_output=True)
    return {
        key if isinstance(key, str) else str(key[0])  # type: ignore[index]  # (msgid, n) for plurals
        for key, value in _catalog(compiled).items()
        if key and value
    }


def _extract(source: Path, work: Path) -> set[str]:
    """The messages makemessages finds in `source` (a copy is scanned; nothing is written
    into the tree)."""
    import os
    import sys

    copy = work / source.name
    shutil.copytree(
        source,
        copy,
        ignore=shutil.ignore_patterns("tests", "migrations", "__pycache__", "*.mo"),
    )
    ignores = []
    if source.name == "zaixian":  # the project catalogue: everything not in an app catalogue
        ignores = [
            f"--ignore={path.relative_to(ROOT / 'zaixian').parts[0]}/*"
            for path in CATALOGUES
            if path.relative_to(ROOT / "zaixian").parts[0] != "locale"
        ]
    subprocess.run(
        [sys.executable, "-m", "django", "makemessages", "-l", "zh_Hans", *ignores],
        cwd=copy,
        check=True,
        capture_output=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "zaixian.settings.test"},
    )
    extracted = copy / "locale/zh_Hans/LC_MESSAGES/django.po"
    text = extracted.read_text(encoding="utf-8")
    ids: set[str] = set()
    current: list[str] | None = None
    for line in text.splitlines():
        if line.startswith("msgid "):
            current = [line[6:].strip('"')]
        elif line.startswith('"') and current is not None:
            current.append(line.strip('"'))
        elif line.startswith(("msgstr", "msgid_plural")) and current is not None:
            message = "".join(current).encode().decode("unicode_escape").encode("latin-1")
            ids.add(message.decode("utf-8"))
            current = None
    ids.discard("")
    return ids


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_message_in_the_code_is_translated(po_path: Path, tmp_path: Path) -> None:
    source = po_path.parents[3]

    missing = _extract(source, tmp_path) - _msgids(po_path, tmp_path)

    assert not missing, f"untranslated in {po_path.relative_to(ROOT)}: {sorted(missing)[:20]}"
