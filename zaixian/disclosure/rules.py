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

from django.utils.translation import gettext as _

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
