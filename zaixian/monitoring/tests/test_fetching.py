"""The polite fetcher against a local server: every broken host is a clear FetchError."""

import time

import pytest

from zaixian.core.fetching import FetchError, HostLimiter, PoliteFetcher, retry_delay


def fetcher(**kwargs):
    defaults = {"timeout": 0.5, "retries": 1, "retry_base": 0.01, "limiter": HostLimiter(0)}
    return PoliteFetcher(**{**defaults, **kwargs})


def test_fetch_returns_content_and_validators(fixture_server):
    result = fetcher().fetch(fixture_server.url("/feed.xml"))

    assert result.status == 200
    assert "供水管网".encode() in result.content
    assert result.etag == '"feed-v1"'


def test_conditional_get_answers_not_modified(fixture_server):
    result = fetcher().fetch(fixture_server.url("/feed.xml"), etag='"feed-v1"')

    assert result.is_not_modified
    assert result.content == b""


def test_slow_host_times_out_with_clear_error(fixture_server):
    with pytest.raises(FetchError, match=r"did not answer within 0\.5 seconds"):
        fetcher(retries=0).fetch(fixture_server.url("/slow"))


def test_missing_page_is_an_http_error(fixture_server):
    with pytest.raises(FetchError, match="HTTP 404"):
        fetcher().fetch(fixture_server.url("/nothing-here"))


def test_redirect_loop_is_stopped(fixture_server):
    with pytest.raises(FetchError, match="Too many redirects"):
        fetcher().fetch(fixture_server.url("/loop"))


def test_huge_page_is_cut_at_the_size_limit(fixture_server):
    with pytest.raises(FetchError, match="larger than the limit of 100000 bytes"):
        fetcher(max_bytes=100_000).fetch(fixture_server.url("/huge"))


def test_robots_txt_disallowed_path_is_not_fetched(fixture_server):
    with pytest.raises(FetchError, match=r"robots\.txt does not allow"):
        fetcher().fetch(fixture_server.url("/private/list.html"))

    assert "/private/list.html" not in fixture_server.hits


def test_server_error_is_retried_with_back_off(fixture_server):
    result = fetcher(retries=2).fetch(fixture_server.url("/flaky"))

    assert result.status == 200
    assert fixture_server.hits["/flaky"] == 2


def test_unreachable_host_is_a_connection_error():
    with pytest.raises(FetchError, match="Could not connect"):
        fetcher(retries=0).fetch("http://127.0.0.1:9/feed.xml")


def test_non_http_url_is_refused():
    with pytest.raises(FetchError, match="not an http or https URL"):
        fetcher().fetch("file:///etc/passwd")


def test_host_limiter_spaces_requests_to_one_host():
    limiter = HostLimiter(interval=0.2)
    waits = []

    limiter.wait("a.example", sleep=waits.append)
    limiter.wait("a.example", sleep=waits.append)
    limiter.wait("b.example", sleep=waits.append)

    assert len(waits) == 1
    assert 0.1 < waits[0] <= 0.2


def test_host_limiter_waits_for_real():
    limiter = HostLimiter(interval=0.1)
    start = time.monotonic()

    limiter.wait("a.example")
    limiter.wait("a.example")

    assert time.monotonic() - start >= 0.09


def test_retry_delay_doubles_up_to_the_cap():
    assert [retry_delay(n, base=1, cap=5) for n in (1, 2, 3, 4)] == [1, 2, 4, 5]
