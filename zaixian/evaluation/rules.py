"""The indicators of the State Council's inspection of government websites (国务院办公厅秘书局
《政府网站与政务新媒体检查指标》, 国办秘函〔2019〕19号) as data, and their lines (pure, no ORM).

A site fails outright when one single-veto item (单项否决指标) fails; otherwise deduction items
(扣分指标) take points from 100 and bonus items (加分指标) add points; below 60 the site fails.
The point values of each deduction item are this platform's reading of the table: each item
has a cap (its share of the 100 points) and a price per finding; an office may adjust them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any, Protocol

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# Single-veto lines -----------------------------------------------------------------------------
# 站点无法访问: the home page probed over one week; a probe that has not opened within 15 s
# counts as a failure; failures at or over 5 % of all probes veto.
PROBE_TIMEOUT_SECONDS = 15
PROBES_PER_DAY_AT_LEAST = 20
AVAILABILITY_WINDOW_DAYS = 7
AVAILABILITY_VETO_RATE = Decimal("0.05")
# 网站不更新: no new information on the home page's columns in the 2 weeks before the check.
HOME_STALE_DAYS = 14
# 栏目不更新: news (动态、要闻) columns not updated in 2 weeks and notice or policy (通知公告、
# 政策文件) columns not updated in 6 months, more than 5 in all; columns not updated for over a
# year ("long stale"), more than 10; empty columns (a column with no content), more than 5.
NEWS_COLUMN_STALE_DAYS = 14
NOTICE_COLUMN_STALE_DAYS = 183
LONG_STALE_DAYS = 365
STALE_COLUMNS_VETO_OVER = 5
LONG_STALE_COLUMNS_VETO_OVER = 10
EMPTY_COLUMNS_VETO_OVER = 5
# 互动回应差: in the year before the check, a consultation, complaint or report message left
# unanswered for more than 3 months.
INTERACTION_WINDOW_DAYS = 365
UNANSWERED_VETO_DAYS = 90
# The total below which a site fails.
PASS_SCORE = Decimal("60")


class ColumnKind(StrEnum):
    """What kind of column (栏目) a list page is, by its name; it sets the column's deadline."""

    NEWS = "news"  # 动态、要闻: 2 weeks
    NOTICE = "notice"  # 通知公告: 6 months
    POLICY = "policy"  # 政策文件: 6 months
    OTHER = "other"  # only the long-stale (1 year) and empty lines apply


class Kind(StrEnum):
    VETO = "veto"
    DEDUCTION = "deduction"
    BONUS = "bonus"
    NOTICE = "notice"  # shown with the findings, never scored


@dataclass(frozen=True)
class Indicator:
    """One line of the scorecard. For deduction items ``cap`` is the most the item can take
    from 100 and ``price`` what one finding costs; for bonus items ``cap`` is what the item adds
    when it holds; veto items have neither."""

    code: str
    kind: Kind
    area: Promise  # the table's first-level indicator
    name: Promise
    cap: Decimal = Decimal("0")
    price: Decimal = Decimal("0")


_AVAILABILITY = _("Availability")
_UPDATES = _("Information updates")
_PUBLISHING = _("Publishing and interpretation")
_SERVICES = _("Online services")
_INTERACTION = _("Interaction")
_USABILITY = _("Design and usability")
_VETO = _("Single-veto items")
_BONUS = _("Bonus items")

D = Decimal
INDICATORS: tuple[Indicator, ...] = (
    # 单项否决指标
    Indicator("veto.security", Kind.VETO, _VETO, _("Security or secrecy incident")),
    Indicator("veto.availability", Kind.VETO, _VETO, _("Site cannot be opened")),
    Indicator("veto.home_not_updated", Kind.VETO, _VETO, _("Home page not updated")),
    Indicator("veto.columns_not_updated", Kind.VETO, _VETO, _("Columns not updated")),
    Indicator("veto.serious_errors", Kind.VETO, _VETO, _("Serious errors in content")),
    Indicator("veto.interaction", Kind.VETO, _VETO, _("Messages left unanswered")),
    # 扣分指标 (100 points)
    Indicator(
        "availability.home",
        Kind.DEDUCTION,
        _AVAILABILITY,
        _("Home page availability"),
        cap=D("5"),
        price=D("1"),
    ),
    Indicator(
        "availability.home_links",
        Kind.DEDUCTION,
        _AVAILABILITY,
        _("Broken links on the home page"),
        cap=D("5"),
        price=D("1"),
    ),
    Indicator(
        "availability.links",
        Kind.DEDUCTION,
        _AVAILABILITY,
        _("Broken links on other pages"),
        cap=D("5"),
        price=D("0.1"),
    ),
    Indicator(
        "updates.columns",
        Kind.DEDUCTION,
        _UPDATES,
        _("Columns not updated in time"),
        cap=D("10"),
        price=D("1"),
    ),
    Indicator(
        "updates.empty_columns",
        Kind.DEDUCTION,
        _UPDATES,
        _("Empty columns"),
        cap=D("5"),
        price=D("1"),
    ),
    Indicator(
        "publishing.undated",
        Kind.DEDUCTION,
        _PUBLISHING,
        _("Posts without a date"),
        cap=D("3"),
        price=D("0.5"),
    ),
    Indicator(
        "publishing.interpretation",
        Kind.DEDUCTION,
        _PUBLISHING,
        _("Policy documents without their interpretation"),
        cap=D("10"),
        price=D("1"),
    ),
    Indicator(
        "publishing.wording",
        Kind.DEDUCTION,
        _PUBLISHING,
        _("Wording errors"),
        cap=D("5"),
        price=D("0.5"),
    ),
    Indicator(
        "services.guides",
        Kind.DEDUCTION,
        _SERVICES,
        _("Service guides missing key elements"),
        cap=D("14"),
        price=D("1"),
    ),
    Indicator(
        "interaction.late_replies",
        Kind.DEDUCTION,
        _INTERACTION,
        _("Messages and hotline cases answered late"),
        cap=D("12"),
        price=D("0.5"),
    ),
    Indicator(
        "interaction.disclosure",
        Kind.DEDUCTION,
        _INTERACTION,
        _("Disclosure requests past their deadlines"),
        cap=D("8"),
        price=D("1"),
    ),
    Indicator(
        "usability.footer",
        Kind.DEDUCTION,
        _USABILITY,
        _("Mandatory footer (identification code, filing numbers, sponsor, contact)"),
        cap=D("4"),
        price=D("1"),
    ),
    Indicator(
        "usability.accessibility",
        Kind.DEDUCTION,
        _USABILITY,
        _("Accessibility (WCAG 2.1 AA, GB/T 37668)"),
        cap=D("5"),
        price=D("0.5"),
    ),
    Indicator(
        "usability.elder_mode",
        Kind.DEDUCTION,
        _USABILITY,
        _("Elder-friendly mode"),
        cap=D("2"),
        price=D("2"),
    ),
    Indicator(
        "usability.mobile",
        Kind.DEDUCTION,
        _USABILITY,
        _("Mobile friendliness"),
        cap=D("3"),
        price=D("0.5"),
    ),
    Indicator(
        "usability.html",
        Kind.DEDUCTION,
        _USABILITY,
        _("HTML validity"),
        cap=D("2"),
        price=D("0.2"),
    ),
    Indicator(
        "usability.performance",
        Kind.DEDUCTION,
        _USABILITY,
        _("Page weight and load time"),
        cap=D("2"),
        price=D("0.2"),
    ),
    # 加分指标
    Indicator(
        "bonus.accessibility",
        Kind.BONUS,
        _BONUS,
        _("No accessibility violations on the sampled pages"),
        cap=D("2"),
    ),
    Indicator(
        "bonus.availability",
        Kind.BONUS,
        _BONUS,
        _("Home page opened at every probe of the week"),
        cap=D("1"),
    ),
)
INDICATOR_BY_CODE = {indicator.code: indicator for indicator in INDICATORS}

# Notices: what the evaluation says without scoring it (e.g. too few probes were taken).
_NOTICES = _("Notices")
NOTICE_INDICATORS: tuple[Indicator, ...] = (
    Indicator(
        "notice.probes", Kind.NOTICE, _NOTICES, _("Too few availability probes in the window")
    ),
)
INDICATOR_BY_CODE.update({indicator.code: indicator for indicator in NOTICE_INDICATORS})
BASE_SCORE = Decimal("100")


# Scoring ---------------------------------------------------------------------------------------


class Verdict(StrEnum):
    PASSED = "passed"
    FAILED_VETO = "failed_veto"  # a single-veto item failed, whatever the total
    FAILED_SCORE = "failed_score"  # the total is below PASS_SCORE


class HasIndicator(Protocol):
    @property
    def indicator(self) -> str: ...


@dataclass(frozen=True)
class VetoLine:
    code: str
    findings: int

    @property
    def is_failed(self) -> bool:
        return self.findings > 0

    @property
    def name(self) -> str:
        return _indicator_name(self.code)


@dataclass(frozen=True)
class DeductionLine:
    code: str
    findings: int
    cap: Decimal
    price: Decimal

    @property
    def area(self) -> str:
        """The item's area, in the current language."""
        indicator = INDICATOR_BY_CODE.get(self.code)
        return str(indicator.area) if indicator else ""

    @property
    def points(self) -> Decimal:
        """What the item takes from 100: its findings at its price, never over its cap."""
        return min(self.cap, self.findings * self.price)

    @property
    def name(self) -> str:
        return _indicator_name(self.code)


@dataclass(frozen=True)
class BonusLine:
    code: str
    findings: int
    cap: Decimal

    @property
    def holds(self) -> bool:
        return self.findings > 0

    @property
    def points(self) -> Decimal:
        return self.cap if self.holds else Decimal("0")

    @property
    def name(self) -> str:
        return _indicator_name(self.code)


@dataclass(frozen=True)
class AreaSubtotal:
    area: str
    cap: Decimal
    points: Decimal  # deducted

    @property
    def score(self) -> Decimal:
        return self.cap - self.points


def _indicator_name(code: str) -> str:
    indicator = INDICATOR_BY_CODE.get(code)
    return str(indicator.name) if indicator else code


@dataclass(frozen=True)
class Scorecard:
    """A site's score: veto items, deduction items, bonus items and the verdict.

    ``total`` = 100 − deductions + bonuses. Each deduction item is capped and the caps add up
    to 100, so the total never falls below 0; bonuses are added on top and may take the total
    over 100 (as in the indicators' table, where bonus points are added to the score). The
    total is computed even when a veto item fails: offices still see the points, but the
    verdict is "failed" whatever the total."""

    vetoes: tuple[VetoLine, ...]
    deductions: tuple[DeductionLine, ...]
    bonuses: tuple[BonusLine, ...]

    @property
    def deducted(self) -> Decimal:
        return sum((line.points for line in self.deductions), Decimal("0"))

    @property
    def bonus(self) -> Decimal:
        return sum((line.points for line in self.bonuses), Decimal("0"))

    @property
    def total(self) -> Decimal:
        return max(Decimal("0"), BASE_SCORE - self.deducted) + self.bonus

    @property
    def vetoes_failed(self) -> int:
        return sum(1 for line in self.vetoes if line.is_failed)

    @property
    def verdict(self) -> Verdict:
        if self.vetoes_failed:
            return Verdict.FAILED_VETO
        if self.total < PASS_SCORE:
            return Verdict.FAILED_SCORE
        return Verdict.PASSED

    @property
    def is_passed(self) -> bool:
        return self.verdict == Verdict.PASSED

    @property
    def areas(self) -> list[AreaSubtotal]:
        """Deduction subtotals per area, in the table's order."""
        subtotals: dict[str, list[Decimal]] = {}
        for line in self.deductions:
            cap_and_points = subtotals.setdefault(line.area, [Decimal("0"), Decimal("0")])
            cap_and_points[0] += line.cap
            cap_and_points[1] += line.points
        return [AreaSubtotal(area, cap, points) for area, (cap, points) in subtotals.items()]

    def to_json(self) -> dict[str, Any]:
        """The scorecard as stored in ``EvaluationRun.scorecard`` (strings for decimals, so
        the JSON column keeps them exact)."""
        return {
            "version": 1,
            "total": str(self.total),
            "deducted": str(self.deducted),
            "bonus": str(self.bonus),
            "verdict": str(self.verdict),
            "is_passed": self.is_passed,
            "vetoes_failed": self.vetoes_failed,
            "vetoes": [{"code": line.code, "findings": line.findings} for line in self.vetoes],
            "deductions": [
                {
                    "code": line.code,
                    "findings": line.findings,
                    "cap": str(line.cap),
                    "price": str(line.price),
                    "points": str(line.points),
                }
                for line in self.deductions
            ],
            "bonuses": [
                {
                    "code": line.code,
                    "findings": line.findings,
                    "cap": str(line.cap),
                    "points": str(line.points),
                }
                for line in self.bonuses
            ],
            "areas": [
                {"area": area.area, "cap": str(area.cap), "points": str(area.points)}
                for area in self.areas
            ],
        }

    @classmethod
    def from_json(cls, stored: dict[str, Any]) -> Scorecard:
        """The stored scorecard again, with the caps and prices it was scored with."""
        return cls(
            vetoes=tuple(
                VetoLine(code=row["code"], findings=int(row["findings"]))
                for row in stored.get("vetoes", ())
            ),
            deductions=tuple(
                DeductionLine(
                    code=row["code"],
                    findings=int(row["findings"]),
                    cap=Decimal(row["cap"]),
                    price=Decimal(row["price"]),
                )
                for row in stored.get("deductions", ())
            ),
            bonuses=tuple(
                BonusLine(code=row["code"], findings=int(row["findings"]), cap=Decimal(row["cap"]))
                for row in stored.get("bonuses", ())
            ),
        )


def score(findings: Iterable[HasIndicator], *, extra_bonus: Iterable[str] = ()) -> Scorecard:
    """Score a run's findings against ``INDICATORS``.

    A finding under a veto code fails that item (the checks emit a veto finding only when the
    item's line is crossed); a deduction item costs ``min(cap, findings × price)``; a finding
    under a bonus code (or the code in ``extra_bonus``, e.g. a bonus an office recorded by
    hand) means the bonus holds. Findings under notice or unknown codes do not score."""
    counts = Counter(finding.indicator for finding in findings)
    for code in extra_bonus:
        counts[code] = max(counts[code], 1)
    return Scorecard(
        vetoes=tuple(
            VetoLine(code=i.code, findings=counts[i.code])
            for i in INDICATORS
            if i.kind == Kind.VETO
        ),
        deductions=tuple(
            DeductionLine(code=i.code, findings=counts[i.code], cap=i.cap, price=i.price)
            for i in INDICATORS
            if i.kind == Kind.DEDUCTION
        ),
        bonuses=tuple(
            BonusLine(code=i.code, findings=counts[i.code], cap=i.cap)
            for i in INDICATORS
            if i.kind == Kind.BONUS
        ),
    )


def price_of(code: str) -> Decimal:
    """What one finding under ``code`` costs (0 for veto, bonus, notice and unknown codes), for
    the ``points`` shown next to each finding; the item's cap applies to the total only."""
    indicator = INDICATOR_BY_CODE.get(code)
    return indicator.price if indicator and indicator.kind == Kind.DEDUCTION else Decimal("0")


# Availability ----------------------------------------------------------------------------------


def availability_rate(*, probes: int, failures: int) -> Decimal | None:
    """Failed probes over all probes (None without probes)."""
    if probes <= 0:
        return None
    return Decimal(failures) / Decimal(probes)


@dataclass(frozen=True)
class AvailabilityFigures:
    """The availability window of a site: probes and failures, and the days short of probes."""

    start: date
    end: date  # inclusive
    probes: int
    failures: int
    short_days: tuple[tuple[date, int], ...]  # days with fewer than PROBES_PER_DAY_AT_LEAST

    @property
    def rate(self) -> Decimal | None:
        return availability_rate(probes=self.probes, failures=self.failures)

    @property
    def is_vetoed(self) -> bool:
        """站点无法访问: failures at or over 5 % of the window's probes."""
        return self.rate is not None and self.rate >= AVAILABILITY_VETO_RATE

    @property
    def has_enough_probes(self) -> bool:
        """At least ``PROBES_PER_DAY_AT_LEAST`` probes on every day of the window."""
        return self.probes > 0 and not self.short_days

    @property
    def always_up(self) -> bool:
        return self.has_enough_probes and self.failures == 0


def availability_figures(
    probes: Iterable[tuple[date, bool]], *, end: date, days: int = AVAILABILITY_WINDOW_DAYS
) -> AvailabilityFigures:
    """Figures of the ``days`` days ending with ``end`` from (local day, opened) pairs; probes
    outside the window are ignored."""
    start = end - timedelta(days=days - 1)
    per_day: Counter[date] = Counter()
    failures = 0
    for day, is_up in probes:
        if start <= day <= end:
            per_day[day] += 1
            failures += 0 if is_up else 1
    short = tuple(
        (day, per_day[day])
        for day in (start + timedelta(days=n) for n in range(days))
        if per_day[day] < PROBES_PER_DAY_AT_LEAST
    )
    return AvailabilityFigures(
        start=start, end=end, probes=sum(per_day.values()), failures=failures, short_days=short
    )
