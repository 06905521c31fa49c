"""Pure rules of the case engine: tracking numbers and deadline status. No ORM here."""

from __future__ import annotations

import re
import secrets
from datetime import date

from django.db import models
from django.utils.translation import gettext_lazy as _

# --- Tracking numbers ----------------------------------------------------------------------
# date (8 digits) + the owner department's code + random digits + one check character.
# The random part makes numbers impossible to enumerate (a million per department per day,
# and the tracking page also asks for the last four digits of the applicant's phone); the
# check character (ISO 7064 MOD 37,36, a hybrid system over 0-9A-Z) catches every
# single-character typo and nearly every swap of two neighbouring characters (all but about
# 0.15 %), while keeping the number free of the '*' that the pure MOD 37-2 system needs.

RANDOM_DIGITS = 6
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
_TRACKING_RE = re.compile(r"^\d{8}[A-Z0-9]{2,20}\d{6}[0-9A-Z]$")


def tracking_check_char(body: str) -> str:
    """The ISO 7064 MOD 37,36 check character of ``body`` (digits and capital letters)."""
    modulus = 36
    product = modulus
    for char in body:
        product = (product + _ALPHABET.index(char)) % modulus
        if product == 0:
            product = modulus
        product = (product * 2) % (modulus + 1)
    return _ALPHABET[(modulus + 1 - product) % modulus]


def new_tracking_number(*, on: date, department_code: str) -> str:
    body = f"{on:%Y%m%d}{department_code}{secrets.randbelow(10**RANDOM_DIGITS):0{RANDOM_DIGITS}d}"
    return body + tracking_check_char(body)


def normalise_tracking_number(value: str) -> str:
    """What a person typed, as stored: no spaces or dashes, capitals."""
    return re.sub(r"[\s\-－—]", "", value or "").upper()


def is_valid_tracking_number(value: str) -> bool:
    """Shape and check character (a typo is caught before any lookup)."""
    if not _TRACKING_RE.match(value):
        return False
    return tracking_check_char(value[:-1]) == value[-1]


# --- Deadline status -----------------------------------------------------------------------


class DeadlineStatus(models.TextChoices):
    NONE = "none", _("Clock not running")
    NORMAL = "normal", _("Normal")
    WARNING = "warning", _("Due soon")
    OVERDUE = "overdue", _("Overdue")
    SUSPENDED = "suspended", _("Clock stopped")


def deadline_status(
    *,
    due_on: date | None,
    today: date,
    warning_from: date,
    is_suspended: bool,
    is_finished: bool,
) -> DeadlineStatus:
    """The status of an open case's clock on ``today``.

    ``warning_from`` is the last date for which a case due that day is only "due soon": the
    working day ``warning_days`` after ``today`` (the engine computes it from the calendar), so
    a case with two working days or less left is a warning whatever weekends lie between.
    """
    if is_finished or due_on is None:
        return DeadlineStatus.NONE
    if is_suspended:
        return DeadlineStatus.SUSPENDED
    if due_on < today:
        return DeadlineStatus.OVERDUE
    if due_on <= warning_from:
        return DeadlineStatus.WARNING
    return DeadlineStatus.NORMAL
