"""A deterministic generator of realistic access logs (combined format): returning visitors
with several page views, Chinese and foreign addresses, desktop and mobile browsers, search
and social referrers, crawlers, static files, redirects and errors. Used by the GoAccess
comparison test and by ``bench/analytics_bench.py``."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta, timezone

HUMAN_AGENTS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36",  # noqa: E501
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:121.0) Gecko/20100101 Firefox/121.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Safari/605.1.15",  # noqa: E501
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.0 Mobile/15E148 Safari/604.1",  # noqa: E501
    "Mozilla/5.0 (Linux; Android 13; V2203A) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/116.0.0.0 Mobile Safari/537.36",  # noqa: E501
    "Mozilla/5.0 (Linux; Android 12; HarmonyOS; NOH-AN00) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/99.0.4844.88 Mobile Safari/537.36 HuaweiBrowser/13.0.4.302",  # noqa: E501
    "Mozilla/5.0 (iPhone; CPU iPhone OS 16_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.42(0x18002a2f) NetType/WIFI Language/zh_CN",  # noqa: E501
    "Mozilla/5.0 (Windows NT 6.1; WOW64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/86.0.4240.198 Safari/537.36 QIHU 360SE",  # noqa: E501
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/119.0.0.0 Safari/537.36 Edg/119.0.0.0",  # noqa: E501
    "Mozilla/5.0 (iPad; CPU OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.1 Mobile/15E148 Safari/604.1",  # noqa: E501
]
BOT_AGENTS = [
    "Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)",
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Sogou web spider/4.0(+http://www.sogou.com/docs/help/webmasters.htm#07)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
]
REFERRERS = [
    "-",
    "-",
    "-",
    "https://www.baidu.com/s?wd=%E6%99%8B%E5%9F%8E",
    "https://m.baidu.com/from=0/s?word=x",
    "https://www.sogou.com/web?query=x",
    "https://www.so.com/s?q=x",
    "https://cn.bing.com/search?q=x",
    "https://weibo.com/u/123",
    "https://www.shanxi.gov.cn/zwgk/",
]
PAGES = ["/", "/zwgk/", "/bsfw/", "/hdjl/", "/search/?q=%E5%85%AC%E5%BC%80"] + [
    f"/news/{n}/" for n in range(200)
]
STATIC = ["/static/portal/css/portal.css", "/static/portal/js/portal.js", "/media/images/a.jpg"]
# First octets of Chinese and foreign networks; the rest is random.
CHINESE_PREFIXES = [
    "221.204",
    "202.96",
    "61.135",
    "218.26",
    "183.192",
    "113.108",
    "58.30",
    "117.136",
]
FOREIGN_PREFIXES = ["8.8", "31.13", "81.2", "133.1", "203.198"]
CST = timezone(timedelta(hours=8))


def _address(rng: random.Random) -> str:
    prefix = rng.choice(CHINESE_PREFIXES if rng.random() < 0.85 else FOREIGN_PREFIXES)
    rest = 4 - prefix.count(".") - 1
    return prefix + "".join(f".{rng.randrange(1, 255)}" for _ in range(rest))


def generate_log(
    *, lines: int, addresses: int, seed: int = 1, start: datetime | None = None, days: int = 3
) -> Iterator[str]:
    """``lines`` log lines in time order over ``days`` days, from about ``addresses``
    client addresses (with their own user agent each, a few shared)."""
    rng = random.Random(seed)  # noqa: S311 — a reproducible log, not a secret
    start = start or datetime(2026, 11, 20, tzinfo=CST)
    pool = [(_address(rng), rng.choice(HUMAN_AGENTS)) for _ in range(addresses)]
    span = days * 86400
    step = span / lines
    for n in range(lines):
        when = start + timedelta(seconds=int(n * step))
        stamp = when.strftime("%d/%b/%Y:%H:%M:%S %z")
        roll = rng.random()
        # Visitors come back: a small active set takes most hits, so visits have pages.
        ip, agent = pool[int(len(pool) * (rng.random() ** 2))]
        status = 200
        referrer = "-"
        if roll < 0.08:
            ip, agent = (
                f"180.76.{rng.randrange(1, 255)}.{rng.randrange(1, 255)}",
                rng.choice(BOT_AGENTS),
            )
            path = rng.choice(PAGES)
        elif roll < 0.30:
            path = rng.choice(STATIC)
        else:
            path = rng.choice(PAGES)
            referrer = rng.choice(REFERRERS)
            outcome = rng.random()
            if outcome < 0.03:
                status = 404
            elif outcome < 0.05:
                status = 301
            elif outcome < 0.06:
                status = 500
            elif outcome < 0.12:
                status = 304
        size = rng.randrange(200, 40000)
        yield f'{ip} - - [{stamp}] "GET {path} HTTP/1.1" {status} {size} "{referrer}" "{agent}"\n'
