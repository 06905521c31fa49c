# ruff: noqa: S311 — random.Random makes reproducible demo data, not secrets
import random
from datetime import UTC, datetime

import pytest

from zaixian.demo import rules

NOW = datetime(2026, 3, 15, 10, 0, tzinfo=UTC)


def test_publish_times_span_two_years_oldest_first_and_never_in_the_future():
    times = rules.spread_publish_times(count=40, now=NOW, rng=random.Random(1))

    assert times == sorted(times)
    assert (times[-1] - times[0]).days >= 700
    assert all(moment < NOW for moment in times)


def test_publish_times_for_nothing_is_empty():
    assert rules.spread_publish_times(count=0, now=NOW, rng=random.Random(1)) == []


@pytest.mark.parametrize(
    ("total", "shares", "expected"),
    [(10, [1, 1], [5, 5]), (10, [1, 2], [3, 7]), (7, [1, 1, 1], [3, 2, 2]), (0, [1], [0])],
)
def test_split_by_share_adds_up_to_the_total(total, shares, expected):
    assert rules.split_by_share(total=total, shares=shares) == expected


def test_rate_is_computed_not_copied():
    # The seed says "99.5%" for 56,239 of 57,222 calls; the arithmetic says 98.3%.
    assert rules.percent(56239, 57222) == "98.3%"
    assert rules.percent(1, 0) == "0.0%"


def test_same_seed_composes_the_same_article():
    first = rules.compose_article(
        theme="today", rng=random.Random(7), when=NOW, sources=("晋城日报",)
    )
    second = rules.compose_article(
        theme="today", rng=random.Random(7), when=NOW, sources=("晋城日报",)
    )

    assert first == second
    assert first.source == "晋城日报"
    assert first.body.startswith("<p>")


def test_hotline_bulletin_reports_the_previous_month_with_a_computed_rate():
    draft = rules.compose_article(
        theme="hotline_bulletin", rng=random.Random(3), when=NOW, sources=()
    )

    assert draft.title == "12345市长热线2026年2月运行情况通报"
    assert "办结率" in draft.body


def test_january_bulletin_reports_december_of_the_year_before():
    january = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)

    draft = rules.compose_article(
        theme="hotline_bulletin", rng=random.Random(3), when=january, sources=()
    )

    assert "2025年12月" in draft.title


def test_unknown_theme_falls_back_to_city_news():
    draft = rules.compose_article(theme="no-such-theme", rng=random.Random(5), when=NOW, sources=())

    assert draft.title
    assert draft.source == "晋城在线"


@pytest.mark.parametrize("theme", sorted(rules.COMPOSERS))
def test_every_theme_composes_chinese_text_without_placeholders(theme):
    draft = rules.compose_article(theme=theme, rng=random.Random(11), when=NOW, sources=("x",))

    assert draft.title
    assert "{" not in draft.title + draft.body
    assert "lorem" not in draft.body.lower()
    assert len(draft.title) <= 255
