"""The site checks: they see the whole crawl once it is over (pure, no ORM, no network).

=========================  ===========================  ======================================
check                      indicator                    on
=========================  ===========================  ======================================
home.not_updated           veto.home_not_updated        home's newest date over 2 weeks old
columns.stale              updates.columns              a column past its kind's deadline
columns.long_stale         updates.columns              a column not updated for over a year
columns.empty              updates.empty_columns        a column with nothing in it
columns.stale_veto         veto.columns_not_updated     stale columns over the line
columns.long_stale_veto    veto.columns_not_updated     long-stale columns over the line
columns.empty_veto         veto.columns_not_updated     empty columns over the line
links.broken_home          availability.home_links      a broken link on the home page
links.broken               availability.links           a broken link elsewhere
elder.missing              usability.elder_mode         no elder-mode entry on the home page
=========================  ===========================  ======================================
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from django.utils.translation import gettext as _

from zaixian.evaluation import rules
from zaixian.evaluation.checks import CrawlSummary, FindingData, LinkRecord, PageRecord
from zaixian.evaluation.rules import ColumnKind

# The query parameters and file names (index_2.html, list_3.shtml, /page/2/) of a column's
# further pages: they are one column with its first page.
_PAGE_QUERY_KEYS = frozenset(
    {"page", "pageno", "pagenum", "pageindex", "pagenumber", "p", "pn", "curpage", "currpage",
     "currentpage", "start", "offset"}
)  # fmt: skip
_PAGED_FILE_RE = re.compile(
    r"/(?P<stem>index|list|default|more|node)[_-](?P<number>\d{1,5})"
    r"(?P<ext>\.(?:s?html?|jsp|php|aspx?))$",
    re.IGNORECASE,
)
_PAGED_PATH_RE = re.compile(r"/page/(?P<number>\d{1,5})/?$", re.IGNORECASE)
# A folder's index page is the folder: /xwzx/gzdt/ and /xwzx/gzdt/index.shtml are one column.
_INDEX_FILE_RE = re.compile(r"/(?:index|default)\.(?:s?html?|jsp|php|aspx?)$", re.IGNORECASE)


def column_key(url: str) -> tuple[str, int]:
    """The URL that names the column of ``url`` (its first page, a folder's index page as the
    folder) and the page number of ``url`` in it (0 for the first page)."""
    parts = urlsplit(url)
    number = 0
    path = parts.path
    if match := _PAGED_FILE_RE.search(path):
        number = int(match["number"])
        path = f"{path[: match.start()]}/{match['stem']}{match['ext']}"
    elif match := _PAGED_PATH_RE.search(path):
        number = int(match["number"])
        path = path[: match.start()] + "/"
    path = _INDEX_FILE_RE.sub("/", path)
    query = []
    for key, value in parse_qsl(parts.query, keep_blank_values=True):
        if key.lower() in _PAGE_QUERY_KEYS:
            if value.isdigit():
                number = max(number, int(value))
            continue
        query.append((key, value))
    key = urlunsplit((parts.scheme, parts.netloc, path, urlencode(sorted(query)), ""))
    return key, number


@dataclass
class Column:
    """A column (栏目): its pages taken together, named by its first page."""

    url: str
    first_page: PageRecord
    newest_date: date | None
    item_count: int

    @property
    def name(self) -> str:
        facts = self.first_page.facts
        return str(facts.extra.get("column_name") or facts.title or self.url)

    @property
    def kind(self) -> str:
        return self.first_page.facts.column_kind or ColumnKind.OTHER

    @property
    def is_empty(self) -> bool:
        return self.item_count == 0 and self.newest_date is None


def columns_of(summary: CrawlSummary) -> list[Column]:
    """The crawl's columns, each once whatever the number of its pages."""
    groups: dict[str, list[tuple[int, PageRecord]]] = {}
    for page in summary.pages:
        if page.is_home or not page.facts.is_column:
            continue
        if page.status is None or page.status >= 400:
            continue
        key, number = column_key(page.url)
        groups.setdefault(key, []).append((number, page))
    columns = []
    for key, pages in groups.items():
        pages.sort(key=lambda pair: pair[0])
        dates = [page.facts.newest_date for _n, page in pages if page.facts.newest_date]
        columns.append(
            Column(
                url=key,
                first_page=pages[0][1],
                newest_date=max(dates) if dates else None,
                item_count=sum(page.facts.item_count for _n, page in pages),
            )
        )
    columns.sort(key=lambda column: column.url)
    return columns


def _deadline_days(kind: str) -> int | None:
    if kind == ColumnKind.NEWS:
        return rules.NEWS_COLUMN_STALE_DAYS
    if kind in {ColumnKind.NOTICE, ColumnKind.POLICY}:
        return rules.NOTICE_COLUMN_STALE_DAYS
    return None


def _kind_label(kind: str) -> str:
    labels: dict[str, str] = {
        ColumnKind.NEWS: _("news column"),
        ColumnKind.NOTICE: _("notice column"),
        ColumnKind.POLICY: _("policy column"),
    }
    return labels.get(kind, _("site column"))


def check_home_updated(summary: CrawlSummary) -> list[FindingData]:
    """``home.not_updated``: the home page's newest date is over ``HOME_STALE_DAYS`` old, or
    the home page shows no date at all."""
    home = summary.home
    if home is None or home.status is None or home.status >= 400:
        return []  # the availability checks report a home page that did not open
    newest = home.facts.newest_date
    if newest is None:
        evidence = _("The home page shows no dated information at all.")
    elif (summary.today - newest).days > rules.HOME_STALE_DAYS:
        evidence = _(
            "The home page's newest information is dated %(date)s, %(days)s days before the "
            "check (the line is %(line)s days)."
        ) % {
            "date": newest.isoformat(),
            "days": (summary.today - newest).days,
            "line": rules.HOME_STALE_DAYS,
        }
    else:
        return []
    return [
        FindingData(
            check="home.not_updated",
            indicator="veto.home_not_updated",
            evidence=evidence,
            page_url=home.url,
            detail={"newest_date": newest.isoformat() if newest else None},
        )
    ]


def check_columns(summary: CrawlSummary) -> list[FindingData]:
    """``columns.*``: each stale, long-stale or empty column once (a long-stale column is
    reported as such, not also as stale), then a veto finding for each count over its line.
    A long-stale news, notice or policy column also counts among the stale ones."""
    findings: list[FindingData] = []
    stale = long_stale = empty = 0
    for column in columns_of(summary):
        detail = {
            "column": column.name,
            "kind": column.kind,
            "newest_date": column.newest_date.isoformat() if column.newest_date else None,
            "item_count": column.item_count,
        }
        params = {"column": column.name, "kind": _kind_label(column.kind)}
        if column.is_empty:
            empty += 1
            findings.append(
                FindingData(
                    check="columns.empty",
                    indicator="updates.empty_columns",
                    evidence=_("The %(kind)s “%(column)s” has no content.") % params,
                    page_url=column.first_page.url,
                    detail=detail,
                )
            )
            continue
        age = (summary.today - column.newest_date).days if column.newest_date else None
        deadline = _deadline_days(column.kind)
        is_long_stale = age is None or age > rules.LONG_STALE_DAYS
        is_stale = deadline is not None and (age is None or age > deadline)
        stale += is_stale
        long_stale += is_long_stale
        if not (is_stale or is_long_stale):
            continue
        if column.newest_date is None:
            evidence = _("The %(kind)s “%(column)s” lists no dated item.") % params
        else:
            evidence = _(
                "The %(kind)s “%(column)s” was last updated on %(date)s, %(days)s days before "
                "the check (the line is %(line)s days)."
            ) % {
                **params,
                "date": column.newest_date.isoformat(),
                "days": age,
                "line": rules.LONG_STALE_DAYS if is_long_stale else deadline,
            }
        findings.append(
            FindingData(
                check="columns.long_stale" if is_long_stale else "columns.stale",
                indicator="updates.columns",
                evidence=evidence,
                page_url=column.first_page.url,
                detail={**detail, "age_days": age},
            )
        )
    vetoes = (
        (
            "columns.stale_veto",
            stale,
            rules.STALE_COLUMNS_VETO_OVER,
            _("%(count)s columns were not updated in time, over the line of %(line)s."),
        ),
        (
            "columns.long_stale_veto",
            long_stale,
            rules.LONG_STALE_COLUMNS_VETO_OVER,
            _("%(count)s columns were not updated for over a year, over the line of %(line)s."),
        ),
        (
            "columns.empty_veto",
            empty,
            rules.EMPTY_COLUMNS_VETO_OVER,
            _("%(count)s columns are empty, over the line of %(line)s."),
        ),
    )
    findings.extend(
        FindingData(
            check=check,
            indicator="veto.columns_not_updated",
            evidence=message % {"count": count, "line": line},
            page_url=summary.start_url,
            detail={"count": count, "line": line},
        )
        for check, count, line, message in vetoes
        if count > line
    )
    return findings


def _link_reason(link: LinkRecord) -> str:
    if link.status is not None:
        return _("HTTP status %(status)s") % {"status": link.status}
    return link.error or _("no response")


def check_links(summary: CrawlSummary) -> list[FindingData]:
    """``links.broken_home`` and ``links.broken``: each distinct broken target once; a
    target not checked (left out by robots.txt or the crawl's limits) is no finding."""
    findings = []
    home = summary.home
    for link in summary.links:
        if not getattr(link, "checked", True) or not link.is_broken:
            continue
        reason = _link_reason(link)
        on_home = link.on_home_page
        # A link on the home page may have been found first elsewhere: point at the home page.
        page_url = home.url if on_home and home is not None else link.found_on
        findings.append(
            FindingData(
                check="links.broken_home" if on_home else "links.broken",
                indicator="availability.home_links" if on_home else "availability.links",
                evidence=(
                    _("The home page links to %(url)s, which is broken (%(reason)s).")
                    if on_home
                    else _("The page %(page)s links to %(url)s, which is broken (%(reason)s).")
                )
                % {"url": link.url, "page": link.found_on, "reason": reason},
                page_url=page_url,
                link_url=link.url,
                detail={
                    "status": link.status,
                    "error": link.error,
                    "is_internal": link.is_internal,
                    "occurrences": link.occurrences,
                },
            )
        )
    return findings


def check_elder_mode(summary: CrawlSummary) -> list[FindingData]:
    """``elder.missing``: the home page has no entry to an elder-friendly (适老化) mode."""
    home = summary.home
    if home is None or home.status is None or home.status >= 400 or home.facts.has_elder_mode:
        return []
    return [
        FindingData(
            check="elder.missing",
            indicator="usability.elder_mode",
            evidence=_("The home page has no entry to an elder-friendly mode."),
            page_url=home.url,
        )
    ]


SITE_CHECKS: tuple[Callable[[CrawlSummary], list[FindingData]], ...] = (
    check_home_updated,
    check_columns,
    check_links,
    check_elder_mode,
)


def check_site(summary: CrawlSummary) -> list[FindingData]:
    """The findings of every site check on one crawl."""
    return [finding for check in SITE_CHECKS for finding in check(summary)]
