"""The annual report on open government information (政府信息公开工作年度报告) in the 2021
format (国办公开办函〔2021〕30号), for one organisation (with the organisations under it) or the
whole city: tables 2, 3 and 4 counted from the platform's data, with the few figures it does
not hold taken from ``AnnualReportFigures`` and marked as entered by hand."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet

from zaixian.core.models import Department
from zaixian.disclosure import rules
from zaixian.disclosure.models import AnnualReportFigures, DisclosureItemPage, DisclosureRequest

TOTAL = "total"
TABLE3_COLUMNS: tuple[tuple[str, str], ...] = (*rules.APPLICANT_KINDS, (TOTAL, "总计"))


@dataclass(frozen=True)
class Table2Row:
    """One row of table 2. ``values`` in the row's own columns; ``by_hand`` names the values
    the office entered (printed with a mark)."""

    article: str
    label: str
    values: tuple[Any, ...]
    by_hand: bool = False
    note: str = ""


@dataclass(frozen=True)
class Table3Row:
    key: str
    label: str
    level: int  # 0: 一…四, 1: (一)…(七), 2: 1.…8.
    values: dict[str, int]

    def cells(self) -> list[int]:
        return [self.values[key] for key, _label in TABLE3_COLUMNS]


@dataclass(frozen=True)
class Table4:
    """Reconsideration, suits without reconsideration, suits after it: each upheld,
    corrected, other, pending and total (15 cells), all entered by hand."""

    reconsideration: tuple[int, int, int, int, int]
    direct_suit: tuple[int, int, int, int, int]
    suit_after_reconsideration: tuple[int, int, int, int, int]

    def cells(self) -> list[int]:
        return [*self.reconsideration, *self.direct_suit, *self.suit_after_reconsideration]


@dataclass
class AnnualReport:
    year: int
    department: Department | None
    organisation_name: str
    table2: list[Table2Row]
    table3: list[Table3Row]
    table4: Table4
    check: dict[str, bool]
    figures: AnnualReportFigures | None
    items_disclosed: int
    overview: str = ""
    problems: str = ""
    other_matters: str = ""
    columns: tuple[tuple[str, str], ...] = field(default=TABLE3_COLUMNS)

    @property
    def title(self) -> str:
        return f"{self.organisation_name}{self.year}年政府信息公开工作年度报告"

    @property
    def is_consistent(self) -> bool:
        return all(self.check.values())

    def row(self, key: str) -> Table3Row:
        return next(row for row in self.table3 if row.key == key)


def _scope(department: Department | None) -> Q:
    if department is None:
        return Q()
    path = Department.objects.values_list("path", flat=True).get(pk=department.pk)
    return Q(department__path__startswith=path)


def _by_kind(requests: QuerySet[DisclosureRequest]) -> dict[str, int]:
    counts = dict(
        requests.order_by()
        .values_list("applicant_kind")
        .annotate(n=Count("pk"))
        .values_list("applicant_kind", "n")
    )
    values = {key: counts.get(key, 0) for key, _label in rules.APPLICANT_KINDS}
    values[TOTAL] = sum(values.values())
    return values


def _sum(rows: list[dict[str, int]]) -> dict[str, int]:
    return {key: sum(row[key] for row in rows) for key, _label in TABLE3_COLUMNS}


def table3(*, year: int, department: Department | None) -> list[Table3Row]:
    """Every row of table 3. A request is new in the year of its date of receipt, concluded in
    the year of its answer (or closing); one received before the year and not concluded
    before it is carried over into the year, one not concluded by the year's end out of it."""
    start, end = date(year, 1, 1), date(year, 12, 31)
    requests = DisclosureRequest.objects.filter(_scope(department))
    new = _by_kind(requests.filter(received_on__gte=start, received_on__lte=end))
    carried_in = _by_kind(
        requests.filter(received_on__lt=start).filter(
            Q(concluded_on__isnull=True) | Q(concluded_on__gte=start)
        )
    )
    carried_out = _by_kind(
        requests.filter(received_on__lte=end).filter(
            Q(concluded_on__isnull=True) | Q(concluded_on__gt=end)
        )
    )
    concluded = requests.filter(concluded_on__gte=start, concluded_on__lte=end)
    per_outcome: dict[str, dict[str, int]] = {
        outcome.key: {key: 0 for key, _label in TABLE3_COLUMNS} for outcome in rules.OUTCOMES
    }
    for outcome, kind, n in (
        concluded.order_by()
        .values_list("outcome", "applicant_kind")
        .annotate(n=Count("pk"))
        .values_list("outcome", "applicant_kind", "n")
    ):
        per_outcome[outcome][kind] += n
        per_outcome[outcome][TOTAL] += n

    rows = [
        Table3Row("new", "一、本年新收政府信息公开申请数量", 0, new),
        Table3Row("carried_in", "二、上年结转政府信息公开申请数量", 0, carried_in),
        Table3Row("results", "三、本年度办理结果", 0, {key: 0 for key, _l in TABLE3_COLUMNS}),
    ]
    all_outcomes = []
    for group, group_label in rules.OUTCOME_GROUPS:
        members = [outcome for outcome in rules.OUTCOMES if outcome.group == group]
        group_values = _sum([per_outcome[outcome.key] for outcome in members])
        all_outcomes.append(group_values)
        rows.append(Table3Row(group, group_label, 1, group_values))
        if len(members) > 1:
            rows.extend(
                Table3Row(outcome.key, outcome.label, 2, per_outcome[outcome.key])
                for outcome in members
            )
    total = _sum(all_outcomes)
    rows[2] = Table3Row("results", rows[2].label, 0, total)
    rows.append(Table3Row("concluded", "（七）总计", 1, total))
    rows.append(Table3Row("carried_out", "四、结转下年度继续办理", 0, carried_out))
    return rows


def table3_check(rows: list[Table3Row]) -> dict[str, bool]:
    """The format's check rule per column: 一 + 二 = 三 (总计) + 四."""
    by_key = {row.key: row.values for row in rows}
    return {
        key: rules.table3_check(
            new=by_key["new"][key],
            carried_in=by_key["carried_in"][key],
            concluded=by_key["concluded"][key],
            carried_out=by_key["carried_out"][key],
        )
        for key, _label in TABLE3_COLUMNS
    }


@dataclass(frozen=True)
class NormativeDocumentCounts:
    """Table 2, first rows, of the annual report: rules and normative documents made and
    repealed (or no longer in force) in a year, and those in force at its end."""

    made: int
    repealed: int
    in_force: int


def normative_document_counts(
    *, year: int, genre: str, department: Department | None = None
) -> NormativeDocumentCounts:
    """Counts of one genre (``rule`` or ``normative``) of the published items of an
    organisation (with those under it) or of the whole city."""
    items = DisclosureItemPage.objects.live().public().filter(_scope(department), genre=genre)
    year_end = date(year, 12, 31)
    return NormativeDocumentCounts(
        made=items.filter(date_written__year=year).count(),
        repealed=items.filter(validity_changed_on__year=year)
        .exclude(validity=DisclosureItemPage.Validity.VALID)
        .count(),
        in_force=items.filter(date_written__lte=year_end)
        .filter(Q(validity=DisclosureItemPage.Validity.VALID) | Q(validity_changed_on__gt=year_end))
        .count(),
    )


def licensing_decisions(*, year: int, department: Department | None) -> int:
    """Licensing decisions (grants and refusals) the online service hall issued in the year."""
    from zaixian.services.models import DecisionDocument, ServiceItem

    return (
        DecisionDocument.objects.filter(_scope(department))
        .filter(issued_on__year=year, case__application__item__kind=ServiceItem.Kind.LICENCE)
        .count()
    )


def figures_for(*, year: int, department: Department | None) -> AnnualReportFigures | None:
    return AnnualReportFigures.objects.filter(year=year, department=department).first()


def _table2(
    *, year: int, department: Department | None, figures: AnnualReportFigures | None
) -> list[Table2Row]:
    rows = []
    for genre, label in (
        (DisclosureItemPage.Genre.RULE, "规章"),
        (DisclosureItemPage.Genre.NORMATIVE, "行政规范性文件"),
    ):
        counts = normative_document_counts(year=year, genre=genre, department=department)
        rows.append(
            Table2Row("第二十条第（一）项", label, (counts.made, counts.repealed, counts.in_force))
        )
    platform = licensing_decisions(year=year, department=department)
    by_hand = figures.licensing_decisions if figures else 0
    rows.append(
        Table2Row(
            "第二十条第（五）项",
            "行政许可",
            (platform + by_hand,),
            by_hand=bool(by_hand),
            note=f"{platform}+{by_hand}" if by_hand else "",
        )
    )
    rows.append(
        Table2Row(
            "第二十条第（六）项",
            "行政处罚",
            (figures.penalty_decisions if figures else 0,),
            by_hand=True,
        )
    )
    rows.append(
        Table2Row(
            "第二十条第（六）项",
            "行政强制",
            (figures.compulsion_decisions if figures else 0,),
            by_hand=True,
        )
    )
    fees = figures.fees_collected if figures else Decimal("0")
    rows.append(Table2Row("第二十条第（八）项", "行政事业性收费", (fees,), by_hand=True))
    return rows


def _table4(figures: AnnualReportFigures | None) -> Table4:
    def five(prefix: str) -> tuple[int, int, int, int, int]:
        if figures is None:
            return (0, 0, 0, 0, 0)
        values = [
            getattr(figures, f"{prefix}_{part}")
            for part in ("upheld", "corrected", "other", "pending")
        ]
        return (values[0], values[1], values[2], values[3], sum(values))

    return Table4(five("reconsideration"), five("direct_suit"), five("suit_after"))


def annual_report(*, year: int, department: Department | None = None) -> AnnualReport:
    """The report of ``department`` (with the organisations under it) or, for None, the whole
    city, for ``year``."""
    figures = figures_for(year=year, department=department)
    rows = table3(year=year, department=department)
    disclosed = (
        DisclosureItemPage.objects.live()
        .public()
        .filter(_scope(department), publish_date__year=year)
        .count()
    )
    return AnnualReport(
        year=year,
        department=department,
        organisation_name=department.name if department else _city_name(),
        table2=_table2(year=year, department=department, figures=figures),
        table3=rows,
        table4=_table4(figures),
        check=table3_check(rows),
        figures=figures,
        items_disclosed=disclosed,
        overview=figures.overview if figures else "",
        problems=figures.problems if figures else "",
        other_matters=figures.other_matters if figures else "",
    )


def _city_name() -> str:
    root = Department.get_first_root_node()
    return root.name if root is not None else ""
