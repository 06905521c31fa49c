from datetime import date

import pytest

from zaixian.analytics import rules
from zaixian.analytics.tests.conftest import BAIDUSPIDER, CHROME, GOOGLEBOT, IPHONE


@pytest.mark.parametrize(
    ("user_agent", "is_bot"),
    [
        (BAIDUSPIDER, True),
        (GOOGLEBOT, True),
        ("Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)", True),
        ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", True),
        ("Mozilla/5.0 (compatible; 360Spider)", True),
        ("curl/8.5.0", True),
        ("python-requests/2.32", True),
        ("", True),
        (CHROME, False),
        (IPHONE, False),
    ],
)
def test_bots_are_recognised_by_user_agent(user_agent, is_bot):
    assert rules.is_bot_user_agent(user_agent) is is_bot


def test_user_agent_gives_device_browser_and_system():
    assert rules.parse_user_agent(CHROME) == rules.UserAgent("desktop", "Chrome", "Windows")
    assert rules.parse_user_agent(IPHONE) == rules.UserAgent("mobile", "Safari", "iOS")


@pytest.mark.parametrize(
    ("referrer", "query", "channel", "name"),
    [
        ("https://www.baidu.com/s?wd=晋城", "", "search", "Baidu"),
        ("https://m.sogou.com/web?query=x", "", "search", "Sogou"),
        ("https://www.so.com/s?q=x", "", "search", "360 Search"),
        ("https://cn.bing.com/search?q=x", "", "search", "Bing"),
        ("https://www.google.com.hk/", "", "search", "Google"),
        ("https://weibo.com/u/1", "", "social", "Weibo"),
        ("https://www.shanxi.gov.cn/zwgk/", "", "website", "shanxi.gov.cn"),
        ("https://www.jc.test/news/", "", "internal", "jc.test"),
        ("", "", "direct", ""),
        ("-", "", "direct", ""),
        ("https://weibo.com/", "utm_source=wb&utm_campaign=spring", "campaign", "weibo.com"),
    ],
)
def test_referrers_are_classified(referrer, query, channel, name):
    referral = rules.classify_referrer(referrer, query, "www.jc.test")

    assert (referral.channel, referral.name) == (channel, name)


def test_campaign_is_read_from_utm_parameters():
    assert rules.classify_referrer("", "utm_campaign=spring", "a").campaign == "spring"


@pytest.mark.parametrize(
    ("status", "path", "user_agent", "kind"),
    [
        (200, "/news/", CHROME, "page"),
        (304, "/news/", CHROME, "page"),
        (200, "/static/site.css", CHROME, "static"),
        (200, "/media/a.JPG", CHROME, "static"),
        (301, "/old", CHROME, "redirect"),
        (404, "/missing", CHROME, "error"),
        (500, "/boom", CHROME, "error"),
        (200, "/news/", BAIDUSPIDER, "bot"),
        (200, "/robots.txt", CHROME, "bot"),
    ],
)
def test_requests_are_classified(status, path, user_agent, kind):
    assert (
        rules.classify_request(method="GET", path=path, status=status, user_agent=user_agent)
        == kind
    )


def test_combined_log_line_is_parsed():
    pattern = rules.compile_log_format("combined")
    line = (
        '1.2.3.4 - - [27/Nov/2026:07:30:05 +0800] "GET /a?b=1 HTTP/1.1" 200 5 '
        '"https://www.baidu.com/" "UA x"'
    )

    fields = pattern.match(line).groupdict()

    assert (fields["ip"], fields["path"], fields["status"], fields["ua"]) == (
        "1.2.3.4",
        "/a?b=1",
        "200",
        "UA x",
    )
    assert rules.parse_log_time(fields["time"]) == (date(2026, 11, 27), 1795735805.0)


def test_custom_log_format_needs_the_request_fields():
    with pytest.raises(rules.LogFormatError):
        rules.compile_log_format("$remote_addr $status")


def test_custom_log_format_with_host_first():
    pattern = rules.compile_log_format(
        '$host $remote_addr [$time_local] "$request" $status "$http_user_agent"'
    )

    match = pattern.match('a.test 1.2.3.4 [27/Nov/2026:07:30:05 +0800] "GET / HTTP/1.1" 200 "UA"')

    assert match["host"] == "a.test"
    assert match["ip"] == "1.2.3.4"


def _hit(visitor, seconds, path="/"):
    return rules.Hit(
        site_id=1, day=date(2026, 11, 27), timestamp=seconds, visitor=visitor, path=path
    )


def test_rollup_counts_visits_bounces_duration_and_exit_pages():
    rollup = rules.Rollup()
    for hit in [
        _hit("a", 0, "/"),
        _hit("a", 60, "/news/"),
        _hit("a", 60 + 1801, "/again/"),  # after 30 minutes: a second visit, a bounce
        _hit("b", 100, "/"),
    ]:
        rollup.add(hit)

    row = dict(zip(rules.SUMMARY_FIELDS, rollup.summaries[(1, date(2026, 11, 27))], strict=True))

    assert row["page_views"] == 4
    assert row["visitors"] == 2
    assert row["visits"] == 3
    assert row["bounces"] == 2
    assert row["duration_seconds"] == 60
    exits = {k[3]: v for k, v in rollup.counts.items() if k[2] == "exit" and v}
    assert exits == {"/news/": 1, "/again/": 1, "/": 1}
    entries = {k[3]: v for k, v in rollup.counts.items() if k[2] == "entry" and v}
    assert entries == {"/": 2, "/again/": 1}


def test_visitor_hash_depends_on_salt():
    one = rules.visitor_hash(salt="a", ip="1.2.3.4", user_agent="x")

    assert one != rules.visitor_hash(salt="b", ip="1.2.3.4", user_agent="x")
    assert "1.2.3.4" not in one


def test_province_tiles_cover_every_region_once_and_shade_by_share():
    counts = {"山西省": 50, "山西": 50, "广西壮族自治区": 20, "北京市": 1, "火星": 9}

    tiles = rules.province_tiles(counts)
    by_name = {tile.name: tile for tile in tiles}
    assert len(tiles) == len(by_name) == 34
    assert len({(tile.column, tile.row) for tile in tiles}) == 34  # no two on one square
    assert by_name["山西"].count == 100  # 山西省 and 山西 are one region
    assert by_name["广西"].count == 20
    assert by_name["山西"].shade == rules.TILE_SHADES[-1]
    assert by_name["北京"].shade == rules.TILE_SHADES[1]
    assert by_name["海南"].shade == rules.TILE_SHADES[0]
    assert round(sum(tile.share for tile in tiles), 6) == 100


def test_country_tiles_cover_each_country_once_and_shade_by_share():
    tiles = rules.country_tiles({"CN": 90, "us": 10, "ZZ": 5, "": 7})

    by_code = {tile.code: tile for tile in tiles}
    assert len(tiles) == len(by_code) == len(rules.COUNTRY_TILES) > 150
    assert len({(tile.column, tile.row) for tile in tiles}) == len(tiles)  # no two on a square
    assert (by_code["CN"].count, by_code["US"].count, by_code["FR"].count) == (90, 10, 0)
    assert round(by_code["CN"].share, 1) == 85.7  # of 105 visits with a country code
    assert by_code["CN"].shade == rules.TILE_SHADES[-1]
    assert by_code["FR"].shade == rules.TILE_SHADES[0]
    assert by_code["CN"].is_dark
    assert not by_code["FR"].is_dark
