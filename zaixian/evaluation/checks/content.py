"""What a page says, read once from its parsed tree: visible text, dates, whether it is a
column (栏目) list or an article, the column's kind, the elder-mode entry (pure, no ORM).

Every page check and ``page_facts`` read a page through ``analyze``, which keeps the analysis
of the last snapshot so that the dozen checks that look at a page walk its tree only once.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from django.utils import timezone
from lxml import etree

from zaixian.evaluation.checks import PageFacts, PageSnapshot
from zaixian.evaluation.rules import ColumnKind

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# Elements that start a new line of text; inline elements (span, b, a, font) join their
# neighbours, so a word split by an editor's markup (人民<span>政府</span>) reads whole.
_BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div",
        "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3",
        "h4", "h5", "h6", "head", "header", "hr", "html", "iframe", "img", "input", "li",
        "main", "nav", "ol", "option", "p", "pre", "section", "select", "table", "tbody",
        "td", "textarea", "tfoot", "th", "thead", "title", "tr", "ul",
    }
)  # fmt: skip
_INVISIBLE_TAGS = frozenset({"script", "style", "template"})

# The pattern starts with its literal first digits, so that the engine skips ahead fast over
# Chinese text; the look-behind after them keeps a longer number from reading as a year.
_DATE = (
    r"((?:19|20)\d{2})(?<!\d{5})\s*(?:[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})"
    r"|年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日)(?!\d)"
)
DATE_RE = re.compile(_DATE)
# The article's own date follows a label: "发布时间：2025-11-20", "日期:2025年11月20日".
_LABEL_BEFORE_RE = re.compile(r"(?:发布于|时间|日期)[\s:：]{0,3}$")
# Today's date as a page header shows it ("2026年11月27日 星期五"): a clock, not an update.
_WEEKDAY_AFTER_RE = re.compile(r"\s*(?:星期|周|礼拜)[一二三四五六日天]")
# A list item's date without its year ("11-26", "[11/26]"), as home-page lists often show it.
_SHORT_DATE_RE = re.compile(r"[\[【(（]?(\d{1,2})[-/.](\d{1,2})[\]】)）]?$")
# The words a CMS shows in a column that has nothing in it.
EMPTY_COLUMN_RE = re.compile(
    r"暂无(?:相关)?(?:信息|数据|内容|记录|文章|新闻)|没有(?:相关)?(?:信息|数据|记录)"
)
# The names of an elder-friendly (适老化) version or switch, as links and buttons show them.
ELDER_MODE_RE = re.compile(
    r"适老化|长者模式|长者版|长辈版|关怀版|关怀模式|老年模式|老人模式|大字版|无障碍|读屏"
)
# Column kinds, tried in this order on the column's name.
_COLUMN_KIND_RES: tuple[tuple[ColumnKind, re.Pattern[str]], ...] = (
    (ColumnKind.NEWS, re.compile(r"动态|要闻|新闻|图片新闻|部门动态|县区动态|政务资讯|工作信息")),
    (ColumnKind.NOTICE, re.compile(r"通知|公告|公示|通告")),
    (ColumnKind.POLICY, re.compile(r"政策|文件|规章|规范性文件|法规")),
)
_TITLE_SPLIT_RE = re.compile(r"\s*[-_|｜—–·]+\s*")
_CRUMB_SPLIT_RE = re.compile(r"\s*(?:>>|>|»|＞|→|/|›)\s*")
# Pages that are neither posts nor columns: a missing date there is no fault.
_STATIC_PAGE_RE = re.compile(
    r"联系我们|网站地图|关于我们|网站声明|隐私|使用帮助|帮助中心|搜索|登录|注册|领导信息|领导简介"
    r"|机构职能|机构设置|网站纠错|404|页面不存在|找不到"
)
# Articles published by the usual CMSs (TRS, Hanweb, DEDE): their URL or content container.
ARTICLE_URL_RE = re.compile(
    r"/t\d{8}_\d+\.s?html?|/art/\d{4}/|/content_\d+|/\d{6}/t\d+|/(?:detail|article|show|view)"
    r"[/_-]?\d*",
    re.IGNORECASE,
)
_ARTICLE_CONTAINER = etree.XPath(
    "//*[contains(@class,'TRS_Editor') or contains(@class,'Custom_UnionStyle')"
    " or contains(@class,'article') or contains(@id,'article') or contains(@id,'zoom')"
    " or contains(@class,'zoom') or contains(@class,'detail') or contains(@id,'detail')"
    " or contains(@class,'content') or contains(@id,'content')]"
)
_BREADCRUMB = etree.XPath(
    "//*[contains(@class,'crumb') or contains(@class,'position') or contains(@id,'position')"
    " or contains(@class,'location') or contains(@id,'location') or contains(@class,'dqwz')"
    " or contains(@class,'weizhi') or contains(@class,'curr-pos')]"
)
# The site's footer, the same on every page: its words (联系电话, 主办) are not the page's.
_FOOTERS = etree.XPath(
    "//footer|//*[contains(@class,'footer') or contains(@id,'footer') or @class='foot'"
    " or @id='foot' or contains(@class,'copyright') or contains(@id,'copyright')]"
)
_HEADINGS = etree.XPath("//h1|//h2|//h3")
_PARAGRAPHS = etree.XPath(
    "//p[not(ancestor::li or ancestor::table or ancestor::footer"
    " or ancestor::*[contains(@class,'footer') or contains(@id,'footer')])]"
)
_LIST_ITEMS = etree.XPath("//li[.//a]|//tr[.//a]")
_CONTROLS = etree.XPath("//a|//button|//*[@role='button']")
_ANCHORS = etree.XPath("//a")

# A column page lists at least this many dated items (fewer is a page with a few links).
MIN_COLUMN_ITEMS = 3
# A date in the page counts as the article's own when it comes this close after its heading.
ARTICLE_DATE_WINDOW_CHARS = 120
# Body text (characters) that makes a page with a heading an article.
MIN_ARTICLE_TEXT_CHARS = 150
# Paragraph text (characters, outside lists) that a page listing one or two dated links has
# to stay under to count as a column: an article's body is longer, a column's blurb shorter.
MAX_COLUMN_PARAGRAPH_CHARS = 80


def visible_text(root: HtmlElement) -> str:
    """The text a reader sees, in document order: no script, style or comments, no
    attributes; block elements on their own lines, inline elements joined."""
    parts: list[str] = []
    append = parts.append
    for event, element in etree.iterwalk(root, events=("start", "end")):
        if element is root and event == "end":
            break  # the root's tail is outside it
        tag = element.tag
        if not isinstance(tag, str):  # a comment or processing instruction
            if event == "end" and element.tail:
                append(element.tail)
            continue
        is_block = tag in _BLOCK_TAGS
        if event == "start":
            if is_block:
                append("\n")
            if element.text and tag not in _INVISIBLE_TAGS:
                append(element.text)
        else:
            if is_block:
                append("\n")
            if element.tail:
                append(element.tail)
    return "".join(parts)


def _to_date(match: re.Match[str]) -> date | None:
    year = int(match.group(1))
    month = int(match.group(2) or match.group(4))
    day = int(match.group(3) or match.group(5))
    try:
        return date(year, month, day)
    except ValueError:
        return None


def dated_matches(text: str, *, today: date) -> list[tuple[date, bool]]:
    """Every plausible date in ``text`` in order, and whether a 发布时间/日期 label precedes
    it; a date after tomorrow is no publication date (a deadline, an event, a typo) and a
    date with its weekday is a header's clock: both are left out."""
    latest = today + timedelta(days=1)
    found = []
    for match in DATE_RE.finditer(text):
        value = _to_date(match)
        if value is None or value > latest:
            continue
        if _WEEKDAY_AFTER_RE.match(text, match.end()):
            continue
        start = match.start()
        is_labelled = _LABEL_BEFORE_RE.search(text, max(0, start - 6), start) is not None
        found.append((value, is_labelled))
    return found


def extract_dates(text: str, *, today: date) -> list[date]:
    """Every plausible date in ``text``, in order (see ``dated_matches``)."""
    return [value for value, _is_labelled in dated_matches(text, today=today)]


def short_date(text: str, *, today: date) -> date | None:
    """The date of a list item that ends with its month and day only, in the latest year
    that does not put it after tomorrow."""
    match = _SHORT_DATE_RE.search(text)
    if match is None:
        return None
    month, day = int(match.group(1)), int(match.group(2))
    for year in (today.year, today.year - 1):
        try:
            value = date(year, month, day)
        except ValueError:
            continue
        if value <= today + timedelta(days=1):
            return value
    return None


def _snapshot_day(snapshot: PageSnapshot) -> date:
    fetched_at: datetime = snapshot.fetched_at
    if fetched_at.tzinfo is None:
        return fetched_at.date()
    return timezone.localtime(fetched_at).date()


def _clean(value: str) -> str:
    return " ".join(value.split())


def kind_of_column(name: str) -> ColumnKind | None:
    """The column kind a column name says, or None when it says none."""
    for kind, pattern in _COLUMN_KIND_RES:
        if pattern.search(name):
            return kind
    return None


@dataclass
class DatedList:
    """The page's main list: its items' plausible dates (one per item), and how many items
    show a date at all (an event's future date included) or none."""

    dates: list[date] = field(default_factory=list)
    dated_items: int = 0
    undated_items: int = 0


@dataclass
class PageAnalysis:
    """One page read once; the checks take what they need from it."""

    snapshot: PageSnapshot
    root: HtmlElement
    today: date

    @cached_property
    def text(self) -> str:
        return visible_text(self.root)

    @cached_property
    def main_text(self) -> str:
        """The visible text without the site's footer."""
        text = self.text
        for footer in _FOOTERS(self.root):
            footer_text = visible_text(footer).strip()
            if footer_text:
                text = text.replace(footer_text, "")
        return text

    @cached_property
    def title(self) -> str:
        element = self.root.find(".//title")
        return _clean(element.text_content()) if element is not None else ""

    @cached_property
    def title_head(self) -> str:
        """The title's first segment: the page's own name before the site's."""
        return _TITLE_SPLIT_RE.split(self.title, maxsplit=1)[0] if self.title else ""

    @cached_property
    def headings(self) -> list[str]:
        return [text for h in _HEADINGS(self.root) if (text := _clean(h.text_content()))]

    @cached_property
    def main_heading(self) -> str:
        """The page's own heading: the first h1, else the first segment of its title."""
        for element in self.root.iter("h1"):
            text = _clean(element.text_content())
            if text:
                return text
        return self.title_head

    @cached_property
    def _dated_matches(self) -> list[tuple[date, bool]]:
        return dated_matches(self.text, today=self.today)

    @cached_property
    def dates(self) -> list[date]:
        return [value for value, _is_labelled in self._dated_matches]

    @cached_property
    def labelled(self) -> list[date]:
        """Dates after a 发布时间/发布日期/日期 label: the post's own date."""
        return [value for value, is_labelled in self._dated_matches if is_labelled]

    @cached_property
    def lists(self) -> list[DatedList]:
        """The page's lists of link items (li or table rows), grouped by their container."""
        by_parent: dict[int, DatedList] = {}
        latest = self.today + timedelta(days=1)
        for item in _LIST_ITEMS(self.root):
            parent = item.getparent()
            key = id(parent)
            group = by_parent.get(key)
            if group is None:
                group = by_parent[key] = DatedList()
            text = item.text_content()
            match = DATE_RE.search(text)
            value = _to_date(match) if match else short_date(text.rstrip(), today=self.today)
            if value is None:
                group.undated_items += 1
                continue
            group.dated_items += 1
            if value <= latest:
                group.dates.append(value)
        return list(by_parent.values())

    @cached_property
    def dated_list(self) -> DatedList:
        """The main list: the one with the most dated items."""
        return max(self.lists, key=lambda group: group.dated_items, default=DatedList())

    @cached_property
    def item_dates(self) -> list[date]:
        """The dates of every dated list item on the page, whatever its list."""
        return [value for group in self.lists for value in group.dates]

    @cached_property
    def column_name(self) -> str:
        """The column's name: the breadcrumb's last step, else the title's first segment."""
        for element in _BREADCRUMB(self.root):
            steps = [s for s in _CRUMB_SPLIT_RE.split(_clean(element.text_content())) if s]
            if steps:
                return steps[-1]
        if self.title_head:
            return self.title_head
        return self.headings[0] if self.headings else ""

    @cached_property
    def column_kind(self) -> ColumnKind:
        candidates = [self.column_name, self.title, *self.headings[:3]]
        for name in candidates:
            kind = kind_of_column(name)
            if kind is not None:
                return kind
        return ColumnKind.OTHER

    @cached_property
    def is_empty_column(self) -> bool:
        return (
            not self.snapshot.is_home
            and self.dated_list.dated_items == 0
            and not self.labelled
            and EMPTY_COLUMN_RE.search(self.text) is not None
        )

    @cached_property
    def is_column(self) -> bool:
        if self.snapshot.is_home:
            return False
        if self.is_empty_column:
            return True
        dated_items = self.dated_list.dated_items
        if dated_items >= MIN_COLUMN_ITEMS:
            # An article names its own date once or twice (top and bottom) and may list a
            # few dated "related" links; a list that labels every item's date has three or more.
            return len(self.labelled) == 0 or len(self.labelled) >= MIN_COLUMN_ITEMS
        # A column with one or two items: a dated list and nothing else, no date label and no
        # body text, which an article (even an undated one) has.
        return (
            dated_items > 0 and not self.labelled and self.body_chars < MAX_COLUMN_PARAGRAPH_CHARS
        )

    @cached_property
    def body_chars(self) -> int:
        """The length of the page's paragraph text outside lists."""
        return sum(len(paragraph.text_content().strip()) for paragraph in _PARAGRAPHS(self.root))

    @cached_property
    def is_article(self) -> bool:
        """A post (content page): not the home page, not a column, not a static page, with
        a date label, a CMS article URL or container, or a heading over enough body text."""
        if self.snapshot.is_home or self.is_column:
            return False
        if _STATIC_PAGE_RE.search(self.main_heading or self.title):
            return False
        if self.labelled:
            return True
        if not self.main_heading:
            return False
        if ARTICLE_URL_RE.search(self.snapshot.url):
            return True
        for container in _ARTICLE_CONTAINER(self.root):
            if len(_clean(container.text_content())) >= MIN_ARTICLE_TEXT_CHARS:
                return True
        return False

    @cached_property
    def publication_date(self) -> date | None:
        """The post's own date: the labelled one, else the first date just after its
        heading."""
        if self.labelled:
            return self.labelled[0]
        # The heading's first characters: its whitespace may differ from the text's.
        heading = self.main_heading[:12]
        # Past the <title>, which comes first in the text and often repeats the heading.
        title_end = self.text.find(self.title) + len(self.title) if self.title else 0
        start = self.text.find(heading, max(title_end, 0)) if heading else -1
        if start < 0:
            return None
        start += len(heading)
        window = self.text[start : start + ARTICLE_DATE_WINDOW_CHARS]
        dates = extract_dates(window, today=self.today)
        return dates[0] if dates else None

    @cached_property
    def has_elder_mode(self) -> bool:
        """A link or button to the elder-friendly version, by its text, title or image."""
        # Most pages never name it: one scan of the HTML (attributes included) rules them out.
        if ELDER_MODE_RE.search(self.snapshot.text) is None:
            return False
        for control in _CONTROLS(self.root):
            label = " ".join(
                (
                    control.text_content(),
                    control.get("title", ""),
                    control.get("aria-label", ""),
                    *(img.get("alt", "") for img in control.iter("img")),
                )
            )
            if ELDER_MODE_RE.search(label):
                return True
        return False

    @cached_property
    def anchor_texts(self) -> list[str]:
        """Every link's text and title, each on its own."""
        texts = []
        for anchor in _ANCHORS(self.root):
            texts.append(_clean(anchor.text_content()))
            if title := anchor.get("title"):
                texts.append(_clean(title))
        return texts


_slot = threading.local()


def analyze(snapshot: PageSnapshot) -> PageAnalysis | None:
    """The analysis of an HTML page that opened (None for other pages and error pages),
    shared by the checks of one snapshot: each thread keeps its last one, so running every
    check on a page reads it once."""
    last: PageAnalysis | None = getattr(_slot, "analysis", None)
    if last is not None and last.snapshot is snapshot:
        return last
    if snapshot.tree is None or snapshot.status is None or snapshot.status >= 400:
        return None
    root = snapshot.tree
    if hasattr(root, "getroot"):  # an ElementTree rather than its root element
        root = root.getroot()
    analysis = PageAnalysis(snapshot=snapshot, root=root, today=_snapshot_day(snapshot))
    _slot.analysis = analysis
    return analysis


def page_facts(snapshot: PageSnapshot) -> PageFacts:
    """What the site checks need of a page: title, newest date, column or not, the column's
    kind and item count, elder mode; ``extra`` holds ``is_article``, ``has_date`` and the
    column's name."""
    page = analyze(snapshot)
    if page is None:
        return PageFacts()
    if page.is_column:
        dates = page.dated_list.dates
        newest = max(dates) if dates else None
        return PageFacts(
            title=page.title,
            newest_date=newest,
            is_column=True,
            column_kind=str(page.column_kind),
            item_count=0
            if page.is_empty_column
            else page.dated_list.dated_items + page.dated_list.undated_items,
            has_elder_mode=page.has_elder_mode,
            extra={
                "is_article": False,
                "has_date": newest is not None,
                "column_name": page.column_name,
                "is_empty_column": page.is_empty_column,
            },
        )
    if snapshot.is_home:
        # The newest date of anything on the home page, list items without their year too.
        dates = page.dates + page.item_dates
        newest = max(dates) if dates else None
        return PageFacts(
            title=page.title,
            newest_date=newest,
            has_elder_mode=page.has_elder_mode,
            extra={"is_article": False, "has_date": newest is not None},
        )
    published = page.publication_date if page.is_article else None
    return PageFacts(
        title=page.title,
        newest_date=published,
        has_elder_mode=page.has_elder_mode,
        extra={"is_article": page.is_article, "has_date": published is not None},
    )
