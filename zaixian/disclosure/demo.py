"""The demo city's open government information: ``/zwgk/`` with the catalogues and guides of
several organisations and a few hundred items of every category over two years — policy
interpretations linked to their policies, some documents repealed or no longer in force, a
few published after the Article 26 deadline. Called by the demo loader.

Titles and guide texts are Chinese *content* (data), not interface text."""

from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from zaixian.core import actions as core_actions
from zaixian.core.models import Department
from zaixian.core.workdays import add_working_days
from zaixian.disclosure import actions, rules
from zaixian.disclosure.models import (
    DisclosureCataloguePage,
    DisclosureCategory,
    DisclosureItemPage,
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
        _write(stdout, "disclosure: already loaded")
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
    return created
