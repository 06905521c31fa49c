"""Page checks (checks/pages.py) on realistic pages of a city government site, parsed by lxml."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import lxml.html
import pytest
from django.utils import translation

from zaixian.evaluation.checks import PageSnapshot
from zaixian.evaluation.checks.pages import (
    MAX_ELAPSED_MS,
    check_footer,
    check_guide,
    check_html,
    check_performance,
    check_policy_interpretation,
    check_undated,
    check_viewport,
    make_page_checks,
    run_page_checks,
    tag_problems,
)
from zaixian.evaluation.checks.wording import WordingRuleData, default_wording_rules
from zaixian.evaluation.rules import INDICATOR_BY_CODE

FETCHED_AT = datetime(2026, 11, 27, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))
SITE = "https://www.jcgov.gov.cn"


@pytest.fixture(autouse=True)
def _english():
    """Evidence is asserted in its English msgids, whatever the catalogues say."""
    with translation.override("en"):
        yield


NAV = """
<div class="top-bar"><a href="/">首页</a> | <a href="/zhbb/" id="elder">长者模式</a>
 | <a href="javascript:void(0)" id="cniil_wza">无障碍</a></div>
<div class="nav"><ul>
  <li><a href="/zwgk/">政务公开</a></li><li><a href="/xwzx/">新闻中心</a></li>
  <li><a href="/zcjd/">政策解读</a></li><li><a href="/bsfw/">办事服务</a></li>
  <li><a href="/hdjl/">互动交流</a></li>
</ul></div>"""
FOOTER = """
<div class="footer">
  <p>主办单位：晋城市人民政府办公室　承办：晋城市大数据应用局</p>
  <p>地址：山西省晋城市泽州路888号　联系电话：0356-2196000　邮箱：jcszfbgs@jcgov.gov.cn</p>
  <p>网站标识码：1405000001　<a href="https://beian.miit.gov.cn/">晋ICP备05001234号-1</a>
  　<a href="http://www.beian.gov.cn/">晋公网安备 14050202000123号</a></p>
</div>"""


def render(title: str, main: str, *, head: str = "", lang: str = ' lang="zh-CN"') -> str:
    """A page of the site: doctype, head with viewport, navigation, ``main`` and footer."""
    return f"""<!DOCTYPE html>
<html{lang}>
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="/css/main.css">
<script>var _hmt = _hmt || []; var s = "</div>人民正府";</script>
<style>.nav li{{float:left}}</style>
{head}
</head>
<body>
{NAV}
<div class="main">
{main}
</div>
{FOOTER}
</body>
</html>"""


def snapshot(
    html: str,
    *,
    url: str = f"{SITE}/xwzx/gzdt/202611/t20261120_1001.shtml",
    is_home: bool = False,
    elapsed_ms: int = 180,
) -> PageSnapshot:
    return PageSnapshot(
        url=url,
        status=200,
        content_type="text/html; charset=utf-8",
        body=html.encode(),
        elapsed_ms=elapsed_ms,
        depth=0 if is_home else 2,
        fetched_at=FETCHED_AT,
        text=html,
        tree=lxml.html.document_fromstring(html),
        is_home=is_home,
    )


HOME = render(
    "晋城市人民政府",
    """
<div class="banner"><img src="/images/banner.jpg" alt="晋城市人民政府"></div>
<div class="box news"><h2><a href="/xwzx/gzdt/">工作动态</a></h2><ul>
  <li><a href="/xwzx/gzdt/202611/t20261126_1010.shtml">市政府召开第十二次常务会议</a>
      <span>2026-11-26</span></li>
  <li><a href="/xwzx/gzdt/202611/t20261125_1009.shtml">我市推进营商环境优化提升</a>
      <span>2026-11-25</span></li>
  <li><a href="/xwzx/gzdt/202611/t20261124_1008.shtml">全市安全生产工作会议召开</a>
      <span>2026-11-24</span></li>
</ul></div>
<div class="box notice"><h2><a href="/zwgk/tzgg/">通知公告</a></h2><ul>
  <li><a href="/zwgk/tzgg/202611/t20261120_0901.shtml">关于2027年元旦放假安排的通知</a>
      <span>2026-11-20</span></li>
  <li><a href="/zwgk/tzgg/202611/t20261118_0900.shtml">晋城市人民政府关于公开选聘专家的公告</a>
      <span>2026-11-18</span></li>
</ul></div>
<div class="box"><a href="/bsfw/">网上办事</a> <a href="/hdjl/szxx/">市长信箱</a></div>
""",
)

ARTICLE = render(
    "市政府召开第十二次常务会议 - 晋城市人民政府",
    """
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/xwzx/">新闻中心</a> &gt;
<a href="/xwzx/gzdt/">工作动态</a></div>
<div class="article">
  <h1>市政府召开第十二次常务会议</h1>
  <div class="info">发布时间：2026-11-20　来源：市政府办公室　字号：<a href="#">大</a>
      <a href="#">中</a></div>
  <div class="TRS_Editor">
    <p>11月19日，市长主持召开市政府第十二次常务会议，传达学习省委、省政府有关会议精神，研究部署我市冬季安全生产、
    清洁取暖和保供稳价等工作。会议指出，要坚持以人民为中心，统筹发展和安全，扎实做好各项工作。</p>
    <p>会议要求，各县（市、区）和市直有关部门要切实做好泽州县、高平市、阳城县、陵川县、沁水县和城区的冬季供暖保障，
    确保群众温暖过冬；要加强阳城市场监管，抓好重要民生商品价格监测。</p>
  </div>
  <div class="related"><h3>相关文章</h3><ul>
    <li><a href="/xwzx/gzdt/202611/t20261112_0990.shtml">市政府召开第十一次常务会议</a>
      2026-11-12</li>
    <li><a href="/xwzx/gzdt/202610/t20261029_0950.shtml">市政府召开第十次常务会议</a>
      2026-10-29</li>
  </ul></div>
</div>""",
)

POLICY_DOC = render(
    "晋城市人民政府关于印发晋城市优化营商环境若干措施的通知 - 晋城市人民政府",
    """
<div class="position">当前位置：<a href="/">首页</a> &gt; <a href="/zwgk/zcwj/">政策文件</a></div>
<table class="xxgk-info">
  <tr><td>索引号：</td><td>11140500012345678A/2026-00123</td><td>发布机构：</td><td>晋城市人民政府</td></tr>
  <tr><td>文号：</td><td>晋市政发〔2026〕12号</td><td>成文日期：</td><td>2026年11月10日</td></tr>
</table>
<div class="article">
  <h1>晋城市人民政府关于印发晋城市优化营商环境若干措施的通知</h1>
  <div class="info">发布日期：2026年11月12日</div>
  <div class="TRS_Editor">
    <p>各县（市、区）人民政府，市人民政府各委、办、局：</p>
    <p>现将《晋城市优化营商环境若干措施》印发给你们，请认真贯彻落实。</p>
    <p style="text-align:right">晋城市人民政府<br>2026年11月10日</p>
  </div>
  <div class="jd-link">相关解读：
      <a href="/zcjd/202611/t20261112_0999.shtml">《晋城市优化营商环境若干措施》政策解读</a></div>
</div>""",
)

GUIDE = render(
    "市场主体设立登记办事指南 - 晋城市人民政府",
    """
<div class="article"><h1>市场主体设立登记办事指南</h1>
<div class="info">发布时间：2026-09-01</div>
<table class="guide">
  <tr><th>事项名称</th><td>市场主体设立登记</td></tr>
  <tr><th>设定依据</th><td>《中华人民共和国市场主体登记管理条例》第三条</td></tr>
  <tr><th>申请条件</th><td>符合法律、行政法规规定的设立条件</td></tr>
  <tr><th>申请材料</th><td>1. 登记申请书；2. 章程；3. 住所使用相关文件</td></tr>
  <tr><th>办理地点</th><td>晋城市政务服务中心一楼A区</td></tr>
  <tr><th>办理时间</th><td>工作日上午9:00-12:00，下午13:00-17:00</td></tr>
  <tr><th>办理时限</th><td>承诺1个工作日</td></tr>
  <tr><th>咨询电话</th><td>0356-2196123</td></tr>
  <tr><th>办理流程</th><td>申请—受理—审查—决定—发照</td></tr>
</table></div>""",
)

COLUMN = render(
    "工作动态 - 晋城市人民政府",
    """
<div class="position">当前位置：<a href="/">首页</a> &gt;
    <a href="/xwzx/">新闻中心</a> &gt; 工作动态</div>
<div class="list"><ul>
  <li><a href="t20261126_1010.shtml">市政府召开第十二次常务会议</a><span>2026-11-26</span></li>
  <li><a href="t20261125_1009.shtml">我市推进营商环境优化提升</a><span>2026-11-25</span></li>
  <li><a href="t20261124_1008.shtml">全市安全生产工作会议召开</a><span>2026-11-24</span></li>
  <li><a href="t20261120_1001.shtml">市政府召开第十一次常务会议</a><span>2026-11-20</span></li>
</ul>
<div class="page">共4条 <a href="index_1.shtml">下一页</a></div></div>""",
)

CLEAN_PAGES = {
    "home": (HOME, True),
    "article": (ARTICLE, False),
    "policy document": (POLICY_DOC, False),
    "service guide": (GUIDE, False),
    "column": (COLUMN, False),
}


@pytest.fixture(scope="module")
def page_checks():
    return make_page_checks(wording_rules=default_wording_rules())


@pytest.mark.parametrize("name", CLEAN_PAGES)
def test_clean_page_yields_no_finding(page_checks, name):
    html, is_home = CLEAN_PAGES[name]

    findings = run_page_checks(snapshot(html, is_home=is_home), page_checks)

    assert findings == []


def test_every_finding_names_a_known_indicator(page_checks):
    broken = HOME.replace("<!DOCTYPE html>", "").replace(
        "晋城市人民政府办公室", "晋城市人民正府办公室"
    )

    findings = run_page_checks(snapshot(broken, is_home=True), page_checks)

    assert findings
    assert all(finding.indicator in INDICATOR_BY_CODE for finding in findings)


# Wording ---------------------------------------------------------------------------------------


def wording_findings(html: str) -> list:
    check = make_page_checks(wording_rules=default_wording_rules())[0]
    return list(check(snapshot(html)))


def test_serious_institution_error_is_a_veto_finding():
    html = ARTICLE.replace("市长主持召开", "晋城市人民正府市长主持召开")

    [finding] = wording_findings(html)

    assert finding.check == "wording.serious"
    assert finding.indicator == "veto.serious_errors"
    assert "人民正府" in finding.evidence
    assert "人民政府" in finding.evidence
    assert "晋城市人民正府市长" in finding.detail["context"]


def test_division_error_split_by_inline_markup_is_found():
    html = ARTICLE.replace("泽州县、", "<span>择州</span><b>县</b>、")

    [finding] = wording_findings(html)

    assert finding.check == "wording.serious"
    assert finding.detail["wrong"] == "择州县"


def test_leader_name_fixture_is_a_serious_error():
    html = ARTICLE.replace("市长主持召开", "市长张建囯主持召开")

    [finding] = wording_findings(html)

    assert finding.check == "wording.serious"
    assert finding.detail["kind"] == "leader"


def test_forbidden_word_is_a_veto_finding():
    html = ARTICLE.replace("确保群众温暖过冬", "确保群众温暖过冬。百家乐在线")

    [finding] = wording_findings(html)

    assert finding.check == "wording.forbidden"
    assert finding.indicator == "veto.serious_errors"


def test_typo_is_a_deduction_counted_once_per_form():
    html = ARTICLE.replace("研究部署", "研究布署").replace("扎实做好", "布署并扎实做好")

    [finding] = wording_findings(html)

    assert finding.check == "wording.typo"
    assert finding.indicator == "publishing.wording"
    assert finding.detail["count"] == 2


def test_wording_in_script_style_and_attributes_is_ignored():
    html = ARTICLE.replace(
        '<div class="TRS_Editor">',
        '<div class="TRS_Editor" title="人民正府"><img src="a.png" alt="布署">'
        "<!-- 择州县 --><style>/* 晋成市 */</style>",
    )

    assert wording_findings(html) == []


def test_wrong_form_inside_an_exempt_phrase_is_ignored():
    html = ARTICLE.replace("研究部署", "研究襄阳城市建设经验，部署")

    assert wording_findings(html) == []


def test_custom_rules_replace_the_defaults():
    rules = [WordingRuleData(kind="leader", wrong="李明明", correct="李鸣明")]
    check = make_page_checks(wording_rules=rules)[0]
    html = ARTICLE.replace("市长主持", "市长李明明主持")

    [finding] = check(snapshot(html))

    assert finding.detail["correct"] == "李鸣明"


# Footer ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("removed", "element"),
    [
        ("网站标识码：1405000001", "site_code"),
        ("晋ICP备05001234号-1", "icp"),
        ("晋公网安备 14050202000123号", "public_security"),
        ("主办单位：晋城市人民政府办公室", "sponsor"),
        ("联系电话：0356-2196000　邮箱：jcszfbgs@jcgov.gov.cn", "contact"),
    ],
)
def test_footer_missing_element_is_found_on_home_page(removed, element):
    html = HOME.replace(removed, "")

    [finding] = check_footer(snapshot(html, is_home=True))

    assert finding.check == "footer.missing"
    assert finding.indicator == "usability.footer"
    assert finding.detail["element"] == element


def test_footer_is_checked_on_the_home_page_only():
    html = ARTICLE.replace(FOOTER, "")

    assert check_footer(snapshot(html)) == []


def test_footer_without_any_element_gives_one_finding_each():
    html = HOME.replace(FOOTER, '<div class="footer">版权所有</div>')

    findings = check_footer(snapshot(html, is_home=True))

    assert len(findings) == 5


# HTML validity, mobile, performance ----------------------------------------------------------


def test_html_problems_are_listed_in_one_finding():
    html = (
        ARTICLE.replace("<!DOCTYPE html>", "")
        .replace(' lang="zh-CN"', "")
        .replace('<div class="info">', '<div class="info" id="info"><span id="info">')
        .replace("市政府办公室　字号", "市政府办公室</span>　字号")
        .replace("<h1>市政府召开第十二次常务会议</h1>", "<h1><em>市政府召开第十二次常务会议</h1>")
    )

    [finding] = check_html(snapshot(html))

    assert finding.check == "html.invalid"
    assert finding.indicator == "usability.html"
    problems = finding.detail["problems"]
    assert "no <!DOCTYPE html>" in problems
    assert "no lang attribute on <html>" in problems
    assert finding.detail["duplicate_ids"] == ["info"]
    assert any("<em>" in problem for problem in problems)


def test_html_without_title_is_invalid():
    html = HOME.replace("<title>晋城市人民政府</title>", "")

    [finding] = check_html(snapshot(html, is_home=True))

    assert finding.detail["problems"] == ["no <title>"]


@pytest.mark.parametrize(
    ("html", "problems"),
    [
        ("<div><p>一<p>二</div><ul><li>甲<li>乙</ul>", 0),
        ("<div><span>一</div></span>", 2),
        ("<div>一</div></div>", 1),
        ("<div><table><tr><td>一</table>", 1),
        ("<div><br/><img src=a.png><input type=text></div>", 0),
        ("<script>document.write('</div>')</script><div></div>", 0),
    ],
)
def test_tag_balance(html, problems):
    assert len(tag_problems(html)) == problems


def test_missing_viewport_is_a_mobile_finding():
    html = ARTICLE.replace(
        '<meta name="viewport" content="width=device-width, initial-scale=1">', ""
    )

    [finding] = check_viewport(snapshot(html))

    assert finding.check == "mobile.viewport"
    assert finding.indicator == "usability.mobile"


def test_heavy_page_is_a_performance_finding():
    [finding] = check_performance(snapshot(ARTICLE), max_html_bytes=1_000)

    assert finding.check == "performance.weight"
    assert finding.indicator == "usability.performance"


@pytest.mark.parametrize(
    ("elapsed_ms", "found"), [(MAX_ELAPSED_MS, False), (MAX_ELAPSED_MS + 1, True)]
)
def test_slow_page_over_the_line_is_a_performance_finding(elapsed_ms, found):
    findings = check_performance(snapshot(ARTICLE, elapsed_ms=elapsed_ms))

    assert [f.check for f in findings] == (["performance.slow"] if found else [])


def test_slow_line_can_be_set():
    checks = make_page_checks(wording_rules=[], max_elapsed_ms=100)

    findings = run_page_checks(snapshot(ARTICLE, elapsed_ms=180), checks)

    assert [f.check for f in findings] == ["performance.slow"]


# Publishing ------------------------------------------------------------------------------------


def test_article_without_date_is_undated():
    html = ARTICLE.replace("发布时间：2026-11-20　", "")

    [finding] = check_undated(snapshot(html))

    assert finding.check == "publishing.undated"
    assert finding.indicator == "publishing.undated"
    assert "市政府召开第十二次常务会议" in finding.evidence


def test_article_with_unlabelled_date_under_its_heading_is_dated():
    html = ARTICLE.replace("发布时间：2026-11-20", "2026年11月20日")

    assert check_undated(snapshot(html)) == []


def test_static_page_without_date_is_no_undated_post():
    html = render(
        "联系我们 - 晋城市人民政府",
        '<div class="article"><h1>联系我们</h1><p>地址：山西省晋城市泽州路888号</p></div>',
    )

    assert check_undated(snapshot(html, url=f"{SITE}/lxwm/")) == []


def test_policy_document_without_interpretation_link_is_found():
    html = POLICY_DOC.replace(
        '<a href="/zcjd/202611/t20261112_0999.shtml">《晋城市优化营商环境若干措施》政策解读</a>', ""
    )

    [finding] = check_policy_interpretation(snapshot(html))

    assert finding.check == "policy.no_interpretation"
    assert finding.indicator == "publishing.interpretation"


def test_navigation_link_to_the_interpretation_column_does_not_count():
    html = POLICY_DOC.replace(
        '<a href="/zcjd/202611/t20261112_0999.shtml">《晋城市优化营商环境若干措施》政策解读</a>',
        '<a href="/zcjd/" title="政策解读">政策解读</a>',
    )

    assert len(check_policy_interpretation(snapshot(html))) == 1


def test_measure_document_needs_its_interpretation_too():
    html = render(
        "晋城市城市居民最低生活保障办法 - 晋城市人民政府",
        """<div class="article"><h1>晋城市城市居民最低生活保障办法</h1>
        <div class="info">发布日期：2026-10-10　文号：晋市政办发〔2026〕8号</div>
        <div class="TRS_Editor"><p>第一条 为规范城市居民最低生活保障工作，制定本办法。</p></div>
            </div>""",
    )

    assert [f.check for f in check_policy_interpretation(snapshot(html))] == [
        "policy.no_interpretation"
    ]


def test_news_about_a_meeting_is_no_policy_document():
    html = ARTICLE.replace("传达学习", "学习晋市政发〔2026〕12号文件，传达学习")

    assert check_policy_interpretation(snapshot(html)) == []


def test_guide_missing_elements_lists_them_in_one_finding():
    html = GUIDE.replace("<tr><th>办理时限</th><td>承诺1个工作日</td></tr>", "").replace(
        "<tr><th>咨询电话</th><td>0356-2196123</td></tr>", ""
    )

    [finding] = check_guide(snapshot(html))

    assert finding.check == "guide.incomplete"
    assert finding.indicator == "services.guides"
    assert finding.detail["missing"] == ["time_limit", "enquiry"]
    assert "time limit, enquiry phone number" in finding.evidence


def test_guide_elements_may_use_other_words():
    html = (
        GUIDE.replace("设定依据", "法律依据")
        .replace("申请条件", "受理条件")
        .replace("申请材料", "办理材料")
        .replace("办理时限", "承诺时限")
        .replace("咨询电话", "咨询方式")
        .replace("办理流程", "办理程序")
    )

    assert check_guide(snapshot(html)) == []


def test_non_html_page_yields_nothing(page_checks):
    pdf = PageSnapshot(
        url=f"{SITE}/files/a.pdf",
        status=200,
        content_type="application/pdf",
        body=b"%PDF-1.7",
        elapsed_ms=5000,
        depth=2,
        fetched_at=FETCHED_AT,
    )

    assert run_page_checks(pdf, page_checks) == []


def test_error_page_yields_nothing(page_checks):
    not_found = snapshot(render("404 页面不存在", "<p>您访问的页面不存在</p>"), elapsed_ms=9000)
    not_found.status = 404

    assert run_page_checks(not_found, page_checks) == []
