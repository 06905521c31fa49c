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
        State("submitted", _("Submitted")),
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
)

RATING_FOLLOW_UP = CaseType(
    key="services.rating_follow_up",
    label=_("Follow-up of a bad service rating"),
    states=(
        State("open", _("Open")),
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
