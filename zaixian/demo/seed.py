"""The demo city's fixed data, taken from the seed document (the 2012 review of Jincheng's
informatization): departments, sites, channels, footers and demo accounts.

Everything here is Chinese *content* (names of real bodies and places), so it is data, not
gettext. Only the descriptions of what each demo account may do are user-facing interface
text and go through gettext.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The city has one demo password for every account; it is printed by `zaixian demo`.
DEMO_PASSWORD = "zaixian-demo-2026"  # noqa: S105 — a published demo password, not a secret

PORTAL_HOSTNAME = "127.0.0.1"
FARM_HOSTNAME = "nongwang.localhost"
HEALTH_HOSTNAME = "wjw.localhost"
DEMO_PORT = 8000


@dataclass(frozen=True)
class DepartmentSpec:
    name: str
    code: str
    kind: str
    short_name: str = ""
    children: tuple[DepartmentSpec, ...] = ()


def _bureau(name: str, code: str, short: str = "", *children: DepartmentSpec) -> DepartmentSpec:
    return DepartmentSpec(name, code, "bureau", short, children)


def _office(name: str, code: str, short: str = "", *children: DepartmentSpec) -> DepartmentSpec:
    return DepartmentSpec(name, code, "office", short, children)


def _institution(name: str, code: str, short: str = "") -> DepartmentSpec:
    return DepartmentSpec(name, code, "institution", short)


def _county(name: str, code: str) -> DepartmentSpec:
    # Each county-level government gets its own office and farm bureau: the seed's county
    # "12316" farm hotlines and village information stations are run at that level.
    return DepartmentSpec(
        f"{name}人民政府",
        code,
        "county",
        name,
        (
            DepartmentSpec(f"{name}人民政府办公室", f"{code}BGS", "office", f"{name}政府办"),
            DepartmentSpec(f"{name}农业农村局", f"{code}NYJ", "bureau", f"{name}农业农村局"),
        ),
    )


DEPARTMENT_TREE = DepartmentSpec(
    "晋城市人民政府",
    "JC",
    "government",
    "市政府",
    (
        _office(
            "晋城市人民政府办公室",
            "JCZFB",
            "市政府办公室",
            _institution("晋城市12345市长热线受理中心", "JC12345", "12345市长热线"),
        ),
        _bureau("晋城市发展和改革委员会", "JCFGW", "市发展和改革委员会"),
        _bureau("晋城市教育局", "JCJYJ", "市教育局"),
        _bureau("晋城市科学技术局", "JCKJJ", "市科学技术局"),
        _bureau("晋城市工业和信息化局", "JCGXJ", "市工业和信息化局"),
        _bureau("晋城市公安局", "JCGAJ", "市公安局"),
        _bureau("晋城市民政局", "JCMZJ", "市民政局"),
        _bureau("晋城市财政局", "JCCZJ", "市财政局"),
        _bureau("晋城市人力资源和社会保障局", "JCRSJ", "市人力资源和社会保障局"),
        _bureau("晋城市自然资源局", "JCZRZYJ", "市自然资源局"),
        _bureau("晋城市生态环境局", "JCSTHJJ", "市生态环境局"),
        _bureau("晋城市住房和城乡建设局", "JCZJJ", "市住房和城乡建设局"),
        _bureau("晋城市交通运输局", "JCJTJ", "市交通运输局"),
        _bureau(
            "晋城市农业农村局",
            "JCNYNCJ",
            "市农业农村局",
            _institution("晋城市农业信息中心", "JCNYXXZX", "市农业信息中心"),
        ),
        _bureau(
            "晋城市卫生健康委员会",
            "JCWJW",
            "市卫生健康委员会",
            _institution("晋城市远程医疗会诊中心", "JCYCYL", "远程医疗会诊中心"),
        ),
        _bureau("晋城市应急管理局", "JCYJJ", "市应急管理局"),
        _bureau("晋城市市场监督管理局", "JCSCJGJ", "市市场监督管理局"),
        _bureau("晋城市文化和旅游局", "JCWLJ", "市文化和旅游局"),
        _bureau("晋城市行政审批服务管理局", "JCXZSPJ", "市行政审批服务管理局"),
        _bureau("晋城市统计局", "JCTJJ", "市统计局"),
        _bureau(
            "晋城市大数据应用局",
            "JCDSJJ",
            "市大数据应用局",
            _institution("晋城市信息中心", "JCXXZX", "市信息中心"),
        ),
        _county("城区", "JCCQ"),
        _county("泽州县", "JCZZX"),
        _county("高平市", "JCGPS"),
        _county("阳城县", "JCYCX"),
        _county("陵川县", "JCLCX"),
        _county("沁水县", "JCQSX"),
    ),
)

COUNTIES = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县")
# Real towns of each county, used for village information stations and local news.
TOWNS = {
    "城区": ("北石店镇", "钟家庄街道", "西上庄街道"),
    "泽州县": ("巴公镇", "大东沟镇", "周村镇", "川底镇"),
    "高平市": ("米山镇", "河西镇", "马村镇", "寺庄镇"),
    "阳城县": ("润城镇", "北留镇", "町店镇", "凤城镇"),
    "陵川县": ("礼义镇", "附城镇", "平城镇"),
    "沁水县": ("嘉峰镇", "端氏镇", "郑村镇", "龙港镇"),
}


@dataclass(frozen=True)
class ChannelSpec:
    """A channel of a demo site. ``theme`` picks the article templates (see ``rules``);
    ``share`` is its weight in the site's article count (0: no articles of its own)."""

    title: str
    slug: str
    kind: str = "news"
    theme: str = ""
    share: int = 0
    show_on_home: bool = False
    in_menu: bool = True
    children: tuple[ChannelSpec, ...] = ()
    is_topic: bool = False
    intro: str = ""


@dataclass(frozen=True)
class FooterSpec:
    sponsor: str
    organiser: str
    address: str
    postcode: str
    phone: str
    email: str
    site_code: str
    icp_number: str
    public_security_number: str


@dataclass(frozen=True)
class SiteSpec:
    key: str
    hostname: str
    site_name: str
    root_title: str
    department_code: str
    intro: str
    footer: FooterSpec
    channels: tuple[ChannelSpec, ...]
    headline_slug: str
    notice_slug: str
    is_default: bool = False
    articles: int = 0
    source_names: tuple[str, ...] = field(default=())


PORTAL = SiteSpec(
    key="portal",
    hostname=PORTAL_HOSTNAME,
    site_name="晋城在线",
    root_title="晋城在线",
    department_code="JCZFB",
    intro="晋城市人民政府门户网站",
    is_default=True,
    articles=260,
    source_names=("晋城日报", "晋城在线", "市政府办公室", "市信息中心", "晋城广播电视台"),
    headline_slug="jrjc",
    notice_slug="tzgg",
    footer=FooterSpec(
        sponsor="晋城市人民政府办公室",
        organiser="晋城市信息中心",
        address="山西省晋城市城区凤台东街2188号",
        postcode="048000",
        phone="0356-2196114",
        email="webmaster@jcgov.example.cn",
        site_code="1405000001",
        icp_number="晋ICP备05001358号",
        public_security_number="晋公网安备14050202000101号",
    ),
    channels=(
        ChannelSpec("今日晋城", "jrjc", theme="today", share=18, show_on_home=True),
        ChannelSpec("要闻动态", "ywdt", theme="news", share=14, show_on_home=True),
        ChannelSpec("通知公告", "tzgg", kind="notice", theme="notice", share=10, show_on_home=True),
        ChannelSpec("部门动态", "bmdt", theme="department", share=12, show_on_home=True),
        ChannelSpec("县区动态", "xqdt", theme="county", share=12, show_on_home=True),
        ChannelSpec(
            "政务公开",
            "zwgk",
            kind="policy",
            children=(
                ChannelSpec("政策文件", "zcwj", kind="policy", theme="policy", share=8),
                ChannelSpec("政府信息公开年报", "gknb", kind="policy", theme="annual", share=1),
                ChannelSpec("财政资金", "czzj", kind="policy", theme="finance", share=3),
            ),
        ),
        ChannelSpec(
            "办事服务",
            "bsfw",
            kind="other",
            children=(
                ChannelSpec("办事指南", "bszn", kind="other", theme="guide", share=4),
                ChannelSpec("便民服务", "bmfw", kind="other", theme="convenience", share=3),
            ),
        ),
        ChannelSpec(
            "互动交流",
            "hdjl",
            kind="other",
            children=(
                ChannelSpec("市长热线", "szrx", theme="hotline_bulletin", share=4),
                ChannelSpec("典型案例", "dxal", theme="hotline_case", share=6),
            ),
        ),
        ChannelSpec(
            "专题专栏",
            "ztzl",
            kind="other",
            children=(
                ChannelSpec(
                    "数字晋城建设",
                    "szjc",
                    is_topic=True,
                    intro="电子政务云、IPv6、无线城市：晋城信息化建设专题",
                    children=(
                        ChannelSpec("电子政务云", "dzzwy", theme="cloud", share=2),
                        ChannelSpec("IPv6与无线城市", "ipv6", theme="ipv6", share=2),
                    ),
                ),
                ChannelSpec(
                    "网络与信息安全",
                    "wlaq",
                    is_topic=True,
                    intro="网络与信息安全突发事件应急预案、演练与数字证书应用",
                    children=(ChannelSpec("安全动态", "aqdt", theme="security", share=2),),
                ),
            ),
        ),
    ),
)

FARM = SiteSpec(
    key="farm",
    hostname=FARM_HOSTNAME,
    site_name="太行农网",
    root_title="太行农网",
    department_code="JCNYNCJ",
    intro="晋城市农业农村局主办的涉农信息服务网站",
    articles=110,
    source_names=("太行农网", "市农业农村局", "市农业信息中心", "晋城日报"),
    headline_slug="nyzx",
    notice_slug="tzgg",
    footer=FooterSpec(
        sponsor="晋城市农业农村局",
        organiser="晋城市农业信息中心",
        address="山西省晋城市城区泽州路1286号",
        postcode="048000",
        phone="0356-12316",
        email="nongwang@jcgov.example.cn",
        site_code="1405000012",
        icp_number="晋ICP备05001358号-2",
        public_security_number="晋公网安备14050202000212号",
    ),
    channels=(
        ChannelSpec("农业资讯", "nyzx", theme="farm_news", share=8, show_on_home=True),
        ChannelSpec("市场行情", "schq", theme="farm_market", share=12, show_on_home=True),
        ChannelSpec("农业技术", "nyjs", theme="farm_tech", share=6, show_on_home=True),
        ChannelSpec("12316热线", "rx12316", theme="farm_hotline", share=5, show_on_home=True),
        ChannelSpec("信息站点", "xxzd", theme="farm_station", share=4),
        ChannelSpec(
            "通知公告", "tzgg", kind="notice", theme="farm_notice", share=3, show_on_home=True
        ),
    ),
)

HEALTH = SiteSpec(
    key="health",
    hostname=HEALTH_HOSTNAME,
    site_name="晋城市卫生健康委员会",
    root_title="晋城市卫生健康委员会",
    department_code="JCWJW",
    intro="晋城市卫生健康委员会网站",
    articles=60,
    source_names=("市卫生健康委员会", "晋城日报", "远程医疗会诊中心"),
    headline_slug="wjyw",
    notice_slug="tzgg",
    footer=FooterSpec(
        sponsor="晋城市卫生健康委员会",
        organiser="晋城市信息中心",
        address="山西省晋城市城区新市东街998号",
        postcode="048000",
        phone="0356-2022120",
        email="wjw@jcgov.example.cn",
        site_code="1405000023",
        icp_number="晋ICP备05001358号-3",
        public_security_number="晋公网安备14050202000323号",
    ),
    channels=(
        ChannelSpec("卫健要闻", "wjyw", theme="health_news", share=6, show_on_home=True),
        ChannelSpec(
            "通知公告", "tzgg", kind="notice", theme="health_notice", share=3, show_on_home=True
        ),
        ChannelSpec("远程医疗", "ycyl", theme="telemedicine", share=4, show_on_home=True),
        ChannelSpec("公共卫生", "ggws", theme="public_health", share=4, show_on_home=True),
        ChannelSpec("健康科普", "jkkp", theme="health_tips", share=4),
        ChannelSpec("政务公开", "zwgk", kind="policy", theme="health_policy", share=2),
    ),
)

SITES = (PORTAL, FARM, HEALTH)


ROLE_LABELS: dict[str, Promise] = {
    "PLATFORM_ADMIN": _("Platform administrator"),
    "SITE_ADMIN": _("Site administrator"),
    "EDITOR": _("Editor"),
    "REVIEWER": _("Reviewer"),
    "LEADER": _("Leader"),
    "CASE_OFFICER": _("Case officer"),
    "HOTLINE_OPERATOR": _("Hotline operator"),
    "OPINION_ANALYST": _("Opinion analyst"),
}


@dataclass(frozen=True)
class AccountSpec:
    """One demo account. ``role`` names a ``zaixian.core.roles.Role`` member (or None);
    ``site_groups`` names attributes of the portal's ``SiteGroups`` for ``site``."""

    username: str
    last_name: str
    first_name: str
    department_code: str
    role: str | None
    site: str | None
    site_groups: tuple[str, ...]
    can_do: Promise
    job_title: str = ""
    is_superuser: bool = False


ACCOUNTS = (
    AccountSpec(
        "admin",
        "赵",
        "信息",
        "JCXXZX",
        "PLATFORM_ADMIN",
        None,
        (),
        _("Platform administrator: everything, every site"),
        "信息中心主任",
        is_superuser=True,
    ),
    AccountSpec(
        "siteadmin",
        "钱",
        "站长",
        "JCXXZX",
        "SITE_ADMIN",
        "portal",
        ("site_admins",),
        _("Site administrator of the city portal: channels, users, settings"),
        "网站管理员",
    ),
    AccountSpec(
        "editor",
        "孙",
        "采编",
        "JCZFB",
        "EDITOR",
        "portal",
        ("editors",),
        _("Editor of the city portal: write and submit articles"),
        "信息员",
    ),
    AccountSpec(
        "reviewer1",
        "李",
        "初审",
        "JCZFB",
        "REVIEWER",
        "portal",
        ("first_reviewers",),
        _("First review of city-portal articles"),
        "科员",
    ),
    AccountSpec(
        "reviewer2",
        "周",
        "复审",
        "JCZFB",
        "REVIEWER",
        "portal",
        ("second_reviewers",),
        _("Second review of city-portal articles"),
        "科长",
    ),
    AccountSpec(
        "reviewer3",
        "吴",
        "终审",
        "JCZFB",
        "REVIEWER",
        "portal",
        ("final_approvers",),
        _("Final approval and publishing of city-portal articles"),
        "副主任",
    ),
    AccountSpec(
        "leader",
        "郑",
        "领导",
        # The city government itself, so the leader sees every department's cases.
        "JC",
        "LEADER",
        None,
        (),
        _("Leader: dashboards, bulletins and flash reports"),
        "秘书长",
    ),
    AccountSpec(
        "officer",
        "王",
        "承办",
        "JCXZSPJ",
        "CASE_OFFICER",
        None,
        (),
        _("Case officer: accept and answer applications and requests"),
        "窗口工作人员",
    ),
    AccountSpec(
        "operator",
        "冯",
        "话务",
        "JC12345",
        "HOTLINE_OPERATOR",
        None,
        (),
        _("Hotline operator: take calls, register and dispatch cases"),
        "话务员",
    ),
    AccountSpec(
        "analyst",
        "陈",
        "舆情",
        "JCXXZX",
        "OPINION_ANALYST",
        None,
        (),
        _("Opinion analyst: confirm alerts, write flash reports"),
        "舆情分析员",
    ),
    AccountSpec(
        "nongwang_editor",
        "褚",
        "农网",
        "JCNYXXZX",
        "EDITOR",
        "farm",
        ("editors",),
        _("Editor of the farm-information site only"),
        "农业信息员",
    ),
)
