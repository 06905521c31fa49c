"""Documents of the self-evaluation: the scorecard of one run for an office (HTML, PDF with
an SVG trend chart, DOCX with a PNG one), the e-mail to a site's administrators when a
single-veto item fails, and the site's yearly work report (政府网站工作年度报表, due by
31 January) from the platform's data, in HTML, PDF, DOCX and XLSX.

Documents are self-contained: screenshots are embedded as ``data:`` URIs, as the renderer
refuses to fetch anything (``core.documents``)."""

from __future__ import annotations

import base64
import io
import logging
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, QuerySet
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from zaixian.analytics import reports as analytics_reports
from zaixian.core.documents import (
    DOCX_CONTENT_TYPE,
    PDF_CONTENT_TYPE,
    add_docx_table,
    docx_bytes,
    html_to_pdf,
    new_docx,
    png_bar_chart,
)
from zaixian.disclosure import queries as disclosure_queries
from zaixian.evaluation import rules
from zaixian.evaluation.checks.platform import interaction_scope
from zaixian.evaluation.models import (
    EvaluationRun,
    EvaluationTarget,
    Finding,
    YearlyReportFacts,
)
from zaixian.hotline import queries as hotline_queries
from zaixian.opinion import queries as opinion_queries
from zaixian.portal import queries as portal_queries
from zaixian.services import queries as services_queries

logger = logging.getLogger(__name__)

HTML_CONTENT_TYPE = "text/html; charset=utf-8"
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("html", "pdf", "docx")
YEARLY_FORMATS = ("html", "pdf", "docx", "xlsx")
# A document lists at most this many findings of one indicator (broken links can run into
# thousands; the admin lists them all) and embeds at most this many screenshots.
FINDINGS_PER_INDICATOR = 200
SCREENSHOTS_AT_MOST = 40
SCREENSHOT_BYTES_AT_MOST = 2_000_000
TREND_RUNS = 14
EMAIL_EVIDENCE_PER_ITEM = 10


class UnknownFormatError(ValueError):
    """A report was asked for in a format it does not come in."""


# --- Reads (reports and queries are one layer and do not import each other) ------------------


def _scorecard(run: EvaluationRun) -> rules.Scorecard:
    """The run's stored scorecard, or one scored from its findings if none was stored."""
    if run.scorecard:
        return rules.Scorecard.from_json(run.scorecard)
    return rules.score(run.findings.only("indicator"))


@dataclass(frozen=True)
class TrendPoint:
    run_id: int
    day: date
    score: Decimal
    is_passed: bool


def recent_runs(
    *, target: EvaluationTarget, before: EvaluationRun | None = None, limit: int = TREND_RUNS
) -> list[TrendPoint]:
    """The last ``limit`` finished runs up to ``before`` (included), oldest first: the
    scorecard report's trend."""
    runs = target.runs.done()
    if before is not None:
        runs = runs.filter(started_at__lte=before.started_at)
    rows = list(runs.values_list("pk", "started_at", "score", "is_passed")[:limit])
    return [
        TrendPoint(
            run_id=pk, day=timezone.localdate(started_at), score=score, is_passed=bool(is_passed)
        )
        for pk, started_at, score, is_passed in reversed(rows)
    ]


@dataclass(frozen=True)
class SecurityFigures:
    evaluations: int  # finished runs in the year
    problems_found: int  # distinct problems (check, indicator, page, link) found in the year
    problems_fixed: int  # of those, the ones the latest finished run no longer finds


def _finding_keys(runs: QuerySet[EvaluationRun]) -> set[tuple[Any, ...]]:
    return set(
        Finding.objects.filter(run__in=runs)
        .exclude(severity__in=[Finding.Severity.BONUS, Finding.Severity.NOTICE])
        .order_by()
        .values_list("check_code", "indicator", "page_url", "link_url")
        .distinct()
    )


def security_figures(*, target: EvaluationTarget, year: int) -> SecurityFigures:
    """The yearly report's 安全防护 figures from the platform's own evaluations. A problem is
    one finding's check, indicator, page and link; it counts as fixed when the target's latest
    finished run (of the year or later) no longer finds it."""
    start, end = _year_bounds(year)
    year_runs = target.runs.done().filter(started_at__gte=start, started_at__lt=end)
    found = _finding_keys(year_runs)
    latest = target.runs.done().first()
    still = _finding_keys(EvaluationRun.objects.filter(pk=latest.pk)) if latest else set()
    return SecurityFigures(
        evaluations=year_runs.count(),
        problems_found=len(found),
        problems_fixed=len(found - still),
    )


# --- The scorecard -------------------------------------------------------------------------------


@dataclass
class FindingRow:
    check: str
    page_url: str
    link_url: str
    evidence: str
    found_at: datetime
    screenshot: str = ""  # data: URI of the PNG, or ""
    screenshot_bytes: bytes = b""


@dataclass
class FindingGroup:
    code: str
    name: str
    kind: str
    total: int
    rows: list[FindingRow] = field(default_factory=list)

    @property
    def not_listed(self) -> int:
        return self.total - len(self.rows)


@dataclass
class ScorecardReport:
    run: EvaluationRun
    target: EvaluationTarget
    card: rules.Scorecard
    history: list[TrendPoint]
    groups: list[FindingGroup]

    @property
    def title(self) -> str:
        return _("Self-evaluation report: %(site)s") % {"site": self.target.name}

    @property
    def verdict(self) -> str:
        return verdict_text(self.card)

    @property
    def failed_vetoes(self) -> list[rules.VetoLine]:
        return [line for line in self.card.vetoes if line.is_failed]


def verdict_text(card: rules.Scorecard) -> str:
    """The verdict in one sentence, as the report and the e-mail put it."""
    values = {"score": f"{card.total:.1f}", "count": card.vetoes_failed, "line": rules.PASS_SCORE}
    if card.verdict == rules.Verdict.FAILED_VETO:
        return (
            _("Failed: %(count)d single-veto item(s) failed (%(score)s points otherwise).") % values
        )
    if card.verdict == rules.Verdict.FAILED_SCORE:
        return _("Failed: %(score)s points, below the pass line of %(line)s.") % values
    return _("Passed: %(score)s points, and no single-veto item failed.") % values


def _screenshot(finding: Finding) -> bytes:
    if not finding.screenshot:
        return b""
    try:
        with finding.screenshot.open("rb") as image:
            content: bytes = image.read(SCREENSHOT_BYTES_AT_MOST + 1)
    except OSError:
        logger.warning("Screenshot of finding %s cannot be read", finding.pk)
        return b""
    return content if len(content) <= SCREENSHOT_BYTES_AT_MOST else b""


def _groups(run: EvaluationRun) -> list[FindingGroup]:
    """The run's findings by indicator, in the table's order (veto, deductions, bonuses,
    notices, then anything else), at most ``FINDINGS_PER_INDICATOR`` listed per indicator."""
    counts = dict(
        run.findings.order_by()
        .values_list("indicator")
        .annotate(n=Count("pk"))
        .values_list("indicator", "n")
    )
    order = [indicator.code for indicator in rules.INDICATORS] + [
        indicator.code for indicator in rules.NOTICE_INDICATORS
    ]
    codes = sorted(counts, key=lambda code: (order.index(code) if code in order else 999, code))
    screenshots = 0
    groups = []
    for code in codes:
        indicator = rules.INDICATOR_BY_CODE.get(code)
        group = FindingGroup(
            code=code,
            name=str(indicator.name) if indicator else (code or _("Other")),
            kind=indicator.kind.value if indicator else "notice",
            total=counts[code],
        )
        shown = run.findings.in_scorecard_order().filter(indicator=code)[:FINDINGS_PER_INDICATOR]
        for finding in shown:
            image = _screenshot(finding) if screenshots < SCREENSHOTS_AT_MOST else b""
            screenshots += 1 if image else 0
            group.rows.append(
                FindingRow(
                    check=finding.check_code,
                    page_url=finding.page_url,
                    link_url=finding.link_url,
                    evidence=finding.evidence,
                    found_at=finding.found_at,
                    screenshot=(
                        "data:image/png;base64," + base64.b64encode(image).decode() if image else ""
                    ),
                    screenshot_bytes=image,
                )
            )
        groups.append(group)
    return groups


def scorecard_report(run: EvaluationRun) -> ScorecardReport:
    """Everything the scorecard document shows of ``run``."""
    card = _scorecard(run)
    return ScorecardReport(
        run=run,
        target=run.target,
        card=card,
        history=recent_runs(target=run.target, before=run, limit=TREND_RUNS),
        groups=_groups(run),
    )


def trend_chart_svg(points: list[TrendPoint], *, width: int = 640, height: int = 200) -> str:
    """The scores of the last runs as columns against the pass line (inline SVG, no script,
    no external resource); failed runs in red."""
    title = _("Score of the last runs")
    top = Decimal("105")
    left, bottom, plot_height = 34, 24, height - 44
    column = (width - left) / max(len(points), 1)

    def y(value: Decimal) -> float:
        return 20 + float(plot_height) * float(1 - min(value, top) / top)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {height}" '
        f'width="100%" aria-label="{escape(title)}" font-family="Noto Sans CJK SC, sans-serif">',
        f'<text x="0" y="13" font-size="13" font-weight="bold">{escape(title)}</text>',
    ]
    for mark in (0, 60, 100):
        line_y = y(Decimal(mark))
        color = "#c00" if mark == 60 else "#bbb"
        parts.append(
            f'<line x1="{left}" x2="{width}" y1="{line_y:.1f}" y2="{line_y:.1f}" '
            f'stroke="{color}" stroke-dasharray="4 3"/>'
            f'<text x="{left - 4}" y="{line_y + 4:.1f}" font-size="10" '
            f'text-anchor="end">{mark}</text>'
        )
    for index, point in enumerate(points):
        x = left + index * column
        color = "#1d5fa8" if point.is_passed else "#c0392b"
        top_y = y(point.score)
        parts.append(
            f'<rect x="{x + 3:.1f}" y="{top_y:.1f}" width="{max(column - 6, 2):.1f}" '
            f'height="{y(Decimal(0)) - top_y:.1f}" fill="{color}"/>'
            f'<text x="{x + column / 2:.1f}" y="{top_y - 3:.1f}" font-size="10" '
            f'text-anchor="middle">{point.score:.1f}</text>'
            f'<text x="{x + column / 2:.1f}" y="{height - bottom + 16:.1f}" font-size="10" '
            f'text-anchor="middle">{point.day:%m-%d}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def render_scorecard(run: EvaluationRun, *, fmt: str) -> tuple[bytes, str]:
    """The scorecard of ``run`` as ``html``, ``pdf`` or ``docx``, with its content type."""
    if fmt not in FORMATS:
        raise UnknownFormatError(fmt)
    report = scorecard_report(run)
    if fmt == "docx":
        return _scorecard_docx(report), DOCX_CONTENT_TYPE
    html = render_to_string(
        "evaluation/documents/scorecard.html",
        {
            "report": report,
            "card": report.card,
            "trend": trend_chart_svg(report.history) if report.history else "",
            "generated_at": timezone.localtime(),
        },
    )
    if fmt == "html":
        return html.encode(), HTML_CONTENT_TYPE
    return html_to_pdf(html), PDF_CONTENT_TYPE


def _points(value: Decimal) -> str:
    return f"{value:.1f}"


def _scorecard_docx(report: ScorecardReport) -> bytes:
    from docx.shared import Cm

    run, card = report.run, report.card
    document = new_docx(font_size=10.5)
    document.add_heading(report.title, level=0)
    document.add_paragraph(report.verdict)
    add_docx_table(
        document,
        [_("Item"), _("Value")],
        [
            [_("Site"), report.target.name],
            [_("Home page"), report.target.base_url],
            [_("Evaluated"), f"{timezone.localtime(run.started_at):%Y-%m-%d %H:%M}"],
            [_("Pages crawled"), str(run.pages_crawled)],
            [_("Links checked"), str(run.links_checked)],
            [_("Score"), _points(card.total)],
        ],
    )
    document.add_heading(_("Single-veto items"), level=1)
    add_docx_table(
        document,
        [_("Item"), _("Result"), _("Findings")],
        [
            [line.name, _("Failed") if line.is_failed else _("Passed"), str(line.findings)]
            for line in card.vetoes
        ],
    )
    document.add_heading(_("Deduction items"), level=1)
    add_docx_table(
        document,
        [_("Area"), _("Item"), _("Findings"), _("Per finding"), _("Cap"), _("Points deducted")],
        [
            [
                line.area,
                line.name,
                str(line.findings),
                _points(line.price),
                _points(line.cap),
                _points(line.points),
            ]
            for line in card.deductions
        ]
        + [
            [area.area, _("Subtotal"), "", "", _points(area.cap), _points(area.points)]
            for area in card.areas
        ],
    )
    document.add_heading(_("Bonus items"), level=1)
    add_docx_table(
        document,
        [_("Item"), _("Holds"), _("Points")],
        [
            [line.name, _("Yes") if line.holds else _("No"), _points(line.points)]
            for line in card.bonuses
        ],
    )
    if report.history:
        document.add_heading(_("Trend"), level=1)
        chart = png_bar_chart(
            [(f"{point.day:%m-%d}", float(point.score)) for point in report.history],
            title=_("Score of the last runs"),
        )
        document.add_picture(io.BytesIO(chart), width=Cm(15))
    document.add_heading(_("Findings"), level=1)
    if not report.groups:
        document.add_paragraph(_("No findings."))
    for group in report.groups:
        document.add_heading(f"{group.name} ({group.total})", level=2)
        add_docx_table(
            document,
            [_("Page"), _("Link"), _("Evidence")],
            [[row.page_url, row.link_url, row.evidence] for row in group.rows],
        )
        for row in group.rows:
            if row.screenshot_bytes:
                document.add_paragraph(row.page_url or row.evidence[:60])
                try:
                    document.add_picture(io.BytesIO(row.screenshot_bytes), width=Cm(12))
                except Exception:  # a damaged image must not cost the whole report
                    logger.warning("Screenshot of %s cannot be embedded", row.page_url)
        if group.not_listed:
            document.add_paragraph(
                _("%(count)d more not listed; the admin shows them all.")
                % {"count": group.not_listed}
            )
    return docx_bytes(document)


# --- The veto e-mail -------------------------------------------------------------------------


def run_admin_path(run: EvaluationRun) -> str:
    """The run's page in the admin (a path; the sender adds the host)."""
    try:
        return reverse("evaluation_admin:run", args=[run.pk])
    except NoReverseMatch:
        return f"/admin/evaluation/run/{run.pk}/"


def veto_email(run: EvaluationRun) -> tuple[str, str]:
    """Subject and plain-text body telling a site's administrators which single-veto items
    failed, with the evidence, and where the run is in the admin."""
    card = _scorecard(run)
    items = []
    for line in card.vetoes:
        if not line.is_failed:
            continue
        of_item = run.findings.in_scorecard_order().filter(indicator=line.code)
        findings = list(of_item[:EMAIL_EVIDENCE_PER_ITEM])
        items.append(
            {
                "name": line.name,
                "count": line.findings,
                "findings": findings,
                "more": max(line.findings - len(findings), 0),
            }
        )
    context = {
        "run": run,
        "target": run.target,
        "started_at": timezone.localtime(run.started_at),
        "verdict": verdict_text(card),
        "items": items,
        "path": run_admin_path(run),
    }
    subject = render_to_string("evaluation/email/veto_subject.txt", context)
    body = render_to_string("evaluation/email/veto_body.txt", context)
    return " ".join(subject.split()), body


# --- The yearly work report --------------------------------------------------------------------


class Source(StrEnum):
    PLATFORM = "platform"  # counted from the platform's data
    MANUAL = "manual"  # entered by the office (YearlyReportFacts)
    MISSING = "missing"  # to be entered by the office, not entered yet
    NOT_TRACKED = "not_tracked"  # the platform does not record it; 0 unless entered


@dataclass(frozen=True)
class ReportField:
    key: str
    label: str
    value: Any
    source: Source

    @property
    def display(self) -> str:
        if self.value is None:
            return ""
        if isinstance(self.value, bool):
            return _("Yes") if self.value else _("No")
        return str(self.value)

    @property
    def source_label(self) -> str:
        return {
            Source.PLATFORM: _("From the platform's data"),
            Source.MANUAL: _("Entered by the office"),
            Source.MISSING: _("To be entered by the office"),
            Source.NOT_TRACKED: _("Not tracked by the platform"),
        }[self.source]


@dataclass(frozen=True)
class ReportSection:
    title: str
    fields: list[ReportField]


@dataclass
class YearlyWorkReport:
    target: EvaluationTarget
    year: int
    sections: list[ReportSection]
    generated_at: datetime

    @property
    def title(self) -> str:
        return _("Government website yearly work report %(year)d: %(site)s") % {
            "year": self.year,
            "site": self.target.name,
        }

    def field(self, key: str) -> ReportField:
        for section in self.sections:
            for item in section.fields:
                if item.key == key:
                    return item
        raise KeyError(key)

    def value(self, key: str) -> Any:
        return self.field(key).value


def _year_bounds(year: int) -> tuple[datetime, datetime]:
    start = timezone.make_aware(datetime(year, 1, 1))  # noqa: DTZ001 — made aware here
    return start, timezone.make_aware(datetime(year + 1, 1, 1))  # noqa: DTZ001


def _manual(facts: YearlyReportFacts | None, key: str, label: str, attribute: str) -> ReportField:
    value = getattr(facts, attribute) if facts is not None else None
    if value in (None, ""):
        return ReportField(key, label, None, Source.MISSING)
    return ReportField(key, label, value, Source.MANUAL)


def _not_tracked(
    facts: YearlyReportFacts | None, key: str, label: str, attribute: str
) -> ReportField:
    value = getattr(facts, attribute) if facts is not None else None
    if value is None:
        return ReportField(key, label, 0, Source.NOT_TRACKED)
    return ReportField(key, label, value, Source.MANUAL)


def yearly_work_report(*, target: EvaluationTarget, year: int) -> YearlyWorkReport:
    """The yearly work report of ``target`` for ``year``: each figure from the platform's data
    where it exists, the rest from the office's ``YearlyReportFacts`` (marked as such).

    Scope: site figures (visits, publishing, topics) are the target's platform site's; case
    figures (services, messages) are its sponsor department's and sub-departments', or the
    whole platform's for the portal (as in the interaction checks); an outside site (no
    platform site) has only its evaluations from the platform."""
    start, end = _year_bounds(year)
    first, last = date(year, 1, 1), date(year, 12, 31)
    facts = YearlyReportFacts.objects.filter(target=target, year=year).first()
    site = target.site
    has_cases, department = interaction_scope(target)
    platform = Source.PLATFORM
    sections: list[ReportSection] = []

    # 基本信息
    footer = portal_queries.site_footer(site=site) if site is not None else None
    sponsor = (footer.sponsor if footer else "") or (
        target.department.name if target.department else ""
    )
    site_type = facts.site_type if facts and facts.site_type else ""
    if not site_type and site is not None:
        site_type = (
            YearlyReportFacts.SiteType.PORTAL
            if site.is_default_site
            else YearlyReportFacts.SiteType.DEPARTMENT
        )
    basic = [
        ReportField("site_name", _("Website name"), target.name, platform),
        ReportField("home_url", _("Home page URL"), target.base_url, platform),
        ReportField(
            "sponsor", _("Sponsor"), sponsor or None, platform if sponsor else Source.MISSING
        ),
        ReportField(
            "site_type",
            _("Website type"),
            str(YearlyReportFacts.SiteType(site_type).label) if site_type else None,
            (Source.MANUAL if facts and facts.site_type else platform)
            if site_type
            else Source.MISSING,
        ),
    ]
    for key, label, attribute in (
        ("site_code", _("Government website identification code"), "site_code"),
        ("icp_number", _("ICP filing number"), "icp_number"),
        ("public_security_number", _("Public security filing number"), "public_security_number"),
    ):
        value = getattr(footer, attribute, "") if footer else ""
        basic.append(ReportField(key, label, value or None, platform if value else Source.MISSING))
    sections.append(ReportSection(_("Basic information"), basic))

    if site is not None:
        totals = next(
            (
                row.totals
                for row in analytics_reports.yearly_totals(sites=[site])
                if row.year == year
            ),
            analytics_reports.Totals(),
        )
        by_kind = portal_queries.articles_by_channel_kind(site=site, start=start, end=end)
        disclosed = disclosure_queries.items_published_under(
            root=site.root_page, start=first, end=last
        )
        disclosed_count = disclosed.count()
        interpretations = disclosed.filter(genre="interpretation").count()
        topics, topics_opened = portal_queries.topic_counts(site=site, start=start, end=end)
        sections += [
            ReportSection(
                _("Visits"),
                [
                    ReportField(
                        "visitors",
                        _("Unique visitors (sum of daily visitors)"),
                        totals.visitors,
                        platform,
                    ),
                    ReportField(
                        "page_views", _("Total visits (page views)"), totals.page_views, platform
                    ),
                ],
            ),
            ReportSection(
                _("Information published"),
                [
                    ReportField(
                        "published_total",
                        _("Total items published"),
                        sum(by_kind.values()) + disclosed_count,
                        platform,
                    ),
                    ReportField(
                        "overview_items",
                        _("Overview information (other channels)"),
                        by_kind.get("other", 0),
                        platform,
                    ),
                    ReportField(
                        "news_items",
                        _("Government news (news channels)"),
                        by_kind.get("news", 0),
                        platform,
                    ),
                    ReportField(
                        "disclosure_items",
                        _("Disclosure catalogue items"),
                        disclosed_count,
                        platform,
                    ),
                ],
            ),
            ReportSection(
                _("Special columns and topics"),
                [
                    ReportField("topics_maintained", _("Topics maintained"), topics, platform),
                    ReportField(
                        "topics_opened", _("Topics opened in the year"), topics_opened, platform
                    ),
                ],
            ),
            ReportSection(
                _("Interpretation and response"),
                [
                    ReportField(
                        "interpretations_total",
                        _("Interpretations published"),
                        interpretations,
                        platform,
                    ),
                    ReportField(
                        "interpretation_materials",
                        _("Interpretation documents"),
                        interpretations,
                        platform,
                    ),
                    _not_tracked(
                        facts,
                        "interpretation_products",
                        _("Interpretation products (graphics, videos)"),
                        "interpretation_products",
                    ),
                    _not_tracked(
                        facts, "media_comments", _("Media commentaries"), "media_comments"
                    ),
                    ReportField(
                        "concerns_answered",
                        _("Public concerns and major opinion events answered"),
                        opinion_queries.concerns_answered(start=start, end=end),
                        platform,
                    ),
                ],
            ),
        ]
    if has_cases:
        services = services_queries.service_figures(start=start, end=end, department=department)
        messages = hotline_queries.message_figures(start=start, end=end, department=department)
        sections += [
            ReportSection(
                _("Online services"),
                [
                    ReportField(
                        "has_service_catalogue",
                        _("Service catalogue published"),
                        services.items > 0,
                        platform,
                    ),
                    ReportField(
                        "registered_users",
                        _("Registered users"),
                        services_queries.registered_users(before=end),
                        platform,
                    ),
                    ReportField(
                        "service_items", _("Government service items"), services.items, platform
                    ),
                    ReportField(
                        "fully_online_items",
                        _("Items that can be handled fully online"),
                        services.fully_online_items,
                        platform,
                    ),
                    ReportField(
                        "applications", _("Applications handled"), services.applications, platform
                    ),
                    ReportField(
                        "applications_citizens",
                        _("Applications by natural persons"),
                        services.by_citizens,
                        platform,
                    ),
                    ReportField(
                        "applications_organisations",
                        _("Applications by legal persons"),
                        services.by_organisations,
                        platform,
                    ),
                ],
            ),
            ReportSection(
                _("Interaction"),
                [
                    ReportField("unified_platform", _("Uses the unified platform"), True, platform),
                    ReportField(
                        "messages_received", _("Messages received"), messages.received, platform
                    ),
                    ReportField("messages_closed", _("Messages closed"), messages.closed, platform),
                    ReportField(
                        "average_days",
                        _("Average handling time (days)"),
                        messages.average_days,
                        platform,
                    ),
                    ReportField(
                        "messages_published", _("Replies made public"), messages.published, platform
                    ),
                    _not_tracked(facts, "surveys", _("Consultations and surveys"), "surveys"),
                    _not_tracked(facts, "interviews", _("Online interviews"), "interviews"),
                    _manual(
                        facts, "smart_answers", _("Offers intelligent Q&A"), "has_smart_answers"
                    ),
                ],
            ),
        ]

    security = security_figures(target=target, year=year)
    other_checks = facts.other_security_checks if facts else 0
    other_found = facts.other_problems_found if facts else 0
    other_fixed = facts.other_problems_fixed if facts else 0
    sections.append(
        ReportSection(
            _("Security"),
            [
                ReportField(
                    "security_checks",
                    _("Security checks and evaluations"),
                    security.evaluations + other_checks,
                    platform,
                ),
                ReportField(
                    "problems_found",
                    _("Problems found"),
                    security.problems_found + other_found,
                    platform,
                ),
                ReportField(
                    "problems_fixed",
                    _("Problems fixed"),
                    security.problems_fixed + other_fixed,
                    platform,
                ),
                _manual(
                    facts,
                    "has_monitoring",
                    _("Security monitoring and warning in place"),
                    "has_monitoring",
                ),
                _manual(
                    facts, "has_emergency_drill", _("Emergency drill held"), "has_emergency_drill"
                ),
                _manual(
                    facts,
                    "has_security_officer",
                    _("Security officer named"),
                    "has_security_officer",
                ),
            ],
        )
    )
    sections += [
        ReportSection(
            _("Mobile new media"),
            [_manual(facts, "new_media_accounts", _("New-media accounts"), "new_media_accounts")],
        ),
        ReportSection(
            _("Innovation and development"),
            [_manual(facts, "innovation", _("Innovation and development"), "innovation")],
        ),
        ReportSection(
            _("Filled in by"),
            [
                _manual(facts, "filler", _("Filled in by"), "filler"),
                _manual(facts, "reviewer", _("Reviewed by"), "reviewer"),
                _manual(facts, "phone", _("Contact phone"), "phone"),
                _manual(facts, "filled_on", _("Filled in on"), "filled_on"),
            ],
        ),
    ]
    return YearlyWorkReport(
        target=target, year=year, sections=sections, generated_at=timezone.localtime()
    )


def render_yearly_work_report(report: YearlyWorkReport, *, fmt: str) -> tuple[bytes, str]:
    """The yearly work report as ``html``, ``pdf``, ``docx`` or ``xlsx``."""
    if fmt not in YEARLY_FORMATS:
        raise UnknownFormatError(fmt)
    if fmt == "docx":
        document = new_docx(font_size=10.5)
        document.add_heading(report.title, level=0)
        for section in report.sections:
            document.add_heading(section.title, level=1)
            add_docx_table(
                document,
                [_("Item"), _("Value"), _("Source")],
                [[item.label, item.display, item.source_label] for item in section.fields],
            )
        return docx_bytes(document), DOCX_CONTENT_TYPE
    if fmt == "xlsx":
        return _yearly_xlsx(report), XLSX_CONTENT_TYPE
    html = render_to_string("evaluation/documents/yearly_report.html", {"report": report})
    if fmt == "html":
        return html.encode(), HTML_CONTENT_TYPE
    return html_to_pdf(html), PDF_CONTENT_TYPE


def _yearly_xlsx(report: YearlyWorkReport) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(report.year)
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([_("Section"), _("Item"), _("Value"), _("Source")])
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for section in report.sections:
        for item in section.fields:
            value = item.value
            if isinstance(value, bool):
                value = item.display
            elif isinstance(value, date):
                value = f"{value:%Y-%m-%d}"
            sheet.append([section.title, item.label, value, item.source_label])
    for column, width in zip("ABCD", (22, 40, 30, 24), strict=True):
        sheet.column_dimensions[column].width = width
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
