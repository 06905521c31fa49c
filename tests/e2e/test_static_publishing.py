"""Static publishing end to end: a real nginx (Debian's package), started on a free loopback
port with the configuration ``publishing_nginx_config`` generates (the one in
``docs/nginx/zaixian.conf``), serves what the publisher wrote and passes the rest to the live
server. An article that receives final approval in the admin is served by nginx from the tree.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.urls import reverse

from tests.e2e.helpers import Portal
from zaixian.portal.models import ArticlePage
from zaixian.publishing import actions, queries

NGINX = shutil.which("nginx") or ("/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None)
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")

pytestmark = pytest.mark.skipif(
    NGINX is None,
    reason="nginx is not installed (Debian package nginx; `make system-deps` installs it)",
)


@dataclass
class Nginx:
    url: str
    root: Path

    def get(self, path: str, headers: dict[str, str] | None = None) -> tuple[int, dict, bytes]:
        request = urllib.request.Request(  # noqa: S310 — our own http:// URL
            self.url + path, headers={"Host": "localhost", **(headers or {})}
        )
        try:
            with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def nginx(tmp_path: Path, live_server: Any, settings) -> Iterator[Nginx]:
    root = tmp_path / "public"
    root.mkdir()
    settings.STATIC_PUBLISH_ROOT = str(root)
    settings.STATIC_PUBLISH_SYNC_COMMAND = ""
    port = _free_port()
    brotli = BROTLI_MODULE.exists()
    site_conf = queries.nginx_config(
        root=str(root),
        app=urlsplit(live_server.url).netloc,
        listen=f"127.0.0.1:{port}",
        server_names=["localhost"],
        brotli=brotli,
    )
    (tmp_path / "zaixian.conf").write_text(site_conf)
    temp = tmp_path / "nginx-temp"
    temp.mkdir()
    load = f"load_module {BROTLI_MODULE};\n" if brotli else ""
    # Started as root, nginx's workers would run as nobody, who cannot read pytest's private
    # temporary directories; as anyone else, they run as that user anyway.
    user = "user root;\n" if os.geteuid() == 0 else ""
    (tmp_path / "nginx.conf").write_text(
        f"""{load}{user}pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {tmp_path}/zaixian.conf;
}}
"""
    )
    process = subprocess.Popen(
        [
            NGINX,
            "-c",
            str(tmp_path / "nginx.conf"),
            "-p",
            str(tmp_path),
            "-e",
            str(tmp_path / "error.log"),
            "-g",
            "daemon off;",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (
                        (tmp_path / "error.log").read_text()
                        if (tmp_path / "error.log").exists()
                        else ""
                    )
                    pytest.fail(f"nginx did not start: {log}")
                time.sleep(0.05)
        yield Nginx(url=f"http://127.0.0.1:{port}", root=root)
    finally:
        process.terminate()
        process.wait(timeout=10)


def _approve_in_three_steps(portal: Portal, article: ArticlePage) -> None:
    """First and second review through Wagtail's workflow; final approval through the admin's
    own workflow action view, as the final approver."""
    workflow = article.get_workflow()
    assert workflow is not None
    workflow.start(article, portal.editor)
    for reviewer in portal.reviewers[:2]:
        article.refresh_from_db()
        task_state = article.current_workflow_task_state.specific
        task_state.task.specific.on_action(task_state, reviewer, "approve", comment="同意")
    article.refresh_from_db()
    client = Client()
    client.force_login(portal.reviewers[2])
    url = reverse(
        "wagtailadmin_pages:workflow_action",
        args=(article.pk, "approve", article.current_workflow_task_state.pk),
    )
    response = client.post(url, {"comment": "同意发布"})
    assert response.status_code == 302


def test_article_approved_in_the_admin_is_served_by_nginx_from_the_static_tree(
    nginx: Nginx, portal: Portal
) -> None:
    actions.publish_assets(root=nginx.root)
    actions.publish_site(site=portal.tree.site, root=nginx.root)
    article = ArticlePage(
        title="晋城市静态发布上线",
        slug="static-publishing",
        body="<p>门户网站由静态文件提供服务。</p>",
        live=False,
        owner=portal.editor,
    )
    portal.tree.news.add_child(instance=article)
    article.save_revision(user=portal.editor)
    status, _headers, _body = nginx.get(article.url)
    assert status == 404  # not published: nginx asks the app, which has no such page

    _approve_in_three_steps(portal, article)

    article.refresh_from_db()
    assert article.live
    published = nginx.root / "localhost" / "jrjc" / "static-publishing" / "index.html"
    assert published.exists()
    status, headers, body = nginx.get(article.url)
    assert status == 200
    assert "晋城市静态发布上线" in body.decode()
    assert body == published.read_bytes()
    # From the tree: nginx's security and cache headers, not the app's page cache.
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["Cache-Control"] == "public, max-age=60"
    assert "X-Cache" not in headers
    status, _headers, list_body = nginx.get(portal.tree.news.url)
    assert "晋城市静态发布上线" in list_body.decode()


def test_nginx_serves_precompressed_copies_and_assets(nginx: Nginx, portal: Portal) -> None:
    actions.publish_assets(root=nginx.root)
    actions.publish_site(site=portal.tree.site, root=nginx.root)

    status, headers, body = nginx.get("/", {"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert body == (nginx.root / "localhost" / "index.html.gz").read_bytes()
    if BROTLI_MODULE.exists():
        status, headers, body = nginx.get("/", {"Accept-Encoding": "br, gzip"})
        assert headers["Content-Encoding"] == "br"
    status, headers, _body = nginx.get("/static/portal/css/portal.css")
    assert status == 200
    assert headers["Content-Type"].startswith("text/css")
    status, headers, _body = nginx.get(f"/feeds/channel/{portal.tree.news.pk}/")
    assert status == 200
    assert headers["Content-Type"].startswith("application/rss+xml")


def test_nginx_passes_dynamic_requests_and_sessions_to_the_app(
    nginx: Nginx, portal: Portal
) -> None:
    actions.publish_site(site=portal.tree.site, root=nginx.root)

    status, headers, _body = nginx.get("/search/?q=IPv6")
    assert status == 200
    assert "Content-Security-Policy" not in headers  # the application's answer
    # A visitor with a session (logged in) gets the application's page.
    status, headers, _body = nginx.get("/", {"Cookie": "sessionid=abc"})
    assert status == 200
    assert "Content-Security-Policy" not in headers
    # ?page=2 is the application's; a WeChat share's tracking parameters are not.
    status, headers, _body = nginx.get("/?from=singlemessage&isappinstalled=0")
    assert "Content-Security-Policy" in headers
    status, headers, _body = nginx.get(portal.tree.news.url + "?page=1")
    assert status == 200
    assert "Content-Security-Policy" not in headers
    # The publisher's own files are never served.
    status, _headers, _body = nginx.get("/.versions/")
    assert status == 404


def test_unpublished_article_disappears_from_nginx(nginx: Nginx, portal: Portal) -> None:
    actions.publish_site(site=portal.tree.site, root=nginx.root)
    article = portal.tree.articles[0]
    assert nginx.get(article.url)[0] == 200

    article.unpublish()

    status, _headers, _body = nginx.get(article.url)
    assert status == 404
    assert article.title not in nginx.get(portal.tree.news.url)[2].decode()
