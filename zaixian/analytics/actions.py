"""Writes of the web analytics: recording page views, the daily salts, the incremental
roll-up into daily tables, access-log imports, and the purge of raw data."""

from __future__ import annotations

import contextlib
import gc
import gzip
import hashlib
import multiprocessing
import os
import secrets
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import chain
from multiprocessing import connection as mp_connection
from operator import itemgetter
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


SALT_MEMORY_SECONDS = 3600
_salts: dict[date, tuple[float, str]] = {}


def salt_for_day(*, day: date) -> str:
    """The day's random salt, made on first use; ``purge_analytics`` deletes it after the
    day, so a visitor hash cannot be linked to an address or to another day. A day's salt
    never changes once made, so the process remembers it for an hour, as the cache does."""
    now = time.monotonic()
    known = _salts.get(day)
    if known is not None and now - known[0] < SALT_MEMORY_SECONDS:
        return known[1]
    key = f"analytics:salt:{day.isoformat()}"
    salt = cache.get(key)
    if not salt:
        try:
            with transaction.atomic():
                salt = VisitorSalt.objects.get_or_create(
                    day=day, defaults={"salt": secrets.token_hex(32)}
                )[0].salt
        except IntegrityError:  # two processes made the day's salt at once: the stored one
            salt = VisitorSalt.objects.get(day=day).salt
        cache.set(key, salt, 3600)
    if len(_salts) >= 2:
        _salts.clear()
    _salts[day] = (now, str(salt))
    return str(salt)


def forget_salts() -> None:
    """Drop the remembered salts (after the purge deleted some, and in tests)."""
    _salts.clear()


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
    view = PageView(
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
    _insert_page_view(view)
    return view


_PAGE_VIEW_COLUMNS = [
    field.column
    for field in PageView._meta.concrete_fields
    if field.column != PageView._meta.pk.column
]


def _insert_page_view(view: PageView) -> None:
    """One INSERT, without the ORM's per-call query compilation (the collect endpoint's
    hot path); the same row ``view.save()`` would write."""
    values = [
        field.get_db_prep_save(getattr(view, field.attname), connection)
        for field in PageView._meta.concrete_fields
        if field.column != PageView._meta.pk.column
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {PageView._meta.db_table} ({', '.join(_PAGE_VIEW_COLUMNS)}) "  # noqa: S608 — our own names
            f"VALUES ({', '.join(['%s'] * len(values))}) RETURNING id",
            values,
        )
        view.pk = cursor.fetchone()[0]
    view._state.adding = False
    view._state.db = connection.alias


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


def write_rollup(rollup: rules.Rollup) -> None:
    """Add a roll-up's deltas to the daily tables and store the touched visitors' states,
    in the caller's transaction."""
    write_deltas(
        summaries=rollup.summaries,
        counts=rollup.counts,
        states=[
            [*key, state.last_seen, state.visit_pages, state.exit_path]
            for key in rollup.touched
            if (state := rollup.states[key])
        ],
    )
    rollup.clear_deltas()


def write_deltas(
    *,
    summaries: dict[tuple[int, date], list[int]],
    counts: Counter[tuple[int, date, str, str]] | dict[tuple[int, date, str, str], int],
    states: list[list[Any]] | list[tuple[Any, ...]] | bytes,
    new_states: list[tuple[Any, ...]] | bytes | None = None,
) -> None:
    """Add daily deltas (per site and day; per site, day, dimension and value) and store
    visitor states (site, day, visitor, last seen, pages of the visit, exit page), in the
    caller's transaction. ``INSERT … ON CONFLICT DO UPDATE`` adds atomically on SQLite and
    PostgreSQL alike, so writers never lose each other's counts; on PostgreSQL a set is
    one statement (its columns as arrays), a large one copied into a staging table
    first. States may come as COPY text on PostgreSQL (``_copy_text``). ``new_states`` are
    states of visitors the writer believes not stored yet: inserted plainly (on PostgreSQL
    copied straight into the table, a third of the server's CPU of an upsert), or upserted
    after all if another writer stored one meanwhile."""
    _upsert(
        DailySummary._meta.db_table,
        ["site_id", "day"],
        list(rules.SUMMARY_FIELDS),
        [[site, day, *row] for (site, day), row in summaries.items()],
        add=True,
    )
    _upsert(
        DailyCount._meta.db_table,
        ["site_id", "day", "dimension", "value"],
        ["count"],
        [[*key, value] for key, value in counts.items() if value],
        add=True,
    )
    state_keys = ["site_id", "day", "visitor"]
    state_columns = ["last_seen", "visit_pages", "exit_path"]
    if new_states:
        try:
            with transaction.atomic():  # a savepoint, to fall back to
                _insert(VisitorDay._meta.db_table, [*state_keys, *state_columns], new_states)
        except IntegrityError:
            _upsert(VisitorDay._meta.db_table, state_keys, state_columns, new_states, add=False)
    _upsert(VisitorDay._meta.db_table, state_keys, state_columns, states, add=False)


def _insert(table: str, names: list[str], rows: list[tuple[Any, ...]] | bytes) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The raw cursor's errors as Django's (a unique violation as IntegrityError).
            with connection.wrap_database_errors:
                _copy(cursor, table, names, rows)
            return
        sql = (
            f"INSERT INTO {table} ({', '.join(names)}) "  # noqa: S608 — our own names
            f"VALUES ({', '.join(['%s'] * len(names))})"
        )
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


def _copy(cursor: Any, table: str, names: list[str], rows: Any) -> None:
    """PostgreSQL's COPY of ``rows`` (or of their COPY text) into ``table``'s ``names``."""
    with cursor.cursor.copy(f"COPY {table} ({', '.join(names)}) FROM STDIN") as copy:
        if isinstance(rows, bytes):
            copy.write(rows)
            return
        for row in rows:
            copy.write_row(row)


# On PostgreSQL, sets of this many rows or more are copied into a staging table first
# (``COPY`` costs the client less per row than dumping arrays); smaller ones go as arrays.
COPY_THRESHOLD = 5000
# PostgreSQL types of the written columns; any other column is a count.
_COLUMN_TYPES = {
    "site_id": "integer",
    "day": "date",
    "dimension": "varchar",
    "value": "varchar",
    "visitor": "varchar",
    "last_seen": "double precision",
    "visit_pages": "integer",
    "exit_path": "varchar",
}


def _upsert(
    table: str,
    keys: list[str],
    columns: list[str],
    rows: list[list[Any]] | list[tuple[Any, ...]] | bytes,
    *,
    add: bool,
) -> None:
    """Add (``add``) or set ``columns`` of ``rows`` by ``keys``; ``rows`` may be COPY
    text on PostgreSQL."""
    if not rows:
        return
    names = [*keys, *columns]
    if add:
        updates = ", ".join(f"{c} = {table}.{c} + excluded.{c}" for c in columns)
    else:
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
    conflict = f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}"
    # Every name in these statements is our own (no user input): S608 does not apply.
    insert = f"INSERT INTO {table} ({', '.join(names)}) "
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and (
            isinstance(rows, bytes) or len(rows) >= COPY_THRESHOLD
        ):
            stage = f"{table}_stage"
            definition = ", ".join(f"{c} {_COLUMN_TYPES.get(c, 'bigint')}" for c in names)
            cursor.execute(f"CREATE TEMPORARY TABLE {stage} ({definition}) ON COMMIT DROP")
            _copy(cursor, stage, names, rows)
            cursor.execute(f"{insert}SELECT {', '.join(names)} FROM {stage} {conflict}")  # noqa: S608
            cursor.execute(f"DROP TABLE {stage}")
            return
        if connection.vendor == "postgresql":
            # One statement of one array per column: a statement per row (executemany)
            # costs the server far more than its row.
            types = [_COLUMN_TYPES.get(c, "bigint") for c in names]
            arrays = ", ".join(f"%s::{kind}[]" for kind in types)
            cursor.execute(
                f"{insert}SELECT * FROM unnest({arrays}) {conflict}",  # noqa: S608
                [  # an array holds one type: a time stamp may come as an int
                    list(map(float, column) if kind == "double precision" else column)
                    for kind, column in zip(types, zip(*rows, strict=True), strict=True)
                ],
            )
            return
        sql = f"{insert}VALUES ({', '.join(['%s'] * len(names))}) {conflict}"
        for start in range(0, len(rows), 5000):
            cursor.executemany(sql, rows[start : start + 5000])


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


# A site's rows in these tables can number millions (a visitor state per visitor and day).
_SITE_TABLES = (PageView, VisitorDay, DailySummary, DailyCount, LogImport)


def delete_site_figures(*, site_id: int) -> None:
    """Delete a site's analytics rows with one ``DELETE`` per table, before the site is
    deleted (``signal_handlers``; to the ORM these tables' sites are ``DO_NOTHING``). The
    ORM's cascade would load every row and delete it by its key (the models have
    ``post_delete`` receivers, so it is no bulk delete): for a year of visitor states,
    hours and gigabytes."""
    with connection.cursor() as cursor:
        for model in _SITE_TABLES:
            cursor.execute(
                f"DELETE FROM {model._meta.db_table} WHERE site_id = %s",  # noqa: S608 — ours
                [site_id],
            )


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
    forget_salts()
    return PurgeResult(page_views, visitor_days, salts)


# --- Access logs --------------------------------------------------------------------------

FINGERPRINT_BYTES = 16 * 1024
# A segment of a log (whole lines, about this long) is counted, then written in one
# transaction with the log's new offset: the unit of resumption.
SEGMENT_BYTES = 64 * 1024 * 1024


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


class ConcurrentImportError(RuntimeError):
    """The same log is being imported by another process at the same time."""


class ImportWorkerError(RuntimeError):
    """A log-parsing process failed (its traceback is the message)."""


def _place(address: str) -> rules.Place:
    location = geolocator().locate(address)
    return location.country, location.province, location.city


@dataclass
class _LogSegment:
    start: int
    end: int
    data: bytes | None  # None: read from the (plain) file by whoever counts it


def _segments(handle: IO[bytes], start: int, batch_lines: int | None) -> Iterator[_LogSegment]:
    """The log's text from ``start`` in segments of whole lines, about ``SEGMENT_BYTES``
    each (and at most ``batch_lines`` lines when given); a last line without its newline (a
    log still being written) is left for the next import."""
    if start:
        handle.seek(start)  # a gzip stream seeks by decompressing up to the offset
    position = start
    buffer = b""
    at_end = False
    while True:
        while not at_end and len(buffer) < SEGMENT_BYTES:
            more = handle.read(SEGMENT_BYTES - len(buffer))
            if not more:
                at_end = True
            buffer += more
        limit = min(len(buffer), SEGMENT_BYTES)
        last = buffer.rfind(b"\n", 0, limit)
        if last < 0:
            last = buffer.find(b"\n", limit)  # a line longer than a segment
            if last < 0:
                if at_end:
                    return
                more = handle.read(SEGMENT_BYTES)
                at_end = not more
                buffer += more
                continue
        cut = last + 1
        if batch_lines is not None and buffer.count(b"\n", 0, cut) > batch_lines:
            cut = 0
            for _ in range(batch_lines):
                cut = buffer.index(b"\n", cut) + 1
        yield _LogSegment(position, position + cut, buffer[:cut])
        position += cut
        buffer = buffer[cut:]


def _plain_segments(path: Path, start: int) -> Iterator[_LogSegment]:
    """Segments of a plain log as byte ranges, found without reading the text: each ends
    with the line that crosses its size; the text after the last newline (a line still
    being written) is left for the next import. The first segment is a quarter of
    ``SEGMENT_BYTES`` (the parser processes wait for it to be split) and the last an eighth
    (the importing process writes it alone); the others share the rest evenly, each about
    ``SEGMENT_BYTES``."""
    with path.open("rb") as handle:
        size = handle.seek(0, os.SEEK_END)
        end_of_lines = size
        while end_of_lines > start:
            block = max(start, end_of_lines - 65536)
            handle.seek(block)
            newline = handle.read(end_of_lines - block).rfind(b"\n")
            if newline >= 0:
                end_of_lines = block + newline + 1
                break
            end_of_lines = block
        position = start
        first, last = max(1, SEGMENT_BYTES // 4), max(1, SEGMENT_BYTES // 8)
        while position < end_of_lines:
            left = end_of_lines - position
            if left <= last:
                length = left
            elif position == start:
                length = first
            else:  # what comes before the last segment, in segments of about SEGMENT_BYTES
                count = max(1, round((left - last) / SEGMENT_BYTES))
                length = -(-(left - last) // count)
            end = position + length
            if end >= end_of_lines:
                end = end_of_lines
            else:
                handle.seek(end)
                end += len(handle.readline())
            yield _LogSegment(position, end, None)
            position = end


# What a partition stores of a segment: the states of visitors new to the store, and of
# those stored before (``rules.LogAggregator.touched_states``), as rows or, for
# PostgreSQL, as COPY text (``_copy_text``).
_StateRows = tuple[list[rules.StateRow], list[rules.StateRow]] | tuple[bytes, bytes]

# COPY's text format: a backslash starts an escape; tab, newline and return end a field
# or a row.
_COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def _copy_text(rows: list[rules.StateRow]) -> bytes:
    """Visitor states as PostgreSQL COPY text, one line per state sorted by its start
    (site, day, visitor: the table's key). Made in the parser processes, so the importing
    process only merges the sorted lines and hands them to ``COPY``."""
    escaped: dict[str, str] = {}  # a path is escaped once (most visits share a few pages)
    lines = []
    for site, day, visitor, last_seen, pages, path in rows:
        field = escaped.get(path)
        if field is None:
            field = escaped[path] = path.translate(_COPY_ESCAPES)
        lines.append(f"{site}\t{day}\t{visitor}\t{last_seen!r}\t{pages}\t{field}\n")
    lines.sort()
    return "".join(lines).encode("utf-8")


def _merge_copy_text(parts: list[bytes]) -> bytes:
    """Sorted COPY texts as one, still sorted (the sort finds and merges the sorted runs)."""
    parts = [part for part in parts if part]
    if len(parts) < 2:
        return parts[0] if parts else b""
    lines = list(chain.from_iterable(part[:-1].split(b"\n") for part in parts))
    lines.sort()
    lines.append(b"")
    return b"\n".join(lines)


@dataclass
class _DayInfo:
    salt: str
    has_states: bool


class _ImportStore:
    """The parent's side of an import: salts, visitor states stored before, and the writes
    of each segment's deltas with the log's new offset."""

    def __init__(self, *, site: Site, record: LogImport) -> None:
        self.site = site
        self.record = record
        self.days: dict[date, _DayInfo] = {}

    def day_info(self, days: set[date]) -> dict[date, _DayInfo]:
        for day in days - self.days.keys():
            self.days[day] = _DayInfo(
                salt=salt_for_day(day=day),
                has_states=VisitorDay.objects.filter(site=self.site, day=day).exists(),
            )
        return {day: self.days[day] for day in days}

    def stored_states(
        self, visitors: list[tuple[date, str]]
    ) -> dict[tuple[date, str], rules.VisitorState]:
        by_day: dict[date, list[str]] = {}
        for day, visitor in visitors:
            by_day.setdefault(day, []).append(visitor)
        found: dict[tuple[date, str], rules.VisitorState] = {}
        for day, hashes in by_day.items():
            for start in range(0, len(hashes), 500):
                for row in VisitorDay.objects.filter(
                    site=self.site, day=day, visitor__in=hashes[start : start + 500]
                ).values_list("visitor", "last_seen", "visit_pages", "exit_path"):
                    found[(day, row[0])] = rules.VisitorState(row[1], row[2], row[3])
        return found

    def write(
        self,
        *,
        parts: list[tuple[rules.LogSegment, _StateRows]],
        from_offset: int,
        to_offset: int,
        lines: int,
        path: Path,
    ) -> None:
        site_id = self.site.pk
        summaries: dict[tuple[int, date], list[int]] = {}
        counts: Counter[tuple[int, date, str, str]] = Counter()
        states: list[rules.StateRow] = []
        new_states: list[rules.StateRow] = []
        copied: list[tuple[bytes, bytes]] = []
        page_views = 0
        for segment, (new, stored) in parts:
            page_views += segment.page_views
            for day, row in segment.summaries.items():
                total = summaries.setdefault((site_id, day), [0] * len(rules.SUMMARY_FIELDS))
                for index, value in enumerate(row):
                    total[index] += value
            for (day, dimension, value), n in segment.counts.items():
                counts[(site_id, day, dimension, value)] += n
            if isinstance(new, bytes):
                copied.append((new, stored))  # type: ignore[arg-type]
                continue
            new_states += new
            states += stored
        # In index order (by visitor hash within each day), so the B-tree pages are each
        # visited about once. Each part comes sorted: the sort only merges them.
        states.sort(key=itemgetter(2))
        new_states.sort(key=itemgetter(2))
        new_written: list[rules.StateRow] | bytes = new_states
        stored_written: list[rules.StateRow] | bytes = states
        if copied:
            new_written = _merge_copy_text([new for new, _ in copied])
            stored_written = _merge_copy_text([stored for _, stored in copied])
        with transaction.atomic():
            current = LogImport.objects.select_for_update().get(pk=self.record.pk)
            if current.offset != from_offset:
                raise ConcurrentImportError(str(path))
            write_deltas(
                summaries={key: row for key, row in summaries.items() if any(row)},
                counts=counts,
                states=stored_written,
                new_states=new_written,
            )
            current.offset = to_offset
            current.lines += lines
            current.page_views += page_views
            current.name = str(path)[:500]
            current.save(update_fields=["offset", "lines", "page_views", "name", "updated_at"])


class _Requests:
    """How a partition's aggregator asks for salts and stored states: straight from the
    store in the importing process, or through a pipe from a parser process."""

    def __init__(
        self, ask: Callable[[tuple[Any, ...]], Any], *, site_id: int, copy_text: bool
    ) -> None:
        self.ask = ask
        self.site_id = site_id
        self.copy_text = copy_text  # states as COPY text (PostgreSQL), else as rows
        self.days: dict[date, _DayInfo] = {}

    def finish(self, aggregator: rules.LogAggregator) -> tuple[rules.LogSegment, _StateRows]:
        seen = set(aggregator.summaries)
        wanted = seen - self.days.keys()
        if wanted:
            self.days.update(self.ask(("days", wanted)))
        days = self.days
        look_up: dict[rules.LogVisitorKey, str] = {}
        if any(days[day].has_states for day in seen):  # else every visitor is new
            look_up = {
                key: rules.visitor_hash(salt=days[key[0]].salt, ip=key[1], user_agent=key[2])
                for key in aggregator.new_visitors()
                if days[key[0]].has_states
            }
        if look_up:
            found = self.ask(("states", [(key[0], digest) for key, digest in look_up.items()]))
            aggregator.load_states(
                {
                    key: found[(key[0], digest)]
                    for key, digest in look_up.items()
                    if (key[0], digest) in found
                },
                look_up,
            )
        segment = aggregator.finish_segment()
        new, stored = aggregator.touched_states(
            site_id=self.site_id, salts={day: info.salt for day, info in days.items()}
        )
        if self.copy_text:
            return segment, (_copy_text(new), _copy_text(stored))
        return segment, (new, stored)


def _answer(store: _ImportStore, request: tuple[Any, ...]) -> Any:
    if request[0] == "days":
        return store.day_info(request[1])
    return store.stored_states(request[1])


def _parser_process(
    pipe: Any,
    path: str,
    site: tuple[int, str],
    log_format: str,
    partition: int,
    partitions: int,
    copy_text: bool,
) -> None:
    """A parser process: counts its partition of every segment the parent sends (the
    segment's lines, its own part of them, or None: read it from the file)."""
    gc.disable()
    try:
        site_id, host = site
        aggregator = rules.LogAggregator(
            host=host,
            log_format=log_format,
            locate=_place,
            partition=partition,
            partitions=partitions,
        )

        def ask(request: tuple[Any, ...]) -> Any:
            pipe.send(request)
            return pipe.recv()

        requests = _Requests(ask, site_id=site_id, copy_text=copy_text)
        descriptor = os.open(path, os.O_RDONLY)
        while True:
            message = pipe.recv()
            if message is None:
                # Straight out: freeing the counts and states object by object would keep
                # the parent waiting; this process holds nothing else to close or flush.
                pipe.close()
                os._exit(0)
            start, end, inline = message
            data = pipe.recv_bytes() if inline else os.pread(descriptor, end - start, start)
            aggregator.feed(data.decode("utf-8", "replace"))
            del data
            pipe.send(("done", requests.finish(aggregator)))
    except Exception:  # reported to the parent, which raises it
        pipe.send(("error", traceback.format_exc()))


class _ParserPool:
    """``workers`` forked parser processes, each counting the visitors of its partition.
    For a format that starts with the address, this process splits each segment by address
    (``rules.split_by_address``) and sends each one its part; otherwise each reads the whole
    segment and keeps its addresses' lines (by hash)."""

    def __init__(
        self, *, store: _ImportStore, path: str, host: str, log_format: str, workers: int
    ) -> None:
        geolocator()  # loaded once here, shared with the forked processes
        context = multiprocessing.get_context("fork")
        self.store = store
        self.split = rules.address_first(log_format)
        self.descriptor = os.open(path, os.O_RDONLY)
        self.connections: list[Any] = []
        self.processes: list[Any] = []
        for partition in range(workers):
            parent_end, child_end = context.Pipe()
            process = context.Process(
                target=_parser_process,
                args=(
                    child_end,
                    path,
                    (store.site.pk, host),
                    log_format,
                    0 if self.split else partition,
                    1 if self.split else workers,
                    connection.vendor == "postgresql",
                ),
                daemon=True,
            )
            process.start()
            child_end.close()
            self.connections.append(parent_end)
            self.processes.append(process)

    def prepare(self, segment: _LogSegment) -> list[tuple[int, int, bytes | None]]:
        """What to send each process for ``segment``: done while they count the one before."""
        if not self.split:
            return [(segment.start, segment.end, segment.data)] * len(self.connections)
        data = segment.data
        if data is None:
            data = os.pread(self.descriptor, segment.end - segment.start, segment.start)
        parts = rules.split_by_address(data, len(self.connections))
        return [(segment.start, segment.end, part) for part in parts]

    def send(self, messages: list[tuple[int, int, bytes | None]]) -> None:
        for pipe, (start, end, data) in zip(self.connections, messages, strict=True):
            pipe.send((start, end, data is not None))
            if data is not None:
                pipe.send_bytes(data)  # as it is, not pickled

    def gather(self) -> list[tuple[rules.LogSegment, _StateRows]]:
        results: dict[int, Any] = {}
        waiting = {id(c): c for c in self.connections}
        while waiting:
            for pipe in mp_connection.wait(list(waiting.values())):
                message = pipe.recv()  # type: ignore[union-attr]
                if message[0] == "done":
                    results[id(pipe)] = message[1]
                    del waiting[id(pipe)]
                elif message[0] == "error":
                    raise ImportWorkerError(message[1])
                else:
                    pipe.send(_answer(self.store, message))  # type: ignore[union-attr]
        return [results[id(c)] for c in self.connections]

    def close(self) -> None:
        for pipe in self.connections:
            with contextlib.suppress(OSError):
                pipe.send(None)
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.terminate()
                process.join()
        os.close(self.descriptor)


def import_log_file(
    *,
    site: Site,
    path: Path,
    log_format: str = "combined",
    progress: Callable[[int], None] | None = None,
    batch_lines: int | None = None,
    workers: int = 1,
) -> ImportResult:
    """Import one access log (plain or gzip) into the site's daily figures. Each segment
    (about ``SEGMENT_BYTES`` of whole lines, at most ``batch_lines`` lines when given) is
    written with the file's new offset in one transaction, so an interrupted import resumes
    where it stopped and a file imported twice counts once. ``progress`` is called with the
    bytes read since the last call.

    Lines are counted in memory (``rules.LogAggregator``: each user agent, address and
    referrer classified once) and only the deltas of the daily tables and the touched
    visitors' states are written. With ``workers`` > 1, that many forked processes read
    every segment, each counting the visitors (addresses) of its own partition, so visits
    stay exact and the partial figures add up; this process answers their questions
    (salts, states stored before) and writes while they read the next segment."""
    fingerprint = log_fingerprint(path)
    record, _ = LogImport.objects.get_or_create(
        site=site, fingerprint=fingerprint, defaults={"name": str(path)[:500]}
    )
    result = ImportResult(name=str(path))
    start = record.offset
    if progress and start:
        progress(start)
    store = _ImportStore(site=site, record=record)
    collecting = gc.isenabled()
    gc.disable()  # millions of short-lived tuples, no cycles: collections would only cost
    try:
        with _open_log(path) as handle:
            is_gzip = isinstance(handle, gzip.GzipFile)
            if is_gzip or batch_lines is not None:
                segments = _segments(handle, start, batch_lines)
            else:  # read where it is counted (the parser processes read the file themselves)
                segments = _plain_segments(path, start)
            _import_segments(
                store=store,
                segments=segments,
                handle=handle,
                path=path,
                log_format=log_format,
                workers=workers,
                progress=progress,
                result=result,
            )
    finally:
        if collecting:
            gc.enable()
    result.already_imported = result.lines == 0 and start > 0
    return result


def _import_segments(
    *,
    store: _ImportStore,
    segments: Iterator[_LogSegment],
    handle: IO[bytes],
    path: Path,
    log_format: str,
    workers: int,
    progress: Callable[[int], None] | None,
    result: ImportResult,
) -> None:
    segment = next(segments, None)
    if segment is None:
        return
    host = store.site.hostname
    pool: _ParserPool | None = None
    aggregator: rules.LogAggregator | None = None
    requests = _Requests(
        lambda request: _answer(store, request),
        site_id=store.site.pk,
        copy_text=connection.vendor == "postgresql",
    )
    if workers > 1:
        pool = _ParserPool(
            store=store, path=str(path), host=host, log_format=log_format, workers=workers
        )
        pool.send(pool.prepare(segment))
    else:
        aggregator = rules.LogAggregator(host=host, log_format=log_format, locate=_place)
    try:
        while segment is not None:
            if pool is not None:
                # The next segment is read (and split) while the processes count this one,
                # and counted while this process writes this one.
                following = next(segments, None)
                prepared = pool.prepare(following) if following is not None else None
                parts = pool.gather()
                if prepared is not None:
                    pool.send(prepared)
                    del prepared
            else:
                assert aggregator is not None  # noqa: S101 — set above without a pool
                data = segment.data
                if data is None:
                    data = os.pread(handle.fileno(), segment.end - segment.start, segment.start)
                aggregator.feed(data.decode("utf-8", "replace"))
                parts = [requests.finish(aggregator)]
                following = next(segments, None)
            lines = sum(part[0].lines for part in parts)
            store.write(
                parts=parts,
                from_offset=segment.start,
                to_offset=segment.end,
                lines=lines,
                path=path,
            )
            result.lines += lines
            result.page_views += sum(part[0].page_views for part in parts)
            result.bad_lines += sum(part[0].bad_lines for part in parts)
            if progress:
                progress(segment.end - segment.start)
            segment = following
    finally:
        if pool is not None:
            pool.close()
