"""Reports of the opinion watch, computed from the data: the flash report (舆情快报) of one
event, and the brief of a period — the daily digest (one day) or the internal reference (内参,
a week or a month). Each has four charts: volume over time, share by source, sentiment over
time and top words; SVG in HTML and PDF (WeasyPrint), matplotlib PNG in DOCX."""

from __future__ import annotations

import io
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from html import escape
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.db.models.functions import TruncDate, TruncHour, TruncMonth, TruncYear
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.core.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    add_docx_table,
    docx_bytes,
    html_to_pdf,
    new_docx,
)
from zaixian.core.text import segment_query
from zaixian.monitoring.models import Item
from zaixian.opinion import rules
from zaixian.opinion.models import Event, Incident, Report, Reprint

PDF = PDF_CONTENT_TYPE
DOCX = DOCX_CONTENT_TYPE
HTML = "text/html; charset=utf-8"
FORMATS = ("html", "pdf", "docx")

# Words that say nothing about a story; the segmenter's output minus these is the word chart.
STOP_WORDS = frozenset(
    [
        "我们",
        "他们",
        "你们",
        "自己",
        "一个",
        "没有",
        "什么",
        "这个",
        "那个",
        "就是",
        "还是",
        "已经",
        "可以",
        "因为",
        "所以",
        "但是",
        "如果",
        "进行",
        "表示",
        "目前",
        "记者",
        "来源",
        "相关",
        "有关",
        "工作",
        "问题",
        "情况",
        "今年",
        "近日",
        "日前",
        "以及",
        "通过",
        "对于",
        "其中",
        "这些",
        "那些",
        "不是",
        "一些",
        "之后",
        "之前",
        "同时",
        "表示",
        "要求",
        "开展",
    ]
)
TOP_WORDS = 15
TIMELINE_ROWS = 30


# Reads ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SentimentPoint:
    at: datetime
    negative: int
    neutral: int
    positive: int

    @property
    def total(self) -> int:
        return self.negative + self.neutral + self.positive


def sentiment_series(items: QuerySet[Item], *, by: str = "hour") -> list[SentimentPoint]:
    """Counts of each sentiment per hour (or day) of publication: volume and sentiment over
    time in one read."""
    trunc = TruncHour("published_at") if by == "hour" else TruncDate("published_at")
    rows = items.order_by().annotate(at=trunc).values("at", "sentiment").annotate(n=Count("id"))
    buckets: dict[Any, Counter[str]] = defaultdict(Counter)
    for row in rows:
        buckets[row["at"]][row["sentiment"]] += row["n"]
    return [
        SentimentPoint(at, c["negative"], c["neutral"], c["positive"])
        for at, c in sorted(buckets.items())
    ]


def source_shares(items: QuerySet[Item], *, limit: int = 8) -> list[tuple[str, int]]:
    """Items per outlet, largest first; the rest summed as one row named "…"."""
    rows = list(
        items.order_by()
        .values("source__outlet", "source__name")
        .annotate(n=Count("id"))
        .order_by("-n")
    )
    shares = [(r["source__outlet"] or r["source__name"], r["n"]) for r in rows]
    if len(shares) > limit:
        shares = [*shares[: limit - 1], ("…", sum(n for _name, n in shares[limit - 1 :]))]
    return shares


@dataclass(frozen=True)
class ReprintRow:
    outlet: str
    count: int


def reprint_counts(*, start: date, end: date) -> list[ReprintRow]:
    """Reprints of the portal's articles per outlet between two dates (inclusive), as the
    yearly table of the seed's report (新华网 655, …)."""
    rows = (
        Reprint.objects.filter(reprinted_at__date__gte=start, reprinted_at__date__lte=end)
        .values("outlet")
        .annotate(n=Count("id"))
        .order_by("-n", "outlet")
    )
    return [ReprintRow(r["outlet"], r["n"]) for r in rows]


@dataclass(frozen=True)
class ReprintTableRow:
    outlet: str
    counts: list[int]
    total: int


@dataclass(frozen=True)
class ReprintTable:
    """Reprints per outlet and period (month or year), as the seed's yearly table: the
    outlets with the most reprints first, a total row and a total column."""

    by: str
    periods: list[str]
    rows: list[ReprintTableRow]
    totals: list[int]
    total: int


def reprint_table(*, by: str, start: date, end: date) -> ReprintTable:
    trunc = TruncYear if by == "year" else TruncMonth
    rows = (
        Reprint.objects.filter(reprinted_at__date__gte=start, reprinted_at__date__lte=end)
        .annotate(period=trunc("reprinted_at"))
        .values("outlet", "period")
        .annotate(n=Count("id"))
        .order_by()
    )
    fmt = "%Y" if by == "year" else "%Y-%m"
    cells: dict[str, Counter[str]] = defaultdict(Counter)
    periods: set[str] = set()
    for row in rows:
        at = row["period"]
        label = (timezone.localtime(at) if isinstance(at, datetime) else at).strftime(fmt)
        periods.add(label)
        cells[row["outlet"]][label] += row["n"]
    ordered = sorted(periods)
    table_rows = sorted(
        (
            ReprintTableRow(outlet, [c[p] for p in ordered], sum(c.values()))
            for outlet, c in cells.items()
        ),
        key=lambda r: (-r.total, r.outlet),
    )
    totals = [sum(r.counts[i] for r in table_rows) for i in range(len(ordered))]
    return ReprintTable(by, ordered, table_rows, totals, sum(totals))


def items_between(*, start: date, end: date) -> QuerySet[Item]:
    return Item.objects.filter(published_at__date__gte=start, published_at__date__lte=end)


def events_between(*, start: date, end: date) -> QuerySet[Event]:
    return Event.objects.filter(
        last_seen_at__date__gte=start, first_seen_at__date__lte=end
    ).order_by("-heat")


@dataclass
class Charts:
    volume: list[tuple[str, int]]
    sources: list[tuple[str, int]]
    sentiment: list[tuple[str, int, int, int]]  # label, negative, neutral, positive
    words: list[tuple[str, int]]


@dataclass
class OpinionReport:
    kind: str
    title: str
    number_label: str
    period: str
    summary: list[str]
    charts: Charts
    timeline: list[Item] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    reprints: list[ReprintRow] = field(default_factory=list)
    clocks: list[rules.ClockState] = field(default_factory=list)


def top_words(
    items: QuerySet[Item], *, limit: int = TOP_WORDS, sample: int = 500
) -> list[tuple[str, int]]:
    """The commonest words of the items' titles and leads (jieba with the city's dictionary,
    ``zaixian.core.text``), two characters or more, stop words left out."""
    counts: Counter[str] = Counter()
    for title, body in items.values_list("title", "body")[:sample]:
        words = segment_query(f"{title} {body[:300]}")
        counts.update(w for w in words if len(w) >= 2 and w not in STOP_WORDS and not w.isdigit())
    return counts.most_common(limit)


def _charts(items: QuerySet[Item], *, by: str) -> Charts:
    series = sentiment_series(items, by=by)
    fmt = "%m-%d %H:00" if by == "hour" else "%m-%d"

    def label(at: Any) -> str:
        if isinstance(at, datetime):
            at = timezone.localtime(at)
        return at.strftime(fmt)

    return Charts(
        volume=[(label(p.at), p.total) for p in series],
        sources=source_shares(items),
        sentiment=[(label(p.at), p.negative, p.neutral, p.positive) for p in series],
        words=top_words(items),
    )


def _sentiment_line(items: QuerySet[Item]) -> str:
    n = items.aggregate(
        all=Count("id"),
        neg=Count("id", filter=Q(sentiment=Item.Sentiment.NEGATIVE)),
        pos=Count("id", filter=Q(sentiment=Item.Sentiment.POSITIVE)),
    )
    total = n["all"] or 1
    return _("Negative %(neg).0f%%, positive %(pos).0f%%, neutral %(neu).0f%%.") % {
        "neg": 100 * n["neg"] / total,
        "pos": 100 * n["pos"] / total,
        "neu": 100 * (n["all"] - n["neg"] - n["pos"]) / total,
    }


def flash_report(*, event: Event, report: Report, now: datetime | None = None) -> OpinionReport:
    """The flash report of one event: what happened, where it spread, how people feel."""
    now = now or timezone.now()
    items = (
        Item.objects.filter(cluster_id=event.cluster_id)
        .select_related("source")
        .order_by("published_at", "pk")
    )
    incident = Incident.objects.filter(event=event).first()
    clocks = []
    if incident is not None:
        clocks = rules.clock_states(
            opened_at=incident.opened_at,
            milestones={c.field: getattr(incident, c.field) for c in rules.RESPONSE_CLOCKS},
            now=now,
        )
    first = timezone.localtime(event.first_seen_at)
    summary = [
        _("First seen %(first)s; %(items)d items from %(sources)d sources; heat %(heat).1f.")
        % {
            "first": f"{first:%Y-%m-%d %H:%M}",
            "items": event.item_count,
            "sources": event.source_count,
            "heat": event.heat,
        },
        _sentiment_line(items),
        _("Topics: %(topics)s.") % {"topics": "、".join(t.name for t in event.topics.all())},
    ]
    return OpinionReport(
        kind=Report.Kind.FLASH,
        title=f"{_('Flash report')}：{event.title}",
        number_label=rules.report_number_label(year=report.year, number=report.number),
        period=f"{first:%Y-%m-%d} – {timezone.localtime(event.last_seen_at):%Y-%m-%d}",
        summary=summary,
        charts=_charts(items, by="hour"),
        timeline=list(items[:TIMELINE_ROWS]),
        clocks=clocks,
    )


def brief(*, start: date, end: date, report: Report) -> OpinionReport:
    """The digest of a day or the internal reference of a longer period."""
    items = items_between(start=start, end=end)
    events = list(events_between(start=start, end=end)[:10])
    reprints = reprint_counts(start=start, end=end)
    summary = [
        _("%(items)d items, %(events)d events, %(reprints)d reprints of our articles.")
        % {
            "items": items.count(),
            "events": len(events),
            "reprints": sum(r.count for r in reprints),
        },
        _sentiment_line(items),
    ]
    title = (
        _("Daily digest") if report.kind == Report.Kind.DAILY_DIGEST else _("Internal reference")
    )
    return OpinionReport(
        kind=report.kind,
        title=str(title),
        number_label=rules.report_number_label(year=report.year, number=report.number),
        period=f"{start:%Y-%m-%d} – {end:%Y-%m-%d}",
        summary=summary,
        charts=_charts(items, by="day" if start != end else "hour"),
        events=events,
        reprints=reprints,
    )


# Charts -----------------------------------------------------------------------------------

_BLUE, _RED, _GREY, _GREEN = "#1d5fa8", "#c0392b", "#9aa5b1", "#2e8b57"
_FONT = 'font-family="Noto Sans CJK SC, sans-serif"'


def bar_chart_svg(rows: list[tuple[str, int]], *, title: str, width: int = 560) -> str:
    """Horizontal bars (share by source, top words)."""
    bar, gap, label_width = 16, 5, 140
    height = 28 + len(rows) * (bar + gap)
    top = max([n for _label, n in rows] or [1]) or 1
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" {_FONT}>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, n) in enumerate(rows):
        y = 28 + i * (bar + gap)
        length = int((width - label_width - 50) * n / top)
        parts.append(
            f'<text x="{label_width - 6}" y="{y + 12}" font-size="11" text-anchor="end">'
            f"{escape(label[:12])}</text>"
            f'<rect x="{label_width}" y="{y}" width="{length}" height="{bar}" fill="{_BLUE}"/>'
            f'<text x="{label_width + length + 4}" y="{y + 12}" font-size="11">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def stacked_columns_svg(
    rows: list[tuple[str, list[int]]], *, title: str, colours: list[str], width: int = 640
) -> str:
    """Columns over time, stacked by series (volume; sentiment over time)."""
    height, top_margin, bottom = 170, 24, 20
    peak = max([sum(values) for _label, values in rows] or [1]) or 1
    column = (width - 10) / max(len(rows), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} '
        f'{height + top_margin + bottom}" width="100%" aria-label="{escape(title)}" {_FONT}>',
        f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    step = max(1, len(rows) // 8)
    for i, (label, values) in enumerate(rows):
        x = 5 + i * column
        y = top_margin + height
        for value, colour in zip(values, colours, strict=True):
            h = height * value / peak
            y -= h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{y:.1f}" width="{max(column - 2, 1):.1f}" '
                f'height="{h:.1f}" fill="{colour}"><title>{escape(label)}: {value}</title></rect>'
            )
        if i % step == 0:
            parts.append(
                f'<text x="{x:.1f}" y="{top_margin + height + 14}" font-size="9">'
                f"{escape(label)}</text>"
            )
    parts.append("</svg>")
    return "".join(parts)


def sentiment_chart_svg(items: QuerySet[Item]) -> str:
    """Sentiment over time of an event's items, per hour (per day past four days of hours)."""
    by = "hour"
    series = sentiment_series(items, by=by)
    if len(series) > 96:
        by = "day"
        series = sentiment_series(items, by=by)
    fmt = "%m-%d %H:00" if by == "hour" else "%m-%d"

    def label(at: Any) -> str:
        return (timezone.localtime(at) if isinstance(at, datetime) else at).strftime(fmt)

    return stacked_columns_svg(
        [(label(p.at), [p.negative, p.neutral, p.positive]) for p in series],
        title=_("Sentiment over time (negative, neutral, positive)"),
        colours=[_RED, _GREY, _GREEN],
    )


def charts_svg(charts: Charts) -> dict[str, str]:
    return {
        "volume": stacked_columns_svg(
            [(label, [n]) for label, n in charts.volume],
            title=_("Volume over time"),
            colours=[_BLUE],
        ),
        "sources": bar_chart_svg(charts.sources, title=_("Share by source")),
        "sentiment": stacked_columns_svg(
            [(label, [neg, neu, pos]) for label, neg, neu, pos in charts.sentiment],
            title=_("Sentiment over time (negative, neutral, positive)"),
            colours=[_RED, _GREY, _GREEN],
        ),
        "words": bar_chart_svg(charts.words, title=_("Top words")),
    }


def _png_charts(charts: Charts) -> list[tuple[str, bytes]]:
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    cjk = [f.name for f in font_manager.fontManager.ttflist if "Noto Sans CJK" in f.name]
    if cjk:
        plt.rcParams["font.family"] = cjk[0]

    def save(figure: Any) -> bytes:
        figure.tight_layout()
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png")
        plt.close(figure)
        return buffer.getvalue()

    pngs = []
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    axes.bar([label for label, _n in charts.volume], [n for _l, n in charts.volume], color=_BLUE)
    axes.set_title(_("Volume over time"))
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    pngs.append((_("Volume over time"), save(figure)))
    for rows, title in ((charts.sources, _("Share by source")), (charts.words, _("Top words"))):
        figure, axes = plt.subplots(figsize=(6.4, 0.3 * max(len(rows), 3) + 0.8), dpi=110)
        axes.barh(
            [label for label, _n in reversed(rows)], [n for _l, n in reversed(rows)], color=_BLUE
        )
        axes.set_title(title)
        pngs.append((title, save(figure)))
    figure, axes = plt.subplots(figsize=(6.4, 2.6), dpi=110)
    labels = [row[0] for row in charts.sentiment]
    bottom = [0] * len(labels)
    for index, colour in ((1, _RED), (2, _GREY), (3, _GREEN)):
        values = [row[index] for row in charts.sentiment]
        axes.bar(labels, values, bottom=bottom, color=colour)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    axes.set_title(_("Sentiment over time (negative, neutral, positive)"))
    axes.tick_params(axis="x", labelrotation=60, labelsize=7)
    pngs.append((_("Sentiment over time (negative, neutral, positive)"), save(figure)))
    return pngs


# Rendering --------------------------------------------------------------------------------


def render_report(report: OpinionReport, *, fmt: str) -> tuple[bytes, str]:
    """The report as ``html``, ``pdf`` or ``docx``."""
    if fmt == "docx":
        return _docx(report), DOCX
    html = render_to_string(
        "opinion/report_document.html", {"report": report, "charts": charts_svg(report.charts)}
    )
    if fmt == "html":
        return html.encode(), HTML
    return html_to_pdf(html), PDF


def _docx(report: OpinionReport) -> bytes:
    from docx.shared import Cm

    document = new_docx()
    document.add_heading(report.title, level=0)
    document.add_paragraph(f"{report.number_label}    {report.period}")
    for line in report.summary:
        document.add_paragraph(line)
    for title, png in _png_charts(report.charts):
        document.add_heading(title, level=2)
        document.add_picture(io.BytesIO(png), width=Cm(15))

    def table(header: list[str], rows: list[list[str]]) -> None:
        add_docx_table(document, [str(text) for text in header], rows)

    if report.clocks:
        document.add_heading(_("Response clocks"), level=1)
        table(
            [_("Clock"), _("Due"), _("Done")],
            [
                [
                    str(s.clock.label),
                    f"{timezone.localtime(s.due_at):%m-%d %H:%M}",
                    f"{timezone.localtime(s.done_at):%m-%d %H:%M}" if s.done_at else "—",
                ]
                for s in report.clocks
            ],
        )
    if report.timeline:
        document.add_heading(_("Timeline"), level=1)
        table(
            [_("Time"), _("Outlet"), _("Title")],
            [
                [
                    f"{timezone.localtime(i.published_at):%m-%d %H:%M}",
                    i.source.display_outlet(),
                    i.title,
                ]
                for i in report.timeline
            ],
        )
    if report.events:
        document.add_heading(_("Main events"), level=1)
        table(
            [_("Event"), _("Items"), _("Heat")],
            [[e.title, str(e.item_count), f"{e.heat:.1f}"] for e in report.events],
        )
    if report.reprints:
        document.add_heading(_("Reprints of our articles"), level=1)
        table([_("Outlet"), _("Reprints")], [[r.outlet, str(r.count)] for r in report.reprints])
    return docx_bytes(document)
