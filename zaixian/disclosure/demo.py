"""The demo city's open government information: ``/zwgk/`` with the catalogues and guides of
several organisations and a few hundred items of every category over two years — policy
interpretations linked to their policies, some documents repealed or no longer in force, a
few published after the Article 26 deadline — and disclosure requests of two years in every
outcome of the annual report, with last year's figures entered by hand, so that the demo
city's annual report is complete. Called by the demo loader.

Titles and guide texts are Chinese *content* (data), not interface text."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from datetime import time as dt_time
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case, CaseEvent
from zaixian.core import actions as core_actions
from zaixian.core.models import Department
from zaixian.core.workdays import add_working_days
from zaixian.disclosure import actions, rules
from zaixian.disclosure.models import (
    AnnualReportFigures,
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureItemPage,
    DisclosureRequest,
)
from zaixian.search import actions as search_actions

DEMO_SEED = 2012
ITEMS_PER_CATEGORY = 14
INTERPRETATIONS = 40
LATE_SHARE = 0.04
REPEALED_SHARE = 0.12


class Writer(Protocol):
    def write(self, message: str) -> Any: ...


@dataclass(frozen=True)
class OrganisationSpec:
    code: str
    name: str
    short: str
    subject: str
    address: str
    phone: str


# The seed's departments (zaixian.demo.seed) that keep a disclosure catalogue; any missing
# one is created under the city government.
ORGANISATIONS = (
    OrganisationSpec(
        "JCZFB",
        "晋城市人民政府办公室",
        "晋市政办",
        "general",
        "晋城市凤台东街2588号",
        "0356-2196000",
    ),
    OrganisationSpec(
        "JCFGW", "晋城市发展和改革委员会", "晋市发改", "economy", "晋城市泽州路1号", "0356-2196100"
    ),
    OrganisationSpec(
        "JCJYJ", "晋城市教育局", "晋市教", "education", "晋城市书院街66号", "0356-2196200"
    ),
    OrganisationSpec(
        "JCCZJ", "晋城市财政局", "晋市财", "finance", "晋城市红星东街1号", "0356-2196300"
    ),
    OrganisationSpec(
        "JCMZJ", "晋城市民政局", "晋市民", "civil_affairs", "晋城市文昌东街9号", "0356-2196400"
    ),
    OrganisationSpec(
        "JCRSJ",
        "晋城市人力资源和社会保障局",
        "晋市人社",
        "labour",
        "晋城市中原街3号",
        "0356-2196500",
    ),
)

# What items of each category are about (the topic goes into the title).
TOPICS: dict[str, tuple[str, ...]] = {
    "01": ("规范行政执法行为", "加强行政规范性文件管理", "优化营商环境", "政务服务“一网通办”"),
    "02": ("机构职能", "领导分工调整", "内设机构和办公地址", "办公时间和联系方式"),
    "03": ("国民经济和社会发展规划", "数字政府建设专项规划", "城区控制性详细规划", "乡村振兴规划"),
    "04": (
        "国民经济和社会发展统计公报",
        "季度经济运行情况",
        "居民消费价格统计",
        "规模以上工业统计",
    ),
    "05": ("行政许可事项清单", "行政许可办理结果", "公共服务事项办事指南", "告知承诺制审批事项"),
    "06": ("行政处罚裁量基准", "行政处罚决定", "行政强制措施实施情况", "“双随机、一公开”抽查结果"),
    "07": ("部门预算", "部门决算", "“三公”经费预算", "政府债务限额和余额"),
    "08": ("行政事业性收费目录清单", "涉企收费目录清单", "收费标准调整", "停征收费项目"),
    "09": ("政府集中采购目录及标准", "政府采购意向", "集中采购项目实施情况", "采购合同"),
    "10": ("重大建设项目批准结果", "重大建设项目招标投标", "重大建设项目实施进度", "竣工验收"),
    "11": ("义务教育招生", "城乡居民医疗保险", "就业创业补贴", "困难群众基本生活保障"),
    "12": ("突发事件总体应急预案", "防汛抗旱应急预案", "气象灾害预警", "安全生产事故应急处置"),
    "13": ("环境空气质量", "食品安全监督抽检", "安全生产检查", "产品质量监督抽查"),
    "14": ("公务员考试录用职位", "公务员考试录用人员", "事业单位公开招聘", "遴选公务员"),
    "15": ("政府信息公开工作要点", "政务公开工作考核", "政府网站工作年度报表", "建议提案办理结果"),
    "16": ("城市道路改造", "老旧小区改造", "供热管网建设", "城市公园建设"),
    "17": ("公共文化服务", "公共法律服务", "便民服务中心", "公共就业服务"),
    "18": ("慈善捐赠使用情况", "公益性岗位", "社会组织公益活动", "志愿服务"),
    "19": ("土地征收启动公告", "征地补偿安置方案", "征收土地公告", "征地信息"),
    "20": ("国有土地上房屋征收决定", "房屋征收补偿方案", "房屋征收评估", "征收补偿结果"),
    "21": ("交通管理措施", "烟花爆竹禁放管理", "户籍管理服务", "治安管理处罚"),
    "22": ("城乡低保标准调整", "特困人员救助供养", "临时救助", "医疗救助"),
}
CATEGORY_GENRES: dict[str, tuple[str, ...]] = {
    "01": ("normative", "normative", "rule"),
    "02": ("table", "notice"),
    "03": ("plan",),
    "04": ("report", "table"),
    "05": ("table", "notice"),
    "06": ("decision", "normative"),
    "07": ("report", "table"),
    "08": ("table", "normative"),
    "09": ("table", "announcement"),
    "10": ("reply", "announcement"),
    "11": ("normative", "notice", "opinion"),
    "12": ("plan", "notice"),
    "13": ("report", "announcement"),
    "14": ("announcement",),
    "15": ("notice", "report"),
    "16": ("announcement", "notice"),
    "17": ("notice",),
    "18": ("report", "announcement"),
    "19": ("announcement",),
    "20": ("decision", "announcement"),
    "21": ("notice", "announcement"),
    "22": ("normative", "notice"),
}
# The organisation that publishes most items of a category (the rest spread over the others).
CATEGORY_OWNERS = {
    "02": "JCZFB",
    "03": "JCFGW",
    "04": "JCFGW",
    "07": "JCCZJ",
    "08": "JCCZJ",
    "09": "JCCZJ",
    "10": "JCFGW",
    "11": "JCJYJ",
    "14": "JCRSJ",
    "17": "JCRSJ",
    "18": "JCMZJ",
    "22": "JCMZJ",
}
TITLE_PATTERNS = {
    "normative": "{org}关于{topic}的实施办法",
    "rule": "{city}{topic}管理办法",
    "notice": "{org}关于做好{topic}工作的通知",
    "opinion": "{org}关于进一步做好{topic}工作的意见",
    "plan": "{city}{topic}（{year}—{year_end}年）",
    "report": "{org}{year}年{topic}",
    "table": "{org}{topic}（{year}年）",
    "decision": "{org}关于{topic}的决定",
    "announcement": "{org}关于{topic}的公告",
    "reply": "{org}关于{topic}的批复",
}


def _write(stdout: Writer | None, message: str) -> None:
    if stdout is not None:
        stdout.write(message + "\n")


def _department(spec: OrganisationSpec) -> Department:
    existing = Department.objects.filter(code=spec.code).first()
    if existing is not None:
        return existing
    parent = Department.objects.filter(depth=1).order_by("path").first()
    return core_actions.create_department(
        parent=parent, name=spec.name, code=spec.code, kind=Department.Kind.BUREAU
    )


def _guide_fields(spec: OrganisationSpec, department: Department) -> dict[str, str]:
    return {
        "classification": (
            f"<p>{department.name}主动公开的政府信息按《中华人民共和国政府信息公开条例》"
            "第二十条、第二十一条规定的类别编排，每条信息标注索引号、发布机构、成文日期、"
            "发布日期、文号、主题分类和有效性。</p>"
        ),
        "how_to_obtain": (
            "<p>主动公开的信息通过本网站“政府信息公开”栏目、政府公报、市档案馆和图书馆"
            "查阅点公开，属于主动公开范围的信息自形成或者变更之日起20个工作日内公开。</p>"
            "<p>公民、法人或者其他组织可以通过网上申请、信函或者当面提交的方式申请获取"
            "政府信息。</p>"
        ),
        "office_name": f"{department.name}政府信息公开工作办公室",
        "office_address": spec.address,
        "postcode": "048000",
        "office_hours": "工作日上午8:00—12:00，下午15:00—18:00（法定节假日除外）",
        "phone": spec.phone,
        "fax": spec.phone[:-1] + "1",
        "email": f"zwgk@{spec.code.lower()}.jincheng.example.cn",
        "supervision": (
            "<p>公民、法人或者其他组织认为本机关在政府信息公开工作中侵犯其合法权益的，"
            "可以向晋城市人民政府办公室政务公开科投诉、举报，也可以依法申请行政复议或者"
            "提起行政诉讼。</p>"
        ),
    }


def _random_day(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange((end - start).days + 1))


@transaction.atomic
def load_disclosure_demo(
    *,
    stdout: Writer | None = None,
    items_per_category: int = ITEMS_PER_CATEGORY,
    interpretations: int = INTERPRETATIONS,
) -> int:
    """Build the demo's open government information once; returns the number of items made
    (0 when ``/zwgk/`` already holds items: the call is idempotent). Tests pass smaller
    numbers of items."""
    started = time.monotonic()
    actions.ensure_disclosure_categories()
    root = actions.ensure_disclosure_root()
    if DisclosureItemPage.objects.descendant_of(root).exists():
        _write(stdout, "disclosure: items already loaded")
        load_disclosure_request_demo(stdout=stdout)
        return 0
    rng = random.Random(DEMO_SEED)  # noqa: S311 — repeatable demo data, not security
    catalogues: dict[str, DisclosureCataloguePage] = {}
    for spec in ORGANISATIONS:
        department = _department(spec)
        catalogue = actions.create_disclosure_catalogue(root=root, department=department)
        actions.ensure_disclosure_guide(catalogue=catalogue, **_guide_fields(spec, department))
        catalogues[spec.code] = catalogue
    specs = {spec.code: spec for spec in ORGANISATIONS}
    _write(stdout, f"disclosure: {len(catalogues)} catalogues and guides")

    today = timezone.localdate()
    first_day = date(today.year - 1, 1, 1)
    # Leave room for the publication delay so that nothing is dated in the future.
    last_written = today - timedelta(days=3)
    categories = {category.code: category for category in DisclosureCategory.objects.all()}
    document_numbers: dict[tuple[str, int], int] = {}
    policies: list[DisclosureItemPage] = []
    item_ids: list[int] = []
    created = 0

    for code, topics in TOPICS.items():
        category = categories[code]
        for n in range(items_per_category):
            owner = CATEGORY_OWNERS.get(code)
            org_code = owner if owner and rng.random() < 0.6 else rng.choice(list(catalogues))
            spec = specs[org_code]
            catalogue = catalogues[org_code]
            date_written = _random_day(rng, first_day, last_written)
            is_late = rng.random() < LATE_SHARE
            if is_late:
                deadline = add_working_days(date_written, rules.PUBLICATION_PERIOD_WORKING_DAYS)
                publish_date = deadline + timedelta(days=rng.randint(1, 20))
                if publish_date > today:
                    publish_date, is_late = date_written, False
            else:
                publish_date = min(date_written + timedelta(days=rng.randint(0, 6)), today)
            genre = rng.choice(CATEGORY_GENRES[code])
            topic = topics[n % len(topics)]
            title = TITLE_PATTERNS[genre].format(
                org=catalogue.department.name,
                city="晋城市",
                topic=topic,
                year=date_written.year,
                year_end=date_written.year + 4,
            )
            document_number = ""
            if genre in rules.GENRES_WITH_DOCUMENT_NUMBER or rng.random() < 0.3:
                key = (org_code, date_written.year)
                document_numbers[key] = document_numbers.get(key, 0) + 1
                document_number = f"{spec.short}发〔{date_written.year}〕{document_numbers[key]}号"
            validity = DisclosureItemPage.Validity.VALID
            validity_changed_on = None
            if genre in rules.GENRES_WITH_DOCUMENT_NUMBER and rng.random() < REPEALED_SHARE * 2:
                validity = rng.choice(
                    [DisclosureItemPage.Validity.REPEALED, DisclosureItemPage.Validity.INVALID]
                )
                validity_changed_on = _random_day(rng, publish_date, today)
            item = actions.create_disclosure_item(
                catalogue=catalogue,
                title=f"{title}（{n + 1}）" if n >= len(topics) else title,
                category=category,
                summary=f"{catalogue.department.name}公开{topic}的有关情况。",
                date_written=date_written,
                publish_date=publish_date,
                document_number=document_number,
                subject=spec.subject,
                genre=genre,
                validity=validity,
                validity_changed_on=validity_changed_on,
                keywords=f"{topic} {category.name[:6]}",
                body=(
                    f"<p>{catalogue.department.name}现将{topic}有关情况公开如下。</p>"
                    "<p>一、总体情况。二、主要内容。三、工作要求。</p>"
                ),
                with_revision=False,
            )
            item_ids.append(item.pk)
            created += 1
            if genre in rules.GENRES_WITH_DOCUMENT_NUMBER and validity == "valid":
                policies.append(item)
        _write(stdout, f"disclosure: category {code} done ({time.monotonic() - started:.1f} s)")

    interpretation = categories["23"]
    by_department = {catalogue.department_id: catalogue for catalogue in catalogues.values()}
    for policy in rng.sample(policies, min(interpretations, len(policies))):
        publish_date = policy.publish_date or today
        item = actions.create_disclosure_item(
            catalogue=by_department[policy.department_id],
            title=f"《{policy.title}》政策解读",
            category=interpretation,
            summary=f"解读《{policy.title}》的出台背景、主要内容和适用对象。",
            date_written=policy.date_written,
            publish_date=publish_date,
            subject=policy.subject,
            genre=DisclosureItemPage.Genre.INTERPRETATION,
            keywords="政策解读",
            body="<p>一、出台背景。二、主要内容。三、适用对象。四、解读机关及联系方式。</p>",
            interprets=[policy],
            with_revision=False,
        )
        item_ids.append(item.pk)
        created += 1
    indexed = search_actions.index_pages(pages=DisclosureItemPage.objects.filter(pk__in=item_ids))
    _write(
        stdout,
        f"disclosure: {created} items in {len(catalogues)} catalogues, {indexed} indexed "
        f"({time.monotonic() - started:.1f} s)",
    )
    load_disclosure_request_demo(stdout=stdout)
    return created


# --- Disclosure requests -----------------------------------------------------------------------

REQUESTS_PER_ORGANISATION_AND_YEAR = 24
# Who asks (the columns of the annual report's table 3), roughly as cities report it.
APPLICANT_WEIGHTS = (
    ("natural_person", 60),
    ("business", 18),
    ("research", 5),
    ("public_interest", 5),
    ("legal_service", 7),
    ("other_organisation", 5),
)
# Besides one of each outcome per organisation and year, most answers disclose.
OUTCOME_WEIGHTS = {"disclosed": 50, "partly_disclosed": 15, "unavailable_not_held": 15}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN_NAMES = ("建国", "秀英", "志强", "丽娟", "海燕", "国庆", "晓东", "红梅", "文博", "思远")
ORGANISATION_NAMES = {
    "business": ("晋城市兴达煤业有限公司", "山西泽州建设工程有限公司", "晋城市阳光商贸有限公司"),
    "research": ("晋城市农业科学研究所", "太行山生态研究院"),
    "public_interest": ("晋城市慈善总会", "晋城市环保志愿者协会"),
    "legal_service": ("山西晋韬律师事务所", "晋城市城区法律援助中心"),
    "other_organisation": ("晋城市城区东街社区居民委员会", "晋城市个体劳动者协会"),
}
SUBJECTS = (
    "本单位近三年“三公”经费预算执行情况",
    "某地块国有土地使用权出让合同",
    "本市义务教育学校招生划片范围的确定依据",
    "城区老旧小区改造项目的立项批复",
    "本市城乡居民最低生活保障标准调整文件",
    "某建设项目环境影响评价审批文件",
    "本年度政府集中采购项目的中标结果",
    "某企业安全生产许可证的办理结果",
)

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORGANISATION_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


def _resident_id(rng: random.Random) -> str:
    """A well-formed resident ID number (GB 11643) of someone born in 晋城市城区."""
    born = date(1950, 1, 1) + timedelta(days=rng.randrange(365 * 50))
    body = f"140502{born:%Y%m%d}{rng.randrange(1000):03d}"
    total = sum(int(char) * weight for char, weight in zip(body, _ID_WEIGHTS, strict=True))
    return body + "10X98765432"[total % 11]


def _credit_code(rng: random.Random) -> str:
    """A well-formed unified social credit code (GB 32100) of an organisation of 晋城市."""
    organisation = f"MA{rng.randrange(10**6):06d}"
    total = sum(  # GB 11714: digits as themselves, letters A–Z as 10–35
        (int(char) if char.isdigit() else ord(char) - ord("A") + 10) * weight
        for char, weight in zip(organisation, _ORGANISATION_WEIGHTS, strict=True)
    )
    check = 11 - total % 11
    organisation += {10: "X", 11: "0"}.get(check, str(check))
    body = "91140500" + organisation
    total = sum(
        _CREDIT_ALPHABET.index(char) * weight
        for char, weight in zip(body, _CREDIT_WEIGHTS, strict=True)
    )
    return body + _CREDIT_ALPHABET[(31 - total % 31) % 31]


def _weighted(rng: random.Random, weights: Any) -> str:
    keys = [key for key, _weight in weights]
    return rng.choices(keys, weights=[weight for _key, weight in weights])[0]


def _state_of(outcome: str, concluded_on: date | None, today: date) -> str:
    if concluded_on is None:
        return "received"
    if outcome == "other":
        return "withdrawn"
    return "archived" if (today - concluded_on).days > 10 else "concluded"


def _moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, dt_time(hour)))


def load_disclosure_request_demo(
    *,
    stdout: Writer | None = None,
    per_organisation_and_year: int = REQUESTS_PER_ORGANISATION_AND_YEAR,
) -> int:
    """Disclosure requests of last year and this year for every demo organisation, in every
    outcome of the annual report's table 3 (and some still open, some carried over the year's
    end), with the office's figures for last year's report. Past cases are inserted in bulk
    with the dates their clocks would have had; idempotent (0 when requests exist)."""
    if DisclosureRequest.objects.exists():
        return 0
    started = time.monotonic()
    rng = random.Random(DEMO_SEED + 31)  # noqa: S311 — repeatable demo data, not security
    today = timezone.localdate()
    departments = [
        department
        for department in (
            Department.objects.filter(code=spec.code).first() for spec in ORGANISATIONS
        )
        if department is not None
    ]
    outcome_keys = [outcome.key for outcome in rules.OUTCOMES]
    weights = [(key, OUTCOME_WEIGHTS.get(key, 2)) for key in outcome_keys]
    planned: list[tuple[Case, DisclosureRequest, list[dict[str, Any]]]] = []
    for org_index, department in enumerate(departments):
        for year in (today.year - 1, today.year):
            first = date(year, 1, 1)
            last = min(date(year, 12, 31), today - timedelta(days=1))
            if last < first:
                continue
            for index in range(per_organisation_and_year):
                if index < len(outcome_keys):
                    outcome = outcome_keys[(index + org_index * 5) % len(outcome_keys)]
                else:
                    outcome = _weighted(rng, weights)
                planned.append(
                    _planned_request(
                        rng=rng,
                        department=department,
                        received_on=_random_day(rng, first, last),
                        outcome=outcome,
                        today=today,
                    )
                )
    with transaction.atomic():
        cases = Case.objects.bulk_create([case for case, _request, _events in planned])
        requests = []
        events = []
        for case, (_case, request, case_events) in zip(cases, planned, strict=True):
            request.case = case
            requests.append(request)
            events.extend(CaseEvent(case=case, **event) for event in case_events)
        DisclosureRequest.objects.bulk_create(requests)
        CaseEvent.objects.bulk_create(events)
        _demo_figures(departments=departments, year=today.year - 1)
    _write(
        stdout,
        f"disclosure: {len(requests)} requests in every outcome "
        f"({time.monotonic() - started:.1f} s)",
    )
    return len(requests)


def _planned_request(
    *, rng: random.Random, department: Department, received_on: date, outcome: str, today: date
) -> tuple[Case, DisclosureRequest, list[dict[str, Any]]]:
    kind = _weighted(rng, APPLICANT_WEIGHTS)
    if kind == rules.NATURAL_PERSON:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        identity = {"id_number": _resident_id(rng), "credit_code": "", "contact_name": ""}
    else:
        name = rng.choice(ORGANISATION_NAMES[kind])
        identity = {
            "id_number": "",
            "credit_code": _credit_code(rng),
            "contact_name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
        }
    phone = f"139{rng.randrange(10**8):08d}"
    subject = rng.choice(SUBJECTS)
    days = rng.randint(2, 24)
    concluded_on: date | None = add_working_days(received_on, days)
    if concluded_on is not None and concluded_on >= today:
        concluded_on, outcome = None, ""
    state = _state_of(outcome, concluded_on, today)
    due_on = add_working_days(received_on, rules.REPLY_PERIOD_WORKING_DAYS)
    submitted_at = _moment(received_on, rng.randint(8, 17))
    case = Case(
        case_type=rules.REQUEST_CASE_TYPE,
        tracking_number=case_actions.draw_tracking_number(department=department, on=received_on),
        title=f"政府信息公开申请：{subject}",
        state=state,
        department=department,
        applicant_name=name,
        applicant_phone=phone,
        submitted_at=submitted_at,
        statutory_days=rules.REPLY_PERIOD_WORKING_DAYS,
        clock_started_on=received_on,
        due_on=due_on,
        statutory_due_on=due_on,
        finished_on=concluded_on,
        is_on_time=None if concluded_on is None else concluded_on <= due_on,
        is_closed=state in ("archived", "withdrawn"),
        closed_at=_moment(concluded_on, 17) if state in ("archived", "withdrawn") else None,
        version=1 if concluded_on is None else 2,
    )
    request = DisclosureRequest(
        department=department,
        channel=DisclosureRequest.Channel.ONLINE,
        received_on=received_on,
        applicant_kind=kind,
        applicant_name=name,
        phone=phone,
        description=f"申请公开{department.name}{subject}。",
        purpose="了解相关情况",
        outcome=outcome,
        concluded_on=concluded_on,
        **identity,
    )
    events = [
        {"at": submitted_at, "actor_name": name, "transition": "created", "to_state": "received"}
    ]
    if concluded_on is not None:
        transition = next(
            (name_ for name_, key in rules.TRANSITION_OUTCOMES.items() if key == outcome), ""
        )
        events.append(
            {
                "at": _moment(concluded_on, 16),
                "actor_name": "承办人员",
                "transition": transition,
                "from_state": "received",
                "to_state": "withdrawn" if state == "withdrawn" else "concluded",
                "note": rules.OUTCOMES_BY_KEY[outcome].label,
            }
        )
    if state == "archived" and concluded_on is not None:
        events.append(
            {
                "at": _moment(concluded_on + timedelta(days=7), 10),
                "actor_name": "承办人员",
                "transition": "archive",
                "from_state": "concluded",
                "to_state": "archived",
                "is_public": False,
            }
        )
    return case, request, events


def _demo_figures(*, departments: list[Department], year: int) -> None:
    """Last year's figures from outside the platform, for the city and each organisation."""
    rng = random.Random(DEMO_SEED + year)  # noqa: S311 — repeatable demo data, not security
    for department in [None, *departments]:
        name = department.name if department else "全市"
        AnnualReportFigures.objects.get_or_create(
            department=department,
            year=year,
            defaults={
                "overview": (
                    f"{year}年，{name}认真贯彻落实《中华人民共和国政府信息公开条例》，"
                    "围绕主动公开、依申请公开、政府信息管理、平台建设和监督保障推进政务公开工作。"
                ),
                "problems": "政策解读形式还不够丰富，依申请公开答复的规范性有待加强。"
                "下一步将加强培训，完善答复文书模板。",
                "other_matters": "本年度未收取信息处理费。",
                "penalty_decisions": rng.randint(20, 200),
                "compulsion_decisions": rng.randint(0, 20),
                "fees_collected": rng.randint(0, 5000) / 100,
                "reconsideration_upheld": rng.randint(0, 3),
                "reconsideration_corrected": rng.randint(0, 1),
                "reconsideration_pending": rng.randint(0, 1),
                "direct_suit_upheld": rng.randint(0, 2),
            },
        )
