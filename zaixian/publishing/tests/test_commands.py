from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from zaixian.portal.tests.factories import make_site_tree

pytestmark = pytest.mark.django_db


def test_publish_all_into_output_dir(tmp_path: Path, settings) -> None:
    settings.STATIC_PUBLISH_ROOT = ""
    tree = make_site_tree(articles=2)
    output = tmp_path / "out"

    call_command("publish_static", "--all", "--output", str(output), verbosity=0)

    article = tree.articles[0]
    assert (output / "localhost" / article.url.strip("/") / "index.html").exists()
    assert (output / "_assets" / "static" / "portal" / "css" / "portal.css").exists()


def test_publish_one_site_by_host_and_port(publish_root: Path) -> None:
    make_site_tree(articles=1)
    make_site_tree(articles=1, hostname="wjw.localhost", is_default_site=False, title="卫健委")

    call_command("publish_static", "--site", "wjw.localhost:80", verbosity=0)

    assert (publish_root / "wjw.localhost" / "index.html").exists()
    assert not (publish_root / "localhost").exists()


def test_publish_needs_a_site_or_all(publish_root: Path) -> None:
    with pytest.raises(CommandError, match="--site HOST"):
        call_command("publish_static", verbosity=0)


def test_publish_unknown_site_names_the_known_ones(publish_root: Path) -> None:
    make_site_tree(articles=0)

    with pytest.raises(CommandError, match="localhost"):
        call_command("publish_static", "--site", "nosuch.example", verbosity=0)


def test_publish_without_root_or_output_says_what_to_set(settings) -> None:
    settings.STATIC_PUBLISH_ROOT = ""

    with pytest.raises(CommandError, match="STATIC_PUBLISH_ROOT"):
        call_command("publish_static", "--all", verbosity=0)
