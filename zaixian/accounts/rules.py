"""Pure rules of public accounts: verification codes and what a login name looks like."""

from __future__ import annotations

import secrets

from django.core.exceptions import ValidationError

from zaixian.core.validators import validate_mobile_phone

# A six-digit SMS code, valid for ten minutes, with five tries: a guesser has 5 chances in
# a million per code, and the per-phone and per-address limits on sending codes keep the
# number of codes small.
PHONE_CODE_LENGTH = 6
PHONE_CODE_SECONDS = 10 * 60
PHONE_CODE_MAX_ATTEMPTS = 5


def new_phone_code() -> str:
    """A random six-digit code from the operating system's generator."""
    return f"{secrets.randbelow(10**PHONE_CODE_LENGTH):0{PHONE_CODE_LENGTH}d}"


def is_well_formed_phone_code(value: str) -> bool:
    return len(value) == PHONE_CODE_LENGTH and value.isascii() and value.isdigit()


def login_identifier_kind(value: str) -> str:
    """How a login name is meant: ``"phone"`` (an 11-digit mobile number), ``"email"``
    (contains @) or ``"username"``."""
    value = value.strip()
    try:
        validate_mobile_phone(value)
    except ValidationError:
        return "email" if "@" in value else "username"
    return "phone"


def mask_email(value: str) -> str:
    """``zhangsan@example.cn`` → ``zh****@example.cn``: enough to recognise one's address."""
    local, at, domain = value.strip().partition("@")
    if not at:
        return "*" * len(local)
    return local[:2] + "****" + at + domain
