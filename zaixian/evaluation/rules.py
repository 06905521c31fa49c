"""The indicators of the State Council's inspection of government websites (国务院办公厅秘书局
《政府网站与政务新媒体检查指标》, 国办秘函〔2019〕19号) as data, and their lines (pure, no ORM).

A site fails outright when one single-veto item (单项否决指标) fails; otherwise deduction items
(扣分指标) take points from 100 and bonus items (加分指标) add points; below 60 the site fails.
The point values of each deduction item are this platform's reading of the table: each item
has a cap (its share of the 100 points) and a price per finding; an office may adjust them.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

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
