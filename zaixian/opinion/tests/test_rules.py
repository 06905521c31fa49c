"""Heat, alert conditions and response clocks."""

from datetime import UTC, datetime, timedelta

import pytest

from zaixian.opinion import rules

NOW = datetime(2024, 3, 6, 12, tzinfo=UTC)


def test_heat_grows_with_weight_and_reprints_and_decays_with_age():
    base = rules.heat(source_weights=[1, 1], reprints=0, last_seen=NOW, now=NOW)

    assert rules.heat(source_weights=[3, 1], reprints=0, last_seen=NOW, now=NOW) > base
    assert rules.heat(source_weights=[1, 1], reprints=4, last_seen=NOW, now=NOW) > base
    day_old = rules.heat(
        source_weights=[1, 1], reprints=0, last_seen=NOW - timedelta(days=1), now=NOW
    )
    assert day_old == pytest.approx(base / 2, abs=0.01)


THRESHOLDS = rules.AlertThresholds(min_items=5, growth_factor=2.0, min_negative_share=0.5)


@pytest.mark.parametrize(
    ("current", "previous", "negative", "raised"),
    [
        (10, 2, 8, True),
        (4, 0, 4, False),  # too few
        (10, 6, 10, False),  # not growing fast enough
        (10, 2, 4, False),  # not negative enough
        (5, 0, 3, True),  # a new story: growth over an empty window
    ],
)
def test_alert_reason(current, previous, negative, raised):
    reason = rules.alert_reason(rules.WindowCounts(current, previous, negative), THRESHOLDS)

    assert (reason is not None) is raised


def test_alert_reason_says_the_numbers():
    reason = rules.alert_reason(rules.WindowCounts(10, 2, 8), THRESHOLDS)

    assert reason == "10 items in the window (previous window 2, growth 5.0×), 80% negative."


def test_clocks_are_met_missed_or_running():
    opened = NOW
    states = rules.clock_states(
        opened_at=opened,
        milestones={
            "first_release_at": opened + timedelta(hours=4),
            "progress_release_at": opened + timedelta(hours=30),
        },
        now=opened + timedelta(hours=36),
    )

    assert [(s.clock.hours, s.is_done, s.is_overdue) for s in states] == [
        (5, True, False),
        (24, True, True),
        (48, False, False),
    ]
    assert states[2].due_at == opened + timedelta(hours=48)
