"""Serving benchmark (not part of the test suite): wrk against nginx and gunicorn.

Uses the database and static tree that ``bench/publish_bench.py`` built (run it first). In one
run, with wrk (``--threads`` threads, ``--connections`` connections, ``--seconds`` s each):

* nginx serving a plain static file of the same size as a published article, next to nginx
  serving the published article from the tree (target: at least 90 %);
* the application under gunicorn (2 workers, DEBUG off) for the home page, a channel and an
  article, with the page cache off and on; each printed beside nginx serving a plain static
  file of the same size (targets: an uncached article at 300 requests/s or more; a cached one
  at 2 % or more of nginx's static rate).

    .venv/bin/python bench/serve_bench.py
"""

from __future__ import annotations

import argparse
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
PYTHON = str(BASE / ".venv" / "bin" / "python")
GUNICORN = str(BASE / ".venv" / "bin" / "gunicorn")
BROTLI_MODULE = Path("/usr/lib/nginx/modules/ngx_http_brotli_static_module.so")
HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection((HOST, port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def wrk(url: str, args: argparse.Namespace) -> float:
    completed = subprocess.run(  # noqa: S603
        ["wrk", f"-t{args.threads}", f"-c{args.connections}", f"-d{args.seconds}s", url],  # noqa: S607
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", completed.stdout)
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", completed.stdout)
    if errors:
        print(f"    ({errors.group(1)} error responses from {url})")
    return float(match.group(1)) if match else 0.0


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:  # noqa: S310
        return response.read()


def start_nginx(*, work: Path, root: Path, app_port: int, port: int) -> subprocess.Popen:
    sys.path.insert(0, str(BASE))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "zaixian.settings.dev")
    import django

    django.setup()
    from zaixian.publishing import queries

    brotli = BROTLI_MODULE.exists()
    conf = queries.nginx_config(
        root=str(root),
        app=f"{HOST}:{app_port}",
        listen=f"{HOST}:{port}",
        server_names=[HOST],
        brotli=brotli,
    )
    (work / "zaixian.conf").write_text(conf)
    load = f"load_module {BROTLI_MODULE};\n" if brotli else ""
    user = "user root;\n" if os.geteuid() == 0 else ""
    temp = work / "temp"
    temp.mkdir(exist_ok=True)
    (work / "nginx.conf").write_text(
        f"""{load}{user}pid {work}/nginx.pid;
error_log {work}/error.log;
worker_processes 2;
events {{ worker_connections 1024; }}
http {{
    include /etc/nginx/mime.types;
    access_log off;
    sendfile on;
    tcp_nopush on;
    open_file_cache max=10000 inactive=60s;
    client_body_temp_path {temp}/body;
    proxy_temp_path {temp}/proxy;
    fastcgi_temp_path {temp}/fastcgi;
    uwsgi_temp_path {temp}/uwsgi;
    scgi_temp_path {temp}/scgi;
    include {work}/zaixian.conf;
}}
"""
    )
    process = subprocess.Popen(  # noqa: S603
        [  # noqa: S607 — Debian's nginx on the PATH
            "nginx",
            "-c",
            str(work / "nginx.conf"),
            "-p",
            str(work),
            "-e",
            str(work / "error.log"),
            "-g",
            "daemon off;",
        ]
    )
    wait_for(port)
    return process


def start_gunicorn(*, env: dict[str, str], port: int) -> subprocess.Popen:
    process = subprocess.Popen(  # noqa: S603
        [
            GUNICORN,
            "zaixian.wsgi:application",
            "-w",
            "2",
            "-b",
            f"{HOST}:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
        cwd=BASE,
    )
    wait_for(port)
    return process


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--var-dir", default=str(BASE / "var" / "bench" / "publish"))
    parser.add_argument("--database-url", default="")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=5, help="nginx article/plain rounds (5)")
    args = parser.parse_args()

    var = Path(args.var_dir).resolve()
    root = var / "public"
    if not (root / HOST).exists():
        print("Run bench/publish_bench.py first: there is no published tree.", file=sys.stderr)
        return 2
    # The application as in production (hashed static files, no debug, no file-watching
    # static server), over plain HTTP on the loopback.
    env = {
        **os.environ,
        "ZAIXIAN_VAR_DIR": str(var),
        "DJANGO_SETTINGS_MODULE": "zaixian.settings.production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": f"{HOST},localhost",
        "SECURE_SSL_REDIRECT": "0",
        "LOG_LEVEL": "WARNING",
    }
    env.pop("REDIS_URL", None)
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    subprocess.run(  # noqa: S603
        [PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env=env, cwd=BASE, check=True
    )
    os.environ.update(
        {k: v for k, v in env.items() if k in ("ZAIXIAN_VAR_DIR", "DATABASE_URL", "DEBUG")}
    )

    work = var / "serve"
    work.mkdir(exist_ok=True)
    nginx_port, app_port = free_port(), free_port()
    # The pages measured: the home page, the first channel of the tree, and an article.
    tree = root / HOST
    channel = next(p for p in sorted(tree.iterdir()) if (p / "page" / "2" / "index.html").exists())
    article = next(
        p
        for p in sorted(channel.iterdir())
        if p.name != "page"
        and (p / "index.html").exists()
        and not any(c.is_dir() for c in p.iterdir())
    )
    pages = {
        "home": "/",
        "channel": f"/{channel.name}/",
        "article": f"/{channel.name}/{article.name}/",
    }
    # Plain static files of the same sizes, outside the publisher's own files.
    plain = {}
    for name, url in pages.items():
        size = (
            (tree / url.strip("/") / "index.html").stat().st_size
            if url != "/"
            else (tree / "index.html").stat().st_size
        )
        (tree / f"plain-{name}.html").write_bytes(b"x" * size)
        plain[name] = (f"/plain-{name}.html", size)

    nginx = start_nginx(work=work, root=root, app_port=app_port, port=nginx_port)
    results: list[str] = []
    try:
        base = f"http://{HOST}:{nginx_port}"
        static_rate = {name: wrk(base + url, args) for name, (url, _size) in plain.items()}
        # The article against its plain file in alternating rounds: one run of each differs
        # from the next by more than the gap being measured on a shared machine.
        ratios = []
        for _round in range(args.rounds):
            published = wrk(base + pages["article"], args)
            same_size = wrk(base + plain["article"][0], args)
            ratios.append(published / same_size)
            results.append(
                f"nginx, published article {pages['article']} ({plain['article'][1]} bytes): "
                f"{published:,.0f} req/s vs plain file {same_size:,.0f} req/s = "
                f"{published / same_size:.0%}"
            )
        results.append(
            f"nginx, published article vs plain file: median {statistics.median(ratios):.0%} "
            f"over {args.rounds} alternating rounds (target ≥ 90 %)"
        )
        for cache_seconds in ("0", "600"):
            app = start_gunicorn(
                env={**env, "PORTAL_PAGE_CACHE_SECONDS": cache_seconds}, port=app_port
            )
            try:
                app_base = f"http://{HOST}:{app_port}"
                for name, url in pages.items():
                    fetch(app_base + url)  # warm up (and fill the cache)
                    rate = wrk(app_base + url, args)
                    label = "cache on " if cache_seconds != "0" else "cache off"
                    results.append(
                        f"app (gunicorn 2 workers), {label}, {name:8s} {url}: {rate:,.0f} req/s; "
                        f"nginx plain file of the same size ({plain[name][1]} bytes) "
                        f"{static_rate[name]:,.0f} req/s = {rate / static_rate[name]:.2%}"
                    )
            finally:
                app.terminate()
                app.wait(timeout=30)
    finally:
        nginx.terminate()
        nginx.wait(timeout=30)
        for _url, _size in plain.values():
            (tree / _url.strip("/")).unlink(missing_ok=True)
    cores = os.cpu_count()
    print(f"wrk -t{args.threads} -c{args.connections} -d{args.seconds}s, {cores} cores (shared):")
    for line in results:
        print("  " + line)
    print("  targets: uncached article ≥ 300 req/s; cached ≥ 2 % of nginx's static rate")
    return 0


if __name__ == "__main__":
    sys.exit(main())
