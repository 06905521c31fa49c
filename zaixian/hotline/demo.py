"""The demo city's 12345 hotline: categories and dispatch rules, a knowledge base of a few
dozen entries, a year of cases in every kind, state and channel (bulk-inserted with their
history, as the actions would have written it), published typical cases, the centre's
supervisor and an Open311 client with a published demo key. Called by the demo loader;
idempotent (a second call changes nothing).

Names, texts and places are Chinese *content* (data), not interface text."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.cases.models import Case, CaseEvent
from zaixian.cases.rules import new_tracking_number
from zaixian.core import actions as core_actions
from zaixian.core.models import Department, User
from zaixian.core.roles import Role
from zaixian.core.workdays import add_working_days
from zaixian.hotline import actions, queries, rules
from zaixian.hotline.models import (
    DispatchRule,
    HotlineCase,
    HotlineCategory,
    HotlineDispatch,
    HotlineSettings,
    KnowledgeEntry,
    Open311Client,
)

DEMO_SEED = 12345
DEMO_CASES = 3000
CENTRE_CODE = "JC12345"
# A published demo key, like the demo password: the demo's Open311 client uses it.
DEMO_OPEN311_KEY = "demo0311.jincheng-12345-open311-demo-key"
DEMO_OPEN311_CLIENT = "晋城通（演示）"
SUPERVISOR = ("supervisor", "卫", "值班长", "热线中心值班长")


class Writer(Protocol):
    def write(self, message: str) -> Any: ...


@dataclass(frozen=True)
class CategorySpec:
    code: str
    name: str
    group: str
    department: str
    urgency: str
    texts: tuple[str, ...]
    keywords: tuple[str, ...] = ()


U = rules.Urgency
CATEGORIES = (
    CategorySpec(
        "urban-construction",
        "城乡建设",
        "城市管理",
        "JCZJJ",
        U.GENERAL,
        (
            "{place}小区门口道路破损，下雨天积水严重",
            "{place}老旧小区改造施工进度缓慢，影响出行",
            "{place}楼道墙皮脱落，物业不予维修",
        ),
        ("物业", "小区"),
    ),
    CategorySpec(
        "utilities",
        "水电气暖",
        "公用事业",
        "JCZJJ",
        U.UTILITIES,
        (
            "{place}整栋楼停水已超过十小时",
            "{place}暖气不热，室温只有十二度",
            "{place}小区停电，电梯困人",
        ),
        ("停水", "暖气", "停电"),
    ),
    CategorySpec(
        "traffic",
        "交通出行",
        "交通运输",
        "JCJTJ",
        U.GENERAL,
        (
            "{place}公交站台候车亭损坏",
            "建议增开{place}至市区的公交线路",
            "出租车在{place}拒载、不打表",
        ),
        ("公交", "出租车"),
    ),
    CategorySpec(
        "environment",
        "生态环境",
        "生态环境",
        "JCSTHJJ",
        U.GENERAL,
        (
            "{place}工地夜间施工噪音扰民",
            "{place}附近工厂排放刺鼻气味",
            "{place}河道有垃圾漂浮，气味难闻",
        ),
        ("噪音", "排放"),
    ),
    CategorySpec(
        "market",
        "市场监管",
        "市场监管",
        "JCSCJGJ",
        U.GENERAL,
        (
            "{place}超市销售过期食品",
            "{place}培训机构拒不退费",
            "{place}餐馆卫生条件差",
        ),
        ("过期", "退费"),
    ),
    CategorySpec(
        "labour",
        "劳动社保",
        "人力社保",
        "JCRSJ",
        U.COMPLEX,
        (
            "{place}一家建筑公司拖欠农民工工资三个月",
            "咨询灵活就业人员养老保险缴费",
            "{place}单位未给职工缴纳社保",
        ),
        ("工资", "社保"),
    ),
    CategorySpec(
        "education",
        "教育",
        "教育",
        "JCJYJ",
        U.GENERAL,
        (
            "咨询{place}小学入学划片范围",
            "{place}学校周边交通拥堵，接送孩子困难",
            "反映{place}幼儿园乱收费",
        ),
        ("入学", "幼儿园"),
    ),
    CategorySpec(
        "health",
        "医疗卫生",
        "卫生健康",
        "JCWJW",
        U.GENERAL,
        (
            "{place}卫生院缺少常用药",
            "咨询医保异地就医备案",
            "{place}诊所无证行医",
        ),
        ("医保", "卫生院"),
    ),
    CategorySpec(
        "public-safety",
        "公共安全",
        "应急管理",
        "JCYJJ",
        U.EMERGENCY,
        (
            "{place}路面塌陷，有车辆陷入",
            "{place}燃气管道泄漏，气味很大",
            "{place}高空坠物，险些伤人",
        ),
        ("塌陷", "燃气"),
    ),
    CategorySpec(
        "agriculture",
        "农业农村",
        "农业农村",
        "JCNYNCJ",
        U.GENERAL,
        (
            "{place}村耕地补贴未按时发放",
            "{place}村村内道路未硬化",
            "咨询{place}高标准农田建设补助",
        ),
        ("补贴", "村"),
    ),
    CategorySpec(
        "civil-affairs",
        "民政服务",
        "民政",
        "JCMZJ",
        U.GENERAL,
        (
            "咨询{place}高龄津贴申领",
            "{place}低保资格认定有异议",
            "{place}养老院服务质量差",
        ),
        ("低保", "养老"),
    ),
    CategorySpec(
        "culture-tourism",
        "文化旅游",
        "文化旅游",
        "JCWLJ",
        U.GENERAL,
        (
            "{place}景区门票价格与公示不符",
            "建议{place}图书馆延长开放时间",
            "{place}广场舞音响过大",
        ),
        ("景区", "图书馆"),
    ),
)

KNOWLEDGE = (
    (
        "JCRSJ",
        "labour",
        "灵活就业人员如何缴纳养老保险？",
        "持身份证到社保经办窗口登记，或在“民生山西”App 上办理，可按月或按年缴纳。",
    ),
    (
        "JCRSJ",
        "labour",
        "被拖欠工资怎么办？",
        "可拨打12345或到劳动保障监察大队投诉，需提供劳动合同、考勤或工资条等证据。",
    ),
    (
        "JCRSJ",
        "labour",
        "失业保险金如何申领？",
        "非因本人意愿中断就业且缴费满一年的，可在“民生山西”或社保窗口申领。",
    ),
    (
        "JCJYJ",
        "education",
        "小学入学划片范围在哪里查？",
        "每年5月教育局官网公布各校招生片区，也可咨询所在学校。",
    ),
    (
        "JCJYJ",
        "education",
        "幼儿园收费标准是多少？",
        "公办幼儿园按物价部门核定标准收费，民办园须在显著位置公示。",
    ),
    (
        "JCWJW",
        "health",
        "异地就医如何备案？",
        "通过国家医保服务平台App或医保经办窗口办理，备案后可直接结算。",
    ),
    (
        "JCWJW",
        "health",
        "如何查询医疗机构是否有执业许可？",
        "可在卫生健康委官网“医疗机构查询”栏目查询。",
    ),
    (
        "JCMZJ",
        "civil-affairs",
        "高龄津贴怎么申领？",
        "80周岁以上老人携带身份证、户口簿到户籍所在地社区申请。",
    ),
    (
        "JCMZJ",
        "civil-affairs",
        "低保如何申请？",
        "向户籍所在地乡镇（街道）提出书面申请，经入户调查、公示后审批。",
    ),
    (
        "JCMZJ",
        "civil-affairs",
        "婚姻登记需要什么材料？",
        "双方身份证、户口簿，在婚姻登记处现场办理，全市通办。",
    ),
    (
        "JCZJJ",
        "urban-construction",
        "老旧小区改造怎么申请？",
        "由社区汇总居民意愿后向区住建部门申报，列入年度计划后实施。",
    ),
    (
        "JCZJJ",
        "urban-construction",
        "物业不履行职责向谁投诉？",
        "可向所在区住建部门物业科投诉，或拨打12345。",
    ),
    (
        "JCZJJ",
        "utilities",
        "停水停电如何查询？",
        "计划停水停电信息在供水、供电公司公众号公布；突发停水可拨打12345。",
    ),
    ("JCZJJ", "utilities", "暖气不热怎么办？", "先联系供热公司客服测温，温度低于18℃的可申请退费。"),
    ("JCJTJ", "traffic", "公交卡在哪里办理？", "市公交公司各营业网点办理，学生卡需学校证明。"),
    (
        "JCJTJ",
        "traffic",
        "出租车拒载如何投诉？",
        "记下车牌号和时间，拨打12345或交通运输局投诉电话。",
    ),
    ("JCJTJ", "traffic", "驾驶证到期如何换证？", "到期前90日内通过“交管12123”App或车管所办理。"),
    (
        "JCSTHJJ",
        "environment",
        "夜间施工噪音怎么投诉？",
        "晚22时至次日6时未经批准施工的，可拨打12345，生态环境部门依法查处。",
    ),
    ("JCSTHJJ", "environment", "如何举报企业偷排？", "拨打12369环保热线或12345，可匿名举报。"),
    (
        "JCSCJGJ",
        "market",
        "买到过期食品怎么办？",
        "保留购物凭证和商品，可要求退货并按价款十倍赔偿，拒绝的可投诉。",
    ),
    (
        "JCSCJGJ",
        "market",
        "预付卡商家跑路怎么办？",
        "保留合同和付款凭证，向市场监管部门投诉，涉嫌诈骗的向公安报案。",
    ),
    (
        "JCSCJGJ",
        "market",
        "个体工商户如何注册？",
        "通过山西政务服务网或行政审批窗口办理，一般当日办结。",
    ),
    ("JCXZSPJ", None, "营业执照在哪里办理？", "市行政审批服务管理局一楼综合窗口，或网上办理。"),
    (
        "JCXZSPJ",
        None,
        "政务服务大厅工作时间？",
        "工作日上午9:00—12:00，下午13:30—17:30，周六上午延时服务。",
    ),
    ("JCGAJ", None, "身份证丢失如何补办？", "到户籍所在地派出所或任一受理点补领，可异地办理。"),
    (
        "JCGAJ",
        None,
        "居住证怎么办理？",
        "在居住地连续居住半年以上，持身份证和居住证明到派出所申领。",
    ),
    ("JCGAJ", None, "户口迁移需要哪些材料？", "身份证、户口簿及迁入地证明，可“跨省通办”。"),
    (
        "JCNYNCJ",
        "agriculture",
        "耕地地力保护补贴何时发放？",
        "每年上半年通过“一卡通”发放到户，可到乡镇财政所查询。",
    ),
    (
        "JCNYNCJ",
        "agriculture",
        "农机购置补贴如何申请？",
        "购机后通过农机购置补贴系统申请，县农业农村局审核。",
    ),
    (
        "JCWLJ",
        "culture-tourism",
        "景区门票优惠政策？",
        "60周岁以上老人、现役军人、残疾人等凭证件享受减免。",
    ),
    ("JCWLJ", "culture-tourism", "图书馆开放时间？", "周二至周日9:00—17:00，周一闭馆。"),
    (
        "JCYJJ",
        "public-safety",
        "发现燃气泄漏怎么办？",
        "立即关阀、开窗，不开关电器，到室外拨打燃气抢修电话或119。",
    ),
    ("JCFGW", None, "水电气价格标准在哪里查？", "发展和改革委员会官网“价格公示”栏目。"),
    ("JCCZJ", None, "惠民惠农补贴如何查询？", "通过“一卡通”查询系统或乡镇财政所查询发放明细。"),
)

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
    "苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史"
    "顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
)
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌辉鹏飞云峰志浩宇欣怡晨阳"
PLACES = (
    "凤台街道",
    "东街",
    "西街",
    "北石店镇",
    "钟家庄街道",
    "西上庄街道",
    "巴公镇",
    "大东沟镇",
    "米山镇",
    "润城镇",
    "凤城镇",
    "嘉峰镇",
    "端氏镇",
    "礼义镇",
    "泽州路",
    "红星街",
)
AREAS = ("城区", "泽州县", "高平市", "阳城县", "陵川县", "沁水县")
CHANNEL_WEIGHTS = (
    (rules.Channel.PHONE, 70),
    (rules.Channel.WEB, 11),
    (rules.Channel.MAYOR_MAILBOX, 8),
    (rules.Channel.GOVERNOR_MAILBOX, 1),
    (rules.Channel.LETTER, 3),
    (rules.Channel.OPEN311, 7),
)
KIND_WEIGHTS = (
    (rules.Kind.CONSULTATION, 34),
    (rules.Kind.HELP, 20),
    (rules.Kind.COMPLAINT, 26),
    (rules.Kind.REPORT, 5),
    (rules.Kind.SUGGESTION, 8),
    (rules.Kind.PRAISE, 3),
    (rules.Kind.SENTIMENT, 4),
)
REPLIES = (
    "经核实，已安排专人处理，问题已解决。",
    "已联系相关单位现场查看，已于三日内整改完毕。",
    "经调查，反映情况属实，已责令整改并加强日常巡查。",
    "已向来电人解释相关政策，来电人表示理解。",
)


def _pick(rng: random.Random, weighted: tuple[tuple[Any, int], ...]) -> Any:
    return rng.choices([item for item, _w in weighted], weights=[w for _i, w in weighted])[0]


def is_hotline_demo_loaded() -> bool:
    return (
        HotlineCase.objects.exists()
        or Open311Client.objects.filter(name=DEMO_OPEN311_CLIENT).exists()
    )


def load_hotline_demo(*, stdout: Writer, cases: int = DEMO_CASES, seed: int = DEMO_SEED) -> bool:
    """Load the hotline demo once; False (nothing changed) when it is already there or the
    city has no hotline centre department."""
    started = time.monotonic()
    centre = Department.objects.filter(code=CENTRE_CODE).first()
    if centre is None or is_hotline_demo_loaded():
        return False
    rng = random.Random(seed)  # noqa: S311 — reproducible demo data, not secrets
    with transaction.atomic():
        settings = HotlineSettings.load()
        settings.centre = centre
        settings.save()
        departments = {d.code: d for d in Department.objects.filter(is_active=True)}
        categories = _categories(departments)
        _knowledge(departments, categories)
        operator = User.objects.filter(username="operator").first()
        # The supervisor shares the demo password: the operator's hash (hashing is slow).
        supervisor = _supervisor(
            centre,
            password_hash=operator.password if operator else make_password(None),
        )
        operator = operator or supervisor
        client = _open311_client()
        created = _bulk_cases(
            rng=rng,
            count=cases,
            centre=centre,
            departments=departments,
            categories=categories,
            operator=operator,
            client=client,
        )
        typical = _typical_cases(operator=supervisor)
    stdout.write(
        f"  hotline: {created} cases, {len(KNOWLEDGE)} knowledge-base entries, "
        f"{typical} typical cases ({time.monotonic() - started:.1f} s)"
    )
    return True


def _categories(departments: dict[str, Department]) -> dict[str, HotlineCategory]:
    categories: dict[str, HotlineCategory] = {}
    for order, spec in enumerate(CATEGORIES):
        category, _created = HotlineCategory.objects.get_or_create(
            code=spec.code,
            defaults={
                "name": spec.name,
                "group": spec.group,
                "default_urgency": spec.urgency,
                "sort_order": order,
            },
        )
        categories[spec.code] = category
        department = departments.get(spec.department)
        if department is None:
            continue
        DispatchRule.objects.get_or_create(category=category, department=department)
        for keyword in spec.keywords:
            DispatchRule.objects.get_or_create(
                keyword=keyword, department=department, defaults={"weight": 1}
            )
    for area, code in zip(
        AREAS, ("JCCQ", "JCZZX", "JCGPS", "JCYCX", "JCLCX", "JCQSX"), strict=True
    ):
        if code in departments:
            DispatchRule.objects.get_or_create(
                area=area, category=categories["agriculture"], department=departments[code]
            )
    return categories


def _knowledge(departments: dict[str, Department], categories: dict[str, HotlineCategory]) -> None:
    for code, category, question, answer in KNOWLEDGE:
        department = departments.get(code)
        if department is None or KnowledgeEntry.objects.filter(question=question).exists():
            continue
        KnowledgeEntry.objects.create(
            department=department,
            category=categories.get(category) if category else None,
            question=question,
            answer=answer,
        )


def _supervisor(centre: Department, *, password_hash: str) -> User:
    username, last_name, first_name, job_title = SUPERVISOR
    user, created = User.objects.get_or_create(
        username=username,
        defaults={
            "last_name": last_name,
            "first_name": first_name,
            "department": centre,
            "job_title": job_title,
            "email": f"{username}@demo.zaixian.local",
            "password": password_hash,
        },
    )
    if created:
        core_actions.assign_user(
            user=user, department=centre, roles=[Role.HOTLINE_OPERATOR, Role.LEADER]
        )
    return user


def _open311_client() -> Open311Client:
    client = Open311Client.objects.filter(name=DEMO_OPEN311_CLIENT).first()
    if client is None:
        client = Open311Client.objects.create(
            name=DEMO_OPEN311_CLIENT,
            contact="open311@demo.zaixian.local",
            key_prefix=DEMO_OPEN311_KEY.split(".", 1)[0],
            key_hash=queries.hash_api_key(DEMO_OPEN311_KEY),
        )
    return client


# --- A year of cases ---------------------------------------------------------------------

LATER_STATES = (
    rules.REGISTERED,
    rules.DISPATCHED,
    rules.HANDLING,
    rules.RETURNED,
    rules.REPLIED,
    rules.CALLBACK,
    rules.UNSATISFIED,
)


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def _phone(rng: random.Random) -> str:
    return f"1{rng.choice('3578')}{rng.randrange(10**9):09d}"


def _bulk_cases(
    *,
    rng: random.Random,
    count: int,
    centre: Department,
    departments: dict[str, Department],
    categories: dict[str, HotlineCategory],
    operator: User,
    client: Open311Client,
) -> int:
    """``count`` cases over the past year, most closed, recent ones in every open state,
    some returned, reopened, merged or closed directly. Written in bulk: cases, hotline
    cases, dispatches and history, with deadlines from the working-day calendar."""
    now = timezone.now()
    limits = HotlineSettings.load()
    specs = {spec.code: spec for spec in CATEGORIES}
    phones = [_phone(rng) for _ in range(count // 3)]  # repeat callers
    plans: list[dict[str, Any]] = []
    used_numbers: set[str] = set()
    for _index in range(count):
        days_ago = min(364, int(rng.expovariate(1 / 140)))
        received = now - timedelta(
            days=days_ago, hours=rng.randrange(0, 14), minutes=rng.randrange(60)
        )
        spec = rng.choice(CATEGORIES)
        category = categories[spec.code]
        kind = _pick(rng, KIND_WEIGHTS)
        channel = _pick(rng, CHANNEL_WEIGHTS)
        place = rng.choice(PLACES)
        content = rng.choice(spec.texts).format(place=place)
        if kind == rules.Kind.PRAISE:
            content = f"感谢{place}工作人员热心帮助解决{spec.name}问题"
        urgency = spec.urgency if rng.random() < 0.8 else rules.Urgency.GENERAL
        limit = limits.limit(urgency)
        lead = departments.get(specs[spec.code].department)
        age_hours = (now - received).total_seconds() / 3600
        if age_hours < 24 * 20:
            state = rng.choice(LATER_STATES) if rng.random() < 0.7 else rules.CLOSED
        else:
            state = (
                rules.CLOSED
                if rng.random() < 0.96
                else rng.choice((rules.MERGED, rules.UNSATISFIED))
            )
        direct = kind == rules.Kind.CONSULTATION and state == rules.CLOSED and rng.random() < 0.45
        number = new_tracking_number(
            on=timezone.localtime(received).date(), department_code=centre.code
        )
        while number in used_numbers:
            number = new_tracking_number(
                on=timezone.localtime(received).date(), department_code=centre.code
            )
        used_numbers.add(number)
        plans.append(
            {
                "number": number,
                "received": received,
                "category": category,
                "kind": kind,
                "channel": channel,
                "content": content,
                "urgency": urgency,
                "limit": limit,
                "lead": lead,
                "state": state,
                "direct": direct,
                "returned": state != rules.REGISTERED and rng.random() < 0.05,
                "name": _name(rng),
                "phone": rng.choice(phones) if rng.random() < 0.3 else _phone(rng),
                "address": f"晋城市{rng.choice(AREAS)}{place}{rng.randrange(1, 300)}号",
                "area": rng.choice(AREAS),
                "on_time": rng.random() < 0.93,
                "satisfaction": rng.choices(rules.Satisfaction.values, weights=(80, 14, 6))[0],
                "publish": rng.random() < 0.3,
            }
        )
    plans.sort(key=lambda plan: plan["received"])
    case_rows = []
    for plan in plans:
        received = plan["received"]
        limit = plan["limit"]
        start = timezone.localtime(received).date()
        due_at = received + timedelta(hours=limit.hours) if limit.hours else None
        due_on = (
            timezone.localtime(due_at).date()
            if due_at
            else add_working_days(start, limit.working_days or 7)
        )
        plan["due_at"] = due_at or timezone.make_aware(
            datetime.combine(due_on, datetime.max.time().replace(microsecond=0))
        )
        state = plan["state"]
        is_closed = state in (rules.CLOSED, rules.MERGED)
        plan["replied_at"] = None
        if (
            state in (rules.REPLIED, rules.CALLBACK, rules.UNSATISFIED, rules.CLOSED)
            and not plan["direct"]
        ):
            span = (plan["due_at"] - received).total_seconds()
            factor = rng.uniform(0.1, 0.9) if plan["on_time"] else rng.uniform(1.05, 1.6)
            plan["replied_at"] = min(
                received + timedelta(seconds=span * factor), now - timedelta(minutes=5)
            )
        elif plan["direct"]:
            plan["replied_at"] = received + timedelta(minutes=rng.randrange(3, 15))
        closed_at = None
        if is_closed:
            closed_at = (plan["replied_at"] or received) + timedelta(hours=rng.randrange(2, 48))
            closed_at = min(closed_at, now - timedelta(minutes=1))
        plan["closed_at"] = closed_at
        holder = plan["lead"] if state in rules.AT_DEPARTMENT and plan["lead"] else centre
        finished_on = timezone.localtime(closed_at).date() if closed_at else None
        case_rows.append(
            Case(
                case_type=rules.CASE_TYPE_KEY,
                tracking_number=plan["number"],
                title=f"{plan['category'].name}：{plan['content'][:40]}",
                state=state,
                department=holder,
                applicant_name=plan["name"],
                applicant_phone=plan["phone"],
                submitted_at=received,
                closed_at=closed_at,
                is_closed=is_closed,
                promised_days=limit.working_days,
                limit_hours=limit.hours,
                clock_started_on=start,
                due_on=due_on,
                due_at=due_at,
                finished_on=finished_on,
                is_on_time=(closed_at <= plan["due_at"]) if closed_at else None,
                version=3,
            )
        )
    Case.objects.bulk_create(case_rows, batch_size=500)
    hotline_rows = []
    for plan, case in zip(plans, case_rows, strict=True):
        state = plan["state"]
        has_lead = (
            state not in (rules.REGISTERED, rules.RETURNED, rules.MERGED) and not plan["direct"]
        )
        satisfaction = ""
        if state == rules.CLOSED and not plan["direct"]:
            satisfaction = (
                plan["satisfaction"]
                if plan["satisfaction"] != rules.Satisfaction.UNSATISFIED
                else rules.Satisfaction.BASICALLY
            )
        elif state == rules.UNSATISFIED:
            satisfaction = rules.Satisfaction.UNSATISFIED
        hotline_rows.append(
            HotlineCase(
                case=case,
                kind=plan["kind"],
                channel=plan["channel"],
                category=plan["category"],
                urgency=plan["urgency"],
                caller_name=plan["name"],
                caller_phone=plan["phone"],
                caller_address=plan["address"],
                area=plan["area"],
                content=plan["content"],
                keywords=actions.hot_words(plan["content"]),
                received_at=plan["received"],
                agrees_to_publish=plan["publish"],
                lead_department=plan["lead"] if has_lead else None,
                reply=rng.choice(REPLIES) if plan["replied_at"] else "",
                replied_at=plan["replied_at"],
                reply_due_at=plan["due_at"] if has_lead else None,
                satisfaction=satisfaction,
                called_back_at=plan["closed_at"] if satisfaction else None,
                open311_client=client if plan["channel"] == rules.Channel.OPEN311 else None,
                open311_token=f"{rng.getrandbits(128):032x}"
                if plan["channel"] == rules.Channel.OPEN311
                else None,
            )
        )
    HotlineCase.objects.bulk_create(hotline_rows, batch_size=500)
    _bulk_history(plans=plans, hotline_rows=hotline_rows, operator=operator, rng=rng)
    return len(hotline_rows)


def _bulk_history(
    *,
    plans: list[dict[str, Any]],
    hotline_rows: list[HotlineCase],
    operator: User,
    rng: random.Random,
) -> None:
    """The history rows and dispatches the actions would have written for each case."""
    operator_name = operator.get_full_name() or operator.username
    events: list[CaseEvent] = []
    dispatches: list[HotlineDispatch] = []
    merge_targets: dict[int, HotlineCase] = {}
    merged: list[HotlineCase] = []
    for plan, hotline_case in zip(plans, hotline_rows, strict=True):
        case = hotline_case.case
        received = plan["received"]
        state = plan["state"]

        def event(
            transition: str,
            from_state: str,
            to_state: str,
            at: datetime,
            note: str = "",
            *,
            public: bool = True,
            case: Case = case,
        ) -> None:
            events.append(
                CaseEvent(
                    case=case,
                    at=at,
                    actor=operator if transition != "created" else None,
                    actor_name=operator_name if transition != "created" else "",
                    transition=transition,
                    from_state=from_state,
                    to_state=to_state,
                    note=note,
                    is_public=public,
                )
            )

        event("created", "", rules.REGISTERED, received)
        if state == rules.REGISTERED:
            continue
        if plan["direct"]:
            event(
                "close_directly",
                rules.REGISTERED,
                rules.CLOSED,
                plan["closed_at"],
                hotline_case.reply,
            )
            continue
        if state == rules.MERGED:
            target = merge_targets.get(hotline_case.category_id)
            note = f"已合并至{target.case.tracking_number}" if target else "重复来电，已合并"
            event("merge", rules.REGISTERED, rules.MERGED, plan["closed_at"], note)
            if target is not None:
                hotline_case.merged_into = target
                merged.append(hotline_case)
            continue
        merge_targets[hotline_case.category_id] = hotline_case
        lead = plan["lead"]
        at = received + timedelta(minutes=rng.randrange(5, 90))
        if plan["returned"] and lead is not None:
            others = [d for d in (hotline_case.lead_department,) if d is not None]
            event("dispatch", rules.REGISTERED, rules.DISPATCHED, at, "派单")
            event(
                "return",
                rules.DISPATCHED,
                rules.RETURNED,
                at + timedelta(hours=2),
                "不属于本单位职责",
                public=False,
            )
            if others:
                dispatches.append(
                    HotlineDispatch(
                        hotline_case=hotline_case,
                        department=others[0],
                        dispatched_at=at,
                        dispatched_by=operator,
                        outcome=HotlineDispatch.Outcome.RETURNED,
                        return_reason="不属于本单位职责",
                        answered_at=at + timedelta(hours=2),
                    )
                )
            at += timedelta(hours=3)
            if state == rules.RETURNED:
                continue
        if lead is None or hotline_case.lead_department is None:
            continue
        outcome = HotlineDispatch.Outcome.PENDING
        event(
            "dispatch",
            rules.RETURNED if plan["returned"] else rules.REGISTERED,
            rules.DISPATCHED,
            at,
            f"派单至{lead.name}",
        )
        if state != rules.DISPATCHED:
            outcome = HotlineDispatch.Outcome.ACCEPTED
            event("accept", rules.DISPATCHED, rules.HANDLING, at + timedelta(hours=1))
        if plan["replied_at"] is not None:
            outcome = HotlineDispatch.Outcome.REPLIED
            event("reply", rules.HANDLING, rules.REPLIED, plan["replied_at"], hotline_case.reply)
        dispatches.append(
            HotlineDispatch(
                hotline_case=hotline_case,
                department=lead,
                dispatched_at=at,
                dispatched_by=operator,
                outcome=outcome,
                answered_at=at + timedelta(hours=1)
                if outcome != HotlineDispatch.Outcome.PENDING
                else None,
            )
        )
        if state in (rules.CALLBACK, rules.UNSATISFIED, rules.CLOSED):
            reviewed = plan["replied_at"] + timedelta(hours=2)
            event("approve_reply", rules.REPLIED, rules.CALLBACK, reviewed)
            if state == rules.UNSATISFIED:
                event(
                    "mark_unsatisfied",
                    rules.CALLBACK,
                    rules.UNSATISFIED,
                    reviewed + timedelta(hours=3),
                    "来电人对答复不满意",
                )
            elif state == rules.CLOSED:
                event("close", rules.CALLBACK, rules.CLOSED, plan["closed_at"])
    CaseEvent.objects.bulk_create(events, batch_size=1000)
    HotlineDispatch.objects.bulk_create(dispatches, batch_size=1000)
    HotlineCase.objects.bulk_update(merged, ["merged_into"], batch_size=500)


def _typical_cases(*, operator: User, count: int = 12) -> int:
    """A dozen closed, satisfied cases with consent, masked and published."""
    chosen = (
        HotlineCase.objects.filter(
            case__state=rules.CLOSED,
            agrees_to_publish=True,
            satisfaction=rules.Satisfaction.SATISFIED,
        )
        .exclude(reply="")
        .select_related("case")
        .order_by("-received_at")[:count]
    )
    published = 0
    for hotline_case in chosen:
        typical = actions.draft_typical_case(hotline_case=hotline_case, actor=operator)
        actions.publish_typical_case(typical=typical, actor=operator)
        published += 1
    return published


def demo_open311_summary() -> tuple[str, str] | None:
    """(client name, published key) when the demo client exists."""
    if Open311Client.objects.filter(name=DEMO_OPEN311_CLIENT, is_active=True).exists():
        return DEMO_OPEN311_CLIENT, DEMO_OPEN311_KEY
    return None


def demo_hotline_accounts() -> list[tuple[str, str]]:
    """(username, what they do) of the hotline's demo staff that exist."""
    rows = [
        (
            SUPERVISOR[0],
            str(
                _(
                    "Hotline centre supervisor: review replies, call back, supervise, "
                    "publish typical cases, monthly bulletin"
                )
            ),
        ),
    ]
    existing = set(
        User.objects.filter(username__in=[u for u, _d in rows]).values_list("username", flat=True)
    )
    return [row for row in rows if row[0] in existing]
