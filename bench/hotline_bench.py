"""Hotline benchmark (not part of the test suite), PostgreSQL only.

Bulk-loads 1,000,000 hotline cases (COPY into ``cases_case`` and ``hotline_hotlinecase``) in
its own database (``zx_hotline_bench``), a big city's year, then times:

* the monthly operations bulletin (``reports.monthly_bulletin``: volumes by channel, kind,
  category and department against the month before, department ranking, hot words) for the
  last full month, and its HTML rendering; target under 2 s;
* the operator's lookup of a caller's earlier cases (``queries.caller_history``) for 200
  callers; target under 50 ms (p50/p95 reported).

    .venv/bin/python bench/hotline_bench.py                      # load 1,000,000 and time
    .venv/bin/python bench/hotline_bench.py --reuse              # time again, same data
    .venv/bin/python bench/hotline_bench.py --cases 100000       # a smaller city

The cases (seeded, deterministic): received over the 365 days before the run day, 7:00–22:00,
a little more on working days; 40 lead departments and 12 categories; channels 70 % phone,
11 % web form, 8 % mayor's mailbox, 7 % Open311, 3 % letters, 1 % governor's mailbox; 300,000
callers, of whom a tenth call often (a third of all calls); texts from 240 templates with
places (their hot words segmented once by the real code, ``actions.hot_words``); cases older
than 20 days 96 % closed, replies 93 % on time, call-backs 80 % satisfied, 14 % basically,
6 % not.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/zx_hotline_bench")
BULLETIN_TARGET = 2.0
LOOKUP_TARGET_MS = 50.0
DEPARTMENTS = 40
CALLERS = 300_000
SEED = 20261127
CHUNK = 100_000


def _setup_django() -> None:
    import django

    os.environ["DJANGO_SETTINGS_MODULE"] = "zaixian.settings.test"
    django.setup()


def _escape(value: Any) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    text = str(value)
    return text.replace("\\", "\\\\").replace("\t", " ").replace("\n", " ")


def _reference_data() -> tuple[Any, list[Any], list[Any]]:
    from zaixian.core.models import Department
    from zaixian.hotline.demo import CATEGORIES
    from zaixian.hotline.models import HotlineCategory, HotlineSettings

    root = Department.objects.filter(code="BENCH").first() or Department.add_root(
        name="基准市人民政府", code="BENCH", kind="government"
    )
    centre = Department.objects.filter(code="BENCHRX").first() or root.add_child(
        name="基准市12345热线中心", code="BENCHRX", kind="institution"
    )
    root.refresh_from_db()
    departments = list(Department.objects.filter(code__startswith="BENCHD"))
    for n in range(len(departments), DEPARTMENTS):
        root.refresh_from_db()
        departments.append(root.add_child(name=f"基准市第{n + 1}局", code=f"BENCHD{n:02d}"))
    settings = HotlineSettings.load()
    settings.centre = centre
    settings.save()
    categories = [
        HotlineCategory.objects.get_or_create(
            code=spec.code,
            defaults={"name": spec.name, "group": spec.group, "default_urgency": spec.urgency},
        )[0]
        for spec in CATEGORIES
    ]
    return centre, departments, categories


def load_cases(total: int, rng: random.Random) -> None:
    from django.db import connection
    from django.utils import timezone

    from zaixian.cases.models import Case
    from zaixian.hotline import actions, rules
    from zaixian.hotline.demo import CATEGORIES, CHANNEL_WEIGHTS, KIND_WEIGHTS, PLACES

    if connection.vendor != "postgresql":
        raise SystemExit("The 1M-case load uses COPY: PostgreSQL only")
    started = time.perf_counter()
    centre, departments, categories = _reference_data()
    templates = []
    for spec, category in zip(CATEGORIES, categories, strict=True):
        for text in spec.texts:
            for place in PLACES[:7]:
                content = text.format(place=place)
                templates.append((category.pk, spec.urgency, content, actions.hot_words(content)))
    print(f"{len(templates)} text templates segmented", flush=True)
    frequent = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(CALLERS // 10)]
    occasional = [f"1{rng.choice('3578')}{rng.randrange(10**9):09d}" for _ in range(CALLERS)]
    channels = [c for c, _w in CHANNEL_WEIGHTS]
    channel_weights = [w for _c, w in CHANNEL_WEIGHTS]
    kinds = [k for k, _w in KIND_WEIGHTS]
    kind_weights = [w for _k, w in KIND_WEIGHTS]
    satisfactions = rules.Satisfaction.values
    now = timezone.now()
    case_columns = [
        "id", "case_type", "tracking_number", "title", "state", "department_id",
        "applicant_name", "applicant_phone", "applicant_email", "submitted_at", "updated_at",
        "closed_at", "is_closed", "promised_days", "limit_hours", "clock_started_on",
        "suspended_days", "extended_days", "due_on", "due_at", "finished_on", "is_on_time",
        "version",
    ]  # fmt: skip
    hotline_columns = [
        "id", "case_id", "kind", "channel", "category_id", "urgency", "caller_name",
        "caller_phone", "caller_address", "area", "content", "keywords", "received_at",
        "agrees_to_publish", "lead_department_id", "reply", "replied_at", "reply_due_at",
        "satisfaction", "called_back_at", "callback_note",
    ]  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {Case._meta.db_table}")
        first_id = cursor.fetchone()[0] + 1
    offsets = sorted(rng.random() for _ in range(total))
    written = 0
    for chunk_start in range(0, total, CHUNK):
        case_buffer = io.StringIO()
        hotline_buffer = io.StringIO()
        for index in range(chunk_start, min(total, chunk_start + CHUNK)):
            pk = first_id + index
            received = now - timedelta(days=365 * (1 - offsets[index]))
            received = received.replace(hour=7 + rng.randrange(15))
            category_id, urgency, content, keywords = templates[rng.randrange(len(templates))]
            lead = departments[rng.randrange(len(departments))]
            hours = 2 if urgency == "emergency" else 24 if urgency == "utilities" else None
            due_at = received + timedelta(hours=hours) if hours else None
            reply_due = due_at or received + timedelta(days=9)
            old = (now - received).days > 20
            closed = old and rng.random() < 0.96
            replied_at = None
            satisfaction = ""
            if closed:
                span = (reply_due - received).total_seconds()
                factor = rng.uniform(0.1, 0.9) if rng.random() < 0.93 else rng.uniform(1.05, 1.5)
                replied_at = received + timedelta(seconds=span * factor)
                satisfaction = rng.choices(satisfactions, weights=(80, 14, 6))[0]
            closed_at = (replied_at + timedelta(hours=6)) if closed else None
            state = "closed" if closed else rng.choice(("registered", "dispatched", "handling"))
            phone = (
                frequent[rng.randrange(len(frequent))]
                if rng.random() < 0.33
                else occasional[rng.randrange(len(occasional))]
            )
            received_local = timezone.localtime(received)
            case_values = [
                pk, rules.CASE_TYPE_KEY, f"B{received_local:%Y%m%d}RX{pk:09d}", content[:60],
                state, centre.pk if state == "registered" else lead.pk, "王某某", phone, "",
                received.isoformat(), received.isoformat(),
                closed_at.isoformat() if closed_at else None, closed,
                None if hours else 7, hours, received_local.date().isoformat(), 0, 0,
                timezone.localtime(reply_due).date().isoformat(),
                due_at.isoformat() if due_at else None,
                timezone.localtime(closed_at).date().isoformat() if closed_at else None,
                (closed_at <= reply_due) if closed_at else None, 3,
            ]  # fmt: skip
            case_buffer.write("\t".join(map(_escape, case_values)) + "\n")
            hotline_values = [
                pk, pk, rng.choices(kinds, kind_weights)[0],
                rng.choices(channels, channel_weights)[0], category_id, urgency, "王某某", phone,
                "基准市某区某路1号", "城区", content, keywords, received.isoformat(),
                rng.random() < 0.3, None if state == "registered" else lead.pk,
                "已处理" if replied_at else "",
                replied_at.isoformat() if replied_at else None,
                None if state == "registered" else reply_due.isoformat(), satisfaction,
                closed_at.isoformat() if satisfaction else None, "",
            ]  # fmt: skip
            hotline_buffer.write("\t".join(map(_escape, hotline_values)) + "\n")
        with connection.cursor() as cursor:
            raw = cursor.cursor
            for table, columns, buffer in (
                (Case._meta.db_table, case_columns, case_buffer),
                ("hotline_hotlinecase", hotline_columns, hotline_buffer),
            ):
                with raw.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
                    copy.write(buffer.getvalue())
        written = min(total, chunk_start + CHUNK)
        print(f"{written:,} cases ({time.perf_counter() - started:.0f} s)", flush=True)
    with connection.cursor() as cursor:
        for table in (Case._meta.db_table, "hotline_hotlinecase"):
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT MAX(id) FROM {table}))"
            )
            cursor.execute(f"VACUUM ANALYZE {table}")
    print(f"loaded {total:,} cases in {time.perf_counter() - started:.1f} s", flush=True)


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def time_bulletin(runs: int) -> None:
    from django.utils import timezone

    from zaixian.hotline import reports
    from zaixian.hotline.models import HotlineCase

    today = timezone.localdate()
    year, month = (today.year, today.month - 1) if today.month > 1 else (today.year - 1, 12)
    print(f"{HotlineCase.objects.count():,} hotline cases; bulletin of {year}-{month:02d}")
    computed: list[float] = []
    rendered: list[float] = []
    for _run in range(runs):
        started = time.perf_counter()
        bulletin = reports.monthly_bulletin(year=year, month=month)
        computed.append(time.perf_counter() - started)
        reports.render_bulletin(bulletin, fmt="html")
        rendered.append(time.perf_counter() - started)
    print(
        f"bulletin ({bulletin.total:,} cases in the month, {len(bulletin.departments)} "
        f"departments): compute p50 {statistics.median(computed):.2f} s, "
        f"max {max(computed):.2f} s; with HTML p50 {statistics.median(rendered):.2f} s "
        f"(target < {BULLETIN_TARGET:.0f} s)",
        flush=True,
    )


def time_lookup(lookups: int, rng: random.Random) -> None:
    from zaixian.core.models import User
    from zaixian.core.roles import Role
    from zaixian.hotline import queries
    from zaixian.hotline.models import HotlineCase

    operator = User.objects.filter(username="bench-operator").first()
    if operator is None:
        from zaixian.core.actions import assign_user

        operator = User.objects.create(username="bench-operator")
        assign_user(
            user=operator, department=queries.hotline_centre(), roles=[Role.HOTLINE_OPERATOR]
        )
    last = HotlineCase.objects.order_by("-pk").values_list("pk", flat=True)[0]
    ids = [rng.randrange(1, last + 1) for _ in range(lookups * 2)]
    phones = list(
        HotlineCase.objects.filter(pk__in=ids).values_list("caller_phone", flat=True)[:lookups]
    )
    plan = (
        HotlineCase.objects.filter(caller_phone=phones[0])
        .order_by("-received_at")
        .values_list("pk")[:10]
        .explain()
    )
    timings: list[float] = []
    found: list[int] = []
    for phone in phones:
        started = time.perf_counter()
        history = queries.caller_history(user=operator, phone=phone)
        timings.append((time.perf_counter() - started) * 1000)
        found.append(len(history))
    print(
        f"caller lookup over {len(phones)} callers ({statistics.mean(found):.1f} earlier cases "
        f"shown on average): p50 {statistics.median(timings):.1f} ms, "
        f"p95 {_percentile(timings, 0.95):.1f} ms, max {max(timings):.1f} ms "
        f"(target < {LOOKUP_TARGET_MS:.0f} ms)",
        flush=True,
    )
    print("plan:\n  " + plan.replace("\n", "\n  "), flush=True)


def _run_child(cases: int, runs: int, lookups: int, reuse: bool) -> None:
    _setup_django()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from zaixian.hotline.models import HotlineCase

    rng = random.Random(SEED)
    if not reuse or not HotlineCase.objects.exists():
        load_cases(cases, rng)
    time_bulletin(runs)
    time_lookup(lookups, rng)


def _recreate_postgres() -> None:
    import psycopg

    name = PG_URL.rsplit("/", 1)[1]
    with psycopg.connect(PG_URL.rsplit("/", 1)[0] + "/postgres", autocommit=True) as c:
        c.execute(f'DROP DATABASE IF EXISTS "{name}"')
        c.execute(f'CREATE DATABASE "{name}"')


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5, help="timed bulletin runs")
    parser.add_argument("--lookups", type=int, default=200, help="timed caller lookups")
    parser.add_argument("--reuse", action="store_true", help="keep the data of a previous run")
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if os.environ.get("BENCH_CHILD"):
        _run_child(args.cases, args.runs, args.lookups, args.reuse)
        return 0
    if not args.reuse:
        _recreate_postgres()
    env = dict(os.environ, BENCH_CHILD="postgresql", DATABASE_URL=PG_URL)
    child = [sys.executable, __file__, *sys.argv[1:]]
    return subprocess.call(child, env=env, cwd=ROOT)  # noqa: S603 — our own script


if __name__ == "__main__":
    sys.exit(main())
