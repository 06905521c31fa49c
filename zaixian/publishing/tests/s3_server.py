"""A real S3-compatible server for the object-store tests: OpenStack Swift (Debian's
``python3-swift``, installed by ``scripts/system-deps.sh``) with its ``s3api`` middleware, the
S3 API that Swift-based clouds serve. Four processes on free loopback ports (proxy, account,
container, object server), everything under one temporary directory, started and stopped by
the test; Swift runs on Debian's own Python, not the project's virtualenv."""

from __future__ import annotations

import contextlib
import getpass
import socket
import subprocess
import textwrap
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

SYSTEM_PYTHON = "/usr/bin/python3"
ACCESS_KEY = "test:tester"
SECRET_KEY = "testing"
# Small enough for a test to exceed: the store then refuses an upload (413, EntityTooLarge).
MAX_FILE_SIZE = 2 * 1024 * 1024
START_TIMEOUT = 30.0

# Runs one Swift server (or builds the rings) with the configuration under our directory:
# Swift reads /etc/swift/swift.conf unless told otherwise before its modules load.
LAUNCHER = textwrap.dedent(
    """
    import sys
    from swift.common import utils
    utils.SWIFT_CONF_FILE = sys.argv[1]
    from swift.common import constraints, storage_policy
    constraints.reload_constraints()
    storage_policy.reload_storage_policies()
    if sys.argv[2] == "rings":
        from swift.common.ring import RingBuilder
        for name, port in zip(("account", "container", "object"), sys.argv[4:]):
            builder = RingBuilder(4, 1, 1)
            builder.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1",
                             "port": int(port), "device": "sdb1", "weight": 1})
            builder.rebalance()
            builder.get_ring().save(sys.argv[3] + "/" + name + ".ring.gz")
    else:
        from swift.common.wsgi import run_wsgi
        sys.exit(run_wsgi(sys.argv[3], sys.argv[2]))
    """
)


class S3ServerUnavailableError(RuntimeError):
    """Swift is not installed or did not start (the tests that need it skip)."""


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    access_key: str = ACCESS_KEY
    secret_key: str = SECRET_KEY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _is_listening(port: int) -> bool:
    with socket.socket() as probe:
        probe.settimeout(0.2)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def _config(directory: Path, ports: dict[str, int]) -> None:
    user = getpass.getuser()
    common = (
        f"[DEFAULT]\nbind_ip = 127.0.0.1\nworkers = 0\nuser = {user}\n"
        f"swift_dir = {directory}\ndevices = {directory}/devices\nmount_check = false\n"
        f"log_name = swift\nlog_level = WARNING\nlog_address = {directory}/no-syslog\n"
    )
    (directory / "swift.conf").write_text(
        "[swift-hash]\nswift_hash_path_suffix = zaixian-test\n"
        "[storage-policy:0]\nname = default\ndefault = yes\n"
        f"[swift-constraints]\nmax_file_size = {MAX_FILE_SIZE}\n"
    )
    for name in ("account", "container", "object"):
        (directory / f"{name}-server.conf").write_text(
            common + f"bind_port = {ports[name]}\n"
            f"[pipeline:main]\npipeline = {name}-server\n"
            f"[app:{name}-server]\nuse = egg:swift#{name}\n"
        )
    (directory / "proxy-server.conf").write_text(
        common + f"bind_port = {ports['proxy']}\n"
        "[pipeline:main]\npipeline = catch_errors proxy-logging cache s3api tempauth "
        "proxy-logging proxy-server\n"
        "[app:proxy-server]\nuse = egg:swift#proxy\naccount_autocreate = true\n"
        "[filter:catch_errors]\nuse = egg:swift#catch_errors\n"
        "[filter:proxy-logging]\nuse = egg:swift#proxy_logging\n"
        # No memcached: the S3 requests are signed and checked without tokens.
        f"[filter:cache]\nuse = egg:swift#memcache\nmemcache_servers = 127.0.0.1:{_free_port()}\n"
        "[filter:s3api]\nuse = egg:swift#s3api\n"
        f"[filter:tempauth]\nuse = egg:swift#tempauth\nuser_test_tester = {SECRET_KEY} .admin\n"
    )


@contextlib.contextmanager
def swift_s3_server(directory: Path) -> Iterator[S3Server]:
    """Start Swift with the S3 API under ``directory``; stop it on exit."""
    if (
        not Path(SYSTEM_PYTHON).exists()
        or subprocess.run(
            [SYSTEM_PYTHON, "-c", "import swift.common.middleware.s3api"],
            capture_output=True,
            check=False,
        ).returncode
    ):
        raise S3ServerUnavailableError(
            "OpenStack Swift is not installed (Debian package python3-swift, "
            "scripts/system-deps.sh)"
        )
    (directory / "devices" / "sdb1").mkdir(parents=True)
    ports = {name: _free_port() for name in ("proxy", "account", "container", "object")}
    _config(directory, ports)
    launcher = directory / "launch.py"
    launcher.write_text(LAUNCHER)
    conf = str(directory / "swift.conf")
    configs = directory
    log = (directory / "swift.log").open("ab")
    subprocess.run(
        [SYSTEM_PYTHON, str(launcher), conf, "rings", str(directory)]
        + [str(ports[n]) for n in ("account", "container", "object")],
        check=True,
        stdout=log,
        stderr=log,
    )
    processes = [
        subprocess.Popen(
            [
                SYSTEM_PYTHON,
                str(launcher),
                conf,
                f"{name}-server",
                str(configs / f"{name}-server.conf"),
            ],
            stdout=log,
            stderr=log,
        )
        for name in ("account", "container", "object", "proxy")
    ]
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while not all(_is_listening(port) for port in ports.values()):
            if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                log.flush()
                tail = (directory / "swift.log").read_text(errors="replace")[-2000:]
                raise S3ServerUnavailableError(f"Swift did not start: {tail}")
            time.sleep(0.1)
        yield S3Server(endpoint_url=f"http://127.0.0.1:{ports['proxy']}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log.close()
