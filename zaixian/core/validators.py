"""Django validators for personal data."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zaixian.core.rules import is_valid_id_number


def validate_id_number(value: str) -> None:
    """Accept only an 18-character resident ID number with a valid date and check character."""
    if not is_valid_id_number(value):
        raise ValidationError(
            _("Enter a valid 18-digit resident ID number."), code="invalid_id_number"
        )
