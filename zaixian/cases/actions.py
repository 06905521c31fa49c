"""Every write of the case engine: opening a case, moving it, assigning it, attaching files.

Modules never set ``Case.state`` themselves: ``transition_case`` checks the case type's map and
the performer, moves the deadline clock, writes the history and notifies the applicant.
"""

from __future__ import annotations

import hashlib
import importlib
import logging
from collections.abc import Callable
from datetime import date, datetime, timedelta
from functools import partial
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zaixian.cases import registry, tasks
from zaixian.cases.models import Case, CaseAttachment, CaseEvent
from zaixian.cases.rules import new_tracking_number
from zaixian.core import notifications, uploads
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, users_with_role
from zaixian.core.roles import GROUP_NAMES, Role
from zaixian.core.workdays import add_working_days, is_working_day, working_days_between

logger = logging.getLogger(__name__)

CREATED = "created"
ASSIGNED = "assigned"


class CaseError(Exception):
    """A refused case operation; ``str()`` is a message for the person who tried."""

    default_message: Any = _("This action is not possible.")

    def __init__(self, message: Any = None) -> None:
        self.message = message if message is not None else self.default_message
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class TransitionNotAllowedError(CaseError):
    default_message = _("This action is not possible in the case's current state.")


class NotPermittedError(CaseError):
    default_message = _("You are not allowed to do this on this case.")


class CaseConflictError(CaseError):
    default_message = _(
        "Someone else changed this case a moment ago. Reload it to see its current state."
    )


class NoteRequiredError(CaseError):
    default_message = _("Please give a reason.")


class ExtensionNotAllowedError(CaseError):
    default_message = _("The extension is not within the allowed number of working days.")


# --- Performers ----------------------------------------------------------------------------


def _role_groups(performers: frozenset[str]) -> list[str]:
    values = {role.value for role in Role}
    return [GROUP_NAMES[Role(p)] for p in performers if p in values]


def may_perform(*, case: Case, transition: registry.Transition, actor: Any) -> bool:
    """Whether ``actor`` (None = the platform) may perform ``transition`` on ``case``: the
    applicant for applicant steps; otherwise a holder of one of the roles whose department
    sees the case's department (``core.queries.departments_visible_to``)."""
    if actor is None:
        return registry.SYSTEM in transition.performers
    if not actor.is_authenticated or not actor.is_active:
        return False
    if registry.APPLICANT in transition.performers and case.applicant_id == actor.pk:
        return True
    groups = _role_groups(transition.performers)
    if not groups:
        return False
    if not actor.is_superuser and not actor.groups.filter(name__in=groups).exists():
        return False
    return departments_visible_to(actor).filter(pk=case.department_id).exists()


def may_handle(*, case: Case, actor: Any) -> bool:
    """Officer access to a case: a case officer or leader of a department that sees it."""
    if actor is None or not actor.is_authenticated or not actor.is_active:
        return False
    groups = [GROUP_NAMES[Role.CASE_OFFICER], GROUP_NAMES[Role.LEADER]]
    if not actor.is_superuser and not actor.groups.filter(name__in=groups).exists():
        return False
    return departments_visible_to(actor).filter(pk=case.department_id).exists()


# --- The deadline clock --------------------------------------------------------------------


def _recompute_due(case: Case) -> None:
    if case.limit_hours:  # an hour clock: due_at is set when it starts (ADR 0005)
        case.due_on = timezone.localtime(case.due_at).date() if case.due_at else None
        return
    if case.clock_started_on is None:
        case.due_on = case.statutory_due_on = None
        return
    added = case.extended_days + case.suspended_days
    limit = case.promised_days or case.statutory_days
    case.due_on = add_working_days(case.clock_started_on, limit + added) if limit else None
    case.statutory_due_on = (
        add_working_days(case.clock_started_on, case.statutory_days + added)
        if case.statutory_days
        else None
    )


def _start_hour_clock(case: Case, at: datetime) -> None:
    """Plain clock hours from ``at``: emergencies run through nights and holidays."""
    case.due_at = at + timedelta(hours=case.limit_hours or 0)
    case.statutory_due_on = None
    _recompute_due(case)


def _resume_clock(case: Case, today: date) -> None:
    if case.suspended_since is not None:
        case.suspended_days += max(0, working_days_between(case.suspended_since, today))
        case.suspended_since = None
        _recompute_due(case)


def _finish_clock(case: Case, today: date) -> None:
    if case.clock_started_on is None or case.finished_on is not None:
        return
    _resume_clock(case, today)
    case.finished_on = today
    if case.due_at is not None:
        case.is_on_time = timezone.now() <= case.due_at
    else:
        case.is_on_time = case.due_on is None or today <= case.due_on


def _apply_clock(
    case: Case, *, effect: registry.ClockEffect, today: date, extend_days: int
) -> None:
    effect_ = registry.ClockEffect
    if effect is effect_.START and case.clock_started_on is None:
        case.clock_started_on = today
        if case.limit_hours:
            _start_hour_clock(case, timezone.now())
        else:
            _recompute_due(case)
    elif effect is effect_.STOP and case.suspended_since is None:
        case.suspended_since = today
    elif effect is effect_.RESUME:
        _resume_clock(case, today)
    elif effect is effect_.RESTART:
        case.clock_started_on = today
        case.suspended_since = None
        case.suspended_days = 0
        _recompute_due(case)
    elif effect is effect_.EXTEND:
        if case.limit_hours:  # an hour limit is not extended by working days (ADR 0005)
            raise ExtensionNotAllowedError
        allowed = case.type.max_extension_days - case.extended_days
        if not 1 <= extend_days <= allowed:
            raise ExtensionNotAllowedError(
                _("An extension must be between 1 and %(allowed)d working days.")
                % {"allowed": max(allowed, 0)}
            )
        case.extended_days += extend_days
        _recompute_due(case)
    elif effect is effect_.FINISH:
        _finish_clock(case, today)


# --- Opening a case ------------------------------------------------------------------------


def _tracking_number(department: Department, on: date) -> str:
    for _attempt in range(10):
        number = new_tracking_number(on=on, department_code=department.code)
        if not Case.objects.filter(tracking_number=number).exists():
            return number
    raise RuntimeError("Could not draw a free tracking number")  # 10 collisions in 10**6


def draw_tracking_number(*, department: Department, on: date) -> str:
    """A free tracking number for a case of ``department`` opened on ``on``: for modules that
    insert past cases in bulk (demo data, imports) rather than through ``create_case``."""
    return _tracking_number(department, on)


def create_case(
    *,
    case_type: str,
    department: Department,
    title: str,
    applicant_name: str,
    applicant: Any = None,
    applicant_phone: str = "",
    applicant_email: str = "",
    statutory_days: int | None = None,
    promised_days: int | None = None,
    actor: Any = None,
    note: str = "",
    submitted_at: Any = None,
    limit_hours: int | None = None,
) -> Case:
    """Open a case in its type's initial state, with a fresh tracking number, and tell the
    applicant it was received. Time limits default to the case type's; ``limit_hours`` gives
    a limit in plain clock hours instead (ADR 0005)."""
    declared = registry.case_type(case_type)
    submitted_at = submitted_at or timezone.now()
    fields = {
        "case_type": declared.key,
        "title": title[:200],
        "state": declared.initial,
        "department": department,
        "applicant": applicant,
        "applicant_name": applicant_name,
        "applicant_phone": applicant_phone,
        "applicant_email": applicant_email,
        "submitted_at": submitted_at,
        "statutory_days": statutory_days if statutory_days is not None else declared.statutory_days,
        "promised_days": promised_days if promised_days is not None else declared.promised_days,
        "limit_hours": limit_hours or None,
    }
    on = timezone.localtime(submitted_at).date()
    for attempt in range(3):
        try:
            with transaction.atomic():
                case = Case(tracking_number=_tracking_number(department, on), **fields)
                if declared.starts_clock:
                    case.clock_started_on = on
                    if case.limit_hours:
                        _start_hour_clock(case, submitted_at)
                    else:
                        _recompute_due(case)
                case.save(force_insert=True)
                event = CaseEvent.objects.create(
                    case=case,
                    at=submitted_at,
                    actor=actor if actor is not None else applicant,
                    actor_name=_actor_name(actor if actor is not None else applicant),
                    transition=CREATED,
                    to_state=case.state,
                    note=note,
                )
                transaction.on_commit(partial(tasks.notify_applicant_task.enqueue, event.pk))
            return case
        except IntegrityError:  # two submissions drew the same number at the same moment
            if attempt == 2:
                raise
    raise AssertionError("unreachable")


def _actor_name(actor: Any) -> str:
    if actor is None:
        return ""
    full_name = actor.get_full_name() if hasattr(actor, "get_full_name") else ""
    return (full_name or actor.get_username())[:100]


# --- Moving a case -------------------------------------------------------------------------


def _after_transition_hook(declared: registry.CaseType) -> Callable[..., Any] | None:
    if not declared.after_transition:
        return None
    module_name, _sep, function_name = declared.after_transition.partition(":")
    return getattr(importlib.import_module(module_name), function_name)  # type: ignore[no-any-return]


def transition_case(
    *,
    case: Case,
    transition: str,
    actor: Any,
    note: str = "",
    expected_version: int | None = None,
    extend_days: int = 0,
    today: date | None = None,
) -> CaseEvent:
    """Perform ``transition`` on ``case`` as ``actor`` (None = the platform).

    Atomic and safe under concurrency: the row is locked and the change is a compare-and-swap
    on ``version``, so when two officers act at once exactly one succeeds and the other gets
    ``CaseConflictError``. ``expected_version`` is the version the actor saw (forms carry it).
    ``case`` is refreshed in place with the new state.
    """
    declared = case.type
    if not declared.has_transition(transition):
        raise TransitionNotAllowedError
    move = declared.transition(transition)
    today = today or timezone.localdate()
    with transaction.atomic():
        current = Case.objects.select_for_update().get(pk=case.pk)
        if expected_version is not None and current.version != expected_version:
            raise CaseConflictError
        if current.state not in move.sources:
            if expected_version is None and case.version != current.version:
                raise CaseConflictError
            raise TransitionNotAllowedError
        if not may_perform(case=current, transition=move, actor=actor):
            raise NotPermittedError
        if move.note_required and not note.strip():
            raise NoteRequiredError
        from_state = current.state
        _apply_clock(current, effect=move.clock, today=today, extend_days=extend_days)
        current.state = move.target
        if move.target in declared.final_states:
            _finish_clock(current, today)
            current.is_closed = True
            current.closed_at = timezone.now()
        old_version = current.version
        current.version = old_version + 1
        changed = Case.objects.filter(pk=current.pk, version=old_version).update(
            **{name: getattr(current, name) for name in _CLOCK_AND_STATE_FIELDS},
            updated_at=timezone.now(),
        )
        if changed != 1:
            raise CaseConflictError
        event = CaseEvent.objects.create(
            case=current,
            actor=actor,
            actor_name=_actor_name(actor),
            transition=move.name,
            from_state=from_state,
            to_state=move.target,
            note=note,
            is_public=move.is_public,
        )
        hook = _after_transition_hook(declared)
        if hook is not None:
            hook(case=current, event=event, actor=actor)
        if move.is_public and move.notify_applicant:
            transaction.on_commit(partial(tasks.notify_applicant_task.enqueue, event.pk))
    case.refresh_from_db()
    return event


_CLOCK_AND_STATE_FIELDS = (
    "state",
    "version",
    "is_closed",
    "closed_at",
    "clock_started_on",
    "suspended_since",
    "suspended_days",
    "extended_days",
    "due_on",
    "due_at",
    "statutory_due_on",
    "finished_on",
    "is_on_time",
)


def assign_case(*, case: Case, assignee: Any, actor: Any, note: str = "") -> CaseEvent:
    """Give ``case`` to ``assignee``, an active officer of a department that sees it."""
    if not may_handle(case=case, actor=actor):
        raise NotPermittedError
    if assignee is not None and not may_handle(case=case, actor=assignee):
        raise NotPermittedError(_("That person cannot handle cases of this department."))
    with transaction.atomic():
        Case.objects.filter(pk=case.pk).update(assignee=assignee, updated_at=timezone.now())
        event = CaseEvent.objects.create(
            case=case,
            actor=actor,
            actor_name=_actor_name(actor),
            transition=ASSIGNED,
            from_state=case.state,
            to_state=case.state,
            note=note or (_actor_name(assignee) if assignee is not None else ""),
            is_public=False,
        )
    case.refresh_from_db()
    return event


def add_case_attachment(
    *,
    case: Case,
    upload: Any,
    actor: Any,
    material: str = "",
    event: CaseEvent | None = None,
    is_public: bool = True,
    extensions: tuple[str, ...] = uploads.DEFAULT_EXTENSIONS,
    max_bytes: int = uploads.DEFAULT_MAX_BYTES,
) -> CaseAttachment:
    """Store a checked file with the case: by its applicant while the case is open, or by an
    officer who handles it. Raises ``ValidationError`` for a bad file."""
    is_applicant = actor is not None and case.applicant_id is not None
    is_applicant = is_applicant and case.applicant_id == actor.pk and not case.is_closed
    if not is_applicant and not may_handle(case=case, actor=actor):
        raise NotPermittedError
    checked = uploads.check_upload(upload, extensions=extensions, max_bytes=max_bytes)
    attachment = CaseAttachment(
        case=case,
        event=event,
        material=material[:200],
        original_name=(getattr(upload, "name", "") or "file")[:255],
        content_type=checked.kind.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=actor,
        is_public=is_public or is_applicant,
    )
    attachment.file.save(upload.name, upload, save=False)
    attachment.save()
    return attachment


def add_generated_attachment(
    *, case: Case, name: str, content: bytes, content_type: str, material: str, actor: Any
) -> CaseAttachment:
    """Store a document the platform produced (a decision letter), visible to the applicant."""
    attachment = CaseAttachment(
        case=case,
        material=material[:200],
        original_name=name[:255],
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=actor,
        is_public=True,
    )
    attachment.file.save(name, ContentFile(content), save=False)
    attachment.save()
    return attachment


# --- Notifying the applicant ---------------------------------------------------------------


def notify_applicant(*, event: CaseEvent) -> None:
    """Tell the applicant what happened to their case (in-site message, e-mail, SMS)."""
    case = event.case
    with translation.override(settings.LANGUAGE_CODE):
        state = str(case.get_state_display())
        subject = gettext("Your case %(number)s: %(state)s") % {
            "number": case.tracking_number,
            "state": state,
        }
        lines = [
            gettext("Dear %(name)s,") % {"name": case.applicant_name},
            gettext("Your case “%(title)s” (tracking number %(number)s) is now: %(state)s.")
            % {"title": case.title, "number": case.tracking_number, "state": state},
        ]
        if event.note and event.is_public:
            lines.append(gettext("Note from the office: %(note)s") % {"note": event.note})
        if case.due_on and not case.is_closed and case.suspended_since is None:
            lines.append(gettext("Due by %(date)s.") % {"date": case.due_on.isoformat()})
        body = "\n".join(lines)
    notifications.notify(
        recipient=case.applicant,
        subject=subject,
        body=body,
        email=case.applicant_email,
        phone=case.applicant_phone,
        link=case.get_absolute_url(),
    )


# --- Reminding officers ------------------------------------------------------------------------


def send_deadline_reminders(*, today: date | None = None) -> int:
    """On working days, tell each officer how many of their cases are due soon or overdue
    (督办提醒): the assignee, or every case officer of the department for unassigned cases.
    Returns the number of people reminded."""
    today = today or timezone.localdate()
    if not is_working_day(today):
        return 0
    soon = add_working_days(today, 2)
    running = Case.objects.filter(
        is_closed=False, suspended_since__isnull=True, due_on__isnull=False, due_on__lte=soon
    )
    counts: dict[Any, list[int]] = {}
    overdue = Count("pk", filter=Q(due_on__lt=today))
    for row in (
        running.filter(assignee__isnull=False)
        .values("assignee")
        .annotate(total=Count("pk"), overdue=overdue)
    ):
        counts.setdefault(row["assignee"], [0, 0])
        counts[row["assignee"]][0] += row["total"]
        counts[row["assignee"]][1] += row["overdue"]
    for row in (
        running.filter(assignee__isnull=True)
        .values("department")
        .annotate(total=Count("pk"), overdue=overdue)
    ):
        department = Department.objects.get(pk=row["department"])
        for officer in users_with_role(Role.CASE_OFFICER, department=department):
            counts.setdefault(officer.pk, [0, 0])
            counts[officer.pk][0] += row["total"]
            counts[officer.pk][1] += row["overdue"]
    users = get_user_model().objects.in_bulk(list(counts))
    with translation.override(settings.LANGUAGE_CODE):
        for user_id, (total, late) in counts.items():
            notifications.notify(
                recipient=users[user_id],
                subject=gettext("Cases due: %(total)d, of which %(overdue)d overdue")
                % {"total": total, "overdue": late},
                body=gettext(
                    "%(total)d of your cases are due within two working days or overdue "
                    "(%(overdue)d overdue). Open the worklist to handle them."
                )
                % {"total": total, "overdue": late},
                link=reverse("cases_admin:worklist")
                + ("?deadline_status=overdue" if late else "?deadline_status=warning"),
            )
    return len(counts)
