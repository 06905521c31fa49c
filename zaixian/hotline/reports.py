"""The hotline's figures: the monthly operations bulletin (运行情况通报) and the centre's
dashboard, computed from the cases for any period (rates are never stored), and their
renderings: SVG charts for HTML and PDF, PNG charts (matplotlib) for Word.

Definitions (docs/hotline.md): a month's cases are those received in it, merged duplicates
left out. A department's on-time rate is its replies given by the reply deadline over its
replies; its satisfaction rate is satisfied and basically satisfied call-backs over all
call-backs of its cases.
"""

from __future__ import annotations

import io
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from django.db import connection
from django.db.models import Case as DbCase
from django.db.models import Count, F, Q, QuerySet, When
from django.db.models.functions import TruncDate
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from zaixian.cases.models import Case
from zaixian.core.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    add_docx_table,
    docx_bytes,
    html_to_pdf,
    new_docx,
    png_bar_chart,
)
from zaixian.core.models import Department
from zaixian.hotline import rules
from zaixian.hotline.models import HotlineCase, HotlineCategory

HOT_WORDS = 15


@dataclass(frozen=True)
class Volume:
    label: str
    count: int
    previous: int = 0

    @property
    def change(self) -> int:
        return self.count - self.previous


@dataclass(frozen=True)
class DepartmentRow:
    rank: int
    department: str
    cases: int
    replied: int
    on_time: int
    called_back: int
    satisfied: int

    @property
    def on_time_rate(self) -> float | None:
        return rules.rate(self.on_time, self.replied)

    @property
    def satisfaction_rate(self) -> float | None:
        return rules.rate(self.satisfied, self.called_back)


@dataclass
class Bulletin:
    year: int
    month: int
    start: datetime
    end: datetime
    total: int
    previous_total: int
    closed: int
    by_channel: list[Volume] = field(default_factory=list)
    by_kind: list[Volume] = field(default_factory=list)
    by_category: list[Volume] = field(default_factory=list)
    by_department: list[Volume] = field(default_factory=list)
    departments: list[DepartmentRow] = field(default_factory=list)
    hot_words: list[Volume] = field(default_factory=list)

    @property
    def title(self) -> str:
        return _("12345 hotline operations bulletin, %(year)d-%(month)02d") % {
            "year": self.year,
            "month": self.month,
        }

    @property
    def closure_rate(self) -> float | None:
        return rules.rate(self.closed, self.total)

    @property
    def hot_categories(self) -> list[Volume]:
        return self.by_category[:5]


def month_bounds(year: int, month: int) -> tuple[datetime, datetime]:
    """The first moment of the month and of the next, in the site's time zone."""
    start = timezone.make_aware(datetime(year, month, 1))  # noqa: DTZ001 — made aware here
    following = (
        datetime(year + 1, 1, 1) if month == 12 else datetime(year, month + 1, 1)  # noqa: DTZ001
    )
    return start, timezone.make_aware(following)


def cases_received(start: datetime, end: datetime) -> QuerySet[HotlineCase]:
    return HotlineCase.objects.filter(
        received_at__gte=start, received_at__lt=end, merged_into__isnull=True
    )


def _counts(cases: QuerySet[HotlineCase], column: str) -> dict[Any, int]:
    return {
        row[column]: row["n"] for row in cases.order_by().values(column).annotate(n=Count("pk"))
    }


def _volumes(current: Counter[Any], previous: Counter[Any], labels: dict[Any, str]) -> list[Volume]:
    keys = [key for key in labels if current.get(key) or previous.get(key)]
    rows = [Volume(str(labels[key]), current.get(key, 0), previous.get(key, 0)) for key in keys]
    return sorted(rows, key=lambda row: (-row.count, row.label))


def department_rows(cases: QuerySet[HotlineCase]) -> list[DepartmentRow]:
    """Per lead department: cases, replies, replies on time, call-backs and satisfied ones,
    ranked by on-time rate, then satisfaction rate, then volume. One grouped query."""
    rows = (
        cases.filter(lead_department__isnull=False)
        .order_by()
        .values("lead_department")
        .annotate(
            cases=Count("pk"),
            replied=Count("pk", filter=Q(replied_at__isnull=False)),
            on_time=Count(
                "pk",
                filter=Q(replied_at__isnull=False, reply_due_at__isnull=False)
                & Q(replied_at__lte=F("reply_due_at")),
            ),
            called_back=Count("pk", filter=~Q(satisfaction="")),
            satisfied=Count(
                "pk",
                filter=Q(
                    satisfaction__in=[rules.Satisfaction.SATISFIED, rules.Satisfaction.BASICALLY]
                ),
            ),
        )
    )
    names = dict(
        Department.objects.filter(pk__in=[r["lead_department"] for r in rows]).values_list(
            "pk", "name"
        )
    )
    unranked = [
        DepartmentRow(
            rank=0,
            department=names.get(row["lead_department"], ""),
            cases=row["cases"],
            replied=row["replied"],
            on_time=row["on_time"],
            called_back=row["called_back"],
            satisfied=row["satisfied"],
        )
        for row in rows
    ]

    def order(row: DepartmentRow) -> tuple[float, float, int, str]:
        return (
            -(row.on_time_rate if row.on_time_rate is not None else -1),
            -(row.satisfaction_rate if row.satisfaction_rate is not None else -1),
            -row.cases,
            row.department,
        )

    ranked = sorted(unranked, key=order)
    return [
        DepartmentRow(
            rank=position,
            department=row.department,
            cases=row.cases,
            replied=row.replied,
            on_time=row.on_time,
            called_back=row.called_back,
            satisfied=row.satisfied,
        )
        for position, row in enumerate(ranked, start=1)
    ]


def _word_counts(cases: QuerySet[HotlineCase]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for keywords in cases.order_by().values_list("keywords", flat=True).iterator(chunk_size=5000):
        if keywords:
            counts.update(keywords.split())
    return counts


_HOT_WORDS_SQL = """
    SELECT word, COUNT(*) FROM hotline_hotlinecase,
           unnest(string_to_array(keywords, ' ')) AS word
     WHERE received_at >= %s AND received_at < %s AND merged_into_id IS NULL AND word <> ''
     {words}
     GROUP BY word ORDER BY COUNT(*) DESC, word LIMIT %s
"""


def hot_words(*, start: datetime, end: datetime, previous_start: datetime) -> list[Volume]:
    """The month's most frequent words (stored per case at intake) with their counts in the
    month before. On PostgreSQL the words are counted in the database (unnest), which reads a
    month of a big city in a fraction of a second; elsewhere in Python."""
    if connection.vendor != "postgresql":
        words = _word_counts(cases_received(start, end))
        previous = _word_counts(cases_received(previous_start, start))
        return [
            Volume(word, count, previous.get(word, 0))
            for word, count in words.most_common(HOT_WORDS)
        ]
    with connection.cursor() as cursor:
        cursor.execute(_HOT_WORDS_SQL.format(words=""), [start, end, HOT_WORDS])
        top = cursor.fetchall()
        cursor.execute(
            _HOT_WORDS_SQL.format(words="AND word = ANY(%s)"),
            [previous_start, start, [word for word, _count in top], HOT_WORDS],
        )
        previous = dict(cursor.fetchall())
    return [Volume(word, count, previous.get(word, 0)) for word, count in top]


def monthly_bulletin(*, year: int, month: int) -> Bulletin:
    """The bulletin of one month, compared with the month before: one grouped query for the
    volumes of both months, one for the departments, one for the closed cases, two for the
    hot words (bench: under a second for a month of a million-case year)."""
    start, end = month_bounds(year, month)
    previous_start, _previous_end = month_bounds(
        year - 1 if month == 1 else year, 12 if month == 1 else month - 1
    )
    rows = (
        cases_received(previous_start, end)
        .order_by()
        .annotate(is_current=DbCase(When(received_at__gte=start, then=True), default=False))
        .values_list("is_current", "channel", "kind", "category", "lead_department")
        .annotate(n=Count("pk"))
    )
    current: dict[str, Counter[Any]] = {key: Counter() for key in _VOLUME_COLUMNS}
    previous: dict[str, Counter[Any]] = {key: Counter() for key in _VOLUME_COLUMNS}
    for is_current, channel, kind, category, lead_department, n in rows:
        target = current if is_current else previous
        for key, value in zip(
            _VOLUME_COLUMNS, (channel, kind, category, lead_department), strict=True
        ):
            if value is not None:
                target[key][value] += n
    categories = dict(HotlineCategory.objects.values_list("pk", "name"))
    department_names = dict(Department.objects.values_list("pk", "name"))
    # Closed in the sense of the case engine's final "closed" state (merged ones are not);
    # read from the case table's (case_type, submitted_at) range, as submitted_at is the
    # hotline case's received_at.
    closed = Case.objects.filter(
        case_type=rules.CASE_TYPE_KEY,
        submitted_at__gte=start,
        submitted_at__lt=end,
        state=rules.CLOSED,
    ).count()
    return Bulletin(
        year=year,
        month=month,
        start=start,
        end=end,
        total=sum(current["channel"].values()),
        previous_total=sum(previous["channel"].values()),
        closed=closed,
        by_channel=_volumes(current["channel"], previous["channel"], dict(rules.Channel.choices)),
        by_kind=_volumes(current["kind"], previous["kind"], dict(rules.Kind.choices)),
        by_category=_volumes(current["category"], previous["category"], categories),
        by_department=_volumes(
            current["lead_department"], previous["lead_department"], department_names
        ),
        departments=department_rows(cases_received(start, end)),
        hot_words=hot_words(start=start, end=end, previous_start=previous_start),
    )


_VOLUME_COLUMNS = ("channel", "kind", "category", "lead_department")


# --- The centre's dashboard ------------------------------------------------------------------


@dataclass
class Dashboard:
    today_total: int
    today_calls: int
    open_cases: int
    overdue_cases: int
    departments: list[DepartmentRow]
    volume_by_day: list[tuple[date, int]]


def dashboard(*, now: datetime, days: int = 30) -> Dashboard:
    today = timezone.localdate(now)
    midnight = timezone.make_aware(datetime.combine(today, datetime.min.time()))
    today_cases = cases_received(midnight, midnight + timedelta(days=1))
    hotline = Case.objects.filter(case_type=rules.CASE_TYPE_KEY)
    since = midnight - timedelta(days=days - 1)
    recent = cases_received(since, midnight + timedelta(days=1))
    by_day = dict(
        recent.order_by()
        .annotate(day=TruncDate("received_at"))
        .values("day")
        .annotate(n=Count("pk"))
        .values_list("day", "n")
    )
    return Dashboard(
        today_total=today_cases.count(),
        today_calls=today_cases.filter(channel=rules.Channel.PHONE).count(),
        open_cases=hotline.filter(is_closed=False).count(),
        overdue_cases=hotline.overdue(on=today, now=now).count(),  # type: ignore[attr-defined]
        departments=department_rows(recent),
        volume_by_day=[
            (day, by_day.get(day, 0))
            for day in (today - timedelta(days=offset) for offset in range(days - 1, -1, -1))
        ],
    )


# --- Charts --------------------------------------------------------------------------------


def bar_chart_svg(rows: list[tuple[str, int]], *, title: str, width: int = 560) -> str:
    """A horizontal bar chart as inline SVG (no script, no external resource)."""
    bar, gap, label_width = 18, 6, 150
    height = 28 + len(rows) * (bar + gap)
    top = max([count for _label, count in rows] or [1]) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" font-family="Noto Sans CJK SC, sans-serif">',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for index, (label, count) in enumerate(rows):
        y = 28 + index * (bar + gap)
        length = int((width - label_width - 60) * count / top)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 13}" font-size="12" text-anchor="end">'
            f"{escape(label[:12])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="#1d5fa8"/>'
            f'<text x="{label_width + length + 4}" y="{y + 13}" font-size="12">{count}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def volume_chart_svg(points: list[tuple[date, int]], *, width: int = 720, height: int = 200) -> str:
    """Cases per day as columns (the dashboard)."""
    top = max([count for _day, count in points] or [1]) or 1
    column = width / max(len(points), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height + 20}" '
        f'width="100%" aria-label="{escape(_("Cases per day"))}">'
    ]
    for index, (day, count) in enumerate(points):
        column_height = int((height - 10) * count / top)
        x = index * column
        parts.append(
            f'<rect x="{x + 1:.1f}" y="{height - column_height}" width="{column - 2:.1f}" '
            f'height="{column_height}" fill="#1d5fa8"><title>{day:%m-%d}: {count}</title></rect>'
        )
        if index % 5 == 0:
            parts.append(f'<text x="{x:.1f}" y="{height + 15}" font-size="10">{day:%m-%d}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bulletin_charts_svg(bulletin: Bulletin) -> dict[str, str]:
    return {
        "channel": bar_chart_svg(
            [(row.label, row.count) for row in bulletin.by_channel], title=_("By channel")
        ),
        "category": bar_chart_svg(
            [(row.label, row.count) for row in bulletin.by_category[:10]], title=_("By category")
        ),
        "department": bar_chart_svg(
            [(row.label, row.count) for row in bulletin.by_department[:10]],
            title=_("By department"),
        ),
    }


# --- Rendering -----------------------------------------------------------------------------

PDF = PDF_CONTENT_TYPE
DOCX = DOCX_CONTENT_TYPE
HTML = "text/html; charset=utf-8"


def render_bulletin(bulletin: Bulletin, *, fmt: str) -> tuple[bytes, str]:
    """The bulletin as ``html``, ``pdf`` (WeasyPrint, SVG charts) or ``docx`` (python-docx,
    matplotlib PNG charts in Noto Sans CJK)."""
    if fmt == "docx":
        return _docx(bulletin), DOCX
    html = render_to_string(
        "hotline/bulletin_document.html",
        {"bulletin": bulletin, "charts": bulletin_charts_svg(bulletin)},
    )
    if fmt == "html":
        return html.encode(), HTML
    return html_to_pdf(html), PDF


def _png_chart(rows: list[Volume], title: str) -> bytes:
    return png_bar_chart([(row.label, row.count) for row in rows], title=title)


def _docx(bulletin: Bulletin) -> bytes:
    from docx.shared import Cm

    document = new_docx()
    document.add_heading(bulletin.title, level=0)
    document.add_paragraph(
        _(
            "Cases received: %(total)d (previous month %(previous)d); closed: %(closed)d; "
            "closure rate: %(rate)s."
        )
        % {
            "total": bulletin.total,
            "previous": bulletin.previous_total,
            "closed": bulletin.closed,
            "rate": _percent(bulletin.closure_rate),
        }
    )

    def volume_table(title: str, rows: list[Volume]) -> None:
        document.add_heading(title, level=1)
        add_docx_table(
            document,
            [_("Item"), _("This month"), _("Previous month")],
            [[row.label, str(row.count), str(row.previous)] for row in rows],
        )
        if rows:
            document.add_picture(io.BytesIO(_png_chart(rows[:10], title)), width=Cm(15))

    volume_table(_("By channel"), bulletin.by_channel)
    volume_table(_("By kind"), bulletin.by_kind)
    volume_table(_("By category"), bulletin.by_category)
    volume_table(_("By department"), bulletin.by_department)
    document.add_heading(_("Departments ranked"), level=1)
    headers = [
        _("Rank"),
        _("Department"),
        _("Cases"),
        _("On-time rate"),
        _("Satisfaction rate"),
        _("Call-backs"),
    ]
    add_docx_table(
        document,
        [str(header) for header in headers],
        [
            [
                str(row.rank),
                row.department,
                str(row.cases),
                _percent(row.on_time_rate),
                _percent(row.satisfaction_rate),
                str(row.called_back),
            ]
            for row in bulletin.departments
        ],
    )
    volume_table(_("Hot topics"), bulletin.hot_words)
    return docx_bytes(document)


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"
