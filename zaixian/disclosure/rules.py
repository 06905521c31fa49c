"""Pure rules of proactive disclosure (主动公开): the statutory publication period, the index
number (索引号) format and the catalogue's filter parameters. No ORM here.

Sources: the Regulations of the People's Republic of China on Open Government Information
(中华人民共和国政府信息公开条例, revised 2019, State Council Order No. 711).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zaixian.cases.registry import APPLICANT, CaseType, ClockEffect, State, Transition
from zaixian.core.roles import Role

# Article 26: information that must be disclosed proactively is published within 20 working
# days of being made or changed (自该政府信息形成或者变更之日起20个工作日内).
PUBLICATION_PERIOD_WORKING_DAYS = 20

# The index number: organisation code - category code - year - sequence, e.g.
# 11140500MB1953221F-01-2026-0001. The organisation code is the department's code
# (core.Department.code: 2–20 capital letters or digits); the category code has two digits.
INDEX_NUMBER_SEQUENCE_DIGITS = 4
INDEX_NUMBER_MAX_SEQUENCE = 999_999
INDEX_NUMBER_MAX_LENGTH = 20 + 1 + 2 + 1 + 4 + 1 + 6
_INDEX_NUMBER = re.compile(
    r"^(?P<organisation>[A-Z0-9]{2,20})-(?P<category>\d{2})-(?P<year>\d{4})-(?P<sequence>\d{4,6})$"
)
FIRST_YEAR = 1949
LAST_YEAR = 2999

# The catalogue's filters accept at most this much text; longer search text is cut, not an
# error (it cannot match anything sensible anyway).
MAX_SEARCH_LENGTH = 100


@dataclass(frozen=True)
class IndexNumber:
    """The four parts of an index number."""

    organisation: str
    category: str
    year: int
    sequence: int

    def __str__(self) -> str:
        return (
            f"{self.organisation}-{self.category}-{self.year:04d}-"
            f"{self.sequence:0{INDEX_NUMBER_SEQUENCE_DIGITS}d}"
        )


class MalformedIndexNumberError(ValueError):
    """The text is not an index number of the form ORGANISATION-CC-YYYY-NNNN."""


def parse_index_number(text: str) -> IndexNumber:
    """Split an index number into its parts; ``MalformedIndexNumberError`` when it is not one."""
    match = _INDEX_NUMBER.match(text.strip())
    if match is None:
        raise MalformedIndexNumberError(text)
    year = int(match["year"])
    sequence = int(match["sequence"])
    if not FIRST_YEAR <= year <= LAST_YEAR or sequence < 1:
        raise MalformedIndexNumberError(text)
    return IndexNumber(match["organisation"], match["category"], year, sequence)


def format_index_number(*, organisation: str, category: str, year: int, sequence: int) -> str:
    """The index number of the ``sequence``-th item of a category in a year."""
    if not 1 <= sequence <= INDEX_NUMBER_MAX_SEQUENCE:
        raise ValueError(f"sequence {sequence} out of range")
    text = str(IndexNumber(organisation, category, year, sequence))
    parse_index_number(text)  # the parts themselves must be well-formed
    return text


def is_published_late(*, publish_date: date | None, deadline: date | None) -> bool:
    """Article 26: an item published after its deadline (the 20th working day after the date
    it was made) was published late. Unpublished items are not late yet."""
    if publish_date is None or deadline is None:
        return False
    return publish_date > deadline


def days_late(*, publish_date: date | None, deadline: date | None) -> int:
    """Calendar days between the deadline and the publish date (0 when on time)."""
    if publish_date is None or deadline is None or publish_date <= deadline:
        return 0
    return (publish_date - deadline).days


# The categories of proactive disclosure: Articles 20 and 21 of the Regulations, plus policy
# interpretations. The codes are part of every index number: never renumber, only add.
# (code, name, legal basis, is policy interpretation)
DISCLOSURE_CATEGORIES: tuple[tuple[str, str, str, bool], ...] = (
    ("01", "行政法规、规章和规范性文件", "第二十条第（一）项", False),
    (
        "02",
        "机关职能、机构设置、办公地址、办公时间、联系方式、负责人姓名",
        "第二十条第（二）项",
        False,
    ),
    ("03", "国民经济和社会发展规划、专项规划、区域规划及相关政策", "第二十条第（三）项", False),
    ("04", "国民经济和社会发展统计信息", "第二十条第（四）项", False),
    (
        "05",
        "行政许可和其他对外管理服务事项的依据、条件、程序及办理结果",
        "第二十条第（五）项",
        False,
    ),
    ("06", "行政处罚、行政强制的依据、条件、程序及行政处罚决定", "第二十条第（六）项", False),
    ("07", "财政预算、决算信息", "第二十条第（七）项", False),
    ("08", "行政事业性收费项目及其依据、标准", "第二十条第（八）项", False),
    ("09", "政府集中采购项目的目录、标准及实施情况", "第二十条第（九）项", False),
    ("10", "重大建设项目的批准和实施情况", "第二十条第（十）项", False),
    (
        "11",
        "扶贫、教育、医疗、社会保障、促进就业等方面的政策、措施及其实施情况",
        "第二十条第（十一）项",
        False,
    ),
    ("12", "突发公共事件的应急预案、预警信息及应对情况", "第二十条第（十二）项", False),
    (
        "13",
        "环境保护、公共卫生、安全生产、食品药品、产品质量的监督检查情况",
        "第二十条第（十三）项",
        False,
    ),
    ("14", "公务员招考的职位、名额、报考条件等事项以及录用结果", "第二十条第（十四）项", False),
    (
        "15",
        "法律、法规、规章和国家有关规定规定应当主动公开的其他政府信息",
        "第二十条第（十五）项",
        False,
    ),
    ("16", "市政建设", "第二十一条", False),
    ("17", "公共服务", "第二十一条", False),
    ("18", "公益事业", "第二十一条", False),
    ("19", "土地征收", "第二十一条", False),
    ("20", "房屋征收", "第二十一条", False),
    ("21", "治安管理", "第二十一条", False),
    ("22", "社会救助", "第二十一条", False),
    ("23", "政策解读", "第二十条第（一）项、第二十一条（相关政策的解读）", True),
)


# --- The catalogue's filters ----------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFilter:
    """What a visitor asked the catalogue for: search text, category code, year, validity and
    organisation code. ``errors`` lists parameters that were ignored because they were bad."""

    search: str = ""
    category: str = ""
    year: int | None = None
    validity: str = ""
    organisation: str = ""
    errors: tuple[str, ...] = field(default=())

    @property
    def is_filtered(self) -> bool:
        return bool(self.search or self.category or self.year or self.validity or self.organisation)


_CATEGORY_CODE = re.compile(r"^\d{2}$")
_ORGANISATION_CODE = re.compile(r"^[A-Z0-9]{2,20}$")


def parse_catalogue_filter(
    params: Mapping[str, str], *, validity_choices: set[str]
) -> CatalogueFilter:
    """Read the catalogue's query parameters. A bad value is dropped and named in ``errors``
    (the page then says so and lists without that filter) — never an exception."""
    errors: list[str] = []
    search = " ".join((params.get("q") or "").split())[:MAX_SEARCH_LENGTH]

    category = (params.get("category") or "").strip()
    if category and not _CATEGORY_CODE.match(category):
        errors.append(_("The category is not one of the catalogue's categories."))
        category = ""

    year: int | None = None
    year_text = (params.get("year") or "").strip()
    if year_text:
        if year_text.isdigit() and FIRST_YEAR <= int(year_text) <= LAST_YEAR:
            year = int(year_text)
        else:
            errors.append(_("Enter the year as four digits, e.g. 2026."))

    validity = (params.get("validity") or "").strip()
    if validity and validity not in validity_choices:
        errors.append(_("The validity is not one of the listed values."))
        validity = ""

    organisation = (params.get("organisation") or "").strip().upper()
    if organisation and not _ORGANISATION_CODE.match(organisation):
        errors.append(_("The organisation is not one of the listed organisations."))
        organisation = ""

    return CatalogueFilter(
        search=search,
        category=category,
        year=year,
        validity=validity,
        organisation=organisation,
        errors=tuple(errors),
    )


# --- The metadata an editor enters ------------------------------------------------------------

# Genres whose items are rules or normative documents: they carry a document number (文号) and
# are counted on their own in the annual report.
GENRES_WITH_DOCUMENT_NUMBER = frozenset({"rule", "normative"})
VALIDITY_IN_FORCE = "valid"


def item_metadata_errors(
    *,
    date_written: date | None,
    publish_date: date | None,
    today: date,
    validity: str,
    validity_changed_on: date | None,
    genre: str,
    document_number: str,
    is_interpretation: bool,
    policy_count: int,
) -> dict[str, list[str]]:
    """The errors of an item's metadata, by field name (empty when it is consistent)."""
    errors: dict[str, list[str]] = {}

    def add(name: str, message: str) -> None:
        errors.setdefault(name, []).append(message)

    if date_written is not None and date_written > today:
        add("date_written", _("The date written cannot be in the future."))
    if publish_date is not None and date_written is not None and publish_date < date_written:
        add("publish_date", _("The publish date cannot be before the date written."))
    if publish_date is not None and publish_date > today:
        add(
            "publish_date",
            _("The publish date cannot be in the future; schedule the page instead."),
        )
    if validity != VALIDITY_IN_FORCE and validity_changed_on is None:
        add("validity_changed_on", _("Enter the date since which the item is no longer in force."))
    if validity == VALIDITY_IN_FORCE and validity_changed_on is not None:
        add("validity_changed_on", _("An item in force has no such date; clear it."))
    if (
        validity_changed_on is not None
        and date_written is not None
        and validity_changed_on < date_written
    ):
        add("validity_changed_on", _("This date cannot be before the date written."))
    if genre in GENRES_WITH_DOCUMENT_NUMBER and not document_number.strip():
        add("document_number", _("Rules and normative documents need their document number."))
    if is_interpretation and policy_count == 0:
        add(
            "category",
            _("A policy interpretation must name at least one policy it interprets."),
        )
    if not is_interpretation and policy_count > 0:
        add("category", _("Only a policy interpretation can name policies it interprets."))
    return errors


def index_number_errors(text: str, *, organisation: str, category: str) -> list[str]:
    """What is wrong with an index number an editor typed for an item of ``organisation`` and
    ``category`` (empty list: nothing). Whether it is already in use is checked by the caller."""
    try:
        parsed = parse_index_number(text)
    except MalformedIndexNumberError:
        return [
            _(
                "Enter the index number as organisation code-category code-year-number, "
                "e.g. %(example)s."
            )
            % {"example": f"{organisation}-{category or '01'}-2026-0001"}
        ]
    errors = []
    if parsed.organisation != organisation:
        errors.append(
            _("The index number must start with the organisation code %(code)s.")
            % {"code": organisation}
        )
    if category and parsed.category != category:
        errors.append(
            _("The second part of the index number must be the category code %(code)s.")
            % {"code": category}
        )
    return errors


# =============================================================================================
# Disclosure requests (依申请公开): the case type, the date of receipt, the statutory periods,
# the outcomes of the annual report's table 3, and the information-processing fee.
# =============================================================================================

# Article 33: the answer is given within 20 working days of the date of receipt; with the
# approval of the head of the disclosure office it may be extended once, by at most 20 working
# days, and the applicant is told. The time spent consulting third parties or other agencies
# (Article 32: they have 15 working days to give their opinion) is not counted.
REPLY_PERIOD_WORKING_DAYS = 20
EXTENSION_MAX_WORKING_DAYS = 20
CONSULTATION_PERIOD_WORKING_DAYS = 15
# Article 30: a request that is unclear is sent back once, with everything to correct, within
# 7 working days of receipt; the period to answer runs from the receipt of the corrected
# request. The applicant who does not correct within the reasonable time the office sets is
# taken to have given up the request. The office's default for that time:
CORRECTION_NOTICE_WORKING_DAYS = 7
CORRECTION_PERIOD_WORKING_DAYS = 15
# 国办函〔2020〕109号《政府信息公开信息处理费管理办法》第六条: the applicant pays within 20
# working days of the day after the fee notice; the time from the notice to the payment is not
# counted in the Article 33 period; not paying in time means giving up the request.
FEE_PAYMENT_PERIOD_WORKING_DAYS = 20


class Channel:
    """How a request reached the office (Article 31)."""

    IN_PERSON = "in_person"  # 当面提交
    POST = "post"  # 邮寄，需签收 (registered post, express)
    LETTER = "letter"  # 平常信函等无需签收的邮寄方式
    ONLINE = "online"  # 互联网渠道
    FAX = "fax"  # 传真

    ALL = (IN_PERSON, POST, LETTER, ONLINE, FAX)


class MissingReceiptDateError(ValueError):
    """The channel's date of receipt depends on a date that was not given."""


def date_of_receipt(
    *,
    channel: str,
    submitted_on: date,
    signed_for_on: date | None = None,
    confirmed_on: date | None = None,
) -> date:
    """The date of receipt (收到申请之日) under Article 31, from which the period counts
    (working days from the next day):

    (一) in person: the day the request is handed in;
    (二) by post: the day the office signs for it; by ordinary letter (no signature): the day
         the office confirms receipt with the applicant, which it does on the day it gets it;
    (三) online or by fax: the day both sides confirm it. The online form confirms receipt to
         the applicant when it accepts the request (the receipt page and the message with the
         tracking number), so for it the confirmation day is the day of submission.
    """
    if channel == Channel.IN_PERSON:
        return submitted_on
    if channel == Channel.POST:
        if signed_for_on is None:
            raise MissingReceiptDateError("post: the day the office signed for it")
        return signed_for_on
    if channel in (Channel.LETTER, Channel.FAX):
        if confirmed_on is None:
            raise MissingReceiptDateError(f"{channel}: the day receipt was confirmed")
        return confirmed_on
    if channel == Channel.ONLINE:
        return confirmed_on or submitted_on
    raise ValueError(f"unknown channel {channel!r}")


# --- Applicants: the columns of table 3 ---------------------------------------------------------

# (key, column heading of the 2021 format). The first is a natural person; the others are
# legal persons or other organisations.
APPLICANT_KINDS: tuple[tuple[str, str], ...] = (
    ("natural_person", "自然人"),
    ("business", "商业企业"),
    ("research", "科研机构"),
    ("public_interest", "社会公益组织"),
    ("legal_service", "法律服务机构"),
    ("other_organisation", "其他"),
)
NATURAL_PERSON = "natural_person"
ORGANISATION_KINDS = tuple(key for key, _label in APPLICANT_KINDS if key != NATURAL_PERSON)


def is_organisation(kind: str) -> bool:
    return kind in ORGANISATION_KINDS


# --- Outcomes: the rows of table 3, section 三 --------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """One outcome of a request, as a row of table 3 of the 2021 annual report format
    (国办公开办函〔2021〕30号). ``group`` is the row's heading ((一)…(六)); ``basis`` the
    article of the Regulations the reply letter cites."""

    key: str
    group: str
    label: str
    basis: str


OUTCOME_GROUPS: tuple[tuple[str, str], ...] = (
    ("disclosed", "（一）予以公开"),
    ("partly_disclosed", "（二）部分公开（区分处理的，只计这一情形，不计其他情形）"),
    ("withheld", "（三）不予公开"),
    ("unavailable", "（四）无法提供"),
    ("not_processed", "（五）不予处理"),
    ("other_handling", "（六）其他处理"),
)

OUTCOMES: tuple[Outcome, ...] = (
    Outcome("disclosed", "disclosed", "予以公开", "第三十六条第（一）（二）项"),
    Outcome("partly_disclosed", "partly_disclosed", "部分公开", "第三十七条"),
    Outcome("withheld_state_secret", "withheld", "1.属于国家秘密", "第十四条"),
    Outcome("withheld_prohibited_by_law", "withheld", "2.其他法律行政法规禁止公开", "第十四条"),
    Outcome("withheld_security", "withheld", "3.危及“三安全一稳定”", "第十四条"),
    Outcome("withheld_third_party", "withheld", "4.保护第三方合法权益", "第十五条"),
    Outcome("withheld_internal", "withheld", "5.属于三类内部事务信息", "第十六条第一款"),
    Outcome("withheld_process", "withheld", "6.属于四类过程性信息", "第十六条第二款"),
    Outcome("withheld_enforcement_file", "withheld", "7.属于行政执法案卷", "第十六条第二款"),
    Outcome("withheld_inquiry", "withheld", "8.属于行政查询事项", "第三十六条第（七）项"),
    Outcome(
        "unavailable_not_held", "unavailable", "1.本机关不掌握相关政府信息", "第三十六条第（四）项"
    ),
    Outcome(
        "unavailable_needs_creation",
        "unavailable",
        "2.没有现成信息需要另行制作",
        "第三十八条",
    ),
    Outcome(
        "unavailable_still_unclear",
        "unavailable",
        "3.补正后申请内容仍不明确",
        "第三十条",
    ),
    Outcome("not_processed_petition", "not_processed", "1.信访举报投诉类申请", "第三十九条第一款"),
    Outcome("not_processed_repeated", "not_processed", "2.重复申请", "第三十六条第（六）项"),
    Outcome(
        "not_processed_publication", "not_processed", "3.要求提供公开出版物", "第三十九条第二款"
    ),
    Outcome(
        "not_processed_excessive",
        "not_processed",
        "4.无正当理由大量反复申请",
        "第三十五条",
    ),
    Outcome(
        "not_processed_confirmation",
        "not_processed",
        "5.要求行政机关确认或重新出具已获取信息",
        "第三十九条第二款",
    ),
    Outcome(
        "other_not_corrected",
        "other_handling",
        "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
        "第三十条",
    ),
    Outcome(
        "other_fee_unpaid",
        "other_handling",
        "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
        "第四十二条；国办函〔2020〕109号第六条",
    ),
    Outcome("other", "other_handling", "3.其他", ""),
)
OUTCOMES_BY_KEY = {outcome.key: outcome for outcome in OUTCOMES}

# The answers an officer gives from the desk (one transition each); the two "other" outcomes of
# a lapsed correction or fee have their own transitions, and a withdrawal counts as "other".
ANSWER_PREFIX = "answer_"
ANSWER_OUTCOMES = tuple(
    outcome.key
    for outcome in OUTCOMES
    if outcome.key not in ("other_not_corrected", "other_fee_unpaid")
)
TRANSITION_OUTCOMES = {
    **{f"{ANSWER_PREFIX}{key}": key for key in ANSWER_OUTCOMES},
    "close_not_corrected": "other_not_corrected",
    "close_fee_unpaid": "other_fee_unpaid",
    "withdraw": "other",
}


def outcome_of_transition(transition: str) -> str | None:
    """The outcome a transition concludes a request with (None: it does not conclude it)."""
    return TRANSITION_OUTCOMES.get(transition)


# --- The information-processing fee (国办函〔2020〕109号) ---------------------------------------

# 第四条 按件计收: per applicant and calendar month, requests 1–10 are free; the 11th to the 30th
# cost 100 yuan each; from the 31st on, each further band of 10 costs 100 yuan more per request
# than the band before (31–40: 200, 41–50: 300, …), without a cap.
FREE_REQUESTS_PER_MONTH = 10
FIRST_PAID_BAND_LAST = 30
PER_REQUEST_BASE_YUAN = 100
BAND_SIZE = 10
# 第五条 按量计收: per request, pages 1–30 free; 31–100 at 10 yuan a page; 101–200 at 20;
# from 201 on, 40. (page bound, yuan per page for the pages up to that bound)
PAGE_TIERS: tuple[tuple[int | None, int], ...] = ((30, 0), (100, 10), (200, 20), (None, 40))


class FeeMethod:
    BY_COUNT = "by_count"  # 按件计收
    BY_VOLUME = "by_volume"  # 按量计收


def fee_for_nth_request(n: int) -> int:
    """The fee in yuan of an applicant's ``n``-th request of a calendar month (按件计收)."""
    if n < 1:
        raise ValueError("requests are counted from 1")
    if n <= FREE_REQUESTS_PER_MONTH:
        return 0
    if n <= FIRST_PAID_BAND_LAST:
        return PER_REQUEST_BASE_YUAN
    band = (n - FIRST_PAID_BAND_LAST - 1) // BAND_SIZE + 1
    return PER_REQUEST_BASE_YUAN * (band + 1)


def fee_for_pages(pages: int) -> int:
    """The fee in yuan of one request's ``pages`` (按量计收, charged progressively)."""
    if pages < 0:
        raise ValueError("pages cannot be negative")
    total = 0
    lower = 0
    for upper, price in PAGE_TIERS:
        top = pages if upper is None else min(pages, upper)
        if top > lower:
            total += (top - lower) * price
        if upper is None or pages <= upper:
            break
        lower = upper
    return total


# --- The annual report (2021 format) -----------------------------------------------------------


def table3_check(*, new: int, carried_in: int, concluded: int, carried_out: int) -> bool:
    """The format's check rule for each column of table 3: row 一 + row 二 = row 三 (总计) +
    row 四."""
    return new + carried_in == concluded + carried_out


# --- The case type ------------------------------------------------------------------------------

REQUEST_CASE_TYPE = "disclosure.request"

# The answers as officers see them in the desk's list of actions.
ANSWER_LABELS: dict[str, Any] = {
    "disclosed": gettext_lazy("Answer: disclose"),
    "partly_disclosed": gettext_lazy("Answer: disclose in part"),
    "withheld_state_secret": gettext_lazy("Answer: withhold — state secret"),
    "withheld_prohibited_by_law": gettext_lazy("Answer: withhold — other laws prohibit it"),
    "withheld_security": gettext_lazy(
        "Answer: withhold — endangers national, public, economic security or stability"
    ),
    "withheld_third_party": gettext_lazy("Answer: withhold — protects a third party's rights"),
    "withheld_internal": gettext_lazy("Answer: withhold — internal affairs information"),
    "withheld_process": gettext_lazy("Answer: withhold — process information"),
    "withheld_enforcement_file": gettext_lazy("Answer: withhold — law-enforcement case file"),
    "withheld_inquiry": gettext_lazy("Answer: withhold — an administrative inquiry matter"),
    "unavailable_not_held": gettext_lazy("Answer: cannot provide — this office does not hold it"),
    "unavailable_needs_creation": gettext_lazy(
        "Answer: cannot provide — it would have to be made anew"
    ),
    "unavailable_still_unclear": gettext_lazy(
        "Answer: cannot provide — still unclear after correction"
    ),
    "not_processed_petition": gettext_lazy(
        "Answer: not processed — a petition, report or complaint"
    ),
    "not_processed_repeated": gettext_lazy("Answer: not processed — a repeated request"),
    "not_processed_publication": gettext_lazy("Answer: not processed — asks for a publication"),
    "not_processed_excessive": gettext_lazy(
        "Answer: not processed — many repeated requests without good reason"
    ),
    "not_processed_confirmation": gettext_lazy(
        "Answer: not processed — asks to confirm or re-issue information already obtained"
    ),
    "other": gettext_lazy("Answer: other handling"),
}

_OFFICER = frozenset({Role.CASE_OFFICER.value})
_APPROVER = frozenset({Role.LEADER.value})
_APPLICANT = frozenset({APPLICANT})


def _answer(key: str) -> Transition:
    sources = ("received",)
    return Transition(
        f"{ANSWER_PREFIX}{key}",
        ANSWER_LABELS[key],
        sources,
        "concluded",
        _OFFICER,
        ClockEffect.FINISH,
        note_required=key != "disclosed",
    )


REQUEST = CaseType(
    key=REQUEST_CASE_TYPE,
    label=gettext_lazy("Disclosure request"),
    states=(
        State("received", gettext_lazy("Received, being handled")),
        State("correction", gettext_lazy("Waiting for the corrected request")),
        State("consultation", gettext_lazy("Consulting a third party or another agency")),
        State("fee_notice", gettext_lazy("Waiting for the processing fee")),
        State("concluded", gettext_lazy("Answered")),
        State("withdrawn", gettext_lazy("Withdrawn"), is_final=True),
        State("archived", gettext_lazy("Answered and archived"), is_final=True),
    ),
    initial="received",
    transitions=(
        Transition(
            "request_correction",
            gettext_lazy("Ask for one consolidated correction"),
            ("received",),
            "correction",
            _OFFICER,
            ClockEffect.STOP,
            note_required=True,
        ),
        Transition(
            "correct",
            gettext_lazy("Submit the corrected request"),
            ("correction",),
            "received",
            _APPLICANT,
            ClockEffect.RESTART,
            note_required=True,
        ),
        Transition(
            "close_not_corrected",
            gettext_lazy("Close: not corrected in the time allowed"),
            ("correction",),
            "concluded",
            _OFFICER,
            ClockEffect.FINISH,
        ),
        Transition(
            "consult",
            gettext_lazy("Consult a third party or another agency (clock stopped)"),
            ("received",),
            "consultation",
            _OFFICER,
            ClockEffect.STOP,
            note_required=True,
        ),
        Transition(
            "end_consultation",
            gettext_lazy("Record the consultation's result (clock runs again)"),
            ("consultation",),
            "received",
            _OFFICER,
            ClockEffect.RESUME,
            note_required=True,
            is_public=False,
        ),
        Transition(
            "extend",
            gettext_lazy("Approve the extension of the time limit"),
            ("received",),
            "received",
            _APPROVER,
            ClockEffect.EXTEND,
            note_required=True,
        ),
        Transition(
            "issue_fee_notice",
            gettext_lazy("Send the fee notice"),
            ("received",),
            "fee_notice",
            _OFFICER,
            ClockEffect.STOP,
        ),
        Transition(
            "record_payment",
            gettext_lazy("Record the payment of the fee"),
            ("fee_notice",),
            "received",
            _OFFICER,
            ClockEffect.RESUME,
        ),
        Transition(
            "close_fee_unpaid",
            gettext_lazy("Close: the fee was not paid in time"),
            ("fee_notice",),
            "concluded",
            _OFFICER,
            ClockEffect.FINISH,
        ),
        *(_answer(key) for key in ANSWER_OUTCOMES),
        Transition(
            "withdraw",
            gettext_lazy("Withdraw the request"),
            ("received", "correction", "fee_notice"),
            "withdrawn",
            _APPLICANT,
        ),
        Transition(
            "archive",
            gettext_lazy("Archive"),
            ("concluded",),
            "archived",
            _OFFICER,
            is_public=False,
        ),
    ),
    statutory_days=REPLY_PERIOD_WORKING_DAYS,
    max_extension_days=EXTENSION_MAX_WORKING_DAYS,
    starts_clock=True,
    detail_template="disclosure/admin/request_panel.html",
    after_transition="zaixian.disclosure.actions:after_request_transition",
    # The fee notice is worked out on the request panel (method, pages), not from the desk.
    module_transitions=frozenset({"issue_fee_notice"}),
    applicant_url="zaixian.disclosure.queries:request_url",
)
