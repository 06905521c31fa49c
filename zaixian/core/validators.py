"""Django validators for personal and organisation data, used by every form and API."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zaixian.core.rules import is_valid_credit_code, is_valid_id_number, is_valid_mobile_phone


def validate_resident_id(value: str) -> None:
    """Accept only an 18-character resident ID number (GB 11643-1999) with a real birth date
    and the right check character."""
    if not is_valid_id_number(value):
        raise ValidationError(
            _(
                "Enter a valid 18-digit resident ID number; check each digit and the last "
                "character (a digit or X)."
            ),
            code="invalid_resident_id",
        )


def validate_credit_code(value: str) -> None:
    """Accept only an 18-character unified social credit code (GB 32100-2015) whose
    organisation code and check character are right."""
    if not is_valid_credit_code(value):
        raise ValidationError(
            _(
                "Enter a valid 18-character unified social credit code as printed on the "
                "business licence (digits and capital letters, no I, O, Z, S or V)."
            ),
            code="invalid_credit_code",
        )


def validate_mobile_phone(value: str) -> None:
    """Accept only an 11-digit mainland mobile number."""
    if not is_valid_mobile_phone(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, e.g. 13800138000."),
            code="invalid_mobile_phone",
        )
