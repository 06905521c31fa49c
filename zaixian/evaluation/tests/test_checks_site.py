"""Site checks (checks/site.py) over synthetic crawls, and the page facts they are built from
(checks/content.py) on realistic pages."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.utils import translation

from zaixian.evaluation import rules
from zaixian.evaluation.checks import (
    CrawlSummary,
    LinkRecord,
    PageFacts,
    PageRecord,
    PageSnapshot,
)
from zaixian.evaluation.checks.content import page_facts
from zaixian.evaluation.checks.site import (
    check_columns,
    check_elder_mode,
    check_home_updated,
    check_links,
    check_site,
    column_key,
)
from zaixian.evaluation.rules import INDICATOR_BY_CODE, ColumnKind

TODAY = date(2026, 11, 27)
FETCHED_AT = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = "https://www.jcgov.gov.cn"


@pytest.fixture(autouse=True)
def _english():
    """Evidence is asserted in its English msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


# Page facts ------------------------------------------------------------------------------------


def facts_of(html: str, *, url: str = f"{SITE}/xwzx/gzdt/", is_home: bool = False) -> PageFacts:
    return page_facts(
        PageSnapshot(
            url=url,
            status=200,
            content_type="text/html",
            body=html.encode(),
            elapsed_ms=100,
            depth=1,
            fetched_at=FETCHED_AT,
            text=html,
            tree=lxml.html.document_fromstring(html),
            is_home=is_home,
        )
    )


def page(title: str, main: str) -> str:
    return f"""<!DOCTYPE html><html lang="zh-CN"><head><meta charset="utf-8">
<title>{title}</title></head><body>
<div class="header"><ul><li><a href="/">首页</a></li><li><a href="/zwgk/">政务公开</a></li>
<li><a href="/zcjd/">政策解读</a></li></ul></div>
<div class="main">{main}</div>
<div class="footer">主办单位：晋城市人民政府办公室 网站标识码：1405000001</div>
</body></html>"""


def list_items(*dates: str) -> str:
    return "".join(
        f'<li><a href="t{n}.shtml">晋城市第{n}条信息标题</a><span class="date">{d}</span></li>'
        for n, d in enumerate(dates)
    )


def test_news_column_facts():
    html = page(
        "工作动态 - 晋城市人民政府",
        '<div class="position">当前位置：首页 &gt; 新闻中心 &gt; 工作动态</div>'
        f'<ul class="list">{list_items("2026-11-26", "2026/11/20", "2026年11月3日")}</ul>',
    )

    facts = facts_of(html)

    assert facts.is_column
    assert facts.column_kind == ColumnKind.NEWS
    assert facts.item_count == 3
    assert facts.newest_date == date(2026, 11, 26)
    assert facts.extra["column_name"] == "工作动态"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("要闻", ColumnKind.NEWS),
        ("图片新闻", ColumnKind.NEWS),
        ("县区动态", ColumnKind.NEWS),
        ("通知公告", ColumnKind.NOTICE),
        ("公示公告", ColumnKind.NOTICE),
        ("政策文件", ColumnKind.POLICY),
        ("规范性文件", ColumnKind.POLICY),
        ("市政府规章", ColumnKind.POLICY),
        ("人事信息", ColumnKind.OTHER),
    ],
)
def test_column_kind_from_its_name(name, kind):
    html = page(
        f"{name}_晋城市人民政府", f"<h2>{name}</h2><ul>{list_items(*['2026-11-01'] * 3)}</ul>"
    )

    assert facts_of(html).column_kind == kind


def test_column_in_a_table_of_dated_rows():
    rows = "".join(
        f'<tr><td><a href="t{n}.shtml">关于第{n}批项目的公示</a></td><td>2026-10-{n + 10}</td></tr>'
        for n in range(5)
    )
    html = page(
        "公示公告 - 晋城市人民政府", f"<table><tr><th>标题</th><th>发布日期</th></tr>{rows}</table>"
    )

    facts = facts_of(html)

    assert facts.is_column
    assert facts.column_kind == ColumnKind.NOTICE
    assert facts.item_count == 5
    assert facts.newest_date == date(2026, 10, 14)


def test_column_of_two_items_is_a_column():
    html = page(
        "县区动态 - 晋城市人民政府",
        f'<ul class="list">{list_items("2026-11-25", "2026-11-22")}</ul>',
    )

    facts = facts_of(html)

    assert facts.is_column
    assert facts.item_count == 2


def test_undated_article_with_two_related_links_is_no_column():
    html = page(
        "市图书馆开展全民阅读推广活动 - 晋城市人民政府",
        "<h1>市图书馆开展全民阅读推广活动</h1>"
        + "<p>近日，市图书馆在全市开展全民阅读推广活动，发放图书一千余册，惠及群众五千余人次。</p>"
        * 3
        + f"<h3>相关文章</h3><ul>{list_items('2026-11-20', '2026-11-18')}</ul>",
    )

    facts = facts_of(html, url=f"{SITE}/xwzx/bmdt/202611/t20261125_3.shtml")

    assert not facts.is_column
    assert facts.extra == {"is_article": True, "has_date": False}


def test_empty_column_has_no_items():
    html = page(
        "通知公告 - 晋城市人民政府", '<ul class="list"></ul><div class="empty">暂无信息</div>'
    )

    facts = facts_of(html)

    assert facts.is_column
    assert facts.item_count == 0
    assert facts.newest_date is None
    assert facts.extra["is_empty_column"]


def test_dates_after_tomorrow_are_not_publication_dates():
    html = page(
        "通知公告 - 晋城市人民政府",
        f"<ul>{list_items('2027-01-01', '2026-11-20', '2026-11-19')}</ul>",
    )

    assert facts_of(html).newest_date == date(2026, 11, 20)


def test_article_date_is_its_labelled_date_not_its_related_links():
    html = page(
        "市政府召开常务会议 - 晋城市人民政府",
        "<h1>市政府召开常务会议</h1><div>发布日期：2026年11月02日 来源：市政府办公室</div>"
        "<p>根据晋市政发〔2026〕12号文件，会议研究部署了2027年1月1日起施行的事项。</p>"
        f"<ul>{list_items('2026-11-25', '2026-11-24', '2026-11-23')}</ul>",
    )

    facts = facts_of(html, url=f"{SITE}/xwzx/gzdt/202611/t20261102_1.shtml")

    assert not facts.is_column
    assert facts.newest_date == date(2026, 11, 2)
    assert facts.extra == {"is_article": True, "has_date": True}


@pytest.mark.parametrize("label", ["发布时间：", "时间：", "日期:", "发布于 ", "更新时间："])
def test_article_date_labels(label):
    html = page(
        "全市安全生产工作会议召开 - 晋城市人民政府",
        f"<h1>全市安全生产工作会议召开</h1><div>来源：市应急管理局 {label}2026-11-20</div>"
        "<p>会议强调，要从严从实抓好冬季安全生产各项工作。</p>" * 5,
    )

    facts = facts_of(html, url=f"{SITE}/xwzx/gzdt/202611/t20261120_7.shtml")

    assert facts.newest_date == date(2026, 11, 20)
    assert facts.extra["is_article"]


def test_home_page_facts():
    html = page(
        "晋城市人民政府",
        '<a href="/zhbb/" class="elder">关怀版</a>'
        f"<ul>{list_items('2026-11-26', '2026-11-25', '2026-11-24')}</ul>",
    )

    facts = facts_of(html, url=f"{SITE}/", is_home=True)

    assert not facts.is_column
    assert facts.newest_date == date(2026, 11, 26)
    assert facts.has_elder_mode


def test_home_page_clock_is_no_update_and_year_less_item_dates_count():
    items = "".join(
        f'<li><a href="t{n}.shtml">市领导调研第{n}项重点工程</a><span>[{d}]</span></li>'
        for n, d in enumerate(["11-02", "10-30", "10-28"])
    )
    html = page(
        "晋城市人民政府", f'<div class="date">今天是2026年11月27日 星期五</div><ul>{items}</ul>'
    )

    facts = facts_of(html, url=f"{SITE}/", is_home=True)

    assert facts.newest_date == date(2026, 11, 2)


def test_year_less_item_date_after_tomorrow_is_last_years():
    items = "".join(
        f'<li><a href="t{n}.shtml">第{n}条通知</a> {d}</li>'
        for n, d in enumerate(["12-30", "12-29", "12-28"])
    )

    facts = facts_of(page("通知公告", f"<ul>{items}</ul>"))

    assert facts.newest_date == date(2025, 12, 30)


def test_elder_mode_words_outside_a_control_do_not_count():
    html = page("晋城市人民政府", "<p>我市推进公共服务适老化改造</p>")

    assert not facts_of(html, url=f"{SITE}/", is_home=True).has_elder_mode


def test_elder_mode_image_button_counts():
    html = page("晋城市人民政府", '<a href="/wza/"><img src="old.png" alt="长者模式"></a>')

    assert facts_of(html, url=f"{SITE}/", is_home=True).has_elder_mode


def test_malformed_html_still_gives_facts():
    html = (
        "<html><head><title>工作动态</title><body><div><ul>"
        '<li><a href="a.html">一则<b>动态</a>2026-11-20'
        '<li><a href="b.html">二则动态</a></span>2026-11-19'
        '<li><a href="c.html">三则动态</a>2026-11-18</div></div><p>尾部<table><tr><td>'
    )

    facts = facts_of(html)

    assert facts.is_column
    assert facts.newest_date == date(2026, 11, 20)


# Site checks -----------------------------------------------------------------------------------


def record(url: str, facts: PageFacts, *, is_home: bool = False, status: int = 200) -> PageRecord:
    return PageRecord(
        url=url,
        status=status,
        error="",
        content_type="text/html",
        depth=0 if is_home else 2,
        size_bytes=20_000,
        elapsed_ms=100,
        facts=facts,
        is_home=is_home,
    )


def home(*, age_days: int | None = 1, has_elder_mode: bool = True) -> PageRecord:
    newest = TODAY - timedelta(days=age_days) if age_days is not None else None
    return record(
        f"{SITE}/",
        PageFacts(title="晋城市人民政府", newest_date=newest, has_elder_mode=has_elder_mode),
        is_home=True,
    )


def column(
    url: str, kind: str = ColumnKind.NEWS, *, age_days: int | None = 1, items: int = 20
) -> PageRecord:
    newest = TODAY - timedelta(days=age_days) if age_days is not None else None
    return record(
        url,
        PageFacts(
            title="栏目",
            newest_date=newest,
            is_column=True,
            column_kind=kind,
            item_count=items if newest else 0,
        ),
    )


def summary(*pages: PageRecord, links: tuple[LinkRecord, ...] = ()) -> CrawlSummary:
    return CrawlSummary(start_url=f"{SITE}/", pages=list(pages), links=list(links), today=TODAY)


@pytest.mark.parametrize(
    ("age_days", "found"), [(rules.HOME_STALE_DAYS, False), (rules.HOME_STALE_DAYS + 1, True)]
)
def test_home_not_updated_over_the_line(age_days, found):
    findings = check_home_updated(summary(home(age_days=age_days)))

    assert [(f.check, f.indicator) for f in findings] == (
        [("home.not_updated", "veto.home_not_updated")] if found else []
    )


def test_home_without_any_date_is_not_updated():
    [finding] = check_home_updated(summary(home(age_days=None)))

    assert finding.check == "home.not_updated"


def test_home_that_did_not_open_is_left_to_availability():
    failed = record(f"{SITE}/", PageFacts(), is_home=True, status=503)

    assert check_home_updated(summary(failed)) == []
    assert check_elder_mode(summary(failed)) == []


@pytest.mark.parametrize(
    ("kind", "age_days", "check"),
    [
        (ColumnKind.NEWS, rules.NEWS_COLUMN_STALE_DAYS, None),
        (ColumnKind.NEWS, rules.NEWS_COLUMN_STALE_DAYS + 1, "columns.stale"),
        (ColumnKind.NOTICE, rules.NOTICE_COLUMN_STALE_DAYS, None),
        (ColumnKind.NOTICE, rules.NOTICE_COLUMN_STALE_DAYS + 1, "columns.stale"),
        (ColumnKind.POLICY, rules.NOTICE_COLUMN_STALE_DAYS + 1, "columns.stale"),
        (ColumnKind.OTHER, rules.NOTICE_COLUMN_STALE_DAYS + 1, None),
        (ColumnKind.OTHER, rules.LONG_STALE_DAYS, None),
        (ColumnKind.OTHER, rules.LONG_STALE_DAYS + 1, "columns.long_stale"),
        (ColumnKind.NEWS, rules.LONG_STALE_DAYS + 1, "columns.long_stale"),
    ],
)
def test_column_updates_against_its_kinds_line(kind, age_days, check):
    findings = check_columns(summary(home(), column(f"{SITE}/xwzx/gzdt/", kind, age_days=age_days)))

    assert [f.check for f in findings] == ([check] if check else [])
    assert all(f.indicator == "updates.columns" for f in findings)


def test_stale_column_evidence_names_its_last_date():
    [finding] = check_columns(summary(column(f"{SITE}/xwzx/gzdt/", age_days=20)))

    assert (TODAY - timedelta(days=20)).isoformat() in finding.evidence
    assert finding.page_url == f"{SITE}/xwzx/gzdt/"


def test_empty_column_is_found():
    [finding] = check_columns(
        summary(column(f"{SITE}/zwgk/tzgg/", ColumnKind.NOTICE, age_days=None))
    )

    assert (finding.check, finding.indicator) == ("columns.empty", "updates.empty_columns")


def test_pages_of_one_column_count_once():
    pages = [
        column(f"{SITE}/xwzx/gzdt/", age_days=30),
        column(f"{SITE}/xwzx/gzdt/index.shtml", age_days=30),
        column(f"{SITE}/xwzx/gzdt/index_1.shtml", age_days=60),
        column(f"{SITE}/xwzx/gzdt/index_2.shtml", age_days=90),
        column(f"{SITE}/list.jsp?catid=12&page=2", age_days=40),
        column(f"{SITE}/list.jsp?page=3&catid=12", age_days=50),
    ]

    findings = check_columns(summary(*pages))

    assert sorted((f.page_url, f.detail["newest_date"]) for f in findings) == [
        (f"{SITE}/list.jsp?catid=12&page=2", (TODAY - timedelta(days=40)).isoformat()),
        (f"{SITE}/xwzx/gzdt/", (TODAY - timedelta(days=30)).isoformat()),
    ]


@pytest.mark.parametrize(
    ("url", "key", "number"),
    [
        (f"{SITE}/xwzx/gzdt/", f"{SITE}/xwzx/gzdt/", 0),
        (f"{SITE}/xwzx/gzdt/index.shtml", f"{SITE}/xwzx/gzdt/", 0),
        (f"{SITE}/xwzx/gzdt/index_3.shtml", f"{SITE}/xwzx/gzdt/", 3),
        (f"{SITE}/col/list_2.html", f"{SITE}/col/list.html", 2),
        (f"{SITE}/news/page/4/", f"{SITE}/news/", 4),
        (f"{SITE}/list.jsp?catid=12&pageNo=5", f"{SITE}/list.jsp?catid=12", 5),
        (f"{SITE}/xwzx/gzdt/t20261120_1001.shtml", f"{SITE}/xwzx/gzdt/t20261120_1001.shtml", 0),
    ],
)
def test_column_key(url, key, number):
    assert column_key(url) == (key, number)


@pytest.mark.parametrize(
    ("stale", "vetoed"),
    [(rules.STALE_COLUMNS_VETO_OVER, False), (rules.STALE_COLUMNS_VETO_OVER + 1, True)],
)
def test_stale_columns_veto_over_the_line(stale, vetoed):
    pages = [column(f"{SITE}/c{n}/", age_days=15) for n in range(stale)]

    findings = check_columns(summary(home(), *pages))

    vetoes = [f for f in findings if f.indicator == "veto.columns_not_updated"]
    assert [f.check for f in vetoes] == (["columns.stale_veto"] if vetoed else [])
    assert sum(f.check == "columns.stale" for f in findings) == stale
    if vetoed:
        assert vetoes[0].detail == {"count": stale, "line": rules.STALE_COLUMNS_VETO_OVER}
        assert str(stale) in vetoes[0].evidence


@pytest.mark.parametrize(
    ("count", "vetoed"),
    [(rules.LONG_STALE_COLUMNS_VETO_OVER, False), (rules.LONG_STALE_COLUMNS_VETO_OVER + 1, True)],
)
def test_long_stale_columns_veto_over_the_line(count, vetoed):
    pages = [
        column(f"{SITE}/c{n}/", ColumnKind.OTHER, age_days=rules.LONG_STALE_DAYS + 1)
        for n in range(count)
    ]

    findings = check_columns(summary(*pages))

    assert ("columns.long_stale_veto" in [f.check for f in findings]) is vetoed


@pytest.mark.parametrize(
    ("count", "vetoed"),
    [(rules.EMPTY_COLUMNS_VETO_OVER, False), (rules.EMPTY_COLUMNS_VETO_OVER + 1, True)],
)
def test_empty_columns_veto_over_the_line(count, vetoed):
    pages = [column(f"{SITE}/c{n}/", age_days=None) for n in range(count)]

    findings = check_columns(summary(*pages))

    assert ("columns.empty_veto" in [f.check for f in findings]) is vetoed


def link(url: str, *, status: int | None, on_home: bool = False, error: str = "") -> LinkRecord:
    return LinkRecord(
        url=url,
        found_on=f"{SITE}/" if on_home else f"{SITE}/xwzx/gzdt/",
        occurrences=2,
        is_internal=url.startswith(SITE),
        on_home_page=on_home,
        status=status,
        error=error,
    )


def test_broken_links_on_home_and_elsewhere():
    links = (
        link(f"{SITE}/zwgk/old.html", status=404, on_home=True),
        link("https://www.example-bureau.gov.cn/", status=None, error="connection timed out"),
        link(f"{SITE}/ok.html", status=200),
        link(f"{SITE}/moved.html", status=301),
    )

    findings = check_links(summary(home(), links=links))

    assert [(f.check, f.indicator, f.link_url) for f in findings] == [
        ("links.broken_home", "availability.home_links", f"{SITE}/zwgk/old.html"),
        ("links.broken", "availability.links", "https://www.example-bureau.gov.cn/"),
    ]
    assert "404" in findings[0].evidence
    assert "connection timed out" in findings[1].evidence
    assert findings[1].page_url == f"{SITE}/xwzx/gzdt/"


def test_unchecked_links_are_skipped():
    unchecked = link("https://www.example.com/", status=None)
    unchecked.checked = False  # the field another part of the crawl may set

    assert check_links(summary(home(), links=(unchecked,))) == []


def test_home_without_elder_mode_is_found():
    [finding] = check_elder_mode(summary(home(has_elder_mode=False)))

    assert (finding.check, finding.indicator) == ("elder.missing", "usability.elder_mode")


def test_healthy_site_yields_no_finding():
    pages = [
        home(),
        column(f"{SITE}/xwzx/gzdt/", ColumnKind.NEWS, age_days=3),
        column(f"{SITE}/zwgk/tzgg/", ColumnKind.NOTICE, age_days=100),
        column(f"{SITE}/zwgk/rsxx/", ColumnKind.OTHER, age_days=300),
    ]

    assert check_site(summary(*pages, links=(link(f"{SITE}/a.html", status=200),))) == []


def test_every_site_finding_names_a_known_indicator():
    pages = [home(age_days=30, has_elder_mode=False)] + [
        column(f"{SITE}/c{n}/", age_days=None if n % 2 else 400) for n in range(30)
    ]

    findings = check_site(summary(*pages, links=(link(f"{SITE}/x", status=500, on_home=True),)))

    assert {f.check for f in findings} >= {
        "home.not_updated",
        "columns.long_stale",
        "columns.empty",
        "columns.stale_veto",
        "columns.long_stale_veto",
        "columns.empty_veto",
        "links.broken_home",
        "elder.missing",
    }
    assert all(f.indicator in INDICATOR_BY_CODE for f in findings)
