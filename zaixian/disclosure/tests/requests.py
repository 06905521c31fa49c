"""Builders of disclosure-request tests: a citizen's details, and a request received on a
given day (the online form's date of receipt is the day of submission)."""

from __future__ import annotations

import datetime as dt
from contextlib import contextmanager
from typing import Any

import time_machine
from django.utils import timezone

from zaixian.cases import actions as case_actions
from zaixian.disclosure import actions


@contextmanager
def on(day: dt.date, hour: int = 10):
    """Run the enclosed code at ``hour`` o'clock, Beijing time, on ``day``."""
    moment = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
    with time_machine.travel(moment, tick=False):
        yield


def details_of(user: Any, **changes: Any) -> actions.RequestDetails:
    profile = user.public_profile
    if profile.kind == "organisation":
        values = {
            "applicant_kind": "business",
            "applicant_name": profile.organisation_name,
            "credit_code": profile.credit_code,
            "contact_name": "李联系",
        }
    else:
        values = {
            "applicant_kind": "natural_person",
            "applicant_name": profile.real_name,
            "id_number": profile.resident_id,
        }
    values.update(
        phone=profile.mobile_phone,
        description="2025年本市义务教育阶段学校招生计划及执行情况",
        purpose="了解子女入学政策",
    )
    values.update(changes)
    return actions.RequestDetails(**values)


def submit(user: Any, department: Any, day: dt.date, **changes: Any):
    with on(day):
        return actions.submit_disclosure_request(
            applicant=user, department=department, details=details_of(user, **changes)
        )


def move(request: Any, transition: str, actor: Any, day: dt.date, **kwargs: Any):
    kwargs.setdefault("note", "说明")
    with on(day):
        event = case_actions.transition_case(
            case=request.case, transition=transition, actor=actor, **kwargs
        )
    request.refresh_from_db()
    request.case.refresh_from_db()
    return event
