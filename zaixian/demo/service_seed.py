"""The demo city's service hall (在线办事): life events, topics, a dozen service items of
Jincheng's departments with their guides and application forms, the case officers who
handle them, and the public accounts a visitor can log in with.

Like ``seed``, this is Chinese *content* (names of real laws, bodies and places), so it is
data, not gettext; only the descriptions of the demo accounts are interface text.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The public accounts log in at /accounts/login/ with the city's one demo password.
CITIZEN_USERNAME = "citizen"
BUSINESS_USERNAME = "business"
# Jincheng's administrative division code (GB/T 2260): 140500 the city, 140502 城区.
CITY_DIVISION = "140500"
DISTRICT_DIVISIONS = ("140502", "140521", "140522", "140524", "140525", "140581")

VENUE = "晋城市政务服务中心"
OFFICE_HOURS = (
    "工作日上午8:30—12:00，下午14:30—17:30（10月至次年4月下午14:00—17:00）；周六上午延时服务"
)
COMPLAINT_PHONE = "0356-12345"


@dataclass(frozen=True)
class LifeEventSpec:
    slug: str
    name: str
    audience: str  # services.models.Audience values


@dataclass(frozen=True)
class TopicSpec:
    slug: str
    name: str


LIFE_EVENTS = (
    LifeEventSpec("birth", "出生", "citizen"),
    LifeEventSpec("schooling", "上学", "citizen"),
    LifeEventSpec("work", "工作就业", "citizen"),
    LifeEventSpec("housing", "住房", "citizen"),
    LifeEventSpec("farming", "务农", "citizen"),
    LifeEventSpec("retirement", "退休养老", "citizen"),
    LifeEventSpec("starting-business", "开办企业", "business"),
    LifeEventSpec("construction", "工程建设", "business"),
    LifeEventSpec("operating-permits", "经营许可", "business"),
)

TOPICS = (
    TopicSpec("market", "市场监管"),
    TopicSpec("social-security", "社会保障"),
    TopicSpec("urban-construction", "住房城建"),
    TopicSpec("agriculture", "农业农村"),
    TopicSpec("health", "医疗卫生"),
    TopicSpec("transport", "交通运输"),
    TopicSpec("education", "教育"),
)


@dataclass(frozen=True)
class MaterialSpec:
    name: str
    form: str = "copy"  # services.models.ServiceMaterial.Form values
    copies: int = 1
    is_required: bool = True
    note: str = ""
    template: str = ""  # "pdf" or "docx": a blank form made at load time (a Wagtail document)


@dataclass(frozen=True)
class FieldSpec:
    key: str
    label: str
    field_type: str  # services.models.ServiceFormField.FieldType values
    is_required: bool = True
    choices: tuple[str, ...] = ()
    help_text: str = ""


@dataclass(frozen=True)
class ItemSpec:
    code: str
    name: str
    department_code: str
    kind: str  # services.models.ServiceItem.Kind values
    summary: str
    legal_basis: str
    conditions: str
    statutory_days: int
    promised_days: int
    online_depth: int
    visits_needed: int
    window: str
    consultation_phone: str
    materials: tuple[MaterialSpec, ...]
    fields: tuple[FieldSpec, ...]
    faqs: tuple[tuple[str, str], ...]
    life_events: tuple[str, ...]
    topics: tuple[str, ...]
    for_citizens: bool = True
    for_businesses: bool = False
    fees: str = ""
    # Relative share of the demo's historic cases (0: no online cases, e.g. forms only).
    case_share: int = 0


# Fields most forms share: who applies and how to reach them.
_PERSON = (
    FieldSpec("applicant_name", "申请人姓名", "text"),
    FieldSpec("applicant_id", "公民身份号码", "id_number", help_text="18位，末位可为X"),
    FieldSpec("mobile", "联系电话", "phone"),
    FieldSpec("address", "联系地址", "address"),
)
_COMPANY = (
    FieldSpec("company_name", "经营者名称", "text"),
    FieldSpec("credit_code", "统一社会信用代码", "credit_code"),
    FieldSpec("representative", "法定代表人（负责人）", "text"),
    FieldSpec("representative_id", "法定代表人身份证号码", "id_number"),
    FieldSpec("mobile", "联系电话", "phone"),
    FieldSpec("address", "经营场所", "address"),
)

ITEMS = (
    ItemSpec(
        code="140500-XK-0101",
        name="企业设立登记",
        department_code="JCSCJGJ",
        kind="licence",
        for_citizens=False,
        for_businesses=True,
        summary="有限责任公司、股份有限公司、个人独资企业、合伙企业等企业的设立登记，"
        "实行“一网通办”，营业执照、公章刻制、发票申领、社保登记一次办结。",
        legal_basis="《中华人民共和国公司法》第二十九条\n"
        "《中华人民共和国市场主体登记管理条例》（国务院令第746号）第三条、第十九条\n"
        "《中华人民共和国市场主体登记管理条例实施细则》（国家市场监督管理总局令第52号）",
        conditions="1. 企业名称符合企业名称登记管理规定；\n2. 有符合章程规定的出资；\n"
        "3. 有公司住所（经营场所）；\n4. 有符合法律规定的组织机构。",
        statutory_days=3,
        promised_days=1,
        online_depth=5,
        visits_needed=0,
        window="二楼市场准入综合窗口（1—8号）",
        consultation_phone="0356-2026315",
        materials=(
            MaterialSpec("公司登记（备案）申请书", "original", 1, template="pdf"),
            MaterialSpec("公司章程", "original", 1, note="全体股东签署"),
            MaterialSpec("股东的主体资格证明或自然人身份证件", "copy", 1),
            MaterialSpec("住所（经营场所）使用证明", "copy", 1, note="房产证或租赁合同"),
        ),
        fields=(
            FieldSpec("company_name", "拟设企业名称", "text", help_text="已通过名称自主申报"),
            FieldSpec(
                "company_type",
                "企业类型",
                "choice",
                choices=(
                    "有限责任公司（自然人投资或控股）",
                    "有限责任公司（法人独资）",
                    "股份有限公司",
                    "个人独资企业",
                    "普通合伙企业",
                ),
            ),
            FieldSpec("registered_capital", "注册资本（万元）", "number"),
            FieldSpec("representative", "法定代表人", "text"),
            FieldSpec("representative_id", "法定代表人身份证号码", "id_number"),
            FieldSpec("mobile", "联系电话", "phone"),
            FieldSpec("address", "住所", "address"),
            FieldSpec("business_scope", "经营范围", "textarea", help_text="按经营范围规范表述填写"),
        ),
        faqs=(
            (
                "注册资本需要实缴吗？",
                "有限责任公司全体股东认缴的出资额应自公司成立之日起五年内缴足。",
            ),
            (
                "营业执照可以邮寄吗？",
                "可以。选择“免费邮寄”，审核通过后由EMS寄送，也可领取电子营业执照。",
            ),
        ),
        life_events=("starting-business",),
        topics=("market",),
        case_share=16,
    ),
    ItemSpec(
        code="140500-XK-0102",
        name="个体工商户登记",
        department_code="JCSCJGJ",
        kind="licence",
        for_citizens=True,
        for_businesses=True,
        summary="有经营能力的公民从事工商业经营，经依法登记为个体工商户，当场或次日领取营业执照。",
        legal_basis="《促进个体工商户发展条例》（国务院令第755号）\n"
        "《中华人民共和国市场主体登记管理条例》（国务院令第746号）第二条",
        conditions="有经营能力的自然人；经营场所符合规定；经营范围不属于法律、行政法规禁止的项目。",
        statutory_days=3,
        promised_days=1,
        online_depth=5,
        visits_needed=0,
        window="二楼市场准入综合窗口（1—8号）",
        consultation_phone="0356-2026315",
        materials=(
            MaterialSpec("个体工商户登记（备案）申请书", "original", 1),
            MaterialSpec("经营者身份证件", "copy", 1),
            MaterialSpec("经营场所使用证明", "copy", 1, is_required=False),
        ),
        fields=(
            *_PERSON,
            FieldSpec("shop_name", "个体工商户名称", "text", is_required=False),
            FieldSpec("business_scope", "经营范围", "textarea"),
            FieldSpec("capital", "资金数额（万元）", "number"),
        ),
        faqs=(("可以不起字号名称吗？", "可以。个体工商户可以使用名称，也可以不使用名称。"),),
        life_events=("starting-business", "work"),
        topics=("market",),
        case_share=14,
    ),
    ItemSpec(
        code="140500-XK-0103",
        name="食品经营许可",
        department_code="JCSCJGJ",
        kind="licence",
        for_citizens=False,
        for_businesses=True,
        summary="在本市从事食品销售和餐饮服务活动的经营者，应当依法取得食品经营许可证。",
        legal_basis="《中华人民共和国食品安全法》第三十五条\n"
        "《食品经营许可和备案管理办法》（国家市场监督管理总局令第78号）",
        conditions="1. 具有与经营的食品品种、数量相适应的经营场所；\n"
        "2. 具有与经营的食品品种、数量相适应的经营设备或者设施；\n"
        "3. 有专职或者兼职的食品安全管理人员和保证食品安全的规章制度；\n"
        "4. 具有合理的设备布局和工艺流程。",
        statutory_days=10,
        promised_days=5,
        online_depth=4,
        visits_needed=0,
        window="二楼食品药品许可窗口（9—11号）",
        consultation_phone="0356-2026327",
        materials=(
            MaterialSpec("食品经营许可申请书", "original", 1, template="docx"),
            MaterialSpec("营业执照", "copy", 1),
            MaterialSpec("与食品经营相适应的主要设备设施布局、操作流程等文件", "original", 1),
            MaterialSpec("食品安全自查、从业人员健康管理等规章制度", "original", 1),
        ),
        fields=(
            *_COMPANY,
            FieldSpec(
                "business_form",
                "主体业态",
                "choice",
                choices=("食品销售经营者", "餐饮服务经营者", "单位食堂"),
            ),
            FieldSpec(
                "business_items",
                "经营项目",
                "textarea",
                help_text="如：散装食品销售、热食类食品制售",
            ),
            FieldSpec("area", "经营场所面积（平方米）", "number"),
            FieldSpec("opening_date", "计划开业日期", "date"),
            FieldSpec("floor_plan", "经营场所平面图", "file", help_text="PDF或图片，不超过10 MB"),
        ),
        faqs=(
            ("许可证有效期多长？", "食品经营许可证有效期为5年。"),
            ("仅销售预包装食品需要许可吗？", "仅销售预包装食品的，实行备案管理，不需要取得许可。"),
        ),
        life_events=("starting-business", "operating-permits"),
        topics=("market", "health"),
        case_share=12,
    ),
    ItemSpec(
        code="140500-XK-0201",
        name="建筑工程施工许可证核发",
        department_code="JCZJJ",
        kind="licence",
        for_citizens=False,
        for_businesses=True,
        summary="工程投资额在100万元以上（含）或者建筑面积在500平方米以上（含）的建筑工程，"
        "开工前建设单位应当申请领取施工许可证。",
        legal_basis="《中华人民共和国建筑法》第七条、第八条\n"
        "《建筑工程施工许可管理办法》（住房和城乡建设部令第18号，2021年修正）",
        conditions="1. 依法应当办理用地批准手续的，已经办理；\n2. 已取得建设工程规划许可证；\n"
        "3. 施工场地已经基本具备施工条件；\n4. 已经确定施工企业；\n"
        "5. 有满足施工需要的资金安排、施工图纸及技术资料；\n6. 有保证工程质量和安全的具体措施。",
        statutory_days=7,
        promised_days=3,
        online_depth=4,
        visits_needed=0,
        window="三楼工程建设项目审批窗口（21—26号）",
        consultation_phone="0356-2026351",
        materials=(
            MaterialSpec("建筑工程施工许可证申请表", "original", 1, template="pdf"),
            MaterialSpec("建设工程规划许可证", "copy", 1),
            MaterialSpec("中标通知书或直接发包批准文件", "copy", 1),
            MaterialSpec("施工图设计文件审查合格书", "copy", 1),
            MaterialSpec("建设资金已落实承诺书", "original", 1),
        ),
        fields=(
            FieldSpec("project_name", "工程名称", "text"),
            FieldSpec("developer", "建设单位", "text"),
            FieldSpec("credit_code", "建设单位统一社会信用代码", "credit_code"),
            FieldSpec("project_address", "建设地址", "address"),
            FieldSpec("contract_price", "合同价格（万元）", "number"),
            FieldSpec("floor_area", "建筑面积（平方米）", "number"),
            FieldSpec("start_date", "计划开工日期", "date"),
            FieldSpec("contractor", "施工总承包单位", "text"),
            FieldSpec("mobile", "联系人电话", "phone"),
        ),
        faqs=(
            (
                "限额以下的小型工程需要办理吗？",
                "工程投资额在100万元以下或者建筑面积在500平方米以下的建筑工程，可以不申请办理施工许可证。",
            ),
        ),
        life_events=("construction",),
        topics=("urban-construction",),
        case_share=7,
    ),
    ItemSpec(
        code="140500-GG-0301",
        name="社会保障卡申领",
        department_code="JCRSJ",
        kind="public_service",
        summary="参保人员首次申领第三代社会保障卡，具有身份凭证、信息记录、自助查询、"
        "就医结算、缴费及待遇领取、金融支付等功能。",
        legal_basis="《中华人民共和国社会保险法》第五十八条\n"
        "《人力资源社会保障部关于印发〈社会保障卡管理办法〉的通知》（人社部发〔2011〕47号）",
        conditions="在本市参加社会保险的人员，未持有有效社会保障卡的。",
        statutory_days=20,
        promised_days=10,
        online_depth=5,
        visits_needed=0,
        window="一楼人力资源和社会保障综合窗口（社保卡服务专区）",
        consultation_phone="0356-12333",
        materials=(
            MaterialSpec("居民身份证", "electronic", 1),
            MaterialSpec("近期免冠证件照片", "electronic", 1, note="白色背景，358×441像素"),
        ),
        fields=(
            *_PERSON,
            FieldSpec(
                "bank",
                "合作银行",
                "choice",
                choices=("中国工商银行", "中国农业银行", "中国银行", "中国建设银行", "晋城银行"),
            ),
            FieldSpec("mailing", "领卡方式", "choice", choices=("邮寄到家", "网点自取")),
            FieldSpec("photo", "证件照片", "file"),
        ),
        faqs=(("办卡收费吗？", "首次申领免费；遗失补领按规定收取工本费。"),),
        life_events=("work", "retirement"),
        topics=("social-security",),
        case_share=14,
    ),
    ItemSpec(
        code="140500-QR-0302",
        name="城乡居民养老保险参保登记",
        department_code="JCRSJ",
        kind="confirmation",
        summary="年满16周岁（不含在校学生）、非国家机关和事业单位工作人员及不属于职工基本养老保险"
        "覆盖范围的城乡居民，可在户籍地参加城乡居民基本养老保险。",
        legal_basis="《中华人民共和国社会保险法》第二十条、第二十二条\n"
        "《国务院关于建立统一的城乡居民基本养老保险制度的意见》（国发〔2014〕8号）",
        conditions="年满16周岁（不含在校学生），户籍在本市，未参加职工基本养老保险。",
        statutory_days=15,
        promised_days=5,
        online_depth=5,
        visits_needed=0,
        window="一楼人力资源和社会保障综合窗口",
        consultation_phone="0356-12333",
        materials=(MaterialSpec("居民户口簿", "copy", 1, note="户主页及本人页"),),
        fields=(
            *_PERSON,
            FieldSpec(
                "grade",
                "缴费档次（元/年）",
                "choice",
                choices=("200", "300", "500", "1000", "2000", "5000"),
            ),
            FieldSpec(
                "household_type",
                "户籍性质",
                "choice",
                choices=("农业户口", "非农业户口", "居民户口"),
            ),
        ),
        faqs=(("每年什么时候缴费？", "每年1月1日至12月31日均可缴费，建议在当年内完成。"),),
        life_events=("retirement", "farming"),
        topics=("social-security",),
        case_share=9,
    ),
    ItemSpec(
        code="140500-JF-0401",
        name="耕地地力保护补贴",
        department_code="JCNYNCJ",
        kind="payment",
        summary="对拥有耕地承包权的种地农民给予补贴，引导农民加强农业生态资源保护，"
        "补贴资金通过“一卡（折）通”直接兑付到户。",
        legal_basis="《财政部 农业部关于全面推开农业“三项补贴”改革工作的通知》"
        "（财农〔2016〕26号）\n"
        "《山西省耕地地力保护补贴实施方案》",
        conditions="拥有耕地承包权且耕地用于农业生产的农户；已作为畜牧养殖场用地、"
        "已改变用途或长年抛荒的耕地不予补贴。",
        statutory_days=20,
        promised_days=15,
        online_depth=4,
        visits_needed=0,
        window="各乡镇（街道）便民服务中心农业服务窗口",
        consultation_phone="0356-12316",
        materials=(
            MaterialSpec("农村土地承包经营权证", "copy", 1),
            MaterialSpec("耕地地力保护承诺书", "original", 1, template="docx"),
            MaterialSpec("“一卡（折）通”账户页", "copy", 1),
        ),
        fields=(
            *_PERSON,
            FieldSpec("village", "所在村", "text"),
            FieldSpec("area_mu", "承包耕地面积（亩）", "number"),
            FieldSpec(
                "crop",
                "主要种植作物",
                "choice",
                choices=("玉米", "小麦", "谷子", "大豆", "马铃薯", "其他"),
            ),
        ),
        faqs=(
            (
                "补贴标准是多少？",
                "按省里下达的资金和核实的面积确定，近年每亩约100元左右，以当年公示为准。",
            ),
        ),
        life_events=("farming",),
        topics=("agriculture",),
        case_share=10,
    ),
    ItemSpec(
        code="140500-XK-0501",
        name="医师执业注册",
        department_code="JCWJW",
        kind="licence",
        summary="取得医师资格的人员，经注册取得医师执业证书后，方可按照注册的执业地点、"
        "执业类别、执业范围执业。",
        legal_basis="《中华人民共和国医师法》第十三条、第十四条\n"
        "《医师执业注册管理办法》（国家卫生和计划生育委员会令第13号）",
        conditions="取得医师资格；身体健康，能胜任医师执业工作；无《医师法》第十六条规定"
        "不予注册的情形。",
        statutory_days=20,
        promised_days=10,
        online_depth=5,
        visits_needed=0,
        window="二楼卫生健康许可窗口（12—14号）",
        consultation_phone="0356-2022120",
        materials=(
            MaterialSpec("医师执业注册申请审核表", "original", 1, template="pdf"),
            MaterialSpec("医师资格证书", "copy", 1),
            MaterialSpec("近6个月内的健康体检证明", "original", 1),
            MaterialSpec("医疗机构拟聘用证明", "original", 1),
        ),
        fields=(
            *_PERSON,
            FieldSpec("qualification_no", "医师资格证书编码", "text"),
            FieldSpec(
                "category", "执业类别", "choice", choices=("临床", "中医", "口腔", "公共卫生")
            ),
            FieldSpec("scope", "执业范围", "text"),
            FieldSpec("institution", "拟执业机构", "text"),
            FieldSpec("qualified_on", "取得资格日期", "date"),
        ),
        faqs=(("可以在多个机构执业吗？", "可以在主要执业机构注册后，办理多机构备案。"),),
        life_events=("work",),
        topics=("health",),
        case_share=6,
    ),
    ItemSpec(
        code="140500-QR-0502",
        name="出生医学证明办理",
        department_code="JCWJW",
        kind="confirmation",
        summary="在本市助产机构出生的新生儿，由出生的助产机构签发《出生医学证明》；"
        "可在线预约、补发、换发。",
        legal_basis="《中华人民共和国母婴保健法》第二十三条\n"
        "《中华人民共和国母婴保健法实施办法》第二十八条",
        conditions="在本市具有助产技术服务资质的医疗机构出生的新生儿。",
        statutory_days=20,
        promised_days=3,
        online_depth=4,
        visits_needed=1,
        window="出生的助产机构出生医学证明签发窗口",
        consultation_phone="0356-2022120",
        materials=(
            MaterialSpec("父母双方有效身份证件", "copy", 1),
            MaterialSpec("住院病历出院记录", "copy", 1, is_required=False),
        ),
        fields=(
            FieldSpec("baby_name", "新生儿姓名", "text"),
            FieldSpec("birth_date", "出生日期", "date"),
            FieldSpec("sex", "性别", "choice", choices=("男", "女")),
            FieldSpec("mother_name", "母亲姓名", "text"),
            FieldSpec("mother_id", "母亲身份证号码", "id_number"),
            FieldSpec("father_name", "父亲姓名", "text", is_required=False),
            FieldSpec("father_id", "父亲身份证号码", "id_number", is_required=False),
            FieldSpec("mobile", "联系电话", "phone"),
            FieldSpec("hospital", "出生医院", "text"),
        ),
        faqs=(("证明上的名字能改吗？", "签发后姓名有误的，可凭相关材料到原签发机构办理换发。"),),
        life_events=("birth",),
        topics=("health",),
        case_share=9,
    ),
    ItemSpec(
        code="140500-XK-0601",
        name="公共场所卫生许可",
        department_code="JCXZSPJ",
        kind="licence",
        for_citizens=False,
        for_businesses=True,
        summary="宾馆、美容美发、游泳场所、影剧院等公共场所经营者，开业前应当取得卫生许可证。"
        "本市由市行政审批服务管理局相对集中行使该项许可。",
        legal_basis="《公共场所卫生管理条例》第八条\n"
        "《公共场所卫生管理条例实施细则》（卫生部令第80号）第二十二条",
        conditions="场所布局、设施设备符合卫生标准和规范；有卫生管理制度和从业人员健康管理"
        "制度；室内空气质量、水质等检测合格。",
        statutory_days=20,
        promised_days=5,
        online_depth=5,
        visits_needed=0,
        window="二楼综合受理窗口（15—18号）",
        consultation_phone="0356-2026388",
        materials=(
            MaterialSpec("卫生许可证申请表", "original", 1),
            MaterialSpec("营业执照", "copy", 1),
            MaterialSpec("公共场所卫生检测或评价报告", "copy", 1),
            MaterialSpec("卫生管理制度", "original", 1),
        ),
        fields=(
            *_COMPANY,
            FieldSpec(
                "venue_type",
                "场所类别",
                "choice",
                choices=("住宿场所", "沐浴场所", "美容美发场所", "游泳场所", "文化娱乐场所"),
            ),
            FieldSpec("staff", "从业人员数", "number"),
        ),
        faqs=(("许可证有效期多长？", "公共场所卫生许可证有效期为四年。"),),
        life_events=("operating-permits",),
        topics=("health",),
        case_share=8,
    ),
    ItemSpec(
        code="140500-XK-0602",
        name="道路货物运输经营许可",
        department_code="JCXZSPJ",
        kind="licence",
        for_citizens=True,
        for_businesses=True,
        summary="使用总质量4.5吨以上普通货运车辆从事道路货物运输经营的，应当取得道路运输"
        "经营许可证。本市由市行政审批服务管理局相对集中行使该项许可。",
        legal_basis="《中华人民共和国道路运输条例》第二十一条、第二十四条\n"
        "《道路货物运输及站场管理规定》（交通运输部令2023年第12号）",
        conditions="有与其经营业务相适应并经检测合格的车辆；有符合规定条件的驾驶人员；"
        "有健全的安全生产管理制度。",
        statutory_days=20,
        promised_days=5,
        online_depth=5,
        visits_needed=0,
        window="二楼综合受理窗口（15—18号）",
        consultation_phone="0356-2026388",
        materials=(
            MaterialSpec("道路货物运输经营申请表", "original", 1),
            MaterialSpec("负责人身份证明", "copy", 1),
            MaterialSpec("机动车辆行驶证、车辆技术等级评定结论", "copy", 1),
            MaterialSpec("驾驶人员从业资格证", "copy", 1),
        ),
        fields=(
            *_COMPANY,
            FieldSpec("vehicles", "车辆数（辆）", "number"),
            FieldSpec(
                "scope", "经营范围", "choice", choices=("普通货运", "货物专用运输", "大型物件运输")
            ),
        ),
        faqs=(("个人可以申请吗？", "可以，个体经营者凭个体工商户营业执照申请。"),),
        life_events=("starting-business", "operating-permits"),
        topics=("transport",),
        case_share=8,
    ),
    ItemSpec(
        code="140500-GG-0701",
        name="义务教育入学登记",
        department_code="JCJYJ",
        kind="public_service",
        summary="适龄儿童、少年进入小学一年级、初中一年级的网上入学登记，按学区划分免试就近入学。",
        legal_basis="《中华人民共和国义务教育法》第十二条、第十四条",
        conditions="年满六周岁的适龄儿童（小学）；小学毕业生（初中）；户籍或居住证在本学区。",
        statutory_days=20,
        promised_days=10,
        online_depth=5,
        visits_needed=0,
        window="各学区学校招生报名点",
        consultation_phone="0356-2032268",
        materials=(
            MaterialSpec("居民户口簿", "copy", 1),
            MaterialSpec("房屋产权证明或居住证", "copy", 1),
        ),
        fields=(
            FieldSpec("child_name", "学生姓名", "text"),
            FieldSpec("child_id", "学生身份证号码", "id_number"),
            FieldSpec("birth_date", "出生日期", "date"),
            FieldSpec("stage", "入学阶段", "choice", choices=("小学一年级", "初中一年级")),
            FieldSpec("guardian", "监护人姓名", "text"),
            FieldSpec("mobile", "监护人电话", "phone"),
            FieldSpec("address", "现居住地址", "address"),
        ),
        faqs=(("什么时候报名？", "每年7月上旬网上登记，具体以市教育局招生公告为准。"),),
        life_events=("schooling",),
        topics=("education",),
        case_share=10,
    ),
    ItemSpec(
        code="140500-GG-0202",
        name="公共租赁住房申请",
        department_code="JCZJJ",
        kind="public_service",
        summary="城镇中等偏下收入住房困难家庭、新就业无房职工和在城镇稳定就业的外来务工人员"
        "可申请公共租赁住房。本事项提供申请表下载，请到窗口提交。",
        legal_basis="《公共租赁住房管理办法》（住房和城乡建设部令第11号）第七条",
        conditions="在本市无房或人均住房面积低于规定标准；收入、财产符合规定标准。",
        statutory_days=20,
        promised_days=20,
        online_depth=2,
        visits_needed=1,
        window="三楼住房保障窗口（27号）",
        consultation_phone="0356-2026355",
        materials=(
            MaterialSpec("公共租赁住房申请表", "original", 2, template="docx"),
            MaterialSpec("家庭成员身份证明", "copy", 1),
            MaterialSpec("收入证明", "original", 1),
        ),
        fields=(),
        faqs=(("租金怎么定？", "公共租赁住房租金按照略低于同地段住房市场租金水平确定。"),),
        life_events=("housing",),
        topics=("urban-construction",),
    ),
)


@dataclass(frozen=True)
class OfficerSpec:
    """A case officer of a department that has items in the demo catalogue."""

    username: str
    last_name: str
    first_name: str
    department_code: str
    job_title: str
    can_do: Promise


OFFICERS = (
    OfficerSpec(
        "scjg_officer",
        "刘",
        "市监",
        "JCSCJGJ",
        "登记注册科科员",
        _("Case officer of the market regulation bureau"),
    ),
    OfficerSpec(
        "zjj_officer",
        "杨",
        "建设",
        "JCZJJ",
        "建筑市场科科员",
        _("Case officer of the housing and construction bureau"),
    ),
    OfficerSpec(
        "rsj_officer",
        "黄",
        "社保",
        "JCRSJ",
        "社会保险科科员",
        _("Case officer of the human resources and social security bureau"),
    ),
    OfficerSpec(
        "nync_officer",
        "牛",
        "农补",
        "JCNYNCJ",
        "计划财务科科员",
        _("Case officer of the agriculture and rural affairs bureau"),
    ),
    OfficerSpec(
        "wjw_officer",
        "原",
        "卫健",
        "JCWJW",
        "医政科科员",
        _("Case officer of the health commission"),
    ),
    OfficerSpec(
        "jyj_officer",
        "郭",
        "教育",
        "JCJYJ",
        "基础教育科科员",
        _("Case officer of the education bureau"),
    ),
)


@dataclass(frozen=True)
class PublicAccountSpec:
    """A verified citizen's or business account of the demo (log in at /accounts/login/)."""

    username: str
    kind: str  # accounts.models.PublicProfile.Kind values
    name: str  # real name, or the organisation's name
    mobile_phone: str
    email: str
    birth_date: str = ""  # citizens: YYYYMMDD, with the district and sequence below
    division: str = ""
    sequence: str = ""
    legal_representative: str = ""
    organisation_body: str = ""  # organisations: the 8 characters before the GB 11714 check


PUBLIC_ACCOUNTS = (
    PublicAccountSpec(
        CITIZEN_USERNAME,
        "citizen",
        "王晓东",
        "13803561234",
        "citizen@demo.zaixian.local",
        birth_date="19880512",
        division="140502",
        sequence="031",
    ),
    PublicAccountSpec(
        BUSINESS_USERNAME,
        "organisation",
        "晋城市太行味道餐饮有限公司",
        "13903565678",
        "business@demo.zaixian.local",
        division=CITY_DIVISION,
        legal_representative="李建军",
        organisation_body="MA0KTH2N",
    ),
)
