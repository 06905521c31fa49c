"""The page checks: each sees one fetched HTML page and returns its findings (pure, no ORM,
no network).

``make_page_checks`` builds the list the crawl runs on every page; the checks share one
reading of the page (``content.analyze``), so a page's tree is walked once whatever the number
of checks. Check codes and the indicators they count under (``rules.INDICATORS``):

=========================  ===========================  ======================================
check                      indicator                    on
=========================  ===========================  ======================================
wording.serious            veto.serious_errors          a serious wrong form (leader, names)
wording.forbidden          veto.serious_errors          a forbidden word
wording.typo               publishing.wording           a common typo
footer.missing             usability.footer             the home page, per missing element
html.invalid               usability.html               every page, one finding listing all
mobile.viewport            usability.mobile             no <meta name="viewport">
performance.weight         usability.performance        HTML over ``MAX_HTML_BYTES``
performance.slow           usability.performance        a fetch over ``MAX_ELAPSED_MS``
publishing.undated         publishing.undated           a post without a publication date
policy.no_interpretation   publishing.interpretation    a policy document without 解读 link
guide.incomplete           services.guides              a service guide missing elements
=========================  ===========================  ======================================
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from lxml import etree

from zaixian.evaluation.checks import FindingData, PageCheck, PageSnapshot
from zaixian.evaluation.checks.content import PageAnalysis, analyze
from zaixian.evaluation.checks.wording import (
    FORBIDDEN_KIND,
    WordingMatcher,
    WordingRuleLike,
    default_exempt_phrases,
)

# 页面过大、打开过慢: this platform's lines for one HTML page.
MAX_HTML_BYTES = 3 * 1024 * 1024
MAX_ELAPSED_MS = 3_000
# At most this many tag problems are listed in an html.invalid finding.
MAX_LISTED_TAG_PROBLEMS = 5

# Footer elements (网站标识码, ICP备案号, 公安机关备案号, 主办单位, 联系方式), as they are written.
_SITE_CODE_RE = re.compile(r"网站标识码[\s:：]*[0-9A-Za-z]{10}(?![0-9A-Za-z])")
_ICP_RE = re.compile(r"ICP\s*[备证]\s*[:：]?\s*\d{5,}\s*号")
_PUBLIC_SECURITY_RE = re.compile(r"公网安备\s*[:：]?\s*\d{10,14}\s*号")
_SPONSOR_RE = re.compile(r"主\s*办(?:单\s*位)?\s*[:：]")
# Each pattern starts with a literal or a small set so that the engine skips ahead fast; a
# leading look-behind or a \w run would make it retry at every character of Chinese text.
_PHONE_RE = re.compile(r"0(?<!\d0)\d{2,3}[-－—‐ ]?\d{7,8}(?!\d)|1(?<!\d1)[3-9]\d{9}(?!\d)")
_EMAIL_RE = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

_DOCTYPE_RE = re.compile(r"\ufeff?\s*(?:<!--.*?-->\s*)*<!doctype\s+html", re.IGNORECASE | re.DOTALL)
# Raw-text content (comments, scripts, styles) may hold "</div>" that is no tag.
_RAW_TEXT_RE = re.compile(
    r"<!--.*?-->|<(script|style|textarea|title)\b[^>]*>.*?</\1\s*>", re.IGNORECASE | re.DOTALL
)
_TAG_RE = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^<>]*)>")
_VOID_TAGS = frozenset(
    {
        "area", "base", "basefont", "br", "col", "command", "embed", "frame", "hr", "img",
        "input", "keygen", "link", "meta", "param", "source", "track", "wbr",
    }
)  # fmt: skip
# Elements whose end tag HTML lets the parser imply.
_OPTIONAL_END_TAGS = frozenset(
    {
        "html", "head", "body", "p", "li", "dt", "dd", "option", "optgroup", "tr", "td", "th",
        "thead", "tbody", "tfoot", "colgroup", "rt", "rp",
    }
)  # fmt: skip
_IDS = etree.XPath("//@id")
_VIEWPORT = etree.XPath("//meta[translate(@name,'VIEWPORT','viewport')='viewport']")

# A normative document's name (关于印发…的通知, …办法, …规定, …意见, …实施方案) and its 文号.
_POLICY_TITLE_RE = re.compile(
    r"关于印发.+的通知|(?:办法|规定|意见|方案|细则|条例|决定|措施)"
    r"(?:[（(](?:试行|暂行|修订)[）)])?$"
)
_NOT_POLICY_RE = re.compile(r"解读|图解|问答|答记者问|征求意见|草案|一图读懂")
_DOCUMENT_NUMBER_RE = re.compile(
    r"[\u4e00-\u9fff]{1,12}\s*[〔［\[【（(]\s*(?:19|20)\d{2}\s*[〕］\]】）)]\s*\d{1,4}\s*号"
    r"|〔\s*(?:19|20)\d{2}\s*〕"
)
_INTERPRETATION_RE = re.compile(r"解读|图解|一图读懂|答记者问")
# Navigation links to the interpretation column, not to this document's interpretation.
_GENERIC_INTERPRETATION_LINKS = frozenset(
    {
        "解读", "图解", "政策解读", "政策图解", "图解政策", "解读政策", "解读回应",
        "政策解读与回应", "专家解读", "媒体解读", "部门解读", "视频解读", "图片解读",
        "文字解读", "领导解读", "更多解读", "一图读懂",
    }
)  # fmt: skip

_GUIDE_RE = re.compile(r"办事指南|服务指南")


# (key, the element's name as the evidence shows it, the words that stand for it on a page)
_GUIDE_ELEMENTS: tuple[tuple[str, Promise, re.Pattern[str]], ...] = (
    ("item_name", gettext_lazy("name of the item"), re.compile(r"事项名称")),
    (
        "legal_basis",
        gettext_lazy("legal basis"),
        re.compile(r"设定依据|办理依据|法律依据|实施依据"),
    ),
    (
        "conditions",
        gettext_lazy("conditions of application"),
        re.compile(r"申请条件|受理条件|办理条件"),
    ),
    (
        "documents",
        gettext_lazy("documents to submit"),
        re.compile(r"申请材料|办理材料|申报材料|提交材料"),
    ),
    ("place", gettext_lazy("place of handling"), re.compile(r"办理地点|受理地点|办公地点")),
    ("hours", gettext_lazy("office hours"), re.compile(r"办理时间|受理时间|办公时间")),
    ("time_limit", gettext_lazy("time limit"), re.compile(r"办理时限|承诺时限|法定时限|办结时限")),
    (
        "enquiry",
        gettext_lazy("enquiry phone number"),
        re.compile(r"咨询电话|咨询方式|联系电话|咨询途径"),
    ),
    (
        "procedure",
        gettext_lazy("handling procedure"),
        re.compile(r"办理流程|办理程序|办事流程|受理流程"),
    ),
)


def check_wording(snapshot: PageSnapshot, *, matcher: WordingMatcher) -> list[FindingData]:
    """``wording.*``: one finding per wrong form or forbidden word found in the page's
    visible text."""
    page = analyze(snapshot)
    if page is None:
        return []
    findings = []
    for match in matcher.find(page.text):
        rule = match.rule
        params = {
            "wrong": rule.wrong,
            "correct": rule.correct,
            "count": match.count,
            "context": match.context,
        }
        if rule.kind == FORBIDDEN_KIND:
            check, indicator = "wording.forbidden", "veto.serious_errors"
            evidence = _(
                "The page contains the forbidden word “%(wrong)s” (occurrences: %(count)s; "
                "context: …%(context)s…)."
            )
        else:
            is_serious = rule.is_serious
            check = "wording.serious" if is_serious else "wording.typo"
            indicator = "veto.serious_errors" if is_serious else "publishing.wording"
            evidence = _(
                "The page contains “%(wrong)s”, which should be “%(correct)s” "
                "(occurrences: %(count)s; context: …%(context)s…)."
            )
        findings.append(
            FindingData(
                check=check,
                indicator=indicator,
                evidence=evidence % params,
                page_url=snapshot.url,
                detail={
                    "kind": rule.kind,
                    "wrong": rule.wrong,
                    "correct": rule.correct,
                    "count": match.count,
                    "context": match.context,
                },
            )
        )
    return findings


def check_footer(snapshot: PageSnapshot) -> list[FindingData]:
    """``footer.missing``: the home page's mandatory footer, one finding per missing
    element."""
    if not snapshot.is_home:
        return []
    page = analyze(snapshot)
    if page is None:
        return []
    elements = (
        ("site_code", _("the site identification code"), _SITE_CODE_RE),
        ("icp", _("the ICP filing number"), _ICP_RE),
        (
            "public_security",
            _("the public-security filing number"),
            _PUBLIC_SECURITY_RE,
        ),
        ("sponsor", _("the sponsoring organisation"), _SPONSOR_RE),
    )
    text = page.text
    missing = [(key, label) for key, label, pattern in elements if pattern.search(text) is None]
    if _PHONE_RE.search(text) is None and ("@" not in text or _EMAIL_RE.search(text) is None):
        missing.append(("contact", _("a contact phone number or e-mail address")))
    return [
        FindingData(
            check="footer.missing",
            indicator="usability.footer",
            evidence=_("The home page does not show %(element)s.") % {"element": label},
            page_url=snapshot.url,
            detail={"element": key},
        )
        for key, label in missing
    ]


def tag_problems(html: str) -> list[str]:
    """Unclosed and mismatched tags, by a tag-balance scan that knows HTML's void elements
    and optional end tags; one line per problem, in document order."""
    problems: list[str] = []
    stack: list[str] = []
    for is_end, tag, rest in _TAG_RE.findall(_RAW_TEXT_RE.sub("", html)):
        name = tag.lower()
        if name in _VOID_TAGS:
            continue
        if not is_end:
            if not rest.endswith("/"):
                stack.append(name)
            continue
        if name not in stack:
            if name not in _OPTIONAL_END_TAGS:
                problems.append(_("stray end tag </%(tag)s>") % {"tag": name})
            continue
        while stack:
            top = stack.pop()
            if top == name:
                break
            if top not in _OPTIONAL_END_TAGS:
                problems.append(
                    _("<%(tag)s> not closed before </%(end)s>") % {"tag": top, "end": name}
                )
    problems.extend(
        _("<%(tag)s> never closed") % {"tag": name}
        for name in stack
        if name not in _OPTIONAL_END_TAGS
    )
    return problems


def check_html(snapshot: PageSnapshot) -> list[FindingData]:
    """``html.invalid``: doctype, title, lang, duplicate ids and tag balance; one finding per
    page listing every problem."""
    page = analyze(snapshot)
    if page is None:
        return []
    problems: list[str] = []
    if _DOCTYPE_RE.match(snapshot.text[:4096]) is None:
        problems.append(_("no <!DOCTYPE html>"))
    if not page.title:
        problems.append(_("no <title>"))
    html_element = page.root.getroottree().getroot()
    if not (html_element.get("lang") or html_element.get("xml:lang")):
        problems.append(_("no lang attribute on <html>"))
    duplicates = sorted(value for value, n in Counter(_IDS(page.root)).items() if n > 1)
    if duplicates:
        problems.append(_("duplicate id: %(ids)s") % {"ids": ", ".join(duplicates[:10])})
    tags = tag_problems(snapshot.text)
    problems.extend(tags[:MAX_LISTED_TAG_PROBLEMS])
    if len(tags) > MAX_LISTED_TAG_PROBLEMS:
        problems.append(
            _("%(count)s more tag problems") % {"count": len(tags) - MAX_LISTED_TAG_PROBLEMS}
        )
    if not problems:
        return []
    return [
        FindingData(
            check="html.invalid",
            indicator="usability.html",
            evidence=_("HTML problems: %(problems)s.") % {"problems": _("; ").join(problems)},
            page_url=snapshot.url,
            detail={"problems": problems, "duplicate_ids": duplicates, "tag_problems": len(tags)},
        )
    ]


def check_viewport(snapshot: PageSnapshot) -> list[FindingData]:
    """``mobile.viewport``: no <meta name="viewport">, so phones show the desktop layout."""
    page = analyze(snapshot)
    if page is None or _VIEWPORT(page.root):
        return []
    return [
        FindingData(
            check="mobile.viewport",
            indicator="usability.mobile",
            evidence=_('The page has no <meta name="viewport">: phones show it at desktop width.'),
            page_url=snapshot.url,
        )
    ]


def check_performance(
    snapshot: PageSnapshot,
    *,
    max_html_bytes: int = MAX_HTML_BYTES,
    max_elapsed_ms: int = MAX_ELAPSED_MS,
) -> list[FindingData]:
    """``performance.weight`` and ``performance.slow``: an HTML page too heavy or too slow."""
    if analyze(snapshot) is None:
        return []
    findings = []
    size = len(snapshot.body)
    if size > max_html_bytes:
        findings.append(
            FindingData(
                check="performance.weight",
                indicator="usability.performance",
                evidence=_("The page's HTML weighs %(size)s KB, over the %(limit)s KB line.")
                % {"size": size // 1024, "limit": max_html_bytes // 1024},
                page_url=snapshot.url,
                detail={"size_bytes": size, "limit_bytes": max_html_bytes},
            )
        )
    if snapshot.elapsed_ms > max_elapsed_ms:
        findings.append(
            FindingData(
                check="performance.slow",
                indicator="usability.performance",
                evidence=_("The page took %(elapsed)s ms to load, over the %(limit)s ms line.")
                % {"elapsed": snapshot.elapsed_ms, "limit": max_elapsed_ms},
                page_url=snapshot.url,
                detail={"elapsed_ms": snapshot.elapsed_ms, "limit_ms": max_elapsed_ms},
            )
        )
    return findings


def check_undated(snapshot: PageSnapshot) -> list[FindingData]:
    """``publishing.undated``: a post (not the home page, not a column) without its
    publication date; a post without a date counts as no update."""
    page = analyze(snapshot)
    if page is None or not page.is_article or page.publication_date is not None:
        return []
    return [
        FindingData(
            check="publishing.undated",
            indicator="publishing.undated",
            evidence=_("The post “%(title)s” shows no publication date.")
            % {"title": page.main_heading or page.title},
            page_url=snapshot.url,
        )
    ]


def is_policy_document(page: PageAnalysis) -> bool:
    """A normative document: its name reads like one and the page shows a 文号."""
    names = [page.main_heading, page.title_head]
    if any(_NOT_POLICY_RE.search(name) for name in names if name):
        return False
    if not any(_POLICY_TITLE_RE.search(name) for name in names if name):
        return False
    return _DOCUMENT_NUMBER_RE.search(page.text) is not None


def _has_interpretation_link(page: PageAnalysis) -> bool:
    return any(
        _INTERPRETATION_RE.search(text) and text not in _GENERIC_INTERPRETATION_LINKS
        for text in page.anchor_texts
    )


def check_policy_interpretation(snapshot: PageSnapshot) -> list[FindingData]:
    """``policy.no_interpretation``: a policy document page without a link to its
    interpretation (政策解读, 图解); the site's navigation link to the 解读 column does not
    count."""
    page = analyze(snapshot)
    if page is None or snapshot.is_home or page.is_column or not is_policy_document(page):
        return []
    if _has_interpretation_link(page):
        return []
    return [
        FindingData(
            check="policy.no_interpretation",
            indicator="publishing.interpretation",
            evidence=_("The policy document “%(title)s” has no link to its interpretation.")
            % {"title": page.main_heading or page.title},
            page_url=snapshot.url,
        )
    ]


def check_guide(snapshot: PageSnapshot) -> list[FindingData]:
    """``guide.incomplete``: a service guide (办事指南) missing any of its key elements."""
    page = analyze(snapshot)
    if page is None or snapshot.is_home or page.is_column:
        return []
    names = [page.main_heading, page.title, *page.headings[:3]]
    if not any(_GUIDE_RE.search(name) for name in names if name):
        return []
    text = page.main_text
    missing = [
        (key, str(label)) for key, label, pattern in _GUIDE_ELEMENTS if not pattern.search(text)
    ]
    if not missing:
        return []
    return [
        FindingData(
            check="guide.incomplete",
            indicator="services.guides",
            evidence=_("The service guide “%(title)s” lacks: %(missing)s.")
            % {
                "title": page.main_heading or page.title,
                "missing": _(", ").join(label for _key, label in missing),
            },
            page_url=snapshot.url,
            detail={"missing": [key for key, _label in missing]},
        )
    ]


def make_page_checks(
    *,
    wording_rules: Iterable[WordingRuleLike],
    exempt_phrases: Iterable[str] | None = None,
    max_html_bytes: int = MAX_HTML_BYTES,
    max_elapsed_ms: int = MAX_ELAPSED_MS,
) -> list[PageCheck]:
    """Every page check, the wording check built over ``wording_rules`` (the active rules:
    ``default_wording_rules()`` and the office's own) and the shipped exempt phrases."""
    matcher = WordingMatcher(
        wording_rules,
        exempt=default_exempt_phrases() if exempt_phrases is None else exempt_phrases,
    )

    def wording(snapshot: PageSnapshot) -> list[FindingData]:
        return check_wording(snapshot, matcher=matcher)

    def performance(snapshot: PageSnapshot) -> list[FindingData]:
        return check_performance(
            snapshot, max_html_bytes=max_html_bytes, max_elapsed_ms=max_elapsed_ms
        )

    return [
        wording,
        check_footer,
        check_html,
        check_viewport,
        performance,
        check_undated,
        check_policy_interpretation,
        check_guide,
    ]


def run_page_checks(snapshot: PageSnapshot, checks: Iterable[PageCheck]) -> list[FindingData]:
    """The findings of every check on one page."""
    return [finding for check in checks for finding in check(snapshot)]
