"""A site's tree follows the site: a renamed host's old tree goes once the new one is
published, a deleted site's tree goes, and ``--all`` removes trees that belong to no site,
never anything but the publisher's own links and versions under the root."""

from __future__ import annotations

import os
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

from zaixian.portal.tests.factories import make_site_tree
from zaixian.publishing import actions

pytestmark = pytest.mark.django_db


def test_renamed_site_loses_its_old_host_tree_once_the_new_one_is_published(
    publish_root: Path, commit
) -> None:
    tree = make_site_tree(articles=1)
    actions.publish_site(site=tree.site, root=publish_root)

    tree.site.hostname = "www.jincheng.gov.cn"
    with commit():
        tree.site.save()

    assert (publish_root / "www.jincheng.gov.cn" / "index.html").exists()
    assert not os.path.lexists(publish_root / "localhost")
    assert not (publish_root / ".versions" / "localhost").exists()


def test_deleted_site_loses_its_tree(publish_root: Path, commit) -> None:
    main = make_site_tree(articles=1)
    other = make_site_tree(articles=1, hostname="wjw.localhost", is_default_site=False)
    for site in (main.site, other.site):
        actions.publish_site(site=site, root=publish_root)

    with commit():
        other.site.delete()

    assert not os.path.lexists(publish_root / "wjw.localhost")
    assert not (publish_root / ".versions" / "wjw.localhost").exists()
    assert (publish_root / "localhost" / "index.html").exists()


def test_host_that_a_site_still_has_is_kept(publish_root: Path) -> None:
    tree = make_site_tree(articles=1)
    actions.publish_site(site=tree.site, root=publish_root)

    removed = actions.remove_site_tree(root=publish_root, hostname="localhost")

    assert removed is False
    assert (publish_root / "localhost" / "index.html").exists()


def test_publish_all_removes_and_reports_trees_of_no_site(publish_root: Path) -> None:
    tree = make_site_tree(articles=1)
    actions.publish_site(site=tree.site, root=publish_root)
    gone = publish_root / ".versions" / "old.jincheng.gov.cn" / "20250101-000000-000000000"
    gone.mkdir(parents=True)
    (gone / "index.html").write_text("old")
    (publish_root / "old.jincheng.gov.cn").symlink_to(os.path.relpath(gone, publish_root))
    out = StringIO()

    call_command("publish_static", "--all", stdout=out, verbosity=0)

    assert "old.jincheng.gov.cn" in out.getvalue()
    assert not os.path.lexists(publish_root / "old.jincheng.gov.cn")
    assert not (publish_root / ".versions" / "old.jincheng.gov.cn").exists()
    assert (publish_root / "localhost" / "index.html").exists()
    assert (publish_root / "_assets").is_dir()


def test_removal_never_touches_anything_outside_the_root(
    publish_root: Path, tmp_path: Path
) -> None:
    make_site_tree(articles=0)
    publish_root.mkdir(parents=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.html").write_text("keep")
    # A link of a host of no site that points out of the tree, a versions entry that is a
    # link out of it, a real directory with a host's name, and names that are no host.
    (publish_root / "stray.example.cn").symlink_to(outside)
    (publish_root / ".versions").mkdir()
    (publish_root / ".versions" / "evil.example.cn").symlink_to(outside)
    (publish_root / "real.example.cn").mkdir()
    (publish_root / "Not A Host").symlink_to(outside)
    (publish_root / "..hidden").symlink_to(outside)

    removed = actions.remove_orphan_trees(root=publish_root)

    assert removed == ["stray.example.cn"]
    assert (outside / "keep.html").read_text() == "keep"
    assert not os.path.lexists(publish_root / "stray.example.cn")
    assert (publish_root / ".versions" / "evil.example.cn").is_symlink()
    assert (publish_root / "real.example.cn").is_dir()
    assert (publish_root / "Not A Host").is_symlink()


def test_odd_host_name_is_refused(publish_root: Path) -> None:
    with pytest.raises(actions.PublishError):
        actions.remove_site_tree(root=publish_root, hostname="../etc")
