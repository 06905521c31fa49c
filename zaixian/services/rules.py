"""Pure rules of the service hall: the application and rating follow-up case types.

Time limits: the Administrative Licensing Law (《行政许可法》) art. 42 — a decision within 20
working days of acceptance, extendable by 10 working days with the head's approval; the time a
request for correction (补正, art. 32) waits for the applicant is not counted. Each item
carries its own statutory and promised limits; these are the defaults.
"""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from zaixian.cases.registry import APPLICANT, CaseType, ClockEffect, State, Transition
from zaixian.core.roles import Role

LICENSING_DECISION_WORKING_DAYS = 20  # 《行政许可法》第四十二条
LICENSING_EXTENSION_WORKING_DAYS = 10  # 《行政许可法》第四十二条
# 国办发〔2019〕51号 (好差评): a bad rating is verified and put right within 15 working days.
BAD_RATING_FOLLOW_UP_WORKING_DAYS = 15

_OFFICER = frozenset({Role.CASE_OFFICER.value})
_DECIDER = frozenset({Role.CASE_OFFICER.value, Role.LEADER.value})
_APPLICANT = frozenset({APPLICANT})

APPLICATION = CaseType(
    key="services.application",
    label=_("Service application"),
    states=(
        State("submitted", _("Submitted, awaiting acceptance")),
        State("accepted", _("Accepted, under examination")),
        State("correction", _("Waiting for correction")),
        State("approved", _("Approved")),
        State("denied", _("Not approved")),
        State("not_accepted", _("Not accepted"), is_final=True),
        State("withdrawn", _("Withdrawn"), is_final=True),
        State("closed", _("Closed"), is_final=True),
    ),
    initial="submitted",
    transitions=(
        Transition("accept", _("Accept"), ("submitted",), "accepted", _OFFICER, ClockEffect.START),
        Transition(
            "refuse",
            _("Refuse to accept"),
            ("submitted",),
            "not_accepted",
            _OFFICER,
            note_required=True,
        ),
        Transition(
            "request_correction",
            _("Request correction"),
            ("accepted",),
            "correction",
            _OFFICER,
            ClockEffect.STOP,
            note_required=True,
        ),
        Transition(
            "correct",
            _("Submit corrections"),
            ("correction",),
            "accepted",
            _APPLICANT,
            ClockEffect.RESUME,
        ),
        Transition(
            "extend",
            _("Extend the time limit"),
            ("accepted",),
            "accepted",
            _DECIDER,
            ClockEffect.EXTEND,
            note_required=True,
        ),
        Transition(
            "examine",
            _("Record examination opinion"),
            ("accepted",),
            "accepted",
            _OFFICER,
            is_public=False,
            note_required=True,
        ),
        Transition(
            "approve", _("Approve"), ("accepted",), "approved", _DECIDER, ClockEffect.FINISH
        ),
        Transition(
            "deny",
            _("Do not approve"),
            ("accepted",),
            "denied",
            _DECIDER,
            ClockEffect.FINISH,
            note_required=True,
        ),
        Transition("close", _("Close"), ("approved", "denied"), "closed", _OFFICER),
        Transition(
            "withdraw",
            _("Withdraw the application"),
            ("submitted", "correction"),
            "withdrawn",
            _APPLICANT,
        ),
    ),
    statutory_days=LICENSING_DECISION_WORKING_DAYS,
    max_extension_days=LICENSING_EXTENSION_WORKING_DAYS,
    detail_template="services/admin/application_panel.html",
    after_transition="zaixian.services.actions:after_application_transition",
    # Corrections go through the application page, which checks the form again.
    module_transitions=frozenset({"correct"}),
    applicant_url="zaixian.services.queries:application_url",
)

RATING_FOLLOW_UP = CaseType(
    key="services.rating_follow_up",
    label=_("Follow-up of a bad service rating"),
    states=(
        State("open", _("Being followed up")),
        State("resolved", _("Resolved"), is_final=True),
    ),
    initial="open",
    transitions=(
        Transition(
            "resolve",
            _("Record the rectification and reply"),
            ("open",),
            "resolved",
            _DECIDER,
            ClockEffect.FINISH,
            note_required=True,
        ),
    ),
    statutory_days=BAD_RATING_FOLLOW_UP_WORKING_DAYS,
    starts_clock=True,
)


# --- Applications --------------------------------------------------------------------------

CORRECTION_STATE = "correction"
"""The application case's state in which the applicant may change the form and materials."""

RATEABLE_STATES = frozenset({"closed"})
"""好差评 comes after the matter is finished (办结)."""

# Form field types whose values are personal data: masked on officers' screens until the
# officer asks to see them (and that is written to the audit log).
PERSONAL_FIELD_TYPES = frozenset({"id_number", "phone", "address"})

# Upload limits for application materials (the types of core.uploads).
MATERIAL_EXTENSIONS = ("pdf", "jpg", "jpeg", "png", "docx", "xlsx", "ofd")
MATERIAL_MAX_BYTES = 10 * 1024 * 1024


def parse_choices(text: str) -> list[str]:
    """The choices an office typed, one per line, without blanks or repeats."""
    seen: list[str] = []
    for line in (text or "").splitlines():
        choice = line.strip()
        if choice and choice not in seen:
            seen.append(choice)
    return seen


# --- Decisions -----------------------------------------------------------------------------


def decision_number(*, prefix: str, is_approval: bool, year: int, serial: int) -> str:
    """The number printed on a decision, in the form government documents use:
    ``<issuer>准许字〔2026〕第0012号`` (approval) or ``<issuer>不许字〔2026〕第0003号``
    (denial). Stored data, always in Chinese, like the document itself."""
    word = "准许字" if is_approval else "不许字"
    return f"{prefix}{word}〔{year}〕第{serial:04d}号"


# --- Ratings -------------------------------------------------------------------------------

BAD_GRADES = frozenset({1, 2})
"""不满意 and 非常不满意: 差评 under 国办发〔2019〕51号, each verified and followed up."""


def is_bad_grade(grade: int) -> bool:
    return grade in BAD_GRADES


def satisfaction_rate(counts: dict[int, int]) -> float | None:
    """The share of ratings that are not bad (好评率, grades 3–5), as a percentage with one
    decimal; None when nobody has rated."""
    total = sum(counts.values())
    if total == 0:
        return None
    good = sum(count for grade, count in counts.items() if not is_bad_grade(grade))
    return round(100 * good / total, 1)
