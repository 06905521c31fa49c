"""A local fixture government site with seeded defects, for the crawler's and the checks' tests
and anyone who wants a realistic site to point the self-evaluation at.

``start_fixture_sites()`` starts three servers on free loopback ports:

* the **fresh** site (晋城市人民政府, a few dozen UTF-8 pages under ``fixture_site/``), whose
  home page was updated today and links to its elder-friendly version (关怀版);
* the **stale** site: the same pages, but its home page's newest item is
  ``STALE_HOME_DAYS`` old and it has no elder-mode link;
* an **external** site the others link to (its home answers 200, anything else 404);

and picks a closed loopback port for a link whose connection is refused. Dates are written in
the templates as ``{{days_ago:N}}`` and rendered relative to today when served, so the tests
never rot. Every seeded defect is listed in ``SEEDED_DEFECTS``; everything else is meant to be
clean. Crawl the fixture with ``timeout=CRAWL_TIMEOUT``: the slow page (``SLOW_PAGE_SECONDS``)
answers within it, the time-out page (``TIMEOUT_PAGE_SECONDS``) does not.
"""

from __future__ import annotations

import re
import socket
import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

SITE_DIR = Path(__file__).parent / "fixture_site"
CRAWL_TIMEOUT = 3.0  # seconds: pass as crawl(timeout=...)
SLOW_PAGE_SECONDS = 1.5  # the slow page; pass a load-time threshold below it to flag it
TIMEOUT_PAGE_SECONDS = 6.0  # the time-out page; longer than CRAWL_TIMEOUT
STALE_HOME_DAYS = 20
HUGE_PAGE_BYTES = 40 * 1024 * 1024  # streamed without Content-Length, beyond the crawler's cap
HEAVY_PAGE_KB = 3200  # the heavy page weighs a little over 3 MB (the indicators' line)

# Each seeded defect: the key is the indicator code of ``rules.INDICATORS`` a check should
# report it under, with ``#variant`` when there are several; the value is the path of the page
# the finding points at, or for a broken link the link's target ("external:" and "refused:"
# name a path on the external site and on the closed port). ``STALE_SITE_ONLY`` are found on
# the stale site only; all others on both sites.
SEEDED_DEFECTS: dict[str, str] = {
    "veto.home_not_updated": "/",  # stale site: newest item STALE_HOME_DAYS old
    "usability.elder_mode": "/",  # stale site: no 关怀版 link
    "updates.columns#news": "/xwzx/gzdt/",  # 工作动态, newest item 30 days old
    "updates.columns#notice": "/xwzx/tzgg/",  # 通知公告, newest item 240 days old
    "updates.columns#long_stale": "/ztzl/cjwm/",  # 创建全国文明城市, newest item 730 days old
    "updates.empty_columns": "/hdjl/zjdc/",  # 征集调查: 暂无信息
    "publishing.undated": "/xwzx/bmdt/nodate.html",
    "publishing.interpretation": "/zwgk/zcwj/p12.html",  # 晋市政发〔YYYY〕12号, no 解读 link
    "services.guides": "/bsfw/bszn/guide_b.html",  # no 办理地点, no 办理时限 (and no 办理时间)
    "veto.serious_errors#leader": "/xwzx/bmdt/w1.html",  # 张建囯 for 张建国
    "veto.serious_errors#institution": "/xwzx/bmdt/w2.html",  # 晋城市人民正府 for 人民政府
    "veto.serious_errors#division": "/xwzx/bmdt/w3.html",  # 择州县 for 泽州县
    "veto.serious_errors#forbidden": "/xwzx/bmdt/w5.html",  # 法轮功
    "publishing.wording": "/xwzx/bmdt/w4.html",  # 按装 for 安装 (a common typo)
    "usability.footer": "/",  # home page: no 公网安备 number; every other page has it
    "availability.home_links": "/ztzl/lhzt/",  # 404, linked from the home page
    "availability.links#internal": "/xwzx/xqdt/2023/gs_old.html",  # 404, from /xwzx/xqdt/x2.html
    "availability.links#image": "/images/2026/danhe.jpg",  # 404 <img>, on /xwzx/bmdt/tpxw.html
    "availability.links#external_404": "external:/kstb/list.html",  # on /xwzx/bmdt/hzjl.html
    "availability.links#external_refused": "refused:/",  # on /xwzx/bmdt/hzjl.html
    "usability.html": "/xwzx/bmdt/malformed.html",  # unclosed tags, duplicate id, no title/lang
    "usability.mobile": "/xwzx/bmdt/noviewport.html",  # no <meta name=viewport>
    "usability.performance#size": "/xwzx/bmdt/heavy.html",  # a little over 3 MB
    "usability.performance#slow": "/xwzx/bmdt/slow.html",  # SLOW_PAGE_SECONDS to answer
}
STALE_SITE_ONLY = frozenset({"veto.home_not_updated", "usability.elder_mode"})

# Pages that test the crawler's robustness, all linked from the site map (/wzdt/). The failing
# ones are also broken links of that page, and the garbage page also lacks a title, a lang and
# a viewport: checks that count those will see them besides SEEDED_DEFECTS.
ROBUSTNESS_PATHS: dict[str, str] = {
    "timeout": "/test/timeout.html",  # answers after TIMEOUT_PAGE_SECONDS
    "redirect_loop": "/test/loop.html",  # redirects to itself
    "huge": "/test/huge.html",  # streams HUGE_PAGE_BYTES without a Content-Length
    "garbage": "/test/garbage.html",  # NUL bytes, invalid UTF-8, tag soup, served as HTML
    "robots_disallowed": "/private/archive.html",  # robots.txt: Disallow: /private/
}
REDIRECTS = {"/xwzx/": "/xwzx/jcyw/"}  # a plain 301, as the nav's 新闻中心 link
HEAD_NOT_ALLOWED = frozenset({"/uploads/2025/p15_table.xls"})  # answers HEAD with 405

_PLACEHOLDER_RE = re.compile(r"\{\{(\w+)(?::([^}]*))?\}\}")
_ELDER_BLOCK_RE = re.compile(r"<!--elder-->.*?<!--/elder-->", re.DOTALL)
_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)
_PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
_GARBAGE = (
    b"<html><head><title>\xe6\x97\xa7\xe7\x89\x88\x00</title><body>\x00\x01\x02<p>\xff\xfe"
    b"\xfd \xe7\xbd\x91<div <<< >>> <a href='/wzdt/'>\xe7\xbd\x91\xe7\xab\x99\xe5\x9c\xb0"
    b'\xe5\x9b\xbe</a></td></tr></table></span><![CDATA[ \x0b\x0c ]]><a href="http://[::1">'
    b"x</a><a href='http://host:notaport/'>y</a>\xc3"
)
_FILLER = (
    "<p>全年全市经济运行总体平稳，农业生产稳中有升，工业生产持续增长，服务业较快发展，"
    "固定资产投资保持增长，消费市场稳步恢复，居民收入持续增加，民生保障有力有效。</p>\n"
)
_STATIC_TYPES = {".css": "text/css", ".js": "application/javascript", ".txt": "text/plain"}


@dataclass(frozen=True)
class Page:
    """A template of ``fixture_site/``: a front matter (``key: value`` lines, then ``---``)
    and either a fragment put into ``layout.html`` or, for ``kind: raw``, a whole document."""

    meta: dict[str, str]
    body: str

    @classmethod
    def load(cls, path: Path) -> Page:
        head, _sep, body = path.read_text(encoding="utf-8").partition("\n---\n")
        meta = dict(line.split(": ", 1) for line in head.splitlines() if ": " in line)
        return cls(meta=meta, body=body)

    def html(self) -> str:
        if self.meta.get("kind") == "raw":
            return self.body
        title = self.meta["title"]
        kind = self.meta.get("kind", "page")
        day = self.meta.get("date", "")
        article_meta = ""
        if kind == "article":
            article_meta = f'<meta name="ArticleTitle" content="{title}">\n'
            if day:
                article_meta += f'<meta name="PubDate" content="{day} 09:00">\n'
            article_meta += f'<meta name="ContentSource" content="{self.meta["source"]}">'
            info = f"发布时间：{day}　来源：" if day else "来源："
            content = (
                f'<div class="article">\n<h1>{title}</h1>\n'
                f'<div class="info">{info}{self.meta["source"]}</div>\n'
                f'<div class="content">\n{self.body}</div>\n</div>'
            )
        elif kind == "list":
            content = (
                f'<div class="column">\n<h1 class="column-title">{title}</h1>\n{self.body}</div>'
            )
        else:
            content = f'<div class="page">\n<h1>{title}</h1>\n{self.body}</div>'
        layout = (SITE_DIR / "layout.html").read_text(encoding="utf-8")
        values = {
            "title": title,
            "column": self.meta.get("column", title),
            "article_meta": article_meta,
            "content": content,
        }
        return _PLACEHOLDER_RE.sub(lambda match: values.get(match.group(1), match.group(0)), layout)


def render(template: str, *, today: date, external: str, refused: str, shift_days: int = 0) -> str:
    """Fills ``{{days_ago:N}}`` (YYYY-MM-DD, N + ``shift_days`` days before today),
    ``{{year}}``, ``{{external}}``, ``{{refused}}`` and ``{{filler_kb:N}}``."""

    def value(match: re.Match[str]) -> str:
        name, argument = match.group(1), match.group(2) or ""
        if name == "days_ago":
            return (today - timedelta(days=int(argument) + shift_days)).isoformat()
        if name == "year":
            return str(today.year)
        if name == "external":
            return external
        if name == "refused":
            return refused
        if name == "filler_kb":
            return _FILLER * (int(argument) * 1024 // len(_FILLER.encode()) + 1)
        return match.group(0)

    return _PLACEHOLDER_RE.sub(value, template)


@dataclass
class RequestLog:
    """What the server was asked, for the tests: (monotonic time, method, path, user agent)."""

    entries: list[tuple[float, str, str, str]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, method: str, path: str, user_agent: str) -> None:
        with self.lock:
            self.entries.append((time.monotonic(), method, path, user_agent))

    def paths(self, method: str = "") -> list[str]:
        with self.lock:
            return [entry[2] for entry in self.entries if not method or entry[1] == method]

    def times(self, path: str) -> list[float]:
        with self.lock:
            return [entry[0] for entry in self.entries if entry[2] == path]


class FixtureServer(ThreadingHTTPServer):
    daemon_threads = True
    mode = "fresh"  # "fresh", "stale" or "external"
    external = ""
    refused = ""
    log: RequestLog

    def handle_error(self, request: object, client_address: object) -> None:
        """A client that gave up (time-outs, size limits) is expected."""


class FixtureHandler(BaseHTTPRequestHandler):
    server: FixtureServer
    protocol_version = "HTTP/1.1"

    def log_message(self, *args: object) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:
        self._answer(head=False)

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def _send(
        self, status: int, body: bytes, content_type: str, *, head: bool, **headers: str
    ) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if not head:
            self.wfile.write(body)

    def _html(self, status: int, text: str, *, head: bool) -> None:
        self._send(status, text.encode("utf-8"), "text/html; charset=utf-8", head=head)

    def _answer(self, *, head: bool) -> None:
        path = urlsplit(self.path).path
        server = self.server
        server.log.add(self.command, path, self.headers.get("User-Agent", ""))
        if server.mode == "external":
            if path == "/":
                self._html(200, _EXTERNAL_HOME, head=head)
            else:
                self._html(404, _NOT_FOUND, head=head)
            return
        if path in REDIRECTS:
            self._send(301, b"", "text/html", head=head, Location=REDIRECTS[path])
        elif path == ROBUSTNESS_PATHS["timeout"]:
            time.sleep(TIMEOUT_PAGE_SECONDS)
            self._html(200, "<html><body>late</body></html>", head=head)
        elif path == ROBUSTNESS_PATHS["redirect_loop"]:
            self._send(302, b"", "text/html", head=head, Location=path)
        elif path == ROBUSTNESS_PATHS["huge"]:
            self._stream_huge(head=head)
        elif path == ROBUSTNESS_PATHS["garbage"]:
            self._send(200, _GARBAGE, "text/html; charset=utf-8", head=head)
        elif path == "/images/logo.png":
            self._send(200, _PNG, "image/png", head=head)
        elif path.startswith("/uploads/") and path.endswith(".pdf"):
            self._send(200, _PDF, "application/pdf", head=head)
        elif path in HEAD_NOT_ALLOWED:
            if head:
                self._send(405, b"", "text/plain", head=head, Allow="GET")
            else:
                self._send(200, b"\xd0\xcf\x11\xe0" * 64, "application/vnd.ms-excel", head=head)
        elif (SITE_DIR / path.lstrip("/")).suffix in _STATIC_TYPES and self._file(path).is_file():
            content_type = _STATIC_TYPES[self._file(path).suffix]
            self._send(200, self._file(path).read_bytes(), content_type, head=head)
        elif path.endswith(("/", ".html")) and self._file(path).is_file():
            if path == "/xwzx/bmdt/slow.html":
                time.sleep(SLOW_PAGE_SECONDS)
            self._html(200, self._page(path), head=head)
        else:
            self._html(404, _NOT_FOUND, head=head)

    def _file(self, path: str) -> Path:
        relative = path.lstrip("/") + ("index.html" if path.endswith("/") else "")
        if relative == "layout.html" or ".." in relative:
            return SITE_DIR / "missing"
        return SITE_DIR / relative

    def _page(self, path: str) -> str:
        server = self.server
        text = Page.load(self._file(path)).html()
        shift = 0
        if path == "/":
            if server.mode == "stale":
                shift = STALE_HOME_DAYS
                text = _ELDER_BLOCK_RE.sub("", text)
            text = text.replace("<!--elder-->", "").replace("<!--/elder-->", "")
        return render(
            text,
            today=date.today(),  # noqa: DTZ011 - the fixture's dates follow the local calendar
            external=server.external,
            refused=server.refused,
            shift_days=shift,
        )

    def _stream_huge(self, *, head: bool) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Connection", "close")
        self.end_headers()  # no Content-Length: the fetcher must count while reading
        self.close_connection = True
        if head:
            return
        chunk = ("<p>" + "历年统计数据" * 1000 + "</p>\n").encode()
        try:
            for _ in range(HUGE_PAGE_BYTES // len(chunk)):
                self.wfile.write(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass


_NOT_FOUND = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>页面不存在</title>'
    "</head><body><p>您访问的页面不存在。</p></body></html>"
)
_EXTERNAL_HOME = (
    '<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8"><title>合作城市政务服务网'
    "</title></head><body><p>欢迎访问合作城市政务服务网。</p></body></html>"
)


@dataclass
class FixtureSite:
    """One running fixture server."""

    server: FixtureServer
    thread: threading.Thread

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    @property
    def log(self) -> RequestLog:
        return self.server.log

    def url(self, path: str) -> str:
        return f"{self.base_url}{path}"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@dataclass
class FixtureSites:
    fresh: FixtureSite
    stale: FixtureSite
    external: FixtureSite
    refused_base_url: str

    def defect_url(self, code: str, *, site: FixtureSite | None = None) -> str:
        """The absolute URL of ``SEEDED_DEFECTS[code]`` on ``site`` (default the fresh one)."""
        value = SEEDED_DEFECTS[code]
        if value.startswith("external:"):
            return self.external.url(value.removeprefix("external:"))
        if value.startswith("refused:"):
            return self.refused_base_url + value.removeprefix("refused:")
        return (site or self.fresh).url(value)

    def close(self) -> None:
        for site in (self.fresh, self.stale, self.external):
            site.close()


def start_fixture_server(*, mode: str, external: str = "", refused: str = "") -> FixtureSite:
    """A fixture server of ``mode`` ("fresh", "stale", "external") on a free loopback port."""
    server = FixtureServer(("127.0.0.1", 0), FixtureHandler)
    server.mode, server.external, server.refused = mode, external, refused
    server.log = RequestLog()
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
    )
    thread.start()
    return FixtureSite(server=server, thread=thread)


def closed_port_url() -> str:
    """The address of a loopback port nothing listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def start_fixture_sites() -> FixtureSites:
    """The fresh and stale sites, the external site they link to and a refused address."""
    external = start_fixture_server(mode="external")
    refused = closed_port_url()
    return FixtureSites(
        fresh=start_fixture_server(mode="fresh", external=external.base_url, refused=refused),
        stale=start_fixture_server(mode="stale", external=external.base_url, refused=refused),
        external=external,
        refused_base_url=refused,
    )


if __name__ == "__main__":  # serve the fixture for a look in a browser
    sites = start_fixture_sites()
    # a developer's tool: where to point a browser
    print(f"fresh {sites.fresh.base_url}/  stale {sites.stale.base_url}/")  # noqa: T201
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        sites.close()
