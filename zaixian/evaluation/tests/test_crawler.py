"""The crawler against the local fixture site: real servers, no mocks."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import translation

from zaixian.core.fetching import FetchError, HostLimiter, PoliteFetcher
from zaixian.evaluation.checks import LinkRecord, PageSnapshot
from zaixian.evaluation.crawler import (
    CRAWLER_USER_AGENT,
    CrawlResult,
    absolute_url,
    crawl,
    decode_html,
    extract_links,
    parse_html,
    site_host,
)
from zaixian.evaluation.tests.fixture_server import (
    CRAWL_TIMEOUT,
    REDIRECTS,
    ROBUSTNESS_PATHS,
    SEEDED_DEFECTS,
    STALE_HOME_DAYS,
    FixtureSite,
    FixtureSites,
    start_fixture_sites,
)


@dataclass
class Seen:
    """What ``on_page`` saw of each snapshot while it ran, and the snapshots themselves."""

    snapshots: list[PageSnapshot] = field(default_factory=list)
    body_sizes: dict[str, int] = field(default_factory=dict)
    had_tree: dict[str, bool] = field(default_factory=dict)
    progress: list[tuple[int, int]] = field(default_factory=list)

    def on_page(self, snapshot: PageSnapshot) -> None:
        self.snapshots.append(snapshot)
        self.body_sizes[snapshot.url] = len(snapshot.body)
        self.had_tree[snapshot.url] = snapshot.tree is not None

    def on_progress(self, done: int, queued: int) -> None:
        self.progress.append((done, queued))

    def page(self, url: str) -> PageSnapshot:
        return next(snapshot for snapshot in self.snapshots if snapshot.url == url)


@dataclass
class FullCrawl:
    sites: FixtureSites
    result: CrawlResult
    seen: Seen

    @property
    def site(self) -> FixtureSite:
        return self.sites.fresh

    def link(self, url: str) -> LinkRecord:
        return next(link for link in self.result.links if link.url == url)


@pytest.fixture(scope="module")
def full_crawl() -> Iterator[FullCrawl]:
    """One crawl of the whole fresh site, shared by the tests that only read its outcome."""
    sites = start_fixture_sites()
    seen = Seen()
    try:
        with translation.override("en"):
            result = crawl(
                sites.fresh.url("/"),
                max_pages=500,
                requests_per_second=0,
                on_page=seen.on_page,
                progress=seen.on_progress,
                timeout=CRAWL_TIMEOUT,
                external_requests_per_second=0,
            )
        yield FullCrawl(sites=sites, result=result, seen=seen)
    finally:
        sites.close()


def _crawl(url: str, seen: Seen, **kwargs: Any) -> CrawlResult:
    options: dict[str, Any] = {
        "max_pages": 500,
        "requests_per_second": 0,
        "timeout": CRAWL_TIMEOUT,
        "external_requests_per_second": 0,
    }
    options.update(kwargs)
    return crawl(url, on_page=seen.on_page, progress=seen.on_progress, **options)


# pages ------------------------------------------------------------------------------------
def test_pages_found_breadth_first_with_their_depths(full_crawl: FullCrawl) -> None:
    site, seen = full_crawl.site, full_crawl.seen
    depths = {snapshot.url: snapshot.depth for snapshot in seen.snapshots}

    assert depths[site.url("/")] == 0
    assert depths[site.url("/xwzx/jcyw/")] == 1  # via the nav's /xwzx/ redirect
    assert depths[site.url("/xwzx/bmdt/")] == 2  # via the site map
    assert depths[site.url("/xwzx/xqdt/x2.html")] == 3
    assert depths[site.url("/xwzx/xqdt/2023/gs_old.html")] == 4
    first_deep = next(i for i, snapshot in enumerate(seen.snapshots) if snapshot.depth >= 2)
    assert all(snapshot.depth <= 1 for snapshot in seen.snapshots[:first_deep])


def test_every_page_is_handed_over_once(full_crawl: FullCrawl) -> None:
    seen, result = full_crawl.seen, full_crawl.result
    urls = [snapshot.url for snapshot in seen.snapshots]

    assert len(urls) == len(set(urls))
    assert len(urls) == result.pages_fetched + result.pages_failed
    assert result.pages_fetched >= 45
    assert [snapshot.is_home for snapshot in seen.snapshots].count(True) == 1
    assert seen.snapshots[0].is_home
    assert result.start_url == full_crawl.site.url("/")
    assert not result.stopped_by_limit


def test_every_seeded_page_is_crawled(full_crawl: FullCrawl) -> None:
    urls = {snapshot.url for snapshot in full_crawl.seen.snapshots}

    for code, path in SEEDED_DEFECTS.items():
        if path.startswith("/") and code.split("#")[0] not in ("availability.links",):
            assert full_crawl.sites.defect_url(code) in urls, code


def test_html_pages_are_parsed_and_others_are_not(full_crawl: FullCrawl) -> None:
    site, seen = full_crawl.site, full_crawl.seen
    article = seen.page(site.url("/zwgk/zcwj/p15.html"))
    missing = seen.page(site.url("/ztzl/lhzt/"))

    assert seen.had_tree[article.url]
    assert article.status == 200
    assert article.content_type.startswith("text/html")
    assert site.url("/zwgk/zcjd/jd15.html") in article.links
    assert site.url("/uploads/2025/p15_banfa.pdf") in article.links
    assert missing.status == 404
    assert missing.error == "The server answered HTTP 404."
    assert not seen.had_tree[missing.url]


def test_bodies_and_trees_are_dropped_after_on_page(full_crawl: FullCrawl) -> None:
    seen = full_crawl.seen
    heavy = full_crawl.site.url("/xwzx/bmdt/heavy.html")

    assert seen.body_sizes[heavy] > 3 * 1024 * 1024
    assert all(snapshot.body == b"" for snapshot in seen.snapshots)
    assert all(snapshot.tree is None and snapshot.text == "" for snapshot in seen.snapshots)


def test_progress_reports_each_page(full_crawl: FullCrawl) -> None:
    progress = full_crawl.seen.progress

    assert [done for done, _queued in progress] == list(range(1, len(progress) + 1))
    assert progress[-1][1] == 0
    assert len(progress) >= len(full_crawl.seen.snapshots)


# links ------------------------------------------------------------------------------------
def test_broken_links_are_recorded_where_first_found(full_crawl: FullCrawl) -> None:
    sites, site = full_crawl.sites, full_crawl.site
    expected = {
        "availability.home_links": ("/", True, 404),
        "availability.links#internal": ("/xwzx/xqdt/x2.html", True, 404),
        "availability.links#image": ("/xwzx/bmdt/tpxw.html", True, 404),
        "availability.links#external_404": ("/xwzx/bmdt/hzjl.html", False, 404),
        "availability.links#external_refused": ("/xwzx/bmdt/hzjl.html", False, None),
    }

    for code, (found_on, is_internal, status) in expected.items():
        link = full_crawl.link(sites.defect_url(code))
        assert link.found_on == site.url(found_on), code
        assert link.is_internal is is_internal, code
        assert link.status == status, code
        assert link.is_broken, code
        assert link.on_home_page is (code == "availability.home_links"), code
    refused = full_crawl.link(sites.defect_url("availability.links#external_refused"))
    assert refused.error.startswith("Could not connect to the host")


def test_working_links_are_not_broken(full_crawl: FullCrawl) -> None:
    sites, site = full_crawl.sites, full_crawl.site
    working = [
        site.url("/xwzx/"),  # redirects to /xwzx/jcyw/
        site.url("/images/logo.png"),
        site.url("/static/site.css"),
        site.url("/static/site.js"),
        site.url("/uploads/2025/p15_banfa.pdf"),
        site.url("/uploads/2025/p15_table.xls"),  # HEAD refused with 405, GET works
        site.url("/zwgk/zcjd/jd15.html"),
        sites.external.url("/"),
    ]

    for url in working:
        link = full_crawl.link(url)
        assert (link.status, link.is_broken, link.error) == (200, False, ""), url


def test_links_are_distinct_with_occurrences_and_home_flag(full_crawl: FullCrawl) -> None:
    site, result = full_crawl.site, full_crawl.result
    urls = [link.url for link in result.links]
    logo = full_crawl.link(site.url("/images/logo.png"))
    site_map = full_crawl.link(site.url("/wzdt/"))

    assert len(urls) == len(set(urls))
    assert logo.on_home_page
    assert logo.occurrences >= 40  # on nearly every page, counted once per page
    assert site_map.found_on == site.url("/")
    assert not any(url.startswith(("mailto:", "tel:", "javascript:")) for url in urls)
    assert not any("#" in url for url in urls)


def test_checked_only_targets_are_never_fetched_as_pages(full_crawl: FullCrawl) -> None:
    site, log = full_crawl.site, full_crawl.site.log
    urls = {snapshot.url for snapshot in full_crawl.seen.snapshots}

    assert site.url("/images/logo.png") not in urls
    assert site.url("/uploads/2025/p15_banfa.pdf") not in urls
    assert log.paths("HEAD").count("/images/logo.png") == 1
    assert log.paths("GET").count("/images/logo.png") == 0
    assert "/uploads/2025/p15_table.xls" in log.paths("GET")  # the fallback


def test_robots_txt_is_honoured(full_crawl: FullCrawl) -> None:
    site = full_crawl.site
    path = ROBUSTNESS_PATHS["robots_disallowed"]
    link = full_crawl.link(site.url(path))

    assert path not in site.log.paths()
    assert "/robots.txt" in site.log.paths()
    assert not link.checked
    assert not link.is_broken
    assert "robots.txt does not allow" in link.error


def test_every_request_names_the_crawler(full_crawl: FullCrawl) -> None:
    agents = {entry[3] for entry in full_crawl.site.log.entries}

    assert agents == {CRAWLER_USER_AGENT}


# robustness -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "error"),
    [
        ("timeout", f"The host did not answer within {CRAWL_TIMEOUT:g} seconds."),
        ("redirect_loop", "Too many redirects"),
        ("huge", "The response is larger than the limit"),
    ],
)
def test_failing_pages_become_records_with_errors(
    full_crawl: FullCrawl, name: str, error: str
) -> None:
    url = full_crawl.site.url(ROBUSTNESS_PATHS[name])
    snapshot = full_crawl.seen.page(url)

    assert snapshot.status is None
    assert snapshot.error.startswith(error)
    assert full_crawl.link(url).is_broken


def test_garbage_and_malformed_html_are_parsed_leniently(full_crawl: FullCrawl) -> None:
    site, seen = full_crawl.site, full_crawl.seen
    garbage = seen.page(site.url(ROBUSTNESS_PATHS["garbage"]))
    malformed = seen.page(site.url(SEEDED_DEFECTS["usability.html"]))

    assert (garbage.status, garbage.error) == (200, "")
    assert seen.had_tree[garbage.url]
    assert site.url("/wzdt/") in garbage.links
    assert seen.had_tree[malformed.url]
    assert malformed.error == ""


def test_the_slow_page_is_waited_for(full_crawl: FullCrawl) -> None:
    slow = full_crawl.seen.page(full_crawl.sites.defect_url("usability.performance#slow"))

    assert slow.status == 200
    assert slow.elapsed_ms >= 1400


# limits -----------------------------------------------------------------------------------
def test_max_pages_leaves_the_rest_unchecked_not_broken(evaluation_site: FixtureSite) -> None:
    seen = Seen()

    result = _crawl(evaluation_site.url("/"), seen, max_pages=5)

    assert len(seen.snapshots) == 5
    assert result.stopped_by_limit
    html_gets = [
        path
        for path in evaluation_site.log.paths("GET")
        if path != "/robots.txt" and path not in REDIRECTS  # a redirect is one page, two GETs
    ]
    assert len(html_gets) == 5
    unchecked = [link for link in result.links if not link.checked]
    assert len(unchecked) > 5
    assert all(link.is_internal and not link.is_broken for link in unchecked)
    assert all("limit of 5 pages" in link.error for link in unchecked)


def test_rate_limit_spaces_requests_to_the_site(evaluation_site: FixtureSite) -> None:
    seen = Seen()

    _crawl(evaluation_site.url("/"), seen, max_pages=3, requests_per_second=5, workers=4)

    times = sorted(entry[0] for entry in evaluation_site.log.entries)
    assert len(times) >= 4
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    # The limiter schedules requests 1/5 s apart; the server sees them with thread jitter.
    assert times[-1] - times[0] >= 0.2 * (len(times) - 1) * 0.95
    assert min(gaps) >= 0.1


def test_start_url_is_the_home_page_after_redirects(evaluation_site: FixtureSite) -> None:
    seen = Seen()

    result = _crawl(evaluation_site.url("/xwzx/"), seen, max_pages=1)

    assert result.start_url == evaluation_site.url("/xwzx/jcyw/")
    assert seen.snapshots[0].is_home
    assert seen.snapshots[0].url == result.start_url


def test_external_links_unchecked_when_asked(evaluation_sites: FixtureSites) -> None:
    seen = Seen()
    start = evaluation_sites.fresh.url("/xwzx/bmdt/hzjl.html")

    result = _crawl(start, seen, max_pages=1, check_external=False)

    external = [link for link in result.links if not link.is_internal]
    assert len(external) == 3
    assert all(not link.checked and not link.is_broken for link in external)
    assert evaluation_sites.external.log.paths() == []


def test_unreachable_start_page_is_one_failed_page(evaluation_sites: FixtureSites) -> None:
    seen = Seen()

    result = _crawl(evaluation_sites.refused_base_url + "/", seen)

    assert (result.pages_fetched, result.pages_failed) == (0, 1)
    assert seen.snapshots[0].is_home
    assert seen.snapshots[0].status is None
    assert seen.snapshots[0].error.startswith("Could not connect")


def test_stale_site_differs_by_its_home_page(
    evaluation_site: FixtureSite, evaluation_stale_site: FixtureSite
) -> None:
    texts: dict[str, str] = {}

    for name, site in (("fresh", evaluation_site), ("stale", evaluation_stale_site)):
        crawl(
            site.url("/"),
            max_pages=1,
            requests_per_second=0,
            on_page=lambda snapshot, name=name: texts.__setitem__(name, snapshot.text),
        )

    today = date.today()  # noqa: DTZ011 - the fixture renders dates by the local calendar
    stale_day = today - timedelta(days=STALE_HOME_DAYS)
    assert "关怀版" in texts["fresh"]
    assert "关怀版" not in texts["stale"]
    assert today.isoformat() in texts["fresh"]
    assert stale_day.isoformat() in texts["stale"]
    assert today.isoformat() not in texts["stale"]
    assert "公网安备" not in texts["fresh"]


# helpers ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("http://www.jcgov.gov.cn/", "http://jcgov.gov.cn/xwzx/", True),
        ("https://WWW.jcgov.gov.cn:443/", "http://jcgov.gov.cn/", True),
        ("http://jcgov.gov.cn:8080/", "http://jcgov.gov.cn/", False),
        ("http://zz.jcgov.gov.cn/", "http://jcgov.gov.cn/", False),
    ],
)
def test_www_and_bare_host_are_one_site(a: str, b: str, same: bool) -> None:
    assert (site_host(a) == site_host(b)) is same


@pytest.mark.parametrize(
    ("href", "expected"),
    [
        ("../a.html#top", "http://x.gov.cn/a.html"),
        (" /b.html?utm_source=x ", "http://x.gov.cn/b.html"),
        ("mailto:a@x.gov.cn", ""),
        ("tel:12345", ""),
        ("JavaScript:void(0)", ""),
        ("data:image/png;base64,AAAA", ""),
        ("#top", ""),
        ("http://[::1", ""),
        ("http://host:notaport/", ""),
    ],
)
def test_absolute_url(href: str, expected: str) -> None:
    assert absolute_url(href, base="http://x.gov.cn/dir/page.html") == expected


def test_decode_html_reads_a_gbk_page_by_its_meta_charset() -> None:
    body = '<html><head><meta charset="gb2312"></head><body>晋城市人民政府</body></html>'

    assert "晋城市人民政府" in decode_html(body.encode("gbk"), "text/html")


# the fetcher's crawler options ---------------------------------------------------------------
def _fetcher() -> PoliteFetcher:
    return PoliteFetcher(timeout=CRAWL_TIMEOUT, retries=0, limiter=HostLimiter(interval=0))


def test_check_link_falls_back_to_get_when_head_is_refused(evaluation_site: FixtureSite) -> None:
    path = "/uploads/2025/p15_table.xls"

    result = _fetcher().check_link(evaluation_site.url(path))

    assert (result.status, result.content) == (200, b"")
    assert [entry[1] for entry in evaluation_site.log.entries if entry[2] == path] == [
        "HEAD",
        "GET",
    ]


def test_fetch_returns_an_error_answer_when_asked(evaluation_site: FixtureSite) -> None:
    url = evaluation_site.url("/no/such/page.html")

    result = _fetcher().fetch(url, accept_error_status=True)

    assert result.status == 404
    assert "页面不存在" in result.content.decode()
    with pytest.raises(FetchError, match="HTTP 404"):
        _fetcher().fetch(url)


def test_refused_connection_is_reported_in_plain_words(evaluation_sites: FixtureSites) -> None:
    with pytest.raises(FetchError) as caught:
        _fetcher().check_link(evaluation_sites.refused_base_url + "/")

    assert str(caught.value) == "Could not connect to the host: [Errno 111] Connection refused"


def test_extract_links_sorts_followed_from_checked_only() -> None:
    tree = parse_html(
        '<html><head><meta http-equiv="Refresh" content="0; URL=/index.html">'
        '<link rel="stylesheet" href="/s.css"><link rel="alternate" href="/feed.xml">'
        '<script src="/a.js"></script></head><body><a href="/a.html">a</a>'
        '<map><area href="/b.html"></map><iframe src="/c.html"></iframe>'
        '<img src="/d.png"><a href="mailto:x@x.gov.cn">m</a></body></html>'
    )
    assert tree is not None

    followed, checked_only = extract_links(tree, base_url="http://x.gov.cn/")

    base = "http://x.gov.cn"
    assert followed == [f"{base}/index.html", f"{base}/a.html", f"{base}/b.html", f"{base}/c.html"]
    assert checked_only == [f"{base}/s.css", f"{base}/a.js", f"{base}/d.png"]


def test_a_missing_target_is_broken_only_when_get_fails_too(evaluation_site: FixtureSite) -> None:
    path = "/images/2026/danhe.jpg"

    result = _fetcher().check_link(evaluation_site.url(path))

    assert result.status == 404
    assert [entry[1] for entry in evaluation_site.log.entries if entry[2] == path] == [
        "HEAD",
        "GET",
    ]
