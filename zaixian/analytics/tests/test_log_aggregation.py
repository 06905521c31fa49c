"""The fast log import (``rules.LogAggregator`` in one or several processes) gives the same
daily figures, every dimension included, as the straightforward computation: each line
parsed with the log format's regular expression, classified with ``classify_request``, and
every page view rolled up with ``Rollup`` in time order per visitor."""

from __future__ import annotations

import gzip
from collections import Counter
from datetime import date
from itertools import pairwise

import pytest

from zaixian.analytics import actions, rules
from zaixian.analytics.geo import locate_ip
from zaixian.analytics.models import DailyCount, DailySummary, LogImport, VisitorDay
from zaixian.analytics.tests.conftest import CHROME, IPHONE, at, log_line
from zaixian.analytics.tests.loggen import generate_log

pytestmark = pytest.mark.django_db


def straightforward(lines, *, site_id, host):
    """Daily summaries and counts of a log, one line at a time, without caches."""
    pattern = rules.compile_log_format("combined")
    rollup = rules.Rollup()
    hits = []
    for line in lines:
        match = pattern.match(line.rstrip("\n"))
        if match is None:
            continue
        fields = match.groupdict()
        try:
            day, timestamp = rules.parse_log_time(fields["time"])
        except (ValueError, KeyError, IndexError):
            continue
        path, query = rules.normalise_path(fields["path"])
        kind = rules.classify_request(
            method=fields["method"],
            path=path,
            status=int(fields["status"]),
            user_agent=fields["ua"],
        )
        if kind != rules.HitKind.PAGE_VIEW:
            rollup.count_kind(site_id, day, kind)
            continue
        referral = rules.classify_referrer(fields["referrer"], query, host)
        agent = rules.parse_user_agent(fields["ua"])
        location = locate_ip(fields["ip"])
        hits.append(
            rules.Hit(
                site_id,
                day,
                timestamp,
                f"{fields['ip']}\0{fields['ua']}",
                path,
                referral.channel,
                referral.name if referral.channel != rules.Channel.INTERNAL else "",
                referral.campaign,
                agent.device,
                agent.browser,
                agent.os,
                location.country,
                location.province,
                location.city,
            )
        )
    for hit in sorted(hits, key=lambda h: (h.visitor, h.timestamp)):
        rollup.add(hit)
    summaries = {day: tuple(row) for (_site, day), row in rollup.summaries.items() if any(row)}
    counts = {(day, dim, value): n for (_s, day, dim, value), n in rollup.counts.items() if n}
    return summaries, counts


def stored(site):
    summaries = {
        row[0]: tuple(row[1:])
        for row in DailySummary.objects.filter(site=site).values_list("day", *rules.SUMMARY_FIELDS)
    }
    counts = Counter()
    for day, dimension, value, n in DailyCount.objects.filter(site=site).values_list(
        "day", "dimension", "value", "count"
    ):
        if n:
            counts[(day, dimension, value)] = n
    return summaries, dict(counts)


def odd_lines():
    """Lines the generator does not write: campaigns, HEAD and POST, robots.txt, a line out of
    time order, a line not in the format, a bad date, and a visit across the midnight."""
    return [
        log_line("221.204.0.9", at(20, 9), "/zwgk/?utm_campaign=spring&utm_source=weibo"),
        log_line("221.204.0.9", at(20, 9, 1), "/zwgk/", method="HEAD"),
        log_line("221.204.0.9", at(20, 9, 2), "/form/", method="POST"),
        log_line("221.204.0.9", at(20, 9, 0, 30), "/bsfw/"),  # logged late
        log_line("221.204.0.9", at(20, 9, 3), "/robots.txt", ua=IPHONE),
        log_line("61.135.169.121", at(20, 23, 59, 50), "/", ua=IPHONE),
        log_line("61.135.169.121", at(21, 0, 0, 10), "/news/", ua=IPHONE),
        "this is not an access log line\n",
        '1.2.3.4 - - [32/Foo/2026:99:00:00 +0800] "GET / HTTP/1.1" 200 1 "-" "' + CHROME + '"\n',
        log_line("2001:da8::1", at(21, 8), "/", referrer="https://www.sogou.com/web?q=x"),
    ]


@pytest.mark.parametrize(
    ("workers", "batch_lines", "compress"),
    [(1, None, False), (1, 3000, False), (2, None, False), (2, 2500, False), (2, None, True)],
)
def test_fast_import_equals_the_straightforward_computation(
    portal, tmp_path, workers, batch_lines, compress
):
    lines = list(generate_log(lines=9000, addresses=1500, seed=11))
    if batch_lines is None:  # one segment: lines out of time order too
        lines[4000:4000] = odd_lines()
    text = "".join(lines).encode()
    path = tmp_path / "access.log"
    path.write_bytes(gzip.compress(text) if compress else text)

    result = actions.import_log_file(
        site=portal, path=path, workers=workers, batch_lines=batch_lines
    )

    expected = straightforward(lines, site_id=portal.pk, host=portal.hostname)
    assert stored(portal) == expected
    assert result.lines == len(lines)
    assert result.page_views == sum(row[0] for row in expected[0].values())
    assert result.bad_lines == (2 if batch_lines is None else 0)
    assert len(expected[0]) == 3


@pytest.mark.parametrize("workers", [1, 2])
def test_a_line_without_its_closing_quote_does_not_swallow_the_next(portal, tmp_path, workers):
    """The fast pattern lets the time, a referrer or a user agent run across a newline;
    where one does, the segment is parsed again with the strict pattern, so the broken line
    alone is bad."""
    lines = list(generate_log(lines=2000, addresses=300, seed=12))
    good = log_line("221.204.0.9", at(20, 9), "/zwgk/")
    lines[700:700] = [good.rsplit('"', 1)[0] + "\n"]  # the user agent's quote is cut off
    lines[1300:1300] = [good.split(' "-"')[0] + ' "https://www.baidu.com/s?wd=x\n']  # cut short
    lines[1600:1600] = [good.split(":09:")[0] + "\n"]  # in the time
    path = tmp_path / "access.log"
    path.write_text("".join(lines))

    result = actions.import_log_file(site=portal, path=path, workers=workers)

    assert (result.lines, result.bad_lines) == (2003, 3)
    assert stored(portal) == straightforward(lines, site_id=portal.pk, host=portal.hostname)


def test_segments_end_on_whole_lines_and_leave_a_line_being_written(portal, tmp_path, settings):
    lines = list(generate_log(lines=3000, addresses=500, seed=2))
    path = tmp_path / "access.log"
    path.write_text("".join(lines) + '221.204.0.1 - - [22/Nov/2026:10:00:00 +0800] "GET /')
    actions.SEGMENT_BYTES, before = 50_000, actions.SEGMENT_BYTES  # about 220 lines each
    try:
        result = actions.import_log_file(site=portal, path=path, workers=2)
    finally:
        actions.SEGMENT_BYTES = before

    assert (result.lines, result.bad_lines) == (3000, 0)
    expected = straightforward(lines, site_id=portal.pk, host=portal.hostname)
    assert stored(portal)[0] == expected[0]


def test_a_second_log_of_the_same_days_continues_the_visitors_and_visits(portal, tmp_path):
    lines = list(generate_log(lines=4000, addresses=600, seed=3))
    first, second = tmp_path / "a.log", tmp_path / "b.log"
    first.write_text("".join(lines[::2]))  # two web servers behind one name
    second.write_text("".join(lines[1::2]))

    actions.import_log_file(site=portal, path=first)
    actions.import_log_file(site=portal, path=second, workers=2)

    expected = straightforward(lines, site_id=portal.pk, host=portal.hostname)
    summaries, _counts = stored(portal)
    fields = rules.SUMMARY_FIELDS
    visitors, page_views = fields.index("visitors"), fields.index("page_views")
    assert {day: (row[page_views], row[visitors]) for day, row in summaries.items()} == {
        day: (row[page_views], row[visitors]) for day, row in expected[0].items()
    }
    assert date(2026, 11, 20) in summaries


@pytest.mark.parametrize("workers", [1, 2])
def test_odd_characters_in_a_log_are_stored_as_they_can_be(portal, tmp_path, workers):
    """A backslash is stored as it is (PostgreSQL's COPY text escapes it); a NUL, which no
    database stores in text, as U+FFFD."""
    lines = [
        log_line("221.204.0.1", at(20, 9), "/a\\b"),
        log_line("221.204.0.2", at(20, 9, 1), "/n\x00ul?utm_campaign=x\x00"),
        log_line("221.204.0.3", at(20, 9, 2), "/x", referrer="https://a.cn/\\\x00"),
    ]
    path = tmp_path / "access.log"
    path.write_text("".join(lines))

    result = actions.import_log_file(site=portal, path=path, workers=workers)

    assert (result.lines, result.page_views, result.bad_lines) == (3, 3, 0)
    readable = [line.replace("\x00", "\ufffd") for line in lines]
    assert stored(portal) == straightforward(readable, site_id=portal.pk, host=portal.hostname)
    assert set(VisitorDay.objects.values_list("exit_path", flat=True)) == {
        "/a\\b",
        "/n\ufffdul",
        "/x",
    }


def test_plain_segments_are_short_first_and_last_and_even_between(tmp_path, monkeypatch):
    path = tmp_path / "access.log"
    path.write_bytes(b"".join(b"%05d %s\n" % (n, b"x" * 93) for n in range(2000)))  # 100 bytes
    monkeypatch.setattr(actions, "SEGMENT_BYTES", 40_000)

    for start in (0, 30_000):
        segments = list(actions._plain_segments(path, start))
        sizes = [segment.end - segment.start for segment in segments]

        assert segments[0].start == start
        assert segments[-1].end == 200_000
        assert all(a.end == b.start for a, b in pairwise(segments))
        assert all(size % 100 == 0 for size in sizes)  # whole lines
        assert 10_000 <= sizes[0] <= 10_100  # a quarter, to the end of its last line
        assert sizes[-1] <= 5_000  # an eighth
        assert max(sizes[1:-1]) - min(sizes[1:-1]) <= 100  # the rest evenly
        assert all(30_000 <= size <= 60_000 for size in sizes[1:-1])


def test_copy_path_on_postgresql_writes_the_same(portal, tmp_path, monkeypatch):
    """On PostgreSQL every write goes through COPY here (on SQLite nothing changes)."""
    monkeypatch.setattr(actions, "COPY_THRESHOLD", 1)
    lines = list(generate_log(lines=3000, addresses=400, seed=4))
    path = tmp_path / "access.log"
    path.write_text("".join(lines))

    actions.import_log_file(site=portal, path=path, batch_lines=1000)
    actions.import_log_file(site=portal, path=path)  # the same file: nothing more

    assert stored(portal) == straightforward(lines, site_id=portal.pk, host=portal.hostname)


def test_a_failing_parser_process_stops_the_import_and_writes_nothing(
    portal, tmp_path, monkeypatch
):
    path = tmp_path / "access.log"
    path.write_text("".join(generate_log(lines=500, addresses=100, seed=1)))

    def broken(self, text):
        raise RuntimeError("parser broke")

    monkeypatch.setattr(rules.LogAggregator, "feed", broken)  # inherited by the forks

    with pytest.raises(actions.ImportWorkerError, match="parser broke"):
        actions.import_log_file(site=portal, path=path, workers=2)

    assert not DailySummary.objects.filter(site=portal).exists()
    assert LogImport.objects.get(site=portal).offset == 0


@pytest.mark.parametrize("partitions", [2, 3])
@pytest.mark.parametrize("split", [True, False], ids=["split-by-address", "hash-filtered"])
def test_every_line_is_counted_in_exactly_one_partition(partitions, split):
    lines = [*generate_log(lines=3000, addresses=400, seed=9), *odd_lines(), "\n", " x\n"]
    text = "".join(lines)
    texts = (
        [part.decode() for part in rules.split_by_address(text.encode(), partitions)]
        if split
        else [text] * partitions
    )
    assert all(texts)  # every part has lines
    parts = []
    for partition, part_text in enumerate(texts):
        aggregator = rules.LogAggregator(
            host="www.jc.test",
            log_format="combined",
            locate=lambda address: ("", "", ""),
            partition=0 if split else partition,
            partitions=1 if split else partitions,
        )
        aggregator.feed(part_text)
        parts.append(aggregator.finish_segment())

    assert sum(part.lines for part in parts) == len(lines)
    assert sum(part.bad_lines for part in parts) == 4
    whole = rules.LogAggregator(
        host="www.jc.test", log_format="combined", locate=lambda a: ("", "", "")
    )
    whole.feed(text)
    alone = whole.finish_segment()
    assert sum(part.page_views for part in parts) == alone.page_views
    for index in range(len(rules.SUMMARY_FIELDS)):
        assert sum(row[index] for part in parts for row in part.summaries.values()) == sum(
            row[index] for row in alone.summaries.values()
        )
