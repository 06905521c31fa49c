"""Statistics of the service hall, computed from the cases themselves (nothing is typed in):
cases received, accepted, concluded and concluded on time, by department, item and month;
the average working days from acceptance to decision; licences completed; ratings.

Definitions (each figure is dated by its own event, as the hall's monthly reports are):

* received (收件): application cases submitted in the period (``Case.submitted_at``, local time);
* accepted (受理): cases whose clock started in the period (``Case.clock_started_on``);
* concluded (办结): cases decided in the period — approved or not approved, then possibly
  closed (``Case.finished_on``); refusals to accept and withdrawals are not conclusions;
* on time: concluded cases with ``Case.is_on_time``;
* working days: ``working_days_between(clock_started_on, finished_on) - suspended_days``, the
  engine's own clock (``zaixian.core.workdays``), summed in SQL: with ``W(d)`` the number of
  working days up to ``d`` from a fixed origin, a case's days are ``W(finish) - W(start) -
  stopped``, so the database joins each case to a small calendar table of ``W`` (one row per
  day of the period and the year before it) and sums per group; no case is loaded.

Every read is scoped to the departments the user sees (``core.queries.departments_visible_to``),
and only case officers, leaders and platform administrators see statistics at all.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import ExtractMonth, ExtractYear
from django.utils import timezone

from zaixian.cases.models import Case
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.core.workdays import is_working_day, working_days_between
from zaixian.services.models import (
    Application,
    MonthlyFigures,
    ServiceItem,
    ServiceRating,
    StatisticsMonth,
)

APPLICATION_CASE_TYPE = "services.application"
# Decided cases: the FINISH transitions (approve, deny) and the close after them.
CONCLUDED_STATES = ("approved", "denied", "closed")
# How far before the period the SQL calendar reaches; cases accepted earlier still than that
# (rare: a clock that ran more than a year) are counted by a second, small query.
CALENDAR_LOOKBACK_DAYS = 400

_STATISTICS_ROLES = (Role.CASE_OFFICER, Role.LEADER, Role.PLATFORM_ADMIN)


def may_view_statistics(user: Any) -> bool:
    """Case officers, leaders and platform administrators (each for the departments they
    see)."""
    return any(user_has_role(user, role) for role in _STATISTICS_ROLES)


# --- Periods and filters -------------------------------------------------------------------


def _month_index(day: date) -> int:
    return day.year * 12 + day.month - 1


def _month_start(index: int) -> date:
    return date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True)
class DaySpan:
    """Any run of days [start, end] (within one month or across several): what the figure
    queries count over."""

    start: date
    end: date

    @property
    def month_indexes(self) -> range:
        return range(_month_index(self.start), _month_index(self.end) + 1)

    def local_bounds(self) -> tuple[datetime, datetime]:
        """The days as aware datetimes [start, end) in the site's time zone."""
        zone = timezone.get_current_timezone()
        start = datetime.combine(self.start, time.min, tzinfo=zone)
        end = datetime.combine(self.end + timedelta(days=1), time.min, tzinfo=zone)
        return start, end


@dataclass(frozen=True)
class StatisticsPeriod:
    """Whole calendar months, from ``first_month`` to ``last_month`` (both the 1st)."""

    first_month: date
    last_month: date

    def __post_init__(self) -> None:
        if self.first_month.day != 1 or self.last_month.day != 1:
            raise ValueError("A statistics period runs from the first of a month")
        if self.last_month < self.first_month:
            raise ValueError("A statistics period cannot end before it starts")

    @classmethod
    def year(cls, year: int) -> StatisticsPeriod:
        return cls(date(year, 1, 1), date(year, 12, 1))

    @classmethod
    def months_of(cls, first: date, last: date) -> StatisticsPeriod:
        return cls(first.replace(day=1), last.replace(day=1))

    @property
    def start(self) -> date:
        return self.first_month

    @property
    def end(self) -> date:
        """The period's last day."""
        return month_end(self.last_month)

    @property
    def days(self) -> DaySpan:
        return DaySpan(self.start, self.end)

    @property
    def month_indexes(self) -> range:
        return self.days.month_indexes

    def months(self) -> list[date]:
        return [_month_start(index) for index in self.month_indexes]

    def local_bounds(self) -> tuple[datetime, datetime]:
        """The period as aware datetimes [start, end) in the site's time zone."""
        return self.days.local_bounds()


@dataclass(frozen=True)
class StatisticsFilters:
    period: StatisticsPeriod
    department_id: int | None = None  # with the departments under it
    item_id: int | None = None


# --- Results -------------------------------------------------------------------------------


@dataclass
class Figures:
    received: int = 0
    accepted: int = 0
    concluded: int = 0
    on_time: int = 0
    timed: int = 0  # concluded cases with a known clock start (the average's denominator)
    working_days: int = 0  # summed over the timed cases

    def add(self, other: Figures) -> None:
        self.received += other.received
        self.accepted += other.accepted
        self.concluded += other.concluded
        self.on_time += other.on_time
        self.timed += other.timed
        self.working_days += other.working_days

    @property
    def on_time_rate(self) -> float | None:
        """Concluded on time, in per cent of the concluded."""
        return round(100 * self.on_time / self.concluded, 1) if self.concluded else None

    @property
    def average_working_days(self) -> float | None:
        return round(self.working_days / self.timed, 1) if self.timed else None


@dataclass(frozen=True)
class StatisticsRow:
    key: Any  # a month (date), a department id or an item id (None: no item)
    label: str
    figures: Figures
    code: str = ""  # department or item code
    department: str = ""  # for item rows


@dataclass(frozen=True)
class RatingRow:
    key: Any
    label: str
    count: int
    grade_total: int
    bad: int  # grades 1 and 2
    code: str = ""

    @property
    def average(self) -> float | None:
        return round(self.grade_total / self.count, 2) if self.count else None

    @property
    def bad_rate(self) -> float | None:
        return round(100 * self.bad / self.count, 1) if self.count else None


@dataclass(frozen=True)
class ServiceStatistics:
    filters: StatisticsFilters
    total: Figures
    months: list[StatisticsRow]
    departments: list[StatisticsRow]
    items: list[StatisticsRow]
    licences_completed: int
    ratings_by_department: list[RatingRow] = field(default_factory=list)
    ratings_by_item: list[RatingRow] = field(default_factory=list)

    @property
    def period(self) -> StatisticsPeriod:
        return self.filters.period


# --- Scope ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class DepartmentChoice:
    pk: int
    name: str
    code: str
    path: str


def statistics_departments(*, user: Any) -> list[DepartmentChoice]:
    """The departments whose statistics ``user`` may see, in tree order (none for a user
    without a statistics role)."""
    if not may_view_statistics(user):
        return []
    rows = departments_visible_to(user).order_by("path").values_list("pk", "name", "code", "path")
    return [
        DepartmentChoice(pk=pk, name=name, code=code, path=path) for pk, name, code, path in rows
    ]


def statistics_items(*, departments: Iterable[DepartmentChoice]) -> QuerySet[ServiceItem]:
    """The service items of ``departments`` (the item filter's choices)."""
    return (
        ServiceItem.objects.filter(department_id__in=[d.pk for d in departments])
        .order_by("department__path", "code")
        .only("pk", "code", "name", "department_id")
    )


def _department_ids(
    departments: list[DepartmentChoice], department_id: int | None
) -> list[int] | None:
    """The ids to filter on: all the user sees, or the chosen department and those under
    it; None when the chosen department is not one the user sees."""
    if department_id is None:
        return [d.pk for d in departments]
    chosen = next((d for d in departments if d.pk == department_id), None)
    if chosen is None:
        return None
    return [d.pk for d in departments if d.path.startswith(chosen.path)]


# --- The figures ---------------------------------------------------------------------------
#
# Figures are computed for all departments and items at once, per month. A month's events
# never change once it is over (a case is submitted, accepted and decided "today", never on an
# earlier day), so finished months are computed once by the nightly job
# (``services.actions.store_statistics_months``) and stored (``StatisticsMonth`` and its
# ``MonthlyFigures``); only the current month, and a finished month the job has not stored
# yet, is counted from the cases. Every month is also kept in the cache (finished months a
# day, the current month ten minutes). Users' scopes and the filters are applied to these
# rows. ``services.actions.rebuild_statistics_months`` is for data loaded with past dates
# (imports, demo data).
_Key = tuple[int, int | None, int]  # department id, item id, month index
# received, accepted, concluded, on time, timed, working days, ratings, grade total, bad
_Numbers = list[int]
_MonthRows = dict[tuple[int, int | None], _Numbers]
_FIELDS = 9
_VERSION_KEY = "zaixian:services:statistics:version"
PAST_MONTH_CACHE_SECONDS = 24 * 60 * 60
CURRENT_MONTH_CACHE_SECONDS = 10 * 60


def invalidate_statistics_cache() -> None:
    """Forget every cached month. After loading cases or ratings with past dates the stored
    months must be counted again too: ``services.actions.rebuild_statistics_months``."""
    try:
        cache.incr(_VERSION_KEY)
    except ValueError:  # never set, or evicted
        cache.set(_VERSION_KEY, 2, timeout=None)


def _version() -> int:
    version = cache.get(_VERSION_KEY)
    if version is None:
        cache.add(_VERSION_KEY, 1, timeout=None)
        version = cache.get(_VERSION_KEY, 1)
    return int(version)


def _monthly_counts(cases: QuerySet[Case], date_field: str) -> dict[_Key, int]:
    """Counts per department, item and month of ``date_field`` (local time). The month comes
    back as two integers: converting thousands of aware datetimes costs more than the query."""
    rows = (
        cases.annotate(year=ExtractYear(date_field), month=ExtractMonth(date_field))
        .order_by()
        .values_list("department_id", "application__item_id", "year", "month")
        .annotate(n=Count("pk"))
    )
    return {
        (department_id, item_id, year * 12 + month - 1): n
        for department_id, item_id, year, month, n in rows
    }


def _received(period: DaySpan) -> dict[_Key, int]:
    start, end = period.local_bounds()
    cases = Case.objects.filter(
        case_type=APPLICATION_CASE_TYPE, submitted_at__gte=start, submitted_at__lt=end
    )
    return _monthly_counts(cases, "submitted_at")


def _accepted(period: DaySpan) -> dict[_Key, int]:
    cases = Case.objects.filter(
        case_type=APPLICATION_CASE_TYPE,
        clock_started_on__gte=period.start,
        clock_started_on__lte=period.end,
    )
    return _monthly_counts(cases, "clock_started_on")


def _working_day_index(start: date, end: date) -> list[tuple[date, int]]:
    """``W(d)`` for every day from ``start`` to ``end``: working days in (start, d]."""
    rows: list[tuple[date, int]] = []
    count = 0
    day = start
    while day <= end:
        if day != start and is_working_day(day):
            count += 1
        rows.append((day, count))
        day += timedelta(days=1)
    return rows


def _concluded(period: DaySpan) -> dict[_Key, _Numbers]:
    """Concluded cases per department, item and month of decision: [concluded, on time,
    timed, working days] — one grouped SQL query over a calendar table (see module doc)."""
    origin = period.start - timedelta(days=CALENDAR_LOOKBACK_DAYS)
    index = _working_day_index(origin, period.end)
    adapt = connection.ops.adapt_datefield_value
    qn = connection.ops.quote_name
    calendar_params: list[Any] = []
    for day, count in index:
        calendar_params += [adapt(day), count, _month_index(day)]
    states = ", ".join(["%s"] * len(CONCLUDED_STATES))
    # Only our own table names and placeholders go into the text; every value is a parameter.
    values = ", ".join(["(%s, %s, %s)"] * len(index))
    sql = (
        f"WITH cal (d, w, m) AS (VALUES {values}) "  # noqa: S608
        "SELECT c.department_id, a.item_id, wf.m, COUNT(*), "
        "SUM(CASE WHEN c.is_on_time THEN 1 ELSE 0 END), COUNT(ws.w), "
        "SUM(CASE WHEN ws.w IS NULL THEN 0 ELSE wf.w - ws.w - c.suspended_days END) "
        f"FROM {qn(Case._meta.db_table)} c "
        "JOIN cal wf ON wf.d = c.finished_on "
        "LEFT JOIN cal ws ON ws.d = c.clock_started_on "
        f"LEFT JOIN {qn(Application._meta.db_table)} a ON a.case_id = c.id "
        f"WHERE c.case_type = %s AND c.state IN ({states}) "
        "AND c.finished_on >= %s AND c.finished_on <= %s "
        "GROUP BY c.department_id, a.item_id, wf.m"
    )
    params = [
        *calendar_params,
        APPLICATION_CASE_TYPE,
        *CONCLUDED_STATES,
        adapt(period.start),
        adapt(period.end),
    ]
    result: dict[_Key, _Numbers] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for department_id, item_id, month, n, in_time, timed, days in cursor.fetchall():
            result[(department_id, item_id, int(month))] = [
                n,
                int(in_time or 0),
                timed,
                int(days or 0),
            ]
    _add_long_running(period, origin, result)
    return result


def _add_long_running(period: DaySpan, origin: date, result: dict[_Key, _Numbers]) -> None:
    """Concluded cases accepted before the SQL calendar's origin: few, so their days are
    computed here, grouped by start date."""
    rows = (
        Case.objects.filter(
            case_type=APPLICATION_CASE_TYPE,
            state__in=CONCLUDED_STATES,
            finished_on__gte=period.start,
            finished_on__lte=period.end,
            clock_started_on__lt=origin,
        )
        .order_by()
        .values_list("department_id", "application__item_id", "finished_on", "clock_started_on")
        .annotate(n=Count("pk"), stopped=Sum("suspended_days"))
    )
    for department_id, item_id, finished_on, started_on, n, stopped in rows:
        entry = result.setdefault((department_id, item_id, _month_index(finished_on)), [0] * 4)
        entry[2] += n
        entry[3] += working_days_between(started_on, finished_on) * n - (stopped or 0)


def _ratings(period: DaySpan) -> dict[_Key, _Numbers]:
    """Ratings per department, item and month: [count, grade total, bad (grades 1–2)]."""
    start, end = period.local_bounds()
    rows = (
        ServiceRating.objects.filter(created_at__gte=start, created_at__lt=end)
        .annotate(year=ExtractYear("created_at"), month=ExtractMonth("created_at"))
        .order_by()
        .values_list("department_id", "item_id", "year", "month")
        .annotate(
            n=Count("pk"),
            total=Sum("grade"),
            bad=Count("pk", filter=Q(grade__lte=ServiceRating.Grade.DISSATISFIED)),
        )
    )
    return {
        (department_id, item_id, year * 12 + month - 1): [n, total or 0, bad]
        for department_id, item_id, year, month, n, total, bad in rows
    }


def compute_months(period: DaySpan) -> dict[int, _MonthRows]:
    """Every department's and item's numbers per month of ``period`` (whole months, or the
    days of a ``DaySpan``), from the database."""
    months: dict[int, _MonthRows] = {index: {} for index in period.month_indexes}

    def numbers(key: _Key) -> _Numbers:
        rows = months.setdefault(key[2], {})
        return rows.setdefault((key[0], key[1]), [0] * _FIELDS)

    for key, n in _received(period).items():
        numbers(key)[0] = n
    for key, n in _accepted(period).items():
        numbers(key)[1] = n
    for key, concluded in _concluded(period).items():
        numbers(key)[2:6] = concluded
    for key, rated in _ratings(period).items():
        numbers(key)[6:9] = rated
    return months


def _month_runs(indexes: list[int]) -> list[list[int]]:
    runs: list[list[int]] = []
    for index in indexes:
        if runs and runs[-1][-1] == index - 1:
            runs[-1].append(index)
        else:
            runs.append([index])
    return runs


def _month_end(index: int) -> date:
    return month_end(_month_start(index))


def month_end(day: date) -> date:
    """The last day of ``day``'s month."""
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _stored_months(indexes: list[int]) -> dict[int, tuple[date, _MonthRows]]:
    """The stored numbers of those of ``indexes`` the nightly job has stored, with the last
    day they count."""
    if not indexes:
        return {}
    summaries = {
        pk: (month, through)
        for pk, month, through in StatisticsMonth.objects.filter(
            month__in=[_month_start(index) for index in indexes]
        ).values_list("pk", "month", "through")
    }
    if not summaries:
        return {}
    months = {_month_index(month): (through, {}) for month, through in summaries.values()}
    rows = MonthlyFigures.objects.filter(summary_id__in=summaries).values_list(
        "summary_id", "department_id", "item_id", *MonthlyFigures.NUMBERS
    )
    for summary_id, department_id, item_id, *numbers in rows:
        months[_month_index(summaries[summary_id][0])][1][(department_id, item_id)] = numbers
    return months


def months_to_store(*, today: date | None = None) -> list[DaySpan]:
    """What the nightly job stores: each finished month with applications that is not
    stored whole yet (oldest first), then the current month up to yesterday."""
    today = today or timezone.localdate()
    current = _month_index(today)
    first = Case.objects.filter(case_type=APPLICATION_CASE_TYPE).order_by("submitted_at").first()
    if first is None:
        return []
    start = _month_index(timezone.localtime(first.submitted_at).date())
    stored = dict(StatisticsMonth.objects.values_list("month", "through"))
    spans = [
        DaySpan(_month_start(index), _month_end(index))
        for index in range(start, current)
        if stored.get(_month_start(index)) != _month_end(index)
    ]
    yesterday = today - timedelta(days=1)
    if start <= current and today.day > 1 and stored.get(today.replace(day=1)) != yesterday:
        spans.append(DaySpan(today.replace(day=1), yesterday))
    return spans


def _add_rows(rows: _MonthRows, more: _MonthRows) -> _MonthRows:
    total = {key: list(numbers) for key, numbers in rows.items()}
    for key, numbers in more.items():
        found = total.setdefault(key, [0] * _FIELDS)
        for position, value in enumerate(numbers):
            found[position] += value
    return total


def monthly_numbers(
    period: StatisticsPeriod, *, today: date | None = None
) -> dict[int, _MonthRows]:
    """The numbers of every month of ``period``: from the cache, else the stored months
    (the current one up to yesterday, plus today counted from the cases), else counted from
    the cases (one query per figure for each run of consecutive months)."""
    today = today or timezone.localdate()
    current = _month_index(today)
    version = _version()
    keys = {
        index: f"zaixian:services:statistics:{version}:{index}" for index in period.month_indexes
    }
    cached = cache.get_many(list(keys.values()))
    months = {index: cached[key] for index, key in keys.items() if key in cached}
    wanted = [index for index in period.month_indexes if index not in months and index <= current]
    for index, (through, rows) in _stored_months(wanted).items():
        if index < current and through == _month_end(index):
            cache.set(keys[index], rows, PAST_MONTH_CACHE_SECONDS)
            months[index] = rows
        elif index == current and _month_start(index) <= through < today:
            # Stored up to yesterday (or earlier, if the job missed a night): count the rest.
            rest = compute_months(DaySpan(through + timedelta(days=1), today))[index]
            months[index] = _add_rows(rows, rest)
            cache.set(keys[index], months[index], CURRENT_MONTH_CACHE_SECONDS)
    missing = [index for index in period.month_indexes if index not in months]
    for run in _month_runs(missing):
        computed = compute_months(DaySpan(_month_start(run[0]), _month_end(run[-1])))
        past = {keys[index]: computed[index] for index in run if index < current}
        live = {keys[index]: computed[index] for index in run if index >= current}
        if past:
            cache.set_many(past, PAST_MONTH_CACHE_SECONDS)
        if live:
            cache.set_many(live, CURRENT_MONTH_CACHE_SECONDS)
        months.update({index: computed[index] for index in run})
    return months


def _empty(filters: StatisticsFilters) -> ServiceStatistics:
    months = [
        StatisticsRow(key=month, label=f"{month:%Y-%m}", figures=Figures())
        for month in filters.period.months()
    ]
    return ServiceStatistics(
        filters=filters,
        total=Figures(),
        months=months,
        departments=[],
        items=[],
        licences_completed=0,
    )


def service_statistics(
    *, user: Any, filters: StatisticsFilters, today: date | None = None
) -> ServiceStatistics:
    """The hall's figures for ``filters`` over the departments ``user`` sees (empty for
    someone without a statistics role, or a department filter outside their view)."""
    departments = statistics_departments(user=user)
    return statistics_for_departments(departments=departments, filters=filters, today=today)


def statistics_for_departments(
    *,
    departments: list[DepartmentChoice],
    filters: StatisticsFilters,
    today: date | None = None,
) -> ServiceStatistics:
    """As ``service_statistics`` once the user's departments are known (the admin view reads
    them once for its filter too)."""
    department_ids = _department_ids(departments, filters.department_id)
    if not department_ids:
        return _empty(filters)
    wanted = set(department_ids)
    item_id = filters.item_id

    per_key: dict[_Key, Figures] = {}
    rating_rows: list[tuple[int, int, int, int, int]] = []
    for month, rows in monthly_numbers(filters.period, today=today).items():
        for (department_id, row_item), numbers in rows.items():
            if department_id not in wanted or (item_id is not None and row_item != item_id):
                continue
            received, accepted, concluded, on_time, timed, days, rated, grades, bad = numbers
            if received or accepted or concluded:
                per_key[(department_id, row_item, month)] = Figures(
                    received=received,
                    accepted=accepted,
                    concluded=concluded,
                    on_time=on_time,
                    timed=timed,
                    working_days=days,
                )
            if rated and row_item is not None:
                rating_rows.append((department_id, row_item, rated, grades, bad))

    item_ids = {key[1] for key in per_key if key[1] is not None}
    item_ids |= {row[1] for row in rating_rows}
    items = {
        item["pk"]: item
        for item in ServiceItem.objects.filter(pk__in=item_ids).values(
            "pk", "code", "name", "kind", "department_id"
        )
    }
    names = {d.pk: d for d in departments}

    total = Figures()
    by_month: dict[int, Figures] = {index: Figures() for index in filters.period.month_indexes}
    by_department: dict[int, Figures] = defaultdict(Figures)
    by_item: dict[int | None, Figures] = defaultdict(Figures)
    item_department: dict[int | None, int] = {}
    licences = 0
    for (department_id, row_item, month), figures in per_key.items():
        total.add(figures)
        by_month[month].add(figures)
        by_department[department_id].add(figures)
        by_item[row_item].add(figures)
        item_department.setdefault(row_item, department_id)
        item = items.get(row_item) if row_item is not None else None
        if item is not None and item["kind"] == ServiceItem.Kind.LICENCE:
            licences += figures.concluded

    month_rows = [
        StatisticsRow(key=_month_start(index), label=f"{_month_start(index):%Y-%m}", figures=f)
        for index, f in sorted(by_month.items())
    ]
    department_rows = [
        StatisticsRow(key=pk, label=names[pk].name, code=names[pk].code, figures=by_department[pk])
        for pk in sorted(by_department, key=lambda pk: names[pk].path)
    ]
    item_rows = [
        _item_row(row_item, items, names, item_department, figures)
        for row_item, figures in by_item.items()
    ]
    item_rows.sort(key=lambda row: (-row.figures.received, row.code))
    by_department_ratings, by_item_ratings = _rating_rows(rating_rows, names, items)
    return ServiceStatistics(
        filters=filters,
        total=total,
        months=month_rows,
        departments=department_rows,
        items=item_rows,
        licences_completed=licences,
        ratings_by_department=by_department_ratings,
        ratings_by_item=by_item_ratings,
    )


def _item_row(
    item_id: int | None,
    items: dict[int, dict[str, Any]],
    names: dict[int, DepartmentChoice],
    item_department: dict[int | None, int],
    figures: Figures,
) -> StatisticsRow:
    item = items.get(item_id) if item_id is not None else None
    department = names.get(item["department_id"] if item else item_department[item_id])
    return StatisticsRow(
        key=item_id,
        label=item["name"] if item else "—",
        code=item["code"] if item else "",
        department=department.name if department else "",
        figures=figures,
    )


def _rating_rows(
    rows: list[tuple[int, int, int, int, int]],
    names: dict[int, DepartmentChoice],
    items: dict[int, dict[str, Any]],
) -> tuple[list[RatingRow], list[RatingRow]]:
    by_department: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_item: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    for department_id, item_id, n, grade_total, bad in rows:
        for bucket in (by_department[department_id], by_item[item_id]):
            bucket[0] += n
            bucket[1] += grade_total
            bucket[2] += bad
    department_rows = [
        RatingRow(key=pk, label=names[pk].name, code=names[pk].code, count=c, grade_total=t, bad=b)
        for pk, (c, t, b) in sorted(by_department.items(), key=lambda kv: names[kv[0]].path)
    ]
    item_rows = [
        RatingRow(
            key=pk,
            label=items[pk]["name"] if pk in items else "—",
            code=items[pk]["code"] if pk in items else "",
            count=c,
            grade_total=t,
            bad=b,
        )
        for pk, (c, t, b) in by_item.items()
    ]
    item_rows.sort(key=lambda row: (-row.count, row.code))
    return department_rows, item_rows


def licences_completed(*, year: int, department: Department | None = None) -> int:
    """Licence decisions made in ``year`` (the portal's "licences completed online" figure):
    concluded application cases of items of the licence kind. Public, so not user-scoped."""
    cases = Case.objects.filter(
        case_type=APPLICATION_CASE_TYPE,
        state__in=CONCLUDED_STATES,
        finished_on__gte=date(year, 1, 1),
        finished_on__lte=date(year, 12, 31),
        application__item__kind=ServiceItem.Kind.LICENCE,
    )
    if department is not None:
        cases = cases.filter(department__path__startswith=department.path)
    return cases.count()
