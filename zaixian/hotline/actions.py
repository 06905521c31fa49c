"""Every write of the hotline: intake from every channel, dispatch, the department's
acceptance, return and reply, the centre's review, call-back and closure, duplicates, the
supervision of overdue cases, Open311 clients and typical cases.

States move only through ``cases.actions.transition_case``; the hotline keeps which
department holds the case in ``Case.department`` (the lead department while it handles the
case, the centre otherwise), so the engine's worklist and reminders reach whoever must act.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from zaixian.cases import actions as case_actions
from zaixian.cases.models import Case
from zaixian.core import audit, notifications
from zaixian.core.models import Department
from zaixian.core.queries import departments_visible_to, users_with_role
from zaixian.core.roles import Role
from zaixian.core.text import is_cjk, segment
from zaixian.core.workdays import add_working_days
from zaixian.hotline import queries, rules
from zaixian.hotline.models import (
    AssistOpinion,
    HotlineCase,
    HotlineCategory,
    HotlineDispatch,
    KnowledgeEntry,
    Open311Client,
    TypicalCase,
)

CaseError = case_actions.CaseError
NotPermittedError = case_actions.NotPermittedError


class HotlineError(case_actions.CaseError):
    """A refused hotline operation; ``str()`` is a message for the person who tried."""


class HotlineNotConfiguredError(HotlineError):
    default_message = _("The hotline centre is not configured yet (hotline settings).")


STAFF_CHANNELS = frozenset({rules.Channel.PHONE, rules.Channel.LETTER})
# Words every hotline text has (来电, 反映, 市民…), which would top every month's hot topics.
_KEYWORD_STOP = frozenset(
    {
        "一个",
        "没有",
        "我们",
        "你们",
        "他们",
        "这个",
        "那个",
        "问题",
        "反映",
        "希望",
        "市民",
        "来电",
        "要求",
        "请求",
        "情况",
        "现在",
        "目前",
        "已经",
        "相关",
        "部门",
        "处理",
        "解决",
    }
)


def hot_words(text: str, *, limit: int = 12) -> str:
    """The words of ``text`` that hot-topic counting reads (jieba, two characters or more),
    stored with the case so the bulletin never segments a month of texts."""
    seen: list[str] = []
    for word in segment(text):
        if len(word) >= 2 and is_cjk(word) and word not in _KEYWORD_STOP and word not in seen:
            seen.append(word)
        if len(seen) >= limit:
            break
    return " ".join(seen)


def _centre() -> Department:
    centre = queries.hotline_centre()
    if centre is None:
        raise HotlineNotConfiguredError
    return centre


def _require_centre(actor: Any) -> None:
    if not queries.is_centre_staff(actor):
        raise NotPermittedError


# --- Intake --------------------------------------------------------------------------------


def register_case(
    *,
    channel: str,
    kind: str,
    category: HotlineCategory,
    content: str,
    caller_name: str,
    caller_phone: str = "",
    caller_address: str = "",
    area: str = "",
    urgency: str = "",
    agrees_to_publish: bool = False,
    actor: Any = None,
    citizen: Any = None,
    email: str = "",
    received_at: datetime | None = None,
    open311_client: Open311Client | None = None,
    latitude: Any = None,
    longitude: Any = None,
) -> HotlineCase:
    """Register a case from any channel: calls and letters by the centre's staff, the web
    form and mailboxes by citizens, Open311 by a client app. The engine gives it a tracking
    number and starts its clock (hours or working days by urgency); a likely duplicate of an
    open case is flagged."""
    if channel in STAFF_CHANNELS:
        _require_centre(actor)
    if channel not in rules.Channel.values or kind not in rules.Kind.values:
        raise HotlineError
    urgency = urgency or category.default_urgency
    limit = queries.hotline_settings().limit(urgency)
    centre = _centre()
    phone = rules.normalise_phone(caller_phone)
    received_at = received_at or timezone.now()
    duplicates = queries.likely_duplicates(
        phone=phone, content=content, address=caller_address, category_id=category.pk, limit=1
    )
    with transaction.atomic():
        case = case_actions.create_case(
            case_type=rules.CASE_TYPE_KEY,
            department=centre,
            title=f"{category.name}：{content.strip()[:40]}",
            applicant_name=caller_name,
            applicant=citizen,
            applicant_phone=phone,
            applicant_email=email,
            promised_days=limit.working_days,
            limit_hours=limit.hours,
            actor=actor,
            submitted_at=received_at,
        )
        return HotlineCase.objects.create(
            case=case,
            kind=kind,
            channel=channel,
            category=category,
            urgency=urgency,
            caller_name=caller_name[:100],
            caller_phone=phone,
            caller_address=caller_address[:200],
            area=area[:40],
            content=content,
            keywords=hot_words(content),
            received_at=received_at,
            agrees_to_publish=agrees_to_publish,
            duplicate_of=duplicates[0] if duplicates else None,
            open311_client=open311_client,
            open311_token=secrets.token_hex(16) if open311_client is not None else None,
            latitude=latitude,
            longitude=longitude,
        )


# --- Dispatch and handling -----------------------------------------------------------------


def _reply_due_at(case: Case) -> datetime | None:
    """The moment the department's reply is due: the hour limit's moment, or the end of the
    due date's day."""
    if case.due_at is not None:
        return case.due_at
    if case.due_on is None:
        return None
    return timezone.make_aware(datetime.combine(case.due_on, time(23, 59, 59)))


def _hold(hotline_case: HotlineCase, department: Department) -> None:
    Case.objects.filter(pk=hotline_case.case_id).update(department=department)


def dispatch_case(
    *,
    hotline_case: HotlineCase,
    department: Department,
    actor: Any,
    assisting: Iterable[Department] = (),
    note: str = "",
) -> HotlineCase:
    """Send a registered or returned case (or a reopened one) to its lead department, with
    assisting departments that see it too (派单)."""
    _require_centre(actor)
    centre = _centre()
    if department.pk == centre.pk or not department.is_active:
        raise HotlineError(_("Choose a department other than the centre."))
    assisting = [d for d in assisting if d.pk not in (department.pk, centre.pk)]
    case = hotline_case.case
    transition = "reopen" if case.state == rules.UNSATISFIED else "dispatch"
    text = note or gettext("Dispatched to %(department)s") % {"department": department.name}
    with transaction.atomic():
        case_actions.transition_case(case=case, transition=transition, actor=actor, note=text)
        _hold(hotline_case, department)
        case.refresh_from_db()
        now = timezone.now()
        HotlineDispatch.objects.create(
            hotline_case=hotline_case, department=department, dispatched_by=actor
        )
        for other in assisting:
            HotlineDispatch.objects.create(
                hotline_case=hotline_case, department=other, is_lead=False, dispatched_by=actor
            )
        hotline_case.lead_department = department
        hotline_case.warned_at = None
        hotline_case.reply_due_at = _reply_due_at(case)
        if transition == "reopen":  # the reopened case's reply counts afresh
            hotline_case.reply_due_at = _reopened_due(hotline_case, now)
            hotline_case.replied_at = None
            hotline_case.satisfaction = ""
        hotline_case.save(
            update_fields=[
                "lead_department",
                "reply_due_at",
                "replied_at",
                "satisfaction",
                "warned_at",
            ]
        )
        hotline_case.assisting_departments.add(*assisting)
    return hotline_case


def _reopened_due(hotline_case: HotlineCase, now: datetime) -> datetime:
    limit = queries.hotline_settings().limit(hotline_case.urgency)
    if limit.hours:
        return now + timedelta(hours=limit.hours)
    day = add_working_days(timezone.localdate(now), limit.working_days or 0)
    return timezone.make_aware(datetime.combine(day, time(23, 59, 59)))


def _lead_dispatch(hotline_case: HotlineCase) -> HotlineDispatch | None:
    return (
        hotline_case.dispatches.filter(is_lead=True, department=hotline_case.lead_department)
        .order_by("-dispatched_at", "-pk")
        .first()
    )


def accept_case(*, hotline_case: HotlineCase, actor: Any) -> HotlineCase:
    """The lead department takes the case on (签收)."""
    with transaction.atomic():
        case_actions.transition_case(case=hotline_case.case, transition="accept", actor=actor)
        dispatch = _lead_dispatch(hotline_case)
        if dispatch is not None:
            dispatch.outcome = HotlineDispatch.Outcome.ACCEPTED
            dispatch.answered_at = timezone.now()
            dispatch.save(update_fields=["outcome", "answered_at"])
    return hotline_case


def return_case(*, hotline_case: HotlineCase, actor: Any, reason: str) -> HotlineCase:
    """The department returns a case that is not its own (退单), with the reason; the centre
    holds it again and dispatches it anew."""
    with transaction.atomic():
        case_actions.transition_case(
            case=hotline_case.case, transition="return", actor=actor, note=reason
        )
        dispatch = _lead_dispatch(hotline_case)
        if dispatch is not None:
            dispatch.outcome = HotlineDispatch.Outcome.RETURNED
            dispatch.return_reason = reason
            dispatch.answered_at = timezone.now()
            dispatch.save(update_fields=["outcome", "return_reason", "answered_at"])
        _hold(hotline_case, _centre())
        hotline_case.lead_department = None
        hotline_case.save(update_fields=["lead_department"])
        hotline_case.assisting_departments.clear()
    hotline_case.case.refresh_from_db()
    return hotline_case


def reply_to_case(*, hotline_case: HotlineCase, actor: Any, reply: str) -> HotlineCase:
    """The lead department's answer to the caller; the centre reviews it next."""
    with transaction.atomic():
        case_actions.transition_case(
            case=hotline_case.case, transition="reply", actor=actor, note=reply
        )
        hotline_case.reply = reply
        hotline_case.replied_at = timezone.now()
        hotline_case.save(update_fields=["reply", "replied_at"])
        dispatch = _lead_dispatch(hotline_case)
        if dispatch is not None:
            dispatch.outcome = HotlineDispatch.Outcome.REPLIED
            dispatch.save(update_fields=["outcome"])
        _hold(hotline_case, _centre())
    hotline_case.case.refresh_from_db()
    return hotline_case


def review_reply(
    *, hotline_case: HotlineCase, actor: Any, approve: bool, note: str = ""
) -> HotlineCase:
    """The centre approves the reply (then calls back) or sends it back to the department."""
    _require_centre(actor)
    with transaction.atomic():
        if approve:
            case_actions.transition_case(
                case=hotline_case.case, transition="approve_reply", actor=actor, note=note
            )
        else:
            if hotline_case.lead_department is None:
                raise HotlineError
            case_actions.transition_case(
                case=hotline_case.case, transition="send_back", actor=actor, note=note
            )
            _hold(hotline_case, hotline_case.lead_department)
            hotline_case.case.refresh_from_db()
    return hotline_case


def record_callback(
    *, hotline_case: HotlineCase, actor: Any, satisfaction: str, note: str = ""
) -> HotlineCase:
    """The call-back (回访): satisfied or basically satisfied closes the case; unsatisfied
    leaves it for the centre to reopen or close."""
    _require_centre(actor)
    if satisfaction not in rules.Satisfaction.values:
        raise HotlineError
    with transaction.atomic():
        is_unsatisfied = satisfaction == rules.Satisfaction.UNSATISFIED
        case_actions.transition_case(
            case=hotline_case.case,
            transition="mark_unsatisfied" if is_unsatisfied else "close",
            actor=actor,
            note=note,
        )
        hotline_case.satisfaction = satisfaction
        hotline_case.callback_note = note
        hotline_case.called_back_at = timezone.now()
        hotline_case.save(update_fields=["satisfaction", "callback_note", "called_back_at"])
    return hotline_case


def close_unsatisfied_case(*, hotline_case: HotlineCase, actor: Any, note: str) -> HotlineCase:
    """Close a case the caller remained unsatisfied with (the answer stands)."""
    _require_centre(actor)
    case_actions.transition_case(case=hotline_case.case, transition="close", actor=actor, note=note)
    return hotline_case


def close_directly(
    *,
    hotline_case: HotlineCase,
    actor: Any,
    answer: str,
    knowledge_entry: KnowledgeEntry | None = None,
) -> HotlineCase:
    """A consultation answered during the call from the knowledge base (直接办结)."""
    _require_centre(actor)
    if hotline_case.kind != rules.Kind.CONSULTATION:
        raise HotlineError(_("Only a consultation can be closed directly."))
    now = timezone.now()
    with transaction.atomic():
        case_actions.transition_case(
            case=hotline_case.case, transition="close_directly", actor=actor, note=answer
        )
        hotline_case.reply = answer
        hotline_case.replied_at = now
        if knowledge_entry is not None:
            hotline_case.lead_department = knowledge_entry.department
        hotline_case.save(update_fields=["reply", "replied_at", "lead_department"])
    return hotline_case


def merge_case(*, duplicate: HotlineCase, into: HotlineCase, actor: Any) -> HotlineCase:
    """Merge a duplicate into the open case it repeats; it closes with a pointer to it."""
    _require_centre(actor)
    if duplicate.pk == into.pk or into.case.is_closed or into.merged_into_id is not None:
        raise HotlineError(_("A case can only be merged into another open case."))
    note = gettext("Merged into %(number)s") % {"number": into.case.tracking_number}
    with transaction.atomic():
        case_actions.transition_case(
            case=duplicate.case, transition="merge", actor=actor, note=note
        )
        duplicate.merged_into = into
        duplicate.save(update_fields=["merged_into"])
    return duplicate


def add_assist_opinion(*, hotline_case: HotlineCase, actor: Any, text: str) -> AssistOpinion:
    """An assisting department's opinion on an open case, by one of its case officers."""
    if hotline_case.case.is_closed or not text.strip():
        raise HotlineError
    department = queries.assisting_department_of(hotline_case=hotline_case, user=actor)
    if department is None:
        raise NotPermittedError
    return AssistOpinion.objects.create(
        hotline_case=hotline_case, department=department, author=actor, text=text.strip()
    )


def view_caller_details(*, hotline_case: HotlineCase, user: Any) -> dict[str, str]:
    """The caller's unmasked name, phone and address, for the centre and the assigned
    departments only; every view is written to the audit log."""
    if not queries.hotline_cases_for(user).filter(pk=hotline_case.pk).exists():
        raise NotPermittedError
    audit.record_personal_data_view(
        instance=hotline_case.case,
        user=user,
        fields=["caller_name", "caller_phone", "caller_address"],
    )
    return {
        "name": hotline_case.caller_name,
        "phone": hotline_case.caller_phone,
        "address": hotline_case.caller_address,
    }


# --- Supervision ---------------------------------------------------------------------------

SUPERVISION_INTERVAL = timedelta(hours=24)


def warn_hour_limited_cases(*, now: datetime | None = None) -> int:
    """预警: tell the lead department's case officers, once, when an hour-limited case at the
    department has a quarter of its time left (30 minutes of an emergency's 2 hours). Day
    limits are warned by the case engine's daily reminders. Returns the cases warned."""
    now = now or timezone.now()
    warned = 0
    for hotline_case in queries.cases_to_warn(now=now):
        case = hotline_case.case
        limit = case.limit_hours or 0
        if case.due_at is None or case.due_at - now > timedelta(hours=limit) * rules.WARNING_SHARE:
            continue
        department = hotline_case.lead_department
        with translation.override(settings.LANGUAGE_CODE):
            for officer in users_with_role(Role.CASE_OFFICER, department=department):
                notifications.notify(
                    recipient=officer,
                    subject=gettext("Hotline case %(number)s is due at %(due)s")
                    % {
                        "number": case.tracking_number,
                        "due": timezone.localtime(case.due_at).strftime("%H:%M"),
                    },
                    body=hotline_case.content[:200],
                )
        HotlineCase.objects.filter(pk=hotline_case.pk).update(warned_at=now)
        warned += 1
    return warned


def supervise_overdue_cases(*, now: datetime | None = None) -> int:
    """督办: each open case at a department past its limit gets a supervision step (at most
    once a day) and the department's leaders are told. Returns the number supervised."""
    now = now or timezone.now()
    supervised = 0
    for hotline_case in queries.cases_to_supervise(now=now):
        case = hotline_case.case
        recent = case.events.filter(
            transition__in=("supervise", rules.SUPERVISE_HANDLING),
            at__gte=now - SUPERVISION_INTERVAL,
        )
        if recent.exists():
            continue
        with translation.override(settings.LANGUAGE_CODE):
            note = gettext("Overdue since %(due)s: supervised by the hotline centre.") % {
                "due": timezone.localtime(case.due_at).strftime("%Y-%m-%d %H:%M")
                if case.due_at
                else case.due_on.isoformat()
                if case.due_on
                else ""
            }
            transition = "supervise" if case.state == rules.DISPATCHED else rules.SUPERVISE_HANDLING
            case_actions.transition_case(case=case, transition=transition, actor=None, note=note)
            department = hotline_case.lead_department
            if department is not None:
                for leader in users_with_role(Role.LEADER, department=department):
                    notifications.notify(
                        recipient=leader,
                        subject=gettext("Hotline case %(number)s is overdue")
                        % {"number": case.tracking_number},
                        body=note,
                    )
        supervised += 1
    return supervised


# --- Open311 clients -----------------------------------------------------------------------


def create_open311_client(*, name: str, contact: str = "") -> tuple[Open311Client, str]:
    """A new client and its API key, shown once; only the key's hash is stored."""
    prefix = secrets.token_hex(4)
    raw_key = f"{prefix}.{secrets.token_urlsafe(20)}"
    client = Open311Client.objects.create(
        name=name,
        contact=contact,
        key_prefix=prefix,
        key_hash=queries.hash_api_key(raw_key),
    )
    return client, raw_key


def touch_open311_client(*, client: Open311Client) -> None:
    Open311Client.objects.filter(pk=client.pk).update(last_used_at=timezone.now())


# --- Knowledge base and typical cases ------------------------------------------------------


def save_knowledge_entry(*, entry: KnowledgeEntry, actor: Any) -> KnowledgeEntry:
    """Departments keep their own entries; the centre keeps any."""
    if not queries.is_centre_staff(actor):
        visible = departments_visible_to(actor)
        if entry.department_id is None or not visible.filter(pk=entry.department_id).exists():
            raise NotPermittedError
    entry.save()
    return entry


def draft_typical_case(*, hotline_case: HotlineCase, actor: Any) -> TypicalCase:
    """A typical case from a closed one, its personal data masked automatically; it waits for
    review before publication."""
    _require_centre(actor)
    if not hotline_case.case.is_closed or not hotline_case.reply:
        raise HotlineError(_("Only a closed case with a reply can become a typical case."))
    names = [hotline_case.caller_name]
    addresses = [hotline_case.caller_address]

    def masked(text: str) -> str:
        return rules.mask_text(text, names=names, addresses=addresses)

    typical, _created = TypicalCase.objects.update_or_create(
        hotline_case=hotline_case,
        defaults={
            "title": masked(hotline_case.case.title),
            "content": masked(hotline_case.content),
            "reply": masked(hotline_case.reply),
            "status": TypicalCase.Status.DRAFT,
        },
    )
    return typical


def publish_typical_case(
    *, typical: TypicalCase, actor: Any, title: str = "", content: str = "", reply: str = ""
) -> TypicalCase:
    """The reviewer's corrections, masked once more, and publication."""
    _require_centre(actor)
    hotline_case = typical.hotline_case
    names = [hotline_case.caller_name]
    addresses = [hotline_case.caller_address]
    for field, value in (("title", title), ("content", content), ("reply", reply)):
        if value.strip():
            setattr(typical, field, rules.mask_text(value, names=names, addresses=addresses))
    if not typical.title.strip() or not typical.content.strip():
        raise ValidationError(_("A typical case needs a title and a text."))
    typical.status = TypicalCase.Status.PUBLISHED
    typical.reviewed_by = actor
    typical.published_at = timezone.now()
    typical.save()
    return typical
