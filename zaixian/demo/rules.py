"""Pure logic of the demo city: spreading publish times and composing realistic Chinese
articles from templates and the seed's facts. No ORM and no network, so a seed always gives
the same city.

The article text is Chinese *content* (data), not interface text, so it is not translated.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from html import escape
from typing import Any

from zaixian.cases import rules as case_rules
from zaixian.core import rules as core_rules
from zaixian.demo.service_seed import DISTRICT_DIVISIONS
from zaixian.services import rules as service_rules

# Two years of history: the demo city looks lived-in, and date filters have something to do.
HISTORY_DAYS = 730


@dataclass(frozen=True)
class ArticleDraft:
    title: str
    summary: str
    body: str
    source: str
    author: str
    publish_time: datetime
    subtitle: str = ""


SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾田牛原"
GIVEN_NAMES = (
    "晓明",
    "海燕",
    "建军",
    "丽萍",
    "志强",
    "晓东",
    "红梅",
    "文杰",
    "静",
    "磊",
    "鹏飞",
    "雪芳",
    "国庆",
    "俊峰",
    "慧敏",
    "晋生",
    "太行",
    "彦斌",
    "瑞芳",
    "宏伟",
    "晓丽",
    "云龙",
    "婷",
    "超",
)
DEPARTMENTS = (
    "市发展和改革委员会",
    "市教育局",
    "市科学技术局",
    "市工业和信息化局",
    "市公安局",
    "市民政局",
    "市财政局",
    "市人力资源和社会保障局",
    "市自然资源局",
    "市生态环境局",
    "市住房和城乡建设局",
    "市交通运输局",
    "市农业农村局",
    "市卫生健康委员会",
    "市应急管理局",
    "市市场监督管理局",
    "市文化和旅游局",
    "市行政审批服务管理局",
    "市大数据应用局",
)
COUNTIES = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县")
TOWNS = (
    "巴公镇",
    "米山镇",
    "润城镇",
    "礼义镇",
    "嘉峰镇",
    "北石店镇",
    "大东沟镇",
    "端氏镇",
    "北留镇",
    "附城镇",
    "河西镇",
    "周村镇",
)
WORK_TOPICS = (
    "政府信息公开",
    "电子政务应用",
    "农村信息化",
    "教育信息化",
    "医疗卫生信息化",
    "网络与信息安全",
    "数字晋城建设",
    "政务服务“一网通办”",
    "网络舆情引导",
    "政府网站绩效评估",
    "无线城市建设",
    "城乡社会保障一卡通",
)
DEPARTMENT_DEEDS = {
    "市财政局": (
        "财政一体化业务系统平稳运行",
        "非税收入收缴实现与九家银行联网办理",
        "完成财政数据分析应用系统升级",
    ),
    "市教育局": (
        "推进教育城域网“校校通”工程",
        "新增一批学校接入教育城域网",
        "召开教育信息化工作推进会",
    ),
    "市自然资源局": (
        "国土资源综合监管平台实现“批、供、用、补、查”全程监管",
        "矿业权审批、勘察、开采实现实时监管",
    ),
    "市人力资源和社会保障局": (
        "城乡社会保障一卡通服务网点进一步扩大",
        "劳动监察管理信息系统上线运行",
    ),
    "市卫生健康委员会": ("远程医疗会诊平台服务基层群众", "推进公共卫生信息平台一体化建设"),
    "市应急管理局": ("安全生产应急救援指挥平台开展联合演练", "市级煤矿安全监控平台完成升级"),
    "市文化和旅游局": ("演出娱乐网络售票服务系统上线", "文化馆站网络视音频培训交流系统投入使用"),
    "市科学技术局": ("研发项目信息管理系统提升项目储备管理水平", "组织申报年度科技计划项目"),
    "市行政审批服务管理局": ("“在线办事”平台网上办件量稳步增长", "推进政务服务事项“全程网办”"),
    "市大数据应用局": ("电子政务云平台新增一批上云系统", "开展IPv6网络及业务测试"),
}
HOTLINE_PROBLEMS = (
    ("小区冬季供暖温度不达标", "市住房和城乡建设局"),
    ("背街小巷路灯不亮", "城区"),
    ("雨后道路积水影响通行", "市住房和城乡建设局"),
    ("农民工工资被拖欠", "市人力资源和社会保障局"),
    ("公交线路调整后乘车不便", "市交通运输局"),
    ("小区周边夜间施工噪音扰民", "市生态环境局"),
    ("农村饮用水水压不足", "泽州县"),
    ("医保异地就医备案咨询", "市医疗保障局"),
    ("老旧小区加装电梯", "市住房和城乡建设局"),
    ("学校周边交通秩序混乱", "市公安局"),
    ("食品摊点卫生状况差", "市市场监督管理局"),
    ("村道破损影响出行", "阳城县"),
)
CROPS = ("玉米", "小麦", "谷子", "大豆", "马铃薯", "蔬菜大棚", "中药材连翘", "山楂", "核桃", "蚕桑")
SEASON_WORK = {
    1: "冬季",
    2: "早春",
    3: "春季",
    4: "春播",
    5: "春季",
    6: "夏季",
    7: "伏天",
    8: "夏季",
    9: "秋收",
    10: "秋季",
    11: "秋冬",
    12: "冬季",
}
MARKET_ITEMS = (
    ("玉米", "元/斤", 1.05, 1.35),
    ("小麦", "元/斤", 1.25, 1.50),
    ("小米", "元/斤", 4.5, 6.5),
    ("大白菜", "元/斤", 0.4, 1.2),
    ("马铃薯", "元/斤", 0.9, 1.6),
    ("猪肉", "元/斤", 11.0, 16.5),
    ("鸡蛋", "元/斤", 3.6, 5.2),
    ("山楂", "元/斤", 1.5, 3.5),
    ("核桃", "元/斤", 8.0, 14.0),
)
FARM_QUESTIONS = (
    "玉米叶片发黄是什么原因",
    "大棚番茄裂果怎么防治",
    "小麦冬前如何合理浇水",
    "连翘种植需要注意什么",
    "家庭农场如何申请补贴",
    "生猪养殖如何防控非洲猪瘟",
    "谷子倒伏后如何补救",
    "蔬菜大棚冬季如何保温",
    "核桃树修剪的最佳时间",
)
DISEASES = ("流感", "诺如病毒感染", "手足口病", "高血压", "糖尿病", "中暑", "一氧化碳中毒")
HOLIDAYS = ("元旦", "春节", "清明节", "劳动节", "端午节", "中秋节", "国庆节")


def spread_publish_times(
    *, count: int, now: datetime, rng: random.Random, days: int = HISTORY_DAYS
) -> list[datetime]:
    """``count`` publish times spread evenly over the last ``days`` days, during office hours,
    oldest first. Even spacing (not pure chance) guarantees the span even for small counts."""
    if count <= 0:
        return []
    step = days / count
    times = []
    for index in range(count):
        day_offset = days - (index + rng.random()) * step
        moment = now - timedelta(days=day_offset)
        moment = moment.replace(
            hour=rng.randint(8, 17), minute=rng.randint(0, 59), second=0, microsecond=0
        )
        times.append(min(moment, now - timedelta(minutes=5)))
    return sorted(times)


def percent(part: int, whole: int) -> str:
    """A rate computed from its figures (the seed's "99.5%" is 98.3% by arithmetic; the
    platform never copies a rate, it computes one)."""
    if whole <= 0:
        return "0.0%"
    return f"{part * 100 / whole:.1f}%"


def _paragraphs(*texts: str) -> str:
    return "".join(f"<p>{escape(text)}</p>" for text in texts)


def _author(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


Composer = Callable[[random.Random, datetime], tuple[str, list[str]]]


def _today(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    topic = rng.choice(WORK_TOPICS)
    county = rng.choice(COUNTIES)
    options = [
        (
            f"我市召开{topic}工作推进会",
            [
                f"{when.month}月{when.day}日，全市{topic}工作推进会召开。会议总结了前一阶段工作，"
                f"部署了下一步重点任务。",
                "会议指出，要围绕经济社会转型、跨越发展战略目标，以“晋城在线”为依托，推动全市"
                "统一的党政信息网络建设，让信息化更好地服务群众、服务发展。",
                f"会议要求，各县（市、区）和市直各部门要明确责任、细化措施，确保{topic}各项任务"
                "按时完成。",
            ],
        ),
        (
            f"“晋城在线”{when.month}月发布信息{rng.randint(1400, 1900)}条",
            [
                f"据统计，{when.year}年{when.month}月“晋城在线”共发布各类信息"
                f"{rng.randint(1400, 1900)}条，涉及政务、经济、民生等多个方面。",
                f"网站日均点击量{rng.randint(320, 500)}万人次，访问者遍布全国34个省、市、自治区和"
                "全球100多个国家和地区。",
                "“今日晋城”栏目持续做好重要政务信息发布，多篇稿件被新华网和山西省人民政府门户网站转载。",
            ],
        ),
        (
            f"市领导调研{county}{topic}工作",
            [
                f"近日，市领导深入{county}调研{topic}工作，实地察看了基层服务站点和政务服务大厅。",
                "调研中强调，要坚持便民、利民、为民，用信息化手段提升政府治理和公共服务水平。",
            ],
        ),
        (
            "我市政府网站绩效评估继续位居全省前列",
            [
                "在年度中国政府网站绩效评估中，我市门户网站“晋城在线”得分位列全国地级市前列，"
                "在山西省各地市中排名第一。",
                "下一步，我市将继续完善政府信息公开目录，提升网站信息发布、在线办事和互动交流水平。",
            ],
        ),
    ]
    return rng.choice(options)


def _news(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    options = [
        (
            "晋城无线城市新增一批便民应用",
            [
                f"近日，晋城无线城市平台新上线{rng.randint(3, 8)}项便民应用，累计上线应用超过50项，"
                "涵盖公交查询、医院挂号、水电缴费等。",
                "市民可通过手机随时随地获取政务信息和公共服务。",
            ],
        ),
        (
            "我市电子政务云体系建设取得新进展",
            [
                "晋城市电子政务云体系研究项目曾获得“电子政务创新应用奖”。目前，电子政务云平台"
                f"已承载{rng.randint(60, 120)}个部门业务系统。",
                "集约化建设有效降低了运维成本，提升了系统安全性和可靠性。",
            ],
        ),
        (
            f"我市{rng.randint(2, 12)}项信息化成果获省级表彰",
            [
                "我市先后获得中国城市信息化50强、中国城市信息化卓越成就十佳城市等多项荣誉。",
                "近期，又有一批信息化应用成果获得省级表彰，涉及政务服务、医疗卫生、农业农村等领域。",
            ],
        ),
        (
            "全市政务服务“一网通办”深入推进",
            [
                f"截至{when.month}月底，“在线办事”平台累计完成行政许可{rng.randint(4800, 6500)}件，"
                "网上办理比例持续提升。",
                "市行政审批服务管理局表示，将继续推进政务服务事项标准化，让群众少跑腿、数据多跑路。",
            ],
        ),
    ]
    return rng.choice(options)


def _notice(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    holiday = rng.choice(HOLIDAYS)
    options = [
        (
            f"关于开展{when.year}年全市电子政务网络与信息安全模拟演练的通知",
            [
                "各县（市、区）人民政府，市直各有关单位：",
                "根据《晋城市网络与信息安全突发事件应急预案》，定于近期开展全市电子政务网络与信息"
                "安全模拟演练。请各单位明确一名联络员，做好应急处置准备。",
                "特此通知。",
            ],
        ),
        (
            f"关于做好{when.year}年政府网站绩效评估准备工作的通知",
            [
                "为进一步提升政府网站建设水平，请各单位对照评估指标开展自查，及时更新政府信息公开目录，"
                "确保栏目内容准确、及时、完整。",
                f"请于{when.month}月底前将自查报告报送市信息中心。",
            ],
        ),
        (
            f"关于{holiday}期间12345市长热线值班安排的公告",
            [
                f"{holiday}假期期间，12345市长热线实行24小时值班，市民群众反映的问题将及时转办、"
                "限时办结。",
                "紧急情况请拨打110、119、120等专用电话。",
            ],
        ),
        (
            f"晋城市{rng.choice(DEPARTMENTS)}关于公开征求意见的公告",
            [
                "为提高决策的科学性和透明度，现将有关文件征求意见稿全文公布，公开征求社会各界意见。",
                "意见可通过“晋城在线”互动交流栏目或电子邮件提交。征求意见时间为30日。",
            ],
        ),
    ]
    return rng.choice(options)


def _department(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    department = rng.choice(tuple(DEPARTMENT_DEEDS))
    deed = rng.choice(DEPARTMENT_DEEDS[department])
    return (
        f"{department}{deed}",
        [
            f"{when.month}月以来，{department}{deed}，相关工作取得阶段性成效。",
            "下一步，该局将继续加强信息化建设，推动业务系统互联互通和信息共享，提升服务群众的能力。",
        ],
    )


def _county(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    county = rng.choice(COUNTIES)
    town = rng.choice(TOWNS)
    options = [
        (
            f"{county}新建{rng.randint(3, 9)}个基层农业信息站点",
            [
                f"{county}按照全市统一的建设标准和工作制度，在{town}等地新建一批基层农业信息站点。",
                "站点通过“太行农网”及时发布市场行情和农业技术信息，打通农业信息服务“最后一公里”。",
            ],
        ),
        (
            f"{county}“12316”三农服务热线解答群众咨询{rng.randint(120, 600)}次",
            [
                f"今年以来，{county}“12316”三农服务热线累计解答农民群众各类咨询，涉及种植、养殖、"
                "农产品价格和政策补贴等。",
            ],
        ),
        (
            f"{county}政务服务中心实现{rng.randint(200, 600)}项事项网上可办",
            [
                f"{county}深入推进政务服务改革，依托“在线办事”平台，实现大部分政务服务事项网上可办。",
                "群众办事平均跑动次数明显减少。",
            ],
        ),
    ]
    return rng.choice(options)


def _policy(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    number = rng.randint(1, 60)
    subject = rng.choice(
        (
            "晋城市网络与信息安全突发事件应急预案",
            "关于以“晋城在线”为依托推动全市统一的党政信息网络建设的意见",
            "晋城市政府信息公开工作制度",
            "晋城市政府网站信息发布审核管理办法",
            "晋城市电子政务项目建设管理办法",
            "晋城市12345市长热线工作规范",
        )
    )
    return (
        f"晋城市人民政府关于印发《{subject}》的通知",
        [
            f"晋市政发〔{when.year}〕{number}号",
            "各县（市、区）人民政府，市直各委、局、办：",
            f"现将《{subject}》印发给你们，请认真贯彻执行。",
            f"晋城市人民政府\u3000{when.year}年{when.month}月{when.day}日",
        ],
    )


def _annual(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    year = when.year - 1
    return (
        f"晋城市人民政府{year}年政府信息公开工作年度报告",
        [
            "本报告依据《中华人民共和国政府信息公开条例》编制，全文包括总体情况、主动公开政府信息"
            "情况、收到和处理政府信息公开申请情况等内容。",
            f"{year}年，全市主动公开政府信息{rng.randint(4800, 5600)}条，"
            "及时更新政府信息公开目录。",
        ],
    )


def _finance(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"晋城市{when.year}年{when.month}月财政收支情况",
        [
            f"{when.month}月，全市一般公共预算收入完成"
            f"{rng.randint(8, 20)}.{rng.randint(0, 9)}亿元。",
            "非税收入通过财政城域网络办理收缴，全市有九家银行可以办理非税收入业务。",
        ],
    )


def _guide(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    matter = rng.choice(
        (
            "城乡社会保障一卡通申领",
            "企业开办",
            "不动产登记",
            "居民身份证换领",
            "残疾人证办理",
            "建设工程规划许可",
            "食品经营许可",
        )
    )
    return (
        f"{matter}办事指南",
        [
            f"一、事项名称：{matter}",
            "二、办理方式：可通过“晋城在线”在线办事平台网上申请，也可到市政务服务中心窗口办理。",
            f"三、承诺时限：{rng.randint(1, 15)}个工作日。",
            "四、咨询电话：12345。",
        ],
    )


def _convenience(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        [
            (
                "晋城市城乡社会保障一卡通服务网点一览",
                [
                    "全市各县（市、区）均设有社会保障卡服务网点，市民可就近办理申领、挂失和补换业务。"
                ],
            ),
            (
                "演出娱乐网络售票服务系统使用说明",
                ["市民可通过网络售票服务系统在线购买全市演出娱乐门票，支持手机支付。"],
            ),
            (
                "市民通过手机查询公交实时到站信息",
                ["晋城无线城市平台提供公交实时到站查询服务，覆盖市区全部公交线路。"],
            ),
        ]
    )


def _previous_month(when: datetime) -> tuple[int, int]:
    return (when.year, when.month - 1) if when.month > 1 else (when.year - 1, 12)


def _hotline_bulletin(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    year, month = _previous_month(when)
    accepted = rng.randint(4300, 6100)
    closed = accepted - rng.randint(40, 160)
    solved = rng.randint(55, 95)
    cases = rng.randint(8, 14)
    sentiment = rng.randint(12, 25)
    return (
        f"12345市长热线{year}年{month}月运行情况通报",
        [
            f"{year}年{month}月，12345市长热线共受理来电{accepted}件，已办结{closed}件，"
            f"办结率{percent(closed, accepted)}。",
            f"当月为市民群众解决实际问题{solved}件，发布典型案例{cases}条，受理社情民意{sentiment}件。",
            "热线继续本着“便民、利民、为民”的工作宗旨，对未办结事项加强督办和回访。",
        ],
    )


def _hotline_case(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    problem, handler = rng.choice(HOTLINE_PROBLEMS)
    return (
        f"市长热线典型案例：{problem}问题得到解决",
        [
            f"{when.month}月{when.day}日，市民致电12345市长热线，反映{problem}。",
            f"热线当日将工单派至{handler}办理。承办单位现场核实后立即整改，问题在承诺时限内解决。",
            "回访时，市民对处理结果表示满意，并专门致谢。",
        ],
    )


def _cloud(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"电子政务云新增{rng.randint(3, 12)}个部门业务系统",
        [
            "按照集约化建设要求，又一批部门业务系统迁移上云，实现资源统一调度和安全统一防护。",
        ],
    )


def _ipv6(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        [
            (
                "我市IPv6网络及业务测试平台运行良好",
                [
                    "我市向CNNIC成功申请了296个IPv6地址，研究部署了IPv6网络及业务测试平台。",
                    f"目前已有{rng.randint(10, 40)}个政务网站支持IPv6访问。",
                ],
            ),
            (
                f"晋城无线城市上线应用突破{rng.randint(50, 80)}项",
                ["无线城市建设是数字晋城的重要内容，应用覆盖政务、交通、医疗、教育等领域。"],
            ),
        ]
    )


def _security(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        [
            (
                f"{when.year}年全市电子政务网络与信息安全模拟演练圆满完成",
                [
                    "演练模拟了网站篡改、病毒攻击等突发事件，检验了应急预案和技术支撑队伍的处置能力。"
                ],
            ),
            (
                "我市推进数字证书在电子政务中的应用",
                ["数字证书应用保障了各项应用系统和数据传输的安全可靠。"],
            ),
            (
                "信息化专家咨询委员会召开年度会议",
                ["专家咨询委员会围绕网络与信息安全、电子政务云建设等议题提出意见建议。"],
            ),
        ]
    )


def _farm_news(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    county = rng.choice(COUNTIES)
    return rng.choice(
        [
            (
                f"“太行农网”{when.month}月发布涉农信息{rng.randint(900, 1200)}条",
                [
                    "“太行农网”持续发布市场行情、农业技术和政策信息，全年发布各类涉农信息超过12400条（次）。"
                ],
            ),
            (
                f"{county}推进“三电合一”农业信息服务",
                [f"{county}整合电话、电视、电脑资源，为农民提供便捷的农业信息服务。"],
            ),
            (
                "“金农工程”应用成果在全市推广",
                ["“金农工程”试点成果已在全市推广应用，农业信息服务能力明显提升。"],
            ),
        ]
    )


def _farm_market(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    lines = [f"{when.year}年{when.month}月{when.day}日晋城市主要农产品批发市场价格："]
    for item, unit, low, high in rng.sample(MARKET_ITEMS, 6):
        lines.append(f"{item}：{rng.uniform(low, high):.2f}{unit}")
    lines.append("以上价格由各县（市、区）农业信息站点采集，仅供参考。")
    return f"{when.month}月{when.day}日晋城市主要农产品市场行情", lines


def _farm_tech(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    crop = rng.choice(CROPS)
    season = SEASON_WORK[when.month]
    return (
        f"{crop}{season}管理技术要点",
        [
            f"当前正值{season}，{crop}管理要抓好以下几点：",
            "一是因地制宜，科学施肥；二是加强病虫害监测，绿色防控；三是关注天气变化，防灾减灾。",
            "如有疑问，请拨打“12316”三农服务热线咨询。",
        ],
    )


def _farm_hotline(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    question = rng.choice(FARM_QUESTIONS)
    return (
        f"12316热线解答：{question}",
        [
            f"{rng.choice(COUNTIES)}{rng.choice(TOWNS)}农户来电咨询：{question}？",
            "农业专家答复：应根据实际情况分析原因，对症处理。建议联系当地农业信息站点，由技术人员"
            "现场指导。",
        ],
    )


def _farm_station(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    town = rng.choice(TOWNS)
    return (
        f"{town}农业信息站：把市场信息送到农民手中",
        [
            f"{town}农业信息站按照全市统一标准建设，配备了电脑、电子显示屏和信息员。",
            "全市已建成30个基层农业信息站点，统一建设标准和工作制度。",
        ],
    )


def _farm_notice(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"关于开展{when.year}年农业信息员培训的通知",
        [
            "各县（市、区）农业农村局：为提升基层农业信息站点服务能力，定于近期举办农业信息员培训班。"
        ],
    )


def _health_news(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return rng.choice(
        [
            (
                "“方便晋城”远程医疗会诊平台服务群众就医",
                ["远程医疗会诊平台让基层群众在家门口就能享受市级医院专家服务，缓解看病难问题。"],
            ),
            (
                f"公共卫生信息平台接入医疗卫生机构{rng.randint(200, 400)}家",
                ["公共卫生信息平台一体化建设实现各级各类医疗卫生机构的互联互通和信息共享。"],
            ),
        ]
    )


def _health_notice(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"关于做好{when.year}年{rng.choice(DISEASES)}防控工作的通知",
        ["各县（市、区）卫生健康局，市直各医疗卫生单位：请加强监测，做好宣传和应急准备。"],
    )


def _telemedicine(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"远程医疗会诊平台{when.month}月完成会诊{rng.randint(80, 260)}例",
        [
            f"{when.month}月，晋城市远程医疗会诊平台为{rng.choice(COUNTIES)}等县区患者提供远程会诊，"
            "涉及心血管、神经、影像等专科。",
        ],
    )


def _public_health(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"{rng.choice(COUNTIES)}推进公共卫生信息平台一体化建设",
        ["居民电子健康档案与医疗机构信息实现共享，基本公共卫生服务管理更加精细。"],
    )


def _health_tips(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    disease = rng.choice(DISEASES)
    return (
        f"健康提示：{SEASON_WORK[when.month]}如何预防{disease}",
        [f"专家提醒，预防{disease}要注意个人卫生，合理膳食，适量运动，出现症状及时就医。"],
    )


def _health_policy(rng: random.Random, when: datetime) -> tuple[str, list[str]]:
    return (
        f"晋城市卫生健康委员会{when.year}年政务公开工作要点",
        ["围绕群众关切，做好医疗服务、公共卫生、健康扶贫等领域信息公开。"],
    )


COMPOSERS: dict[str, Composer] = {
    "today": _today,
    "news": _news,
    "notice": _notice,
    "department": _department,
    "county": _county,
    "policy": _policy,
    "annual": _annual,
    "finance": _finance,
    "guide": _guide,
    "convenience": _convenience,
    "hotline_bulletin": _hotline_bulletin,
    "hotline_case": _hotline_case,
    "cloud": _cloud,
    "ipv6": _ipv6,
    "security": _security,
    "farm_news": _farm_news,
    "farm_market": _farm_market,
    "farm_tech": _farm_tech,
    "farm_hotline": _farm_hotline,
    "farm_station": _farm_station,
    "farm_notice": _farm_notice,
    "health_news": _health_news,
    "health_notice": _health_notice,
    "telemedicine": _telemedicine,
    "public_health": _public_health,
    "health_tips": _health_tips,
    "health_policy": _health_policy,
}
GENERIC_THEMES = ("today", "news", "department", "county", "ipv6", "security")


def compose_article(
    *, theme: str, rng: random.Random, when: datetime, sources: tuple[str, ...]
) -> ArticleDraft:
    """One article of a theme; an unknown theme (a channel the demo did not create, used by
    the generator) falls back to general city news."""
    composer = COMPOSERS.get(theme) or COMPOSERS[rng.choice(GENERIC_THEMES)]
    title, paragraphs = composer(rng, when)
    summary = paragraphs[0] if len(paragraphs[0]) > 20 else "".join(paragraphs[:2])
    return ArticleDraft(
        title=title[:255],
        summary=summary[:200],
        body=_paragraphs(*paragraphs),
        source=rng.choice(sources) if sources else "晋城在线",
        author=_author(rng),
        publish_time=when,
    )


def split_by_share(*, total: int, shares: list[int]) -> list[int]:
    """Split ``total`` in proportion to ``shares`` (largest remainders), so the counts always
    add up to exactly ``total``."""
    weight = sum(shares)
    if weight <= 0 or total <= 0:
        return [0 for _ in shares]
    exact = [total * share / weight for share in shares]
    counts = [int(value) for value in exact]
    remainders = sorted(range(len(shares)), key=lambda i: exact[i] - counts[i], reverse=True)
    for index in remainders[: total - sum(counts)]:
        counts[index] += 1
    return counts


# --- The service hall: identity numbers, template files, historic cases -----------------------
# The check characters come from the core rules the validators use (GB 11643, GB 11714,
# GB 32100), the clock arithmetic from the core working-day rules and the tracking numbers and
# decision numbers from the case engine's and the service hall's rules, so the demo's bulk
# rows are exactly what the actions would have written.


def resident_id(*, division: str, birth: str, sequence: str) -> str:
    """An 18-character resident ID number (GB 11643-1999) with its check character."""
    body = f"{division}{birth}{sequence}"
    return body + core_rules.id_number_check_code(body)


def credit_code(
    *, division: str, organisation_body: str, department: str = "9", category: str = "1"
) -> str:
    """A unified social credit code (GB 32100-2015): registration department (9: market
    regulation), category (1: enterprise), division, organisation code with its GB 11714
    check character, and the code's own check character."""
    organisation = organisation_body + core_rules.organisation_code_check_char(organisation_body)
    body = f"{department}{category}{division}{organisation}"
    return body + core_rules.credit_code_check_char(body)


def _pdf_text(text: str) -> str:
    return "<" + text.encode("utf-16-be").hex().upper() + ">"


def simple_pdf(*, title: str, lines: list[str]) -> bytes:
    """A one-page A4 PDF of Chinese text lines, small enough to build at load time: it uses
    the standard Adobe-GB1 font STSong-Light (every PDF reader supplies it), so no font is
    embedded. The cross-reference table holds the real byte offsets."""
    stream_lines = ["BT", "/F1 18 Tf", "72 770 Td", f"{_pdf_text(title)} Tj", "/F1 12 Tf"]
    for line in lines:
        stream_lines += ["0 -26 Td", f"{_pdf_text(line)} Tj"]
    stream_lines.append("ET")
    stream = "\n".join(stream_lines).encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 6 0 R >>",
        b"<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H "
        b"/DescendantFonts [5 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType0 /BaseFont /STSong-Light "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> "
        b"/FontDescriptor 7 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /FontDescriptor /FontName /STSong-Light /Flags 6 "
        b"/FontBBox [-25 -254 1000 880] /ItalicAngle 0 /Ascent 880 /Descent -120 "
        b"/CapHeight 880 /StemV 93 >>",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{offset:010d} 00000 n \n" for offset in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


_DOCX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/'
    'vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>'
)
_DOCX_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="word/document.xml"/></Relationships>'
)


def simple_docx(*, title: str, paragraphs: list[str]) -> bytes:
    """A minimal Word document (Office Open XML): a bold title and plain paragraphs."""
    import io
    import zipfile

    def run(text: str, *, bold: bool = False) -> str:
        props = '<w:rPr><w:b/><w:sz w:val="32"/></w:rPr>' if bold else ""
        return f'<w:p><w:r>{props}<w:t xml:space="preserve">{escape(text)}</w:t></w:r></w:p>'

    body = run(title, bold=True) + "".join(run(text) for text in paragraphs)
    document = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _DOCX_CONTENT_TYPES)
        archive.writestr("_rels/.rels", _DOCX_RELS)
        archive.writestr("word/document.xml", document)
    return buffer.getvalue()


# Past cases of the service hall. A plan is what happened to one application: the steps of
# the case engine's ``services.application`` type with their dates, in order.

CASE_HISTORY_DAYS = 425  # about 14 months
# The cases in each state the demo shows (a few hundred each; most cases are long closed).
CASE_STATE_COUNTS = {
    "submitted": 120,
    "accepted": 260,
    "correction": 120,
    "approved": 120,
    "denied": 100,
    "not_accepted": 140,
    "withdrawn": 120,
    "closed": 1400,
}
RATED_SHARE = 0.75
# Of the ratings: 非常满意 … 非常不满意 (5 … 1).
GRADE_WEIGHTS = {5: 70, 4: 17, 3: 6, 2: 4, 1: 3}

REFUSAL_NOTES = (
    "申请事项依法不属于本机关职权范围，请向县级市场监督管理部门申请。",
    "申请人不具备申请资格：营业执照已被吊销。",
    "申请事项依法不需要取得行政许可，请按备案程序办理。",
    "同一事项已在办理中，请勿重复提交。",
)
CORRECTION_NOTES = (
    "请补充上传住所（经营场所）使用证明，租赁合同需加盖出租方公章。",
    "身份证件照片不清晰，请重新上传正反面彩色扫描件。",
    "申请书未签字，请下载模板签字后重新上传。",
    "平面布局图未标明功能间面积，请补充。",
    "健康体检证明超过6个月有效期，请补充近期体检证明。",
)
DENIAL_NOTES = (
    "经现场核查，经营场所与申请材料不符，不符合法定条件。",
    "申请人在法定期限内未能提交符合要求的检测报告。",
    "经审查，拟使用场所位于居民住宅楼内，不符合卫生规范要求。",
)
EXAMINATION_NOTES = (
    "材料齐全，现场核查符合要求，拟同意。",
    "经审查，申请材料符合法定形式，建议准予。",
    "已通过部门间数据共享核验身份和营业执照信息。",
)
EXTENSION_NOTES = ("需组织专家现场评审，经负责人批准延长十个工作日。",)
RATING_COMMENTS = {
    5: (
        "全程网上办，一次都没跑，点赞！",
        "窗口工作人员很耐心，办得很快。",
        "比承诺时间还快，满意。",
        "",
    ),
    4: ("整体不错，就是补正说明可以再清楚些。", "办理顺利。", ""),
    3: ("等的时间有点长。", ""),
    2: ("补正要求前后不一致，来回改了两次。", "电话一直打不通。"),
    1: ("超期了也没人告知进度。", "材料被要求重复提交，体验很差。"),
}
FOLLOW_UP_NOTES = (
    "已电话回访申请人，说明情况并致歉；已对补正告知单进行规范，要求一次性告知。",
    "经核实，系窗口人员告知不到位，已批评教育并纳入月度考核。",
)


@dataclass(frozen=True)
class ItemTiming:
    """What planning needs to know of a service item."""

    promised_days: int
    statutory_days: int
    share: int
    is_licence: bool


@dataclass(frozen=True)
class PlannedStep:
    transition: str
    at: datetime
    by_applicant: bool = False
    note: str = ""
    is_public: bool = True
    extend_days: int = 0


@dataclass(frozen=True)
class CasePlan:
    item: int
    applicant: int
    submitted_at: datetime
    steps: tuple[PlannedStep, ...]
    grade: int | None = None
    comment: str = ""
    rated_at: datetime | None = None
    follow_up_resolved_at: datetime | None = None
    follow_up_note: str = ""
    is_assigned: bool = False


@dataclass(frozen=True)
class ClockState:
    """The deadline fields of a case after its steps, as the case engine computes them."""

    clock_started_on: date | None = None
    suspended_since: date | None = None
    suspended_days: int = 0
    extended_days: int = 0
    due_on: date | None = None
    statutory_due_on: date | None = None
    finished_on: date | None = None
    is_on_time: bool | None = None


Calendars = Callable[[int], "core_rules.YearCalendar"]

# Transitions of the application case type: target state and what each does to the clock.
APPLICATION_MOVES = {
    "accept": ("accepted", "start"),
    "refuse": ("not_accepted", "none"),
    "request_correction": ("correction", "stop"),
    "correct": ("accepted", "resume"),
    "extend": ("accepted", "extend"),
    "examine": ("accepted", "none"),
    "approve": ("approved", "finish"),
    "deny": ("denied", "finish"),
    "close": ("closed", "none"),
    "withdraw": ("withdrawn", "none"),
}
FINAL_STATES = frozenset({"not_accepted", "withdrawn", "closed"})


def plan_state(plan: CasePlan) -> str:
    """The state the planned case is in after its steps."""
    return _state_of(list(plan.steps))


def tracking_number(*, on: date, department_code: str, rng: random.Random) -> str:
    """A tracking number as the case engine draws it (date, department, six random digits,
    check character), from the demo's seeded generator so a reload is reproducible."""
    body = f"{on:%Y%m%d}{department_code}{rng.randrange(10**case_rules.RANDOM_DIGITS):06d}"
    return body + case_rules.tracking_check_char(body)


def decision_number(*, prefix: str, is_approval: bool, year: int, serial: int) -> str:
    """The decision's number, by the service hall's rule."""
    return service_rules.decision_number(
        prefix=prefix, is_approval=is_approval, year=year, serial=serial
    )


def run_clock(
    *,
    calendars: Calendars,
    steps: tuple[PlannedStep, ...],
    promised_days: int | None,
    statutory_days: int | None,
    starts_on: date | None = None,
) -> ClockState:
    """The deadline clock after ``steps``, by the case engine's rules: the limit counts from
    acceptance (or ``starts_on`` for types that start the clock on creation), correction
    stops it and adds the stopped working days back, an extension adds working days, the
    decision finishes it on time or late."""
    clock: dict[str, Any] = {
        "clock_started_on": None,
        "suspended_since": None,
        "suspended_days": 0,
        "extended_days": 0,
        "due_on": None,
        "statutory_due_on": None,
        "finished_on": None,
        "is_on_time": None,
    }

    def recompute() -> None:
        start = clock["clock_started_on"]
        if start is None:
            return
        added = clock["extended_days"] + clock["suspended_days"]
        limit = promised_days or statutory_days
        clock["due_on"] = (
            core_rules.add_working_days_with(calendars, start, limit + added).date
            if limit
            else None
        )
        clock["statutory_due_on"] = (
            core_rules.add_working_days_with(calendars, start, statutory_days + added).date
            if statutory_days
            else None
        )

    def resume(day: date) -> None:
        if clock["suspended_since"] is not None:
            stopped = core_rules.working_days_between_with(calendars, clock["suspended_since"], day)
            clock["suspended_days"] += max(0, stopped)
            clock["suspended_since"] = None
            recompute()

    def finish(day: date) -> None:
        if clock["clock_started_on"] is None or clock["finished_on"] is not None:
            return
        resume(day)
        clock["finished_on"] = day
        clock["is_on_time"] = clock["due_on"] is None or day <= clock["due_on"]

    if starts_on is not None:
        clock["clock_started_on"] = starts_on
        recompute()
    for step in steps:
        day = step.at.date()
        effect = APPLICATION_MOVES.get(step.transition, ("", "finish"))[1]
        if effect == "start" and clock["clock_started_on"] is None:
            clock["clock_started_on"] = day
            recompute()
        elif effect == "stop" and clock["suspended_since"] is None:
            clock["suspended_since"] = day
        elif effect == "resume":
            resume(day)
        elif effect == "extend":
            clock["extended_days"] += step.extend_days
            recompute()
        elif effect == "finish":
            finish(day)
        if APPLICATION_MOVES.get(step.transition, ("",))[0] in FINAL_STATES:
            finish(day)
    return ClockState(**clock)


def working_day_before(calendars: Calendars, day: date, n: int) -> date:
    """The ``n``-th working day before ``day`` (``day`` itself not counted; 0: ``day``)."""
    while n > 0:
        day -= timedelta(days=1)
        if calendars(day.year).is_working_day(day):
            n -= 1
    return day


def form_choices(text: str) -> list[str]:
    """The choices of a choice field, as the application form reads them."""
    return service_rules.parse_choices(text)


class _Days:
    """Working-day steps over a calendar lookup, and office-hours times on those days."""

    def __init__(self, *, calendars: Calendars, rng: random.Random, tz: Any) -> None:
        self.calendars = calendars
        self.rng = rng
        self.tz = tz

    def is_working(self, day: date) -> bool:
        return self.calendars(day.year).is_working_day(day)

    def after(self, day: date, n: int) -> date:
        return core_rules.add_working_days_with(self.calendars, day, n).date

    def before(self, day: date, n: int) -> date:
        return working_day_before(self.calendars, day, n)

    def office_time(self, day: date, *, not_before: datetime | None = None) -> datetime:
        """A time in office hours (8:30–12:00, 14:30–17:30) on ``day``, after ``not_before``
        (a later step on the same day comes a few minutes to hours after the previous)."""
        if self.rng.random() < 0.55:
            minute = self.rng.randint(8 * 60 + 30, 11 * 60 + 50)
        else:
            minute = self.rng.randint(14 * 60 + 30, 17 * 60 + 20)
        moment = datetime(
            day.year,
            day.month,
            day.day,
            minute // 60,
            minute % 60,
            self.rng.randint(0, 59),
            tzinfo=self.tz,
        )
        if not_before is not None and moment <= not_before:
            moment = not_before + timedelta(minutes=self.rng.randint(6, 90))
        return moment


def _weighted(rng: random.Random, weights: dict[int, int]) -> int:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


def _plan_path(
    *, days: _Days, rng: random.Random, item: ItemTiming, target: str, start: date
) -> list[PlannedStep]:
    """The whole life of one application submitted on ``start``, heading for ``target``
    (its final or current state); later truncated at the demo's "now"."""
    steps: list[PlannedStep] = []
    submitted = days.office_time(start)
    last = submitted

    def add(transition: str, day: date, **kwargs: Any) -> date:
        nonlocal last
        moment = days.office_time(day, not_before=last)
        steps.append(PlannedStep(transition, moment, **kwargs))
        last = moment
        return moment.date()

    # Most offices accept within two working days; a case still waiting at "now" was
    # submitted in the last day or two and is accepted later.
    delay = rng.randint(2, 3) if target == "submitted" else rng.choice((0, 0, 1, 1, 2))
    accept_day = days.after(start, delay)
    if target == "not_accepted":
        add("refuse", accept_day, note=rng.choice(REFUSAL_NOTES))
        return steps
    if target == "withdrawn" and rng.random() < 0.6:
        add("withdraw", accept_day, by_applicant=True)
        return steps
    day = add("accept", accept_day)
    limit = item.promised_days
    wants_correction = target in {"correction", "withdrawn"} or rng.random() < 0.2
    if wants_correction:
        day = add(
            "request_correction",
            days.after(day, rng.randint(1, max(1, limit - 1))),
            note=rng.choice(CORRECTION_NOTES),
        )
        if target == "withdrawn":
            add("withdraw", days.after(day, rng.randint(1, 10)), by_applicant=True)
            return steps
        corrected = days.after(day, rng.randint(1, 8))
        suspended = core_rules.working_days_between_with(days.calendars, day, corrected)
        day = add("correct", corrected, by_applicant=True)
    else:
        suspended = 0
    if item.statutory_days >= 10 and rng.random() < 0.04:
        day = add(
            "extend",
            days.after(day, rng.randint(1, limit)),
            extend_days=10,
            note=EXTENSION_NOTES[0],
        )
        limit += 10
    if item.is_licence and rng.random() < 0.5:
        day = add("examine", day, note=rng.choice(EXAMINATION_NOTES), is_public=False)
    is_late = rng.random() < 0.08
    used = limit + rng.randint(1, 6) if is_late else rng.randint(0, max(0, limit - 1))
    decision_day = days.after(accept_day, used + suspended)
    if decision_day < day:
        decision_day = day
    if target == "denied" or (target not in {"approved", "accepted"} and rng.random() < 0.12):
        day = add("deny", decision_day, note=rng.choice(DENIAL_NOTES))
    else:
        day = add("approve", decision_day)
    add("close", days.after(day, rng.choice((0, 1, 1, 2, 3))))
    return steps


def plan_cases(
    *,
    rng: random.Random,
    calendars: Calendars,
    now: datetime,
    items: list[ItemTiming],
    applicants: int,
    counts: dict[str, int] = CASE_STATE_COUNTS,
) -> list[CasePlan]:
    """Plans for ``sum(counts)`` applications, each in its target state at ``now``: final
    ones spread over the last 14 months (busier lately), open ones recent enough to still be
    open. Everything happens on working days in office hours, before ``now``'s day."""
    days = _Days(calendars=calendars, rng=rng, tz=now.tzinfo)
    last_day = days.before(now.date(), 1)
    first_day = now.date() - timedelta(days=CASE_HISTORY_DAYS)
    cutoff = datetime(last_day.year, last_day.month, last_day.day, 23, 59, tzinfo=now.tzinfo)
    item_weights = [item.share for item in items]
    plans: list[CasePlan] = []
    for target, count in counts.items():
        for _index in range(count):
            item_index = rng.choices(range(len(items)), weights=item_weights)[0]
            item = items[item_index]
            steps, start = _fit_path(
                rng=rng,
                calendars=calendars,
                item=item,
                target=target,
                first_day=first_day,
                last_day=last_day,
                cutoff=cutoff,
            )
            plans.append(
                _rated(
                    rng=rng,
                    days=days,
                    cutoff=cutoff,
                    plan=CasePlan(
                        item=item_index,
                        applicant=rng.randrange(applicants),
                        submitted_at=_submitted_at(days, steps, start),
                        steps=tuple(steps),
                        is_assigned=rng.random() < 0.7,
                    ),
                )
            )
    return sorted(plans, key=lambda plan: plan.submitted_at)


def _fit_path(
    *,
    rng: random.Random,
    calendars: Calendars,
    item: ItemTiming,
    target: str,
    first_day: date,
    last_day: date,
    cutoff: datetime,
) -> tuple[list[PlannedStep], date]:
    """A path heading for ``target``, placed so that at ``cutoff`` the case is in ``target``:
    a final state's path lies wholly in the past; an open state's path is moved (same random
    choices, another start) until ``cutoff`` falls between entering the state and leaving
    it. Gives up after a few shapes and keeps the last, so counts are close to the targets."""
    days = _Days(calendars=calendars, rng=rng, tz=cutoff.tzinfo)
    steps: list[PlannedStep] = []
    start = last_day
    for _shape in range(12):
        shape_seed = rng.random()
        if target in FINAL_STATES:
            span = (last_day - first_day).days - 20
            start = first_day + timedelta(days=int(span * rng.random() ** 0.8))
        else:
            start = days.before(last_day, rng.randint(0, 3))
        for _move in range(3):
            if not days.is_working(start):
                start = days.after(start, 1)
            shaped_rng = random.Random(shape_seed)  # noqa: S311 — demo data, not a secret
            shaped = _Days(calendars=calendars, rng=shaped_rng, tz=cutoff.tzinfo)
            path = _plan_path(days=shaped, rng=shaped.rng, item=item, target=target, start=start)
            steps = [step for step in path if step.at <= cutoff]
            if path[0].at <= cutoff and _state_of(steps) == target:
                return steps, start
            entered, left = _interval(path, target=target, start=start)
            if entered is None or target in FINAL_STATES:
                break
            low = core_rules.working_days_between_with(calendars, start, entered)
            high = (
                core_rules.working_days_between_with(calendars, start, left) - 1
                if left
                else low + 25
            )
            start = days.before(last_day, rng.randint(low, max(low, high)))
    return steps, start


def _interval(
    path: list[PlannedStep], *, target: str, start: date
) -> tuple[date | None, date | None]:
    """The days a path enters ``target`` and leaves it again (None: never / not again)."""
    state, entered = "submitted", start if target == "submitted" else None
    for step in path:
        new_state = APPLICATION_MOVES[step.transition][0]
        if entered is not None and new_state != target:
            return entered, step.at.date()
        if new_state == target and state != target and entered is None:
            entered = step.at.date()
        state = new_state
    return entered, None


def _state_of(steps: list[PlannedStep]) -> str:
    state = "submitted"
    for step in steps:
        state = APPLICATION_MOVES[step.transition][0]
    return state


def _submitted_at(days: _Days, steps: list[PlannedStep], start: date) -> datetime:
    """Office hours on ``start``, before the first step when that is on the same day."""
    moment = days.office_time(start)
    if steps and moment >= steps[0].at:
        opening = steps[0].at.replace(hour=8, minute=30, second=0)
        moment = opening + (steps[0].at - opening) * days.rng.random()
    return moment


def _rated(*, rng: random.Random, days: _Days, cutoff: datetime, plan: CasePlan) -> CasePlan:
    """A closed case is rated by most applicants a few days after closing; the two bottom
    grades get a follow-up, resolved within the time limit unless it is still recent."""
    if not plan.steps or plan.steps[-1].transition != "close" or rng.random() > RATED_SHARE:
        return plan
    grade = _weighted(rng, GRADE_WEIGHTS)
    closed = plan.steps[-1].at
    rated = closed + timedelta(days=rng.randint(0, 4), hours=rng.randint(1, 6))
    if rated > cutoff:
        return plan
    resolved = None
    note = ""
    if grade <= 2:
        # Most are put right within the 15 working days; a few are still open (some late).
        resolved_day = days.after(rated.date(), rng.randint(3, 16))
        candidate = days.office_time(resolved_day, not_before=rated)
        if candidate <= cutoff and rng.random() < 0.9:
            resolved, note = candidate, rng.choice(FOLLOW_UP_NOTES)
    return CasePlan(
        item=plan.item,
        applicant=plan.applicant,
        submitted_at=plan.submitted_at,
        steps=plan.steps,
        grade=grade,
        comment=rng.choice(RATING_COMMENTS[grade]),
        rated_at=rated,
        follow_up_resolved_at=resolved,
        follow_up_note=note,
        is_assigned=plan.is_assigned,
    )


# --- Applicants and what they typed --------------------------------------------------------

ROADS = ("凤台街", "泽州路", "黄华街", "新市街", "文昌街", "红星街", "书院街", "太行路", "白马寺路")
FIRM_WORDS = ("太行", "丹河", "珏山", "沁河", "兴晋", "鑫盛", "同泰", "晋康", "瑞丰", "皇城")
FIRM_TRADES = (
    ("餐饮管理", "有限公司"),
    ("商贸", "有限公司"),
    ("建筑工程", "有限公司"),
    ("物流", "有限公司"),
    ("酒店管理", "有限公司"),
    ("农业开发", "专业合作社"),
    ("美容美发", "店"),
    ("食品", "有限公司"),
)


@dataclass(frozen=True)
class SampleApplicant:
    """A person or business of the demo's applicant pool."""

    kind: str  # "citizen" or "organisation"
    name: str
    resident_id: str
    mobile_phone: str
    address: str
    organisation_name: str = ""
    credit_code: str = ""
    legal_representative: str = ""

    @property
    def display_name(self) -> str:
        return self.organisation_name or self.name


def _person_name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)


def _random_resident_id(rng: random.Random, *, born_from: int = 1950, born_to: int = 2004) -> str:
    birth = date(rng.randint(born_from, born_to), rng.randint(1, 12), rng.randint(1, 28))
    return resident_id(
        division=rng.choice(DISTRICT_DIVISIONS),
        birth=f"{birth:%Y%m%d}",
        sequence=f"{rng.randint(0, 999):03d}",
    )


def _address(rng: random.Random) -> str:
    county = rng.choice(COUNTIES)
    return f"山西省晋城市{county}{rng.choice(ROADS)}{rng.randint(1, 1999)}号"


def compose_applicants(
    *, rng: random.Random, citizens: int, organisations: int, taken_phones: set[str]
) -> list[SampleApplicant]:
    """The demo's pool of applicants: citizens with valid resident ID numbers and businesses
    with valid unified social credit codes, each with a distinct mobile number."""
    phones = set(taken_phones)
    ids: set[str] = set()

    def phone() -> str:
        while True:
            number = f"1{rng.choice('3589')}{rng.randint(0, 9)}0356{rng.randint(0, 9999):04d}"
            if number not in phones:
                phones.add(number)
                return number

    def person_id() -> str:
        while True:
            value = _random_resident_id(rng)
            if value not in ids:
                ids.add(value)
                return value

    pool = [
        SampleApplicant(
            kind="citizen",
            name=_person_name(rng),
            resident_id=person_id(),
            mobile_phone=phone(),
            address=_address(rng),
        )
        for _index in range(citizens)
    ]
    alphabet = core_rules.CREDIT_CODE_CHARS
    for index in range(organisations):
        trade, suffix = FIRM_TRADES[index % len(FIRM_TRADES)]
        word = FIRM_WORDS[(index // len(FIRM_TRADES)) % len(FIRM_WORDS)]
        extra = "" if index < len(FIRM_TRADES) * len(FIRM_WORDS) else str(index)
        body = "MA0" + "".join(rng.choice(alphabet[:31]) for _char in range(5))
        representative = _person_name(rng)
        pool.append(
            SampleApplicant(
                kind="organisation",
                name=representative,
                resident_id=person_id(),
                mobile_phone=phone(),
                address=_address(rng),
                organisation_name=f"晋城市{word}{extra}{trade}{suffix}",
                credit_code=credit_code(division="140500", organisation_body=body),
                legal_representative=representative,
            )
        )
    return pool


def sample_form_data(
    *,
    rng: random.Random,
    fields: list[tuple[str, str, list[str]]],
    applicant: SampleApplicant,
    on: date,
) -> dict[str, str]:
    """What ``applicant`` typed into a form of ``fields`` (key, type, choices), as the
    form's cleaned JSON (dates ISO, numbers plain): consistent with the applicant and valid
    for every type's validator."""
    by_key = {
        "applicant_name": applicant.name,
        "representative": applicant.legal_representative or applicant.name,
        "guardian": applicant.name,
        "mother_name": applicant.name if applicant.kind == "citizen" else _person_name(rng),
        "company_name": applicant.organisation_name or f"{applicant.name}个体经营部",
        "developer": applicant.organisation_name or f"晋城市{rng.choice(FIRM_WORDS)}置业有限公司",
        "shop_name": f"{rng.choice(FIRM_WORDS)}{rng.choice(('小吃', '便利店', '理发店'))}",
        "project_name": f"{rng.choice(COUNTIES)}{rng.choice(('安置房', '综合楼', '厂房'))}工程",
        "contractor": f"山西{rng.choice(FIRM_WORDS)}建设集团有限公司",
        "institution": f"晋城市{rng.choice(('人民医院', '第二人民医院', '中医院', '妇幼保健院'))}",
        "hospital": "晋城市妇幼保健院",
        "village": f"{rng.choice(COUNTIES)}{rng.choice(ROADS)[:2]}村",
        "baby_name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "child_name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        "father_name": _person_name(rng),
        "qualification_no": f"{rng.randint(10**14, 10**15 - 1)}",
        "scope": "内科专业",
        "business_scope": "餐饮服务；食品销售（仅销售预包装食品）。",
        "business_items": "热食类食品制售；冷食类食品制售。",
    }
    values: dict[str, str] = {}
    for key, field_type, choices in fields:
        if field_type == "file":
            continue
        if field_type == "id_number":
            value = applicant.resident_id
            if key in {"child_id", "father_id"}:
                born = (on.year - 12, on.year - 6) if key == "child_id" else (1975, 1995)
                value = _random_resident_id(rng, born_from=born[0], born_to=born[1])
        elif field_type == "credit_code":
            value = applicant.credit_code or credit_code(
                division="140500", organisation_body="MA0" + f"{rng.randint(0, 99999):05d}"
            )
        elif field_type == "phone":
            value = applicant.mobile_phone
        elif field_type == "address":
            value = applicant.address
        elif field_type == "choice":
            value = rng.choice(choices) if choices else ""
        elif field_type == "number":
            value = str(rng.choice((10, 30, 50, 80, 120, 200, 500)))
        elif field_type == "date":
            value = (on - timedelta(days=rng.randint(1, 300))).isoformat()
            if key in {"opening_date", "start_date"}:
                value = (on + timedelta(days=rng.randint(10, 60))).isoformat()
        else:
            value = by_key.get(key, applicant.display_name)
        values[key] = value
    return values
