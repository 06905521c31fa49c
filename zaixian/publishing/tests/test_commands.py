from __future__ import annotations

import shutil
import subprocess
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from zaixian.portal.tests.factories import make_site_tree

pytestmark = pytest.mark.django_db
NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)


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


# The arguments docs/nginx/zaixian.conf was generated with (docs/static-publishing.md).
DOCS_NGINX_ARGS = [
    "--root=/srv/zaixian/public",
    "--listen=443",
    "--tls-cert=/etc/ssl/zaixian/fullchain.pem",
    "--tls-key=/etc/ssl/zaixian/privkey.pem",
    "--server-name=www.jincheng.gov.cn",
    "--server-name=nongwang.jincheng.gov.cn",
    "--server-name=wjw.jincheng.gov.cn",
]


def test_docs_nginx_config_is_what_the_command_generates() -> None:
    out = StringIO()

    call_command("publishing_nginx_config", *DOCS_NGINX_ARGS, stdout=out)

    docs = Path(settings.BASE_DIR) / "docs" / "nginx" / "zaixian.conf"
    assert out.getvalue() == docs.read_text()


@pytest.mark.skipif(NGINX is None, reason="nginx is not installed (Debian package nginx)")
def test_generated_config_passes_nginx_test(tmp_path: Path) -> None:
    out = StringIO()
    call_command(
        "publishing_nginx_config",
        "--root",
        str(tmp_path),
        "--no-brotli",
        "--listen",
        "127.0.0.1:8099",
        stdout=out,
    )
    (tmp_path / "site.conf").write_text(out.getvalue())
    (tmp_path / "nginx.conf").write_text(
        f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n"
        f"include /etc/nginx/mime.types;\ninclude {tmp_path}/site.conf;\n}}\n"
    )

    completed = subprocess.run(
        [
            NGINX,
            "-t",
            "-c",
            str(tmp_path / "nginx.conf"),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert completed.returncode == 0, completed.stderr


def test_nginx_config_needs_a_root(settings) -> None:
    settings.STATIC_PUBLISH_ROOT = ""

    with pytest.raises(CommandError, match="--root"):
        call_command("publishing_nginx_config")


def test_zaixian_publish_hands_over_to_the_publisher(tmp_path: Path, settings) -> None:
    from zaixian import cli

    settings.STATIC_PUBLISH_ROOT = ""
    tree = make_site_tree(articles=1)

    status = cli.main(["publish", "--site", "localhost", "--output", str(tmp_path), "-v", "0"])

    assert status == 0
    assert (tmp_path / "localhost" / tree.articles[0].url.strip("/") / "index.html").exists()
