"""The browser checks against small real pages served from a local HTTP server: each seeded
defect is found, a clean Chinese page yields nothing, and broken pages do not stop a sample."""

from __future__ import annotations

import struct
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

import pytest

from zaixian.evaluation.checks.browser import (
    A11Y_CLEAN,
    A11Y_VIOLATION,
    MOBILE_OVERFLOW,
    MOBILE_SMALL_TEXT,
    MOBILE_TAP_TARGETS,
    PERFORMANCE_LOAD_TIME,
    PERFORMANCE_PAGE_WEIGHT,
    BrowserAudit,
    BrowserUnavailableError,
    run_browser_audit,
)

PAGE_TIMEOUT_MS = 2_500  # local pages answer at once; the hanging ones wait this long

CLEAN_BODY = """
<header><a href="#main">跳到正文</a></header>
<main id="main">
  <h1>晋城市人民政府</h1>
  <p>欢迎访问晋城市人民政府门户网站。本站提供政务公开、政务服务和互动交流等栏目，
  方便市民查询政策文件、办理各类事项、反映意见建议。</p>
  <p>本期附件见第<a href="/1">一</a><a href="/2">二</a><a href="/3">三</a><a href="/4">四</a><a
  href="/5">五</a><a href="/6">六</a>页（在句子中的链接不算过密）。</p>
  <img src="/logo.png" alt="晋城市人民政府标志" width="40" height="40">
  <form action="/search/" role="search">
    <label for="q">站内搜索</label>
    <input id="q" name="q" type="search">
    <button type="submit">搜索</button>
  </form>
</main>
"""


def html_page(body: str, *, head: str = "", lang: str = "zh-CN", viewport: bool = True) -> bytes:
    meta = (
        '<meta name="viewport" content="width=device-width, initial-scale=1">' if viewport else ""
    )
    return (
        f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{meta}'
        "<title>晋城市人民政府</title>"
        "<style>body{font-size:16px;color:#222;background:#fff;margin:0 8px}</style>"
        f"{head}</head><body>{body}</body></html>"
    ).encode()


# A 1×1 PNG, for the clean page's logo.
PIXEL_PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360f8cfc0f01f0005000201a5f6"
    "5e3b0000000049454e44ae426082"
)

PAGES: dict[str, bytes] = {
    "/clean": html_page(CLEAN_BODY),
    "/bad": (
        b"<!doctype html><html><head><meta charset='utf-8'><title>bad</title></head><body>"
        + b'<img src="/logo.png"><form><input type="text" name="name"></form>'
        + '<p style="color:#ddd;background:#fff">低对比度的文字，几乎看不清楚。</p>'.encode()
        + b"</body></html>"
    ),
    # A wide table in its own scroller is fine on a phone; the banner is not.
    "/wide": html_page(
        CLEAN_BODY
        + '<div style="overflow-x:auto"><table style="width:1200px"><tr><td>表格</td></tr>'
        + "</table></div>"
        + '<div class="banner" style="width:900px">通知公告</div>'
    ),
    # Pagination links of one digit each, side by side, too small to tap.
    "/crowded": html_page(
        CLEAN_BODY
        + '<nav aria-label="分页">'
        + "".join(f'<a href="/list/{number}">{number}</a>' for number in range(1, 9))
        + "</nav>"
    ),
    "/small": html_page(
        CLEAN_BODY.replace("<main", '<main style="font-size:10px"')
        .replace("<h1>", '<h1 style="font-size:11px">')
        .replace('<a href="#main">', '<a href="#main" style="font-size:10px">')
    ),
    "/scripts": html_page(
        CLEAN_BODY,
        head="<script>throw new Error('boom');</script><script>undefinedFunction();</script>",
    ),
    "/stuck": html_page(CLEAN_BODY.replace('src="/logo.png"', 'src="/hang.png"')),
    # Many government home pages send the visitor on with a script or a meta refresh.
    "/redirect": b"<!doctype html><html><head><script>location.href='/clean'</script>"
    b"</head></html>",
    "/refresh": b"<!doctype html><html><head><meta http-equiv='refresh' content='0;url=/clean'>"
    b"</head></html>",
    "/heavy": html_page(CLEAN_BODY, head='<script src="/big.js"></script>'),
}


class FixtureSite(BaseHTTPRequestHandler):
    release = threading.Event()  # set at the end, so hanging requests let go

    def do_GET(self) -> None:
        path = urlsplit(self.path).path
        if path == "/slow":
            time.sleep(0.6)
            path = "/clean"
        if path in ("/hang", "/hang.png"):
            self.release.wait(10)
            return
        if path == "/logo.png":
            self.reply(200, PIXEL_PNG, "image/png")
        elif path == "/doc.pdf":
            self.reply(200, b"%PDF-1.4\n%%EOF\n", "application/pdf")
        elif path == "/big.js":
            self.reply(200, b"//" + b"x" * 300_000, "text/javascript")
        elif path in PAGES:
            self.reply(200, PAGES[path], "text/html; charset=utf-8")
        else:
            self.reply(404, html_page("<main><h1>页面不存在</h1></main>"), "text/html")

    def reply(self, status: int, body: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def site() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), FixtureSite)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    FixtureSite.release.set()
    server.shutdown()
    server.server_close()


class AuditInItsThread:
    """The module's ``BrowserAudit``, living in a thread of its own: Playwright's sync API
    refuses a thread where an event loop runs (as it does in the test process's main thread
    once another test has used the session's browser). Public methods run in that thread;
    attributes are read and set on the audit itself (monkeypatch ``._audit``, the audit)."""

    def __init__(self, **options: object) -> None:
        object.__setattr__(self, "_pool", ThreadPoolExecutor(max_workers=1))
        opened = self._pool.submit(lambda: BrowserAudit(**options).__enter__()).result()
        object.__setattr__(self, "_audit", opened)

    def in_thread(self, function):
        return self._pool.submit(function, self._audit).result()

    def __getattr__(self, name: str):
        value = getattr(self._audit, name)
        if callable(value) and not name.startswith("_"):
            return lambda *args, **kwargs: self._pool.submit(value, *args, **kwargs).result()
        return value

    def __setattr__(self, name: str, value: object) -> None:
        setattr(self._audit, name, value)

    def close(self) -> None:
        self._pool.submit(self._audit.__exit__, None, None, None).result()
        self._pool.shutdown()


@pytest.fixture(scope="module")
def audit(chromium_path: str) -> Iterator[AuditInItsThread]:
    opened = AuditInItsThread(executable_path=chromium_path, page_timeout_ms=PAGE_TIMEOUT_MS)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def bad_findings(audit: BrowserAudit, site: str) -> list:
    """The findings of the page with seeded accessibility defects, audited once."""
    return audit.audit(f"{site}/bad")


def checks_of(findings) -> set[str]:
    return {finding.check for finding in findings}


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    return struct.unpack(">II", data[16:24])


# Availability of the browser ------------------------------------------------------------------


def test_missing_chromium_raises_browser_unavailable():
    with (
        pytest.raises(BrowserUnavailableError, match="Chromium"),
        BrowserAudit(executable_path="/nonexistent/chromium"),
    ):
        pass


def test_chromium_path_setting_is_used(settings):
    settings.CHROMIUM_PATH = "/nonexistent/chromium-from-settings"

    assert BrowserAudit().executable_path == "/nonexistent/chromium-from-settings"


# Accessibility ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_violations_found_on_a_page_with_seeded_defects(bad_findings, site):
    findings = bad_findings

    rules = {f.detail["rule"] for f in findings if f.check == A11Y_VIOLATION}
    assert {"image-alt", "label", "color-contrast", "html-has-lang"} <= rules
    image_alt = next(f for f in findings if f.detail.get("rule") == "image-alt")
    assert image_alt.indicator == "usability.accessibility"
    assert image_alt.page_url == f"{site}/bad"
    assert image_alt.detail["impact"] == "critical"
    assert image_alt.detail["nodes"] == 1
    assert "image-alt" in image_alt.evidence
    assert "Images must have alternative text" in image_alt.evidence
    assert "img" in image_alt.evidence


@pytest.mark.browser
def test_first_finding_of_a_page_carries_a_png_screenshot(bad_findings):
    findings = bad_findings

    shot = findings[0].screenshot
    assert shot is not None
    width, height = png_size(shot)
    assert width == 1280
    assert 0 < height <= 2400
    assert len(shot) > 2_000
    assert all(finding.screenshot is None for finding in findings[1:])


@pytest.mark.browser
def test_clean_chinese_page_yields_no_finding(audit, site):
    page = audit.audit_page(f"{site}/clean")

    assert page.findings == []
    assert page.status == 200
    assert page.load_ms is not None
    assert 0 < page.load_ms < 3_000
    # The page and its logo, and the favicon when Chromium asks for it in time.
    assert page.requests in (2, 3)
    assert page.weight_bytes is not None
    assert page.weight_bytes > len(PAGES["/clean"])


@pytest.mark.browser
def test_clean_sample_earns_the_accessibility_bonus(audit, site):
    result = audit.audit_sample([f"{site}/clean", f"{site}/clean?page=2"])

    assert result.findings == []
    assert result.bonus is not None
    assert result.bonus.check == A11Y_CLEAN
    assert result.bonus.indicator == "bonus.accessibility"
    assert result.pages_audited == 2
    assert result.all_findings == [result.bonus]


@pytest.mark.browser
def test_no_bonus_when_a_page_has_a_violation(audit, site):
    result = audit.audit_sample([f"{site}/clean", f"{site}/bad"], screenshot=False)

    assert result.bonus is None
    assert A11Y_VIOLATION in checks_of(result.findings)


def test_no_bonus_for_an_empty_sample():
    # No browser needed: an empty sample opens no page.
    audit = BrowserAudit(executable_path="/nonexistent/chromium")

    result = audit.audit_sample([])

    assert result.bonus is None
    assert result.pages == []


# Mobile friendliness ----------------------------------------------------------------------------


@pytest.mark.browser
def test_page_wider_than_a_phone_overflows(audit, site):
    findings = audit.audit(f"{site}/wide")

    assert checks_of(findings) == {MOBILE_OVERFLOW}
    overflow = findings[0]
    assert overflow.indicator == "usability.mobile"
    assert overflow.detail["viewport_width"] == 375
    assert overflow.detail["page_width"] >= 900
    assert overflow.detail["element"] == "div.banner"
    assert overflow.screenshot is not None
    assert png_size(overflow.screenshot)[0] >= 900  # the part off the screen is shown too


@pytest.mark.browser
def test_small_text_on_a_phone(audit, site):
    findings = audit.audit(f"{site}/small", screenshot=False)

    assert MOBILE_SMALL_TEXT in checks_of(findings)
    small = next(f for f in findings if f.check == MOBILE_SMALL_TEXT)
    assert small.detail["median_px"] == 10
    assert small.detail["small_characters"] > small.detail["characters"] / 2
    assert all(finding.screenshot is None for finding in findings)  # none asked for


@pytest.mark.browser
def test_crowded_small_tap_targets_on_a_phone(audit, site):
    findings = audit.audit(f"{site}/crowded")

    assert checks_of(findings) == {MOBILE_TAP_TARGETS}
    crowded = findings[0]
    assert crowded.indicator == "usability.mobile"
    assert crowded.detail["crowded_targets"] == 8  # the links of the sentence are exempt
    assert 'a "1"' in crowded.evidence
    assert crowded.screenshot is not None


# Load time and weight ---------------------------------------------------------------------------


@pytest.mark.browser
def test_slow_page_over_the_load_time_limit(audit, site, monkeypatch):
    monkeypatch.setattr(audit._audit, "load_time_limit_ms", 300)

    findings = audit.audit(f"{site}/slow", screenshot=False)

    assert checks_of(findings) == {PERFORMANCE_LOAD_TIME}
    assert findings[0].indicator == "usability.performance"
    assert findings[0].detail["load_ms"] >= 600
    assert findings[0].detail["load_time_limit_ms"] == 300


@pytest.mark.browser
def test_heavy_page_over_the_weight_limit(audit, site, monkeypatch):
    monkeypatch.setattr(audit._audit, "page_weight_limit_bytes", 100_000)

    findings = audit.audit(f"{site}/heavy", screenshot=False)

    weight = next(f for f in findings if f.check == PERFORMANCE_PAGE_WEIGHT)
    assert weight.detail["weight_bytes"] > 300_000
    assert weight.detail["requests"] >= 3  # the page, its logo and the script


@pytest.mark.browser
def test_every_page_is_weighed_as_on_a_first_visit(audit, site):
    # The tabs are reused from page to page: no cache, and the meter survives a move to
    # another site (localhost is another site than 127.0.0.1, in another renderer).
    other_site = site.replace("127.0.0.1", "localhost")

    pages = audit.audit_sample(
        [f"{site}/heavy", f"{site}/heavy?again", f"{other_site}/heavy"], screenshot=False
    ).pages

    assert all(page.requests >= 3 for page in pages)
    assert all(page.weight_bytes > 300_000 for page in pages)


@pytest.mark.browser
def test_page_whose_load_never_ends_is_audited_and_reported_slow(audit, site):
    page = audit.audit_page(f"{site}/stuck", screenshot=False)

    assert page.is_audited
    assert page.load_ms is None
    load = next(f for f in page.findings if f.check == PERFORMANCE_LOAD_TIME)
    assert load.detail["load_finished"] is False


# Robustness -------------------------------------------------------------------------------------


@pytest.mark.browser
def test_broken_pages_do_not_stop_the_sample(audit, site):
    urls = [
        f"{site}/missing",
        f"{site}/hang",
        f"{site}/scripts",
        "http://127.0.0.1:9/closed",
        f"{site}/doc.pdf",
    ]

    result = audit.audit_sample(urls)

    assert [page.url for page in result.pages] == urls
    errors = result.errors
    assert "404" in errors[f"{site}/missing"]
    assert "2.5" in errors[f"{site}/hang"]
    assert errors["http://127.0.0.1:9/closed"]
    assert "application/pdf" in errors[f"{site}/doc.pdf"]
    assert f"{site}/scripts" not in errors
    scripts = result.pages[2]
    assert scripts.findings == []
    assert len(scripts.script_errors) == 2
    assert result.pages_audited == 1
    assert result.findings == []
    assert result.bonus is None  # not every page could be audited
    assert audit.is_open


@pytest.mark.browser
def test_unexpected_error_on_a_page_is_recorded_not_raised(audit, site, monkeypatch):
    def broken(*args, **kwargs):
        raise KeyError("viewportWidth")

    monkeypatch.setattr(audit._audit, "_mobile_findings", broken)

    result = audit.audit_sample([f"{site}/clean"])

    assert "KeyError" in result.errors[f"{site}/clean"]


@pytest.mark.browser
def test_lost_browser_is_started_again(audit, site):
    assert audit._browser is not None
    audit.in_thread(lambda opened: opened._browser.close())

    result = audit.audit_sample([f"{site}/clean"])

    assert result.pages_audited == 1
    assert audit.is_open


@pytest.mark.parametrize("path", ["/redirect", "/refresh"])
@pytest.mark.browser
def test_page_that_sends_the_visitor_on_is_audited_where_it_lands(audit, site, path):
    page = audit.audit_page(f"{site}{path}")

    assert page.is_audited, page.error
    assert page.findings == []


@pytest.mark.browser
def test_screenshot_for_other_findings(audit, site):
    shot = audit.screenshot(f"{site}/clean")
    full = audit.screenshot(f"{site}/clean", full_page=True)

    assert png_size(shot) == (1280, 900)
    assert len(shot) > 2_000
    assert png_size(full)[0] == 1280


def in_own_thread(function):
    """Run ``function`` in another thread: the module's browser holds this one (Playwright's
    sync API allows one per thread)."""
    with ThreadPoolExecutor(max_workers=1) as executor:
        return executor.submit(function).result()


@pytest.mark.browser
def test_browser_closed_on_exit(chromium_path, site):
    def open_and_close():
        with BrowserAudit(executable_path=chromium_path) as audit:
            browser = audit._browser
            assert audit.is_open
        return audit, browser

    audit, browser = in_own_thread(open_and_close)

    assert not audit.is_open
    assert not browser.is_connected()


@pytest.mark.browser
def test_ten_pages_take_seconds(audit, site):
    urls = [f"{site}/clean?page={number}" for number in range(10)]
    started = time.monotonic()

    result = audit.audit_sample(urls)

    elapsed = time.monotonic() - started
    assert result.pages_audited == 10
    assert result.bonus is not None
    assert elapsed < 30, f"{elapsed:.1f} s for 10 pages"


@pytest.mark.browser
def test_run_browser_audit_opens_its_own_browser_in_another_thread(chromium_path, site, audit):
    # The module's browser is open in this thread; Playwright allows one per thread.
    result = run_browser_audit([f"{site}/bad"], executable_path=chromium_path, screenshot=False)

    assert A11Y_VIOLATION in checks_of(result.findings)
    assert audit.is_open
