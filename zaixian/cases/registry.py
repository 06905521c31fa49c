"""How a module declares a case type, and the registry the engine reads them from.

A case type is data: its states, its transitions, who may perform each one, and what each
transition does to the deadline clock. Modules declare theirs in their own ``rules.py`` and
register them in ``AppConfig.ready``; nothing here touches the database.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from zaixian.core.roles import Role

APPLICANT = "applicant"
"""A performer: the person who started the case (checked against ``Case.applicant``)."""

SYSTEM = "system"
"""A performer: the platform itself (scheduled jobs), never a person."""


class ClockEffect(enum.Enum):
    """What a transition does to the case's deadline clock."""

    NONE = "none"
    START = "start"  # the time limit starts counting (受理)
    STOP = "stop"  # the clock stops, e.g. a request for correction (补正)
    RESUME = "resume"  # the clock runs again; the stopped working days are added back
    # The time limit counts afresh from today, the days used before forgotten: a corrected
    # disclosure request is answered within the full period from its receipt (条例 art. 30).
    RESTART = "restart"
    EXTEND = "extend"  # the time limit is extended by a number of working days (延期)
    FINISH = "finish"  # the clock ends; on time or late is decided now (办结)


@dataclass(frozen=True)
class State:
    key: str
    label: Any  # a lazy translation
    is_final: bool = False


@dataclass(frozen=True)
class Transition:
    """One allowed move. ``performers`` holds roles (``Role``) and/or ``APPLICANT``/``SYSTEM``.

    ``is_public`` transitions appear in the applicant's history and on the tracking page;
    internal ones (assignment notes, internal examination steps) are seen by officers only.
    """

    name: str
    label: Any
    sources: tuple[str, ...]
    target: str
    performers: frozenset[str]
    clock: ClockEffect = ClockEffect.NONE
    note_required: bool = False
    is_public: bool = True
    notify_applicant: bool = True


@dataclass(frozen=True)
class CaseType:
    """A kind of case. Time limits are in working days; a case may carry its own (a service
    item's promised limit), these are the defaults. ``starts_clock`` types count from the day
    the case is opened (a follow-up, a hotline case); the others from a START transition
    (acceptance, 受理).

    ``after_transition`` names a function ("module.path:function") that the engine calls inside
    the transition's transaction with ``case``, ``event`` and ``actor`` — how a module attaches
    its own effects (a decision document, a follow-up case) to a state change.
    """

    key: str
    label: Any
    states: tuple[State, ...]
    initial: str
    transitions: tuple[Transition, ...]
    statutory_days: int | None = None
    promised_days: int | None = None
    max_extension_days: int = 0
    warning_days: int = 2
    starts_clock: bool = False  # the clock runs from submission (no separate acceptance)
    # Steps the module handles on its own pages (e.g. a correction re-checks the form; a fee
    # notice needs its amount worked out): neither the applicant's case page nor the officers'
    # desk offers them. "module.path:function" gives the applicant's page for a case.
    module_transitions: frozenset[str] = frozenset()
    applicant_url: str = ""
    after_transition: str = ""
    detail_template: str = ""
    _states: dict[str, State] = field(init=False, repr=False, compare=False)
    _transitions: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        states = {state.key: state for state in self.states}
        transitions = {transition.name: transition for transition in self.transitions}
        object.__setattr__(self, "_states", states)
        object.__setattr__(self, "_transitions", transitions)
        _check_declaration(self)

    def state(self, key: str) -> State:
        return self._states[key]

    def transition(self, name: str) -> Transition:
        return self._transitions[name]

    def has_transition(self, name: str) -> bool:
        return name in self._transitions

    def transitions_from(self, state: str) -> list[Transition]:
        return [t for t in self.transitions if state in t.sources]

    @property
    def final_states(self) -> frozenset[str]:
        return frozenset(state.key for state in self.states if state.is_final)


class CaseTypeDeclarationError(ValueError):
    """A case type that contradicts itself (unknown states, duplicate names, …)."""


_KNOWN_PERFORMERS = {APPLICANT, SYSTEM, *(role.value for role in Role)}


def _check_declaration(case_type: CaseType) -> None:
    problems: list[str] = []
    keys = [state.key for state in case_type.states]
    if len(keys) != len(set(keys)):
        problems.append("duplicate state keys")
    names = [transition.name for transition in case_type.transitions]
    if len(names) != len(set(names)):
        problems.append("duplicate transition names")
    if case_type.initial not in keys:
        problems.append(f"initial state {case_type.initial!r} is not declared")
    for transition in case_type.transitions:
        unknown = {*transition.sources, transition.target} - set(keys)
        if unknown:
            problems.append(f"{transition.name}: unknown states {sorted(unknown)}")
        if set(transition.sources) & case_type.final_states:
            problems.append(f"{transition.name}: leaves a final state")
        if not transition.performers or set(transition.performers) - _KNOWN_PERFORMERS:
            problems.append(f"{transition.name}: unknown performers")
        if transition.clock is ClockEffect.EXTEND and case_type.max_extension_days <= 0:
            problems.append(f"{transition.name}: extends but max_extension_days is 0")
    if problems:
        raise CaseTypeDeclarationError(f"{case_type.key}: " + "; ".join(problems))


_REGISTRY: dict[str, CaseType] = {}


class UnknownCaseTypeError(LookupError):
    pass


def register_case_type(case_type: CaseType) -> CaseType:
    """Register ``case_type`` (idempotent for the same declaration)."""
    existing = _REGISTRY.get(case_type.key)
    if existing is not None and existing != case_type:
        raise CaseTypeDeclarationError(f"{case_type.key}: registered twice, differently")
    _REGISTRY[case_type.key] = case_type
    return case_type


def unregister_case_type(key: str) -> None:
    """For tests that declare a type of their own."""
    _REGISTRY.pop(key, None)


def case_type(key: str) -> CaseType:
    try:
        return _REGISTRY[key]
    except KeyError:
        raise UnknownCaseTypeError(key) from None


def case_types() -> list[CaseType]:
    return sorted(_REGISTRY.values(), key=lambda item: item.key)


def case_type_choices() -> Iterable[tuple[str, Any]]:
    return [(item.key, item.label) for item in case_types()]
