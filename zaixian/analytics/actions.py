"""Writes of the web analytics: recording page views, the daily salts, the incremental
roll-up into daily tables, access-log imports, and the purge of raw data."""

from __future__ import annotations

import gzip
import hashlib
import multiprocessing
import secrets
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from wagtail.models import Site

from zaixian.analytics import rules
from zaixian.analytics.geo import geolocator, locate_ip
from zaixian.analytics.models import (
    DailyCount,
    DailySummary,
    LogImport,
    PageView,
    RollupCursor,
    VisitorDay,
    VisitorSalt,
)
from zaixian.core.middleware import client_ip

ROLLUP_CURSOR = "page_views"
ROLLUP_BATCH = 20_000


# --- Salts --------------------------------------------------------------------------------


def salt_for_day(*, day: date) -> str:
    """The day's random salt, made on first use; ``purge_analytics`` deletes it after the
    day, so a visitor hash cannot be linked to an address or to another day."""
    key = f"analytics:salt:{day.isoformat()}"
    salt = cache.get(key)
    if salt:
        return str(salt)
    try:
        with transaction.atomic():
            salt = VisitorSalt.objects.get_or_create(
                day=day, defaults={"salt": secrets.token_hex(32)}
            )[0].salt
    except IntegrityError:  # two processes made the day's salt at once: take the stored one
        salt = VisitorSalt.objects.get(day=day).salt
    cache.set(key, salt, 3600)
    return salt


# --- Recording ----------------------------------------------------------------------------


@dataclass(frozen=True)
class PageViewIn:
    path: str
    title: str = ""
    referrer: str = ""
    screen: str = ""
    language: str = ""


def record_page_view(
    *,
    site: Site,
    ip: str,
    user_agent: str,
    page: PageViewIn,
    source: str = PageView.Source.SCRIPT,
    do_not_track: bool = False,
    when: datetime | None = None,
) -> PageView | None:
    """Store one page view (rolled up within a minute by ``roll_up_page_views``). Nothing is
    stored for bots or visitors who ask not to be tracked; the address is hashed with the
    day's salt and located, never stored."""
    if do_not_track or rules.is_bot_user_agent(user_agent):
        return None
    moment = when or timezone.now()
    day = timezone.localtime(moment).date()
    path, query = rules.normalise_path(page.path or "/")
    referral = rules.classify_referrer(page.referrer[:500], query, site.hostname)
    agent = rules.parse_user_agent(user_agent[:500])
    location = locate_ip(ip)
    return PageView.objects.create(
        site=site,
        time=moment,
        day=day,
        visitor=rules.visitor_hash(salt=salt_for_day(day=day), ip=ip, user_agent=user_agent),
        path=path,
        title=page.title[:200],
        referrer=page.referrer[:500],
        channel=referral.channel,
        referrer_name=referral.name,
        campaign=referral.campaign,
        device=agent.device,
        browser=agent.browser,
        os=agent.os,
        country=location.country,
        province=location.province,
        city=location.city,
        language=page.language[:16],
        screen=page.screen[:16],
        source=source,
    )


def record_server_page_view(*, request: Any, site: Site, title: str = "") -> PageView | None:
    """Server-side recording for pages served without the script (e.g. API clients or
    pages rendered for text browsers): the request's own path, referrer and language."""

    meta = request.META
    return record_page_view(
        site=site,
        ip=client_ip(request),
        user_agent=meta.get("HTTP_USER_AGENT", ""),
        page=PageViewIn(
            path=request.get_full_path(),
            title=title,
            referrer=meta.get("HTTP_REFERER", ""),
            language=meta.get("HTTP_ACCEPT_LANGUAGE", "").split(",")[0],
        ),
        source=PageView.Source.SERVER,
        do_not_track=meta.get("HTTP_DNT") == "1",
    )


# --- Roll-up ------------------------------------------------------------------------------


def _load_states(rollup: rules.Rollup, keys: set[rules.VisitorKey]) -> None:
    by_day: dict[tuple[int, date], list[str]] = {}
    for site_id, day, visitor in keys:
        by_day.setdefault((site_id, day), []).append(visitor)
    for (site_id, day), visitors in by_day.items():
        for start in range(0, len(visitors), 500):
            chunk = visitors[start : start + 500]
            for row in VisitorDay.objects.filter(
                site_id=site_id, day=day, visitor__in=chunk
            ).values_list("visitor", "last_seen", "visit_pages", "exit_path"):
                rollup.states[(site_id, day, row[0])] = rules.VisitorState(row[1], row[2], row[3])


def add_hits(rollup: rules.Rollup, hits: list[rules.Hit]) -> None:
    """Add page views to a roll-up, loading first the states of visitors seen before."""
    missing = rollup.missing_keys(hits)
    if missing:
        _load_states(rollup, missing)
    for hit in hits:
        rollup.add(hit)


def _upsert_sql(table: str, keys: list[str], columns: list[str]) -> str:
    names = [*keys, *columns]
    updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    return (
        f"INSERT INTO {table} ({', '.join(names)}) VALUES ({', '.join(['%s'] * len(names))}) "  # noqa: S608 — our own table and column names
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    )


def write_rollup(rollup: rules.Rollup) -> None:
    """Add a roll-up's deltas to the daily tables and store the touched visitors' states,
    in the caller's transaction. ``INSERT … ON CONFLICT DO UPDATE`` adds atomically on
    SQLite and PostgreSQL alike, so writers never lose each other's counts."""
    summary_table = DailySummary._meta.db_table
    count_table = DailyCount._meta.db_table
    with connection.cursor() as cursor:
        if rollup.summaries:
            cursor.executemany(
                _upsert_sql(summary_table, ["site_id", "day"], list(rules.SUMMARY_FIELDS)),
                [[site, day, *row] for (site, day), row in rollup.summaries.items()],
            )
        rows = [[*key, value] for key, value in rollup.counts.items() if value]
        for start in range(0, len(rows), 5000):
            cursor.executemany(
                _upsert_sql(count_table, ["site_id", "day", "dimension", "value"], ["count"]),
                rows[start : start + 5000],
            )
        states = [
            [*key, state.last_seen, state.visit_pages, state.exit_path]
            for key in rollup.touched
            if (state := rollup.states[key])
        ]
        visitor_table = VisitorDay._meta.db_table
        for start in range(0, len(states), 5000):
            cursor.executemany(
                f"INSERT INTO {visitor_table} "  # noqa: S608 — our own table and column names
                "(site_id, day, visitor, last_seen, visit_pages, exit_path) "
                "VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (site_id, day, visitor) DO UPDATE "
                "SET last_seen = excluded.last_seen, visit_pages = excluded.visit_pages, "
                "exit_path = excluded.exit_path",
                states[start : start + 5000],
            )
    rollup.clear_deltas()


def _hit_from_row(row: dict[str, Any]) -> rules.Hit:
    return rules.Hit(
        site_id=row["site_id"],
        day=row["day"],
        timestamp=row["time"].timestamp(),
        visitor=row["visitor"],
        path=row["path"],
        channel=row["channel"],
        referrer_name=row["referrer_name"],
        campaign=row["campaign"],
        device=row["device"],
        browser=row["browser"],
        os=row["os"],
        country=row["country"],
        province=row["province"],
        city=row["city"],
        language=row["language"],
        screen=row["screen"],
    )


_HIT_FIELDS = (
    "id",
    "site_id",
    "day",
    "time",
    "visitor",
    "path",
    "channel",
    "referrer_name",
    "campaign",
    "device",
    "browser",
    "os",
    "country",
    "province",
    "city",
    "language",
    "screen",
)


def roll_up_page_views(*, batch_size: int = ROLLUP_BATCH) -> int:
    """Roll the raw page views recorded since the last run into the daily tables, a batch
    per transaction with the cursor moved in the same transaction (run every minute by the
    scheduler; a crash repeats nothing and skips nothing). Returns how many were rolled."""
    total = 0
    while True:
        with transaction.atomic():
            cursor, _ = RollupCursor.objects.select_for_update().get_or_create(name=ROLLUP_CURSOR)
            rows = list(
                PageView.objects.filter(id__gt=cursor.last_id)
                .order_by("id")
                .values(*_HIT_FIELDS)[:batch_size]
            )
            if not rows:
                return total
            hits = sorted(
                (_hit_from_row(row) for row in rows), key=lambda h: (h.visitor, h.timestamp)
            )
            rollup = rules.Rollup()
            add_hits(rollup, hits)
            write_rollup(rollup)
            cursor.last_id = rows[-1]["id"]
            cursor.save(update_fields=["last_id"])
            total += len(rows)


# --- Purge --------------------------------------------------------------------------------


@dataclass(frozen=True)
class PurgeResult:
    page_views: int
    visitor_days: int
    salts: int


def purge_analytics(*, today: date | None = None) -> PurgeResult:
    """Delete raw page views and visitor states older than ``ANALYTICS_RAW_RETENTION_DAYS``
    (after rolling up what is left) and every salt of a day before yesterday (yesterday's
    stays for late beacons). Daily aggregates are kept."""
    roll_up_page_views()
    today = today or timezone.localdate()
    cutoff = today - timedelta(days=settings.ANALYTICS_RAW_RETENTION_DAYS)
    with transaction.atomic():
        last_rolled = (
            RollupCursor.objects.filter(name=ROLLUP_CURSOR)
            .values_list("last_id", flat=True)
            .first()
        ) or 0
        page_views = PageView.objects.filter(day__lt=cutoff, id__lte=last_rolled).delete()[0]
        visitor_days = VisitorDay.objects.filter(day__lt=cutoff).delete()[0]
        salts = VisitorSalt.objects.filter(day__lt=today - timedelta(days=1)).delete()[0]
    return PurgeResult(page_views, visitor_days, salts)


# --- Access logs --------------------------------------------------------------------------

FINGERPRINT_BYTES = 16 * 1024
IMPORT_BATCH_LINES = 100_000


def _open_log(path: Path) -> IO[bytes]:
    with path.open("rb") as probe:
        is_gzip = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rb") if is_gzip else path.open("rb")


def uncompressed_size_hint(path: Path) -> int:
    """The size of the log's text: gzip stores it (modulo 4 GiB) in its last four bytes."""
    with path.open("rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            return path.stat().st_size
        handle.seek(-4, 2)
        return int.from_bytes(handle.read(4), "little")


def log_fingerprint(path: Path) -> str:
    """sha256 of the log's first line (uncompressed): it names the log whatever it is
    called, compressed or not, and stays the same while the log grows. A first line holds a
    time to the second, an address, a request and a user agent, so two logs do not share it."""
    with _open_log(path) as handle:
        return hashlib.sha256(handle.readline(FINGERPRINT_BYTES)).hexdigest()


@dataclass
class ImportResult:
    name: str
    lines: int = 0
    page_views: int = 0
    skipped_lines: int = 0
    bad_lines: int = 0
    already_imported: bool = False


@dataclass
class _ParsedLine:
    kind: str
    hit: rules.Hit | None
    day: date | None


# A page view's fields as parsed from a log line, before the visitor is hashed: (timestamp,
# address, user agent, path, channel, referrer name, campaign, device, browser, system,
# country, province, city). The address lives only in memory, on its way to the hash.
RawHit = tuple[float, str, str, str, str, str, str, str, str, str, str, str, str]


class LogLineParser:
    """Turns one access-log line into a page view or another kind of hit, with caches for
    salts, addresses and user agents (a log repeats them)."""

    def __init__(self, *, site_id: int, host: str, log_format: str) -> None:
        self.site_id = site_id
        self.host = host
        self.log_format = log_format
        self.pattern = rules.compile_log_format(log_format)
        self._salts: dict[date, str] = {}

    def salt(self, day: date) -> str:
        salt = self._salts.get(day)
        if salt is None:
            salt = self._salts[day] = salt_for_day(day=day)
        return salt

    def parse_fields(self, line: str) -> tuple[str, date, RawHit | None] | None:
        """(kind, day, the page view's fields or None), or None for a line not in the
        format."""
        match = self.pattern.match(line)
        if match is None:
            return None
        fields = match.groupdict()
        try:
            day, timestamp = rules.parse_log_time(fields["time"])
        except (ValueError, KeyError, IndexError):
            return None
        user_agent = fields.get("ua") or ""
        path, query = rules.normalise_path(fields["path"])
        kind = rules.classify_request(
            method=fields["method"],
            path=path,
            status=int(fields["status"]),
            user_agent=user_agent,
        )
        if kind != rules.HitKind.PAGE_VIEW:
            return kind, day, None
        ip = fields["ip"]
        referral = rules.classify_referrer(fields.get("referrer") or "", query, self.host)
        agent = rules.parse_user_agent(user_agent)
        location = locate_ip(ip)
        return (
            kind,
            day,
            (
                timestamp,
                ip,
                user_agent,
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
            ),
        )

    def hit(self, day: date, raw: RawHit) -> rules.Hit:
        """The page view with its visitor hashed with the day's salt."""
        return rules.Hit(
            self.site_id,
            day,
            raw[0],
            rules.visitor_hash(salt=self.salt(day), ip=raw[1], user_agent=raw[2]),
            *raw[3:],
        )

    def parse(self, line: str) -> _ParsedLine | None:
        parsed = self.parse_fields(line)
        if parsed is None:
            return None
        kind, day, raw = parsed
        return _ParsedLine(kind, None if raw is None else self.hit(day, raw), day)


_worker_parser: LogLineParser | None = None
ChunkResult = tuple[list[tuple[date, RawHit]], list[tuple[date, str]], int]


def _start_parser_process(site_id: int, host: str, log_format: str) -> None:
    global _worker_parser
    _worker_parser = LogLineParser(site_id=site_id, host=host, log_format=log_format)


def _parse_chunk(blob: bytes) -> ChunkResult:
    """In a parser process: a block of lines → page views (unhashed), other kinds, bad."""
    parser = _worker_parser
    assert parser is not None  # noqa: S101 — set by the pool's initializer
    hits: list[tuple[date, RawHit]] = []
    others: list[tuple[date, str]] = []
    bad = 0
    for line in blob.decode("utf-8", "replace").splitlines():
        parsed = parser.parse_fields(line)
        if parsed is None:
            bad += 1
        elif parsed[2] is None:
            others.append((parsed[1], parsed[0]))
        else:
            hits.append((parsed[1], parsed[2]))
    return hits, others, bad


def _lines_from(handle: IO[bytes], offset: int) -> Iterator[tuple[int, bytes]]:
    """(offset after the line, line) from ``offset`` on; a last line without its newline
    (a log still being written) is left for the next import."""
    if offset:
        handle.seek(offset)  # a gzip stream seeks by decompressing up to the offset
    position = offset
    for line in handle:
        if not line.endswith(b"\n"):
            return
        position += len(line)
        yield position, line


CHUNK_LINES = 10_000


def _parse_in_processes(
    handle: IO[bytes], start: int, parser: LogLineParser, workers: int
) -> Iterator[tuple[int, int, ChunkResult]]:
    """(offset after the chunk, its lines, its parsed result) in file order."""

    geolocator()  # loaded once here, shared with the forked processes
    dispatched: deque[tuple[int, int]] = deque()

    def chunks() -> Iterator[bytes]:
        block: list[bytes] = []
        offset = start
        for offset, line in _lines_from(handle, start):
            block.append(line)
            if len(block) >= CHUNK_LINES:
                dispatched.append((offset, len(block)))
                yield b"".join(block)
                block = []
        if block:
            dispatched.append((offset, len(block)))
            yield b"".join(block)

    context = multiprocessing.get_context("fork")
    with context.Pool(
        workers,
        initializer=_start_parser_process,
        initargs=(parser.site_id, parser.host, parser.log_format),
    ) as pool:
        for result in pool.imap(_parse_chunk, chunks()):
            offset, count = dispatched.popleft()
            yield offset, count, result


def import_log_file(
    *,
    site: Site,
    path: Path,
    log_format: str = "combined",
    progress: Callable[[int], None] | None = None,
    batch_lines: int = IMPORT_BATCH_LINES,
    workers: int = 1,
) -> ImportResult:
    """Import one access log (plain or gzip) into the site's daily figures. Each batch of
    lines is written with the file's new offset in one transaction, so an interrupted import
    resumes where it stopped and a file imported twice counts once. ``progress`` is called
    with the bytes read since the last call. With ``workers`` > 1, lines are parsed (and
    addresses located) in that many processes; hashing and the roll-up stay here, in order."""
    parser = LogLineParser(site_id=site.pk, host=site.hostname, log_format=log_format)
    fingerprint = log_fingerprint(path)
    record, _ = LogImport.objects.get_or_create(
        site=site, fingerprint=fingerprint, defaults={"name": str(path)[:500]}
    )
    result = ImportResult(name=str(path))
    start = record.offset
    if progress and start:
        progress(start)
    rollup = rules.Rollup()
    pending: list[rules.Hit] = []
    lines = page_views = bad = 0
    last_offset = start

    def flush(offset: int) -> None:
        nonlocal lines, page_views, bad, last_offset
        pending.sort(key=lambda h: (h.visitor, h.timestamp))
        with transaction.atomic():
            current = LogImport.objects.select_for_update().get(pk=record.pk)
            if current.offset != last_offset:
                raise ConcurrentImportError(str(path))
            add_hits(rollup, pending)
            write_rollup(rollup)
            current.offset = offset
            current.lines += lines
            current.page_views += page_views
            current.name = str(path)[:500]
            current.save(update_fields=["offset", "lines", "page_views", "name", "updated_at"])
        if progress:
            progress(offset - last_offset)
        result.lines += lines
        result.page_views += page_views
        result.bad_lines += bad
        pending.clear()
        lines = page_views = bad = 0
        last_offset = offset

    with _open_log(path) as handle:
        offset = start
        if workers > 1:
            for offset, count, (hits, others, bad_lines) in _parse_in_processes(
                handle, start, parser, workers
            ):
                lines += count
                bad += bad_lines
                pending.extend(parser.hit(day, raw) for day, raw in hits)
                page_views += len(hits)
                for day, kind in others:
                    rollup.count_kind(site.pk, day, kind)
                if lines >= batch_lines:
                    flush(offset)
        else:
            for offset, raw_line in _lines_from(handle, start):
                lines += 1
                parsed = parser.parse(raw_line.decode("utf-8", "replace"))
                if parsed is None:
                    bad += 1
                elif parsed.hit is not None:
                    pending.append(parsed.hit)
                    page_views += 1
                elif parsed.day is not None:
                    rollup.count_kind(site.pk, parsed.day, parsed.kind)
                if lines >= batch_lines:
                    flush(offset)
        if lines or offset != last_offset:
            flush(offset)
    result.already_imported = result.lines == 0 and start > 0
    return result


class ConcurrentImportError(RuntimeError):
    """The same log is being imported by another process at the same time."""
