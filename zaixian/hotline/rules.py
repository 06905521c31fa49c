"""Pure rules of the mayor's hotline (12345): the case type, urgency limits, dispatch
suggestions, duplicate likeness and Open311 formatting. No ORM here.

The flow follows 国办发〔2020〕53号 (《关于进一步优化地方政务服务便民热线的指导意见》): intake →
dispatch → handling → reply → review → call-back → closure, with returns (退单) and
re-dispatch, and supervision (督办) of overdue cases.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _

from zaixian.cases.registry import SYSTEM, CaseType, ClockEffect, State, Transition
from zaixian.core.roles import Role
from zaixian.core.rules import MASK, mask_address, mask_id_number, mask_name, mask_phone

CASE_TYPE_KEY = "hotline.case"

# --- Kinds, channels, urgency ------------------------------------------------------------


class Kind(models.TextChoices):
    CONSULTATION = "consultation", _("Consultation")
    HELP = "help", _("Request for help")
    COMPLAINT = "complaint", _("Complaint")
    REPORT = "report", _("Report (tip-off)")
    SUGGESTION = "suggestion", _("Suggestion")
    PRAISE = "praise", _("Praise and thanks")
    SENTIMENT = "sentiment", _("Public sentiment")


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone (12345)")
    WEB = "web", _("Web form")
    MAYOR_MAILBOX = "mayor", _("Mayor's mailbox")
    GOVERNOR_MAILBOX = "governor", _("Governor's mailbox")
    LETTER = "letter", _("Letter by post")
    OPEN311 = "open311", _("Open311 app")


class Urgency(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency")
    UTILITIES = "utilities", _("Utilities outage")
    GENERAL = "general", _("General")
    COMPLEX = "complex", _("Complex")


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY = "basically", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")


# Default limits (the settings in the admin override them). Emergencies and utilities in clock
# hours (ADR 0005), the others in working days.
DEFAULT_EMERGENCY_HOURS = 2
DEFAULT_UTILITIES_HOURS = 24
DEFAULT_GENERAL_WORKING_DAYS = 7
DEFAULT_COMPLEX_WORKING_DAYS = 15


@dataclass(frozen=True)
class Limit:
    hours: int | None = None
    working_days: int | None = None


def limit_for(
    urgency: str,
    *,
    emergency_hours: int = DEFAULT_EMERGENCY_HOURS,
    utilities_hours: int = DEFAULT_UTILITIES_HOURS,
    general_days: int = DEFAULT_GENERAL_WORKING_DAYS,
    complex_days: int = DEFAULT_COMPLEX_WORKING_DAYS,
) -> Limit:
    """The time limit of a case of ``urgency``."""
    if urgency == Urgency.EMERGENCY:
        return Limit(hours=emergency_hours)
    if urgency == Urgency.UTILITIES:
        return Limit(hours=utilities_hours)
    if urgency == Urgency.COMPLEX:
        return Limit(working_days=complex_days)
    return Limit(working_days=general_days)


# --- The case type -------------------------------------------------------------------------

_CENTRE = frozenset({Role.HOTLINE_OPERATOR.value})
_DEPARTMENT = frozenset({Role.CASE_OFFICER.value})
_SUPERVISOR = frozenset({Role.HOTLINE_OPERATOR.value, SYSTEM})

REGISTERED = "registered"
DISPATCHED = "dispatched"
HANDLING = "handling"
RETURNED = "returned"
REPLIED = "replied"
CALLBACK = "callback"
UNSATISFIED = "unsatisfied"
CLOSED = "closed"
MERGED = "merged"

OPEN_AT_DEPARTMENT = (DISPATCHED, HANDLING)
MERGEABLE = (REGISTERED, DISPATCHED, HANDLING, RETURNED)
SUPERVISE_HANDLING = "supervise_handling"

HOTLINE_CASE = CaseType(
    key=CASE_TYPE_KEY,
    label=_("Hotline case"),
    states=(
        State(REGISTERED, _("Registered")),
        State(DISPATCHED, _("Dispatched, awaiting acceptance")),
        State(HANDLING, _("Being handled")),
        State(RETURNED, _("Returned to the centre")),
        State(REPLIED, _("Replied, under review")),
        State(CALLBACK, _("Awaiting call-back")),
        State(UNSATISFIED, _("Caller unsatisfied")),
        State(CLOSED, _("Closed"), is_final=True),
        State(MERGED, _("Merged into another case"), is_final=True),
    ),
    initial=REGISTERED,
    transitions=(
        Transition("dispatch", _("Dispatch"), (REGISTERED, RETURNED), DISPATCHED, _CENTRE),
        Transition("accept", _("Accept"), (DISPATCHED,), HANDLING, _DEPARTMENT),
        Transition(
            "return",
            _("Return to the centre"),
            (DISPATCHED,),
            RETURNED,
            _DEPARTMENT,
            note_required=True,
            is_public=False,
        ),
        Transition("reply", _("Reply"), (HANDLING,), REPLIED, _DEPARTMENT, note_required=True),
        Transition("approve_reply", _("Approve the reply"), (REPLIED,), CALLBACK, _CENTRE),
        Transition(
            "send_back",
            _("Send the reply back"),
            (REPLIED,),
            HANDLING,
            _CENTRE,
            note_required=True,
            is_public=False,
        ),
        Transition(
            "close", _("Close"), (CALLBACK, UNSATISFIED), CLOSED, _CENTRE, ClockEffect.FINISH
        ),
        Transition(
            "mark_unsatisfied",
            _("Record dissatisfaction"),
            (CALLBACK,),
            UNSATISFIED,
            _CENTRE,
            notify_applicant=False,
        ),
        Transition(
            "reopen",
            _("Reopen and dispatch again"),
            (UNSATISFIED,),
            DISPATCHED,
            _CENTRE,
            note_required=True,
        ),
        Transition(
            "close_directly",
            _("Close directly with an answer"),
            (REGISTERED,),
            CLOSED,
            _CENTRE,
            ClockEffect.FINISH,
            note_required=True,
        ),
        Transition(
            "merge",
            _("Merge into another case"),
            MERGEABLE,
            MERGED,
            _CENTRE,
            ClockEffect.FINISH,
            note_required=True,
        ),
        # Supervision (督办) keeps the state; the map has one target per transition, so the
        # supervision of a case being handled is a transition of its own.
        Transition(
            "supervise",
            _("Supervise (overdue)"),
            (DISPATCHED,),
            DISPATCHED,
            _SUPERVISOR,
            note_required=True,
            is_public=False,
        ),
        Transition(
            SUPERVISE_HANDLING,
            _("Supervise (overdue)"),
            (HANDLING,),
            HANDLING,
            _SUPERVISOR,
            note_required=True,
            is_public=False,
        ),
    ),
    promised_days=DEFAULT_GENERAL_WORKING_DAYS,
    starts_clock=True,
    # Every step is taken on the hotline's own desk (it also moves the case between the centre
    # and the departments); the engine's case desk links there.
    module_transitions=frozenset(
        {
            "dispatch",
            "accept",
            "return",
            "reply",
            "approve_reply",
            "send_back",
            "close",
            "mark_unsatisfied",
            "reopen",
            "close_directly",
            "merge",
            "supervise",
            SUPERVISE_HANDLING,
        }
    ),
    detail_template="hotline/admin/case_panel.html",
)

# An hour-limited case is warned (预警) when this share of its limit is left.
WARNING_SHARE = 0.25

# States in which the lead department holds the case (Case.department is the department);
# in the others the centre holds it.
AT_DEPARTMENT = frozenset({DISPATCHED, HANDLING})


# --- Dispatch suggestions ------------------------------------------------------------------


@dataclass(frozen=True)
class DispatchRuleSpec:
    """One dispatch rule as data: any of category, keyword, area (empty = any) → department."""

    department_id: int
    category_id: int | None = None
    keyword: str = ""
    area: str = ""
    weight: int = 0


def rule_score(
    rule: DispatchRuleSpec, *, category_id: int | None, text: str, area: str
) -> int | None:
    """How well ``rule`` fits a case, or None when one of its conditions fails. A keyword
    counts most (it names the matter), then the area, then the category."""
    score = rule.weight
    if rule.category_id is not None:
        if rule.category_id != category_id:
            return None
        score += 1
    if rule.keyword:
        if rule.keyword not in text:
            return None
        score += 4
    if rule.area:
        if rule.area not in area:
            return None
        score += 2
    return score


def suggest_departments(
    rules: Iterable[DispatchRuleSpec], *, category_id: int | None, text: str, area: str
) -> list[int]:
    """Department ids, that of the best fitting rule first (earlier rules win ties), each
    once."""
    scored: list[tuple[int, int, int]] = []
    for position, rule in enumerate(rules):
        score = rule_score(rule, category_id=category_id, text=text, area=area)
        if score is not None:
            scored.append((-score, position, rule.department_id))
    suggested: list[int] = []
    for _score, _position, department_id in sorted(scored):
        if department_id not in suggested:
            suggested.append(department_id)
    return suggested


# --- Duplicates ----------------------------------------------------------------------------

DUPLICATE_WINDOW_DAYS = 30
DUPLICATE_TEXT_LIKENESS = 0.6  # bigram Jaccard from which two texts count as near-identical
_PUNCTUATION_RE = re.compile(r"[\W_]+")


def _bigrams(text: str) -> frozenset[str]:
    compact = _PUNCTUATION_RE.sub("", text.lower())
    if len(compact) < 2:
        return frozenset({compact}) if compact else frozenset()
    return frozenset(compact[i : i + 2] for i in range(len(compact) - 1))


def text_likeness(first: str, second: str) -> float:
    """Jaccard likeness of the character bigrams of two texts (0 … 1), punctuation ignored."""
    a, b = _bigrams(first), _bigrams(second)
    if not a or not b:
        return 0.0
    return len(a & b) / len(a | b)


def is_likely_duplicate(
    *,
    same_caller: bool,
    content: str,
    other_content: str,
    address: str,
    other_address: str,
) -> bool:
    """A new case is flagged as a likely duplicate of an open one from the same caller, or of
    one with near-identical text at (nearly) the same place."""
    if same_caller:
        return True
    if text_likeness(content, other_content) < DUPLICATE_TEXT_LIKENESS:
        return False
    return not address or not other_address or text_likeness(address, other_address) >= 0.5


# --- Rates ---------------------------------------------------------------------------------


def rate(part: int, whole: int) -> float | None:
    """A percentage with one decimal, or None for an empty period (never a made-up 100 %)."""
    if whole <= 0:
        return None
    return round(100 * part / whole, 1)


def normalise_phone(value: str) -> str:
    """Digits only: a caller number as the switchboard gives it (no +86, spaces or dashes)."""
    digits = re.sub(r"\D", "", value or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    return digits


# --- Masking for publication ---------------------------------------------------------------

_ID_RE = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])")
_MOBILE_RE = re.compile(r"(?<!\d)1[3-9]\d{9}(?!\d)")
_LANDLINE_RE = re.compile(r"(?<!\d)0\d{2,3}-?\d{7,8}(?!\d)")
# House numbers, buildings, units and rooms: 12号, 3号楼, 2单元, 501室 …
_HOUSE_RE = re.compile(r"\d+(?:号楼|号院|号|栋|幢|单元|室|楼|层)")


def mask_text(text: str, *, names: Iterable[str] = (), addresses: Iterable[str] = ()) -> str:
    """``text`` with personal data masked for publication: ID numbers, mobile and landline
    numbers, the given names (the caller's) and addresses (as ``core``'s masking helpers show
    them), and house, building and room numbers anywhere in the text."""
    text = _ID_RE.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE_RE.sub(lambda m: mask_phone(m.group(0)), text)
    text = _LANDLINE_RE.sub(lambda m: MASK * len(m.group(0)), text)
    for address in sorted({a.strip() for a in addresses if a.strip()}, key=len, reverse=True):
        text = text.replace(address, mask_address(address))
    for name in sorted({n.strip() for n in names if len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, mask_name(name))
    return _HOUSE_RE.sub(lambda m: MASK * 2 + m.group(0).lstrip("0123456789"), text)


def public_address(address: str) -> str:
    """An address as public pages and Open311 show it: the divisions kept, the rest hidden."""
    return mask_address(address)
