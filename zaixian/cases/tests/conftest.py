import pytest

from zaixian.cases import registry
from zaixian.cases.registry import APPLICANT, SYSTEM, CaseType, ClockEffect, State, Transition
from zaixian.core.roles import Role

OFFICER = frozenset({Role.CASE_OFFICER.value})

# A licence-like case type for the engine's own tests (the service hall declares the real one).
PERMIT = CaseType(
    key="cases_test.permit",
    label="Test permit",
    states=(
        State("submitted", "submitted"),
        State("accepted", "accepted"),
        State("correction", "awaiting correction"),
        State("approved", "approved"),
        State("not_accepted", "not accepted", is_final=True),
        State("rejected", "rejected", is_final=True),
        State("closed", "closed", is_final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("accept", "accept", ("submitted",), "accepted", OFFICER, ClockEffect.START),
        Transition("refuse", "refuse", ("submitted",), "not_accepted", OFFICER, note_required=True),
        Transition(
            "request_correction",
            "request correction",
            ("accepted",),
            "correction",
            OFFICER,
            ClockEffect.STOP,
            note_required=True,
        ),
        Transition(
            "correct",
            "correct",
            ("correction",),
            "accepted",
            frozenset({APPLICANT}),
            ClockEffect.RESUME,
        ),
        Transition("extend", "extend", ("accepted",), "accepted", OFFICER, ClockEffect.EXTEND),
        Transition("examine", "examine", ("accepted",), "accepted", OFFICER, is_public=False),
        Transition("approve", "approve", ("accepted",), "approved", OFFICER, ClockEffect.FINISH),
        Transition("reject", "reject", ("accepted",), "rejected", OFFICER, note_required=True),
        Transition("close", "close", ("approved",), "closed", OFFICER),
        Transition("withdraw", "withdraw", ("submitted",), "closed", frozenset({APPLICANT})),
        Transition("expire", "expire", ("correction",), "closed", frozenset({SYSTEM})),
    ),
    statutory_days=20,
    promised_days=10,
    max_extension_days=10,
)


@pytest.fixture(autouse=True)
def permit_type():
    registry.register_case_type(PERMIT)
    yield PERMIT
    registry.unregister_case_type(PERMIT.key)
