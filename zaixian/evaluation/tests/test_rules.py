"""The scoring and the availability lines, without the database."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest

from zaixian.evaluation import rules


@dataclass(frozen=True)
class F:
    indicator: str


def findings(code, count):
    return [F(code)] * count


def test_deduction_caps_add_up_to_100():
    assert sum(i.cap for i in rules.INDICATORS if i.kind == rules.Kind.DEDUCTION) == 100


def test_clean_site_scores_100_and_passes():
    card = rules.score([])

    assert card.total == Decimal("100")
    assert card.verdict == rules.Verdict.PASSED
    assert card.is_passed


def test_veto_fails_the_site_whatever_the_total():
    card = rules.score([F("veto.interaction"), F("bonus.availability")])

    assert card.total == Decimal("101")
    assert card.vetoes_failed == 1
    assert card.verdict == rules.Verdict.FAILED_VETO
    assert not card.is_passed
    assert [line.findings for line in card.vetoes if line.code == "veto.interaction"] == [1]


def _deducting(points):
    """Findings that take exactly ``points`` (a multiple of 0.1 up to 100)."""
    result = []
    remaining = Decimal(points)
    # The item priced 0.1 last, to take any remainder.
    ordered = sorted(rules.INDICATORS, key=lambda i: i.code == "availability.links")
    for indicator in ordered:
        if indicator.kind != rules.Kind.DEDUCTION or remaining <= 0:
            continue
        take = min(indicator.cap, remaining)
        count = take / indicator.price
        if count != int(count):
            continue
        result += findings(indicator.code, int(count))
        remaining -= take
    assert remaining == 0
    return result


@pytest.mark.parametrize(
    ("deducted", "verdict"),
    [
        ("40", rules.Verdict.PASSED),  # exactly 60
        ("40.1", rules.Verdict.FAILED_SCORE),  # 59.9
        ("0", rules.Verdict.PASSED),
        ("100", rules.Verdict.FAILED_SCORE),
    ],
)
def test_pass_line_at_60(deducted, verdict):
    card = rules.score(_deducting(deducted))

    assert card.total == Decimal(100) - Decimal(deducted)
    assert card.verdict == verdict


def test_bonus_lifts_a_site_over_the_line():
    deducting = _deducting("41")

    assert rules.score(deducting).verdict == rules.Verdict.FAILED_SCORE
    card = rules.score([*deducting, F("bonus.availability")])
    assert card.total == Decimal("60")
    assert card.is_passed


def test_extra_bonus_holds_without_a_finding():
    card = rules.score([], extra_bonus=["bonus.accessibility"])

    assert card.bonus == Decimal("2")
    assert card.total == Decimal("102")


def test_cap_holds():
    card = rules.score(findings("availability.links", 1000))

    line = next(line for line in card.deductions if line.code == "availability.links")
    assert line.findings == 1000
    assert line.points == Decimal("5")
    assert card.total == Decimal("95")


def test_price_per_finding_below_the_cap():
    card = rules.score(findings("interaction.late_replies", 3))

    assert card.deducted == Decimal("1.5")


def test_notice_and_unknown_codes_do_not_score():
    card = rules.score([F("notice.probes"), F("no.such.code"), F("")])

    assert card.total == Decimal("100")
    assert card.is_passed


def test_area_subtotals():
    card = rules.score(findings("usability.footer", 2) + findings("usability.html", 1))

    usability = next(area for area in card.areas if area.points)
    assert usability.points == Decimal("2.2")
    assert usability.cap == Decimal("18")
    assert sum(area.cap for area in card.areas) == Decimal("100")


def test_json_round_trip_keeps_the_score():
    card = rules.score(
        [F("veto.availability"), *findings("updates.columns", 4), F("bonus.accessibility")]
    )

    again = rules.Scorecard.from_json(card.to_json())

    assert again == card
    assert again.total == Decimal("98")
    stored = card.to_json()
    assert Decimal(stored["total"]) == Decimal("98")
    assert stored["verdict"] == "failed_veto"
    assert stored["vetoes_failed"] == 1


def test_stored_caps_are_kept_when_the_table_changes(monkeypatch):
    stored = rules.score(findings("updates.columns", 20)).to_json()
    stored["deductions"] = [
        {**row, "cap": "7"} if row["code"] == "updates.columns" else row
        for row in stored["deductions"]
    ]

    assert rules.Scorecard.from_json(stored).total == Decimal("93")


def test_price_of():
    assert rules.price_of("availability.links") == Decimal("0.1")
    assert rules.price_of("veto.security") == Decimal("0")
    assert rules.price_of("unknown") == Decimal("0")


# --- Availability ------------------------------------------------------------------------------

END = date(2026, 11, 26)


def _week(per_day, failures):
    probes = []
    for n in range(7):
        day = END - timedelta(days=n)
        probes += [(day, True)] * per_day
    for n in range(failures):
        probes[n] = (probes[n][0], False)
    return probes


@pytest.mark.parametrize(
    ("failures", "vetoed"),
    [(7, True), (6, False), (8, True), (0, False)],  # 7 of 140 is exactly 5 %
)
def test_availability_veto_at_exactly_5_percent(failures, vetoed):
    figures = rules.availability_figures(_week(20, failures), end=END)

    assert figures.probes == 140
    assert figures.failures == failures
    assert figures.is_vetoed is vetoed


def test_availability_rate():
    assert rules.availability_rate(probes=140, failures=7) == Decimal("0.05")
    assert rules.availability_rate(probes=0, failures=0) is None


def test_week_with_enough_probes_and_no_failure_is_always_up():
    figures = rules.availability_figures(_week(20, 0), end=END)

    assert figures.has_enough_probes
    assert figures.always_up


def test_day_short_of_probes_is_reported():
    probes = [p for p in _week(20, 0) if p[0] != END - timedelta(days=2)]
    probes += [(END - timedelta(days=2), True)] * 19

    figures = rules.availability_figures(probes, end=END)

    assert figures.short_days == ((END - timedelta(days=2), 19),)
    assert not figures.has_enough_probes
    assert not figures.always_up


def test_probes_outside_the_window_are_ignored():
    probes = [*_week(20, 0), (END + timedelta(days=1), False), (END - timedelta(days=7), False)]

    figures = rules.availability_figures(probes, end=END)

    assert figures.failures == 0
    assert figures.start == END - timedelta(days=6)


def test_no_probes_no_rate_no_veto():
    figures = rules.availability_figures([], end=END)

    assert figures.rate is None
    assert not figures.is_vetoed
    assert not figures.has_enough_probes
