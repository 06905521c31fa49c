"""The application form of a service item, built from the fields its office defined. It
lives below ``actions`` (which validate a whole application with it before submission) and is
re-exported by ``forms``, where the pages and the API take it from."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from zaixian.core import uploads
from zaixian.core.validators import (
    validate_credit_code,
    validate_mobile_phone,
    validate_resident_id,
)
from zaixian.services.models import ServiceFormField, ServiceItem
from zaixian.services.rules import MATERIAL_EXTENSIONS, MATERIAL_MAX_BYTES, parse_choices

FieldType = ServiceFormField.FieldType

UPLOAD_HELP = _("PDF, JPEG, PNG, Word, Excel or OFD, at most 10 MB.")


def _upper_stripped(value: str) -> str:
    return value.strip().upper()


class _UpperCharField(forms.CharField):
    def to_python(self, value: Any) -> str:
        return _upper_stripped(super().to_python(value))


def _build_field(spec: ServiceFormField, *, has_upload: bool) -> forms.Field:
    common: dict[str, Any] = {
        "label": spec.label,
        "required": spec.is_required,
        "help_text": spec.help_text,
    }
    kind = spec.field_type
    if kind == FieldType.TEXTAREA:
        return forms.CharField(max_length=2000, widget=forms.Textarea(attrs={"rows": 4}), **common)
    if kind == FieldType.NUMBER:
        return forms.DecimalField(max_digits=15, decimal_places=2, **common)
    if kind == FieldType.DATE:
        return forms.DateField(
            widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"), **common
        )
    if kind == FieldType.CHOICE:
        options = parse_choices(spec.choices)
        return forms.ChoiceField(
            choices=[("", _("Please choose")), *((option, option) for option in options)],
            **common,
        )
    if kind == FieldType.ID_NUMBER:
        return _UpperCharField(
            max_length=18,
            validators=[validate_resident_id],
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            **common,
        )
    if kind == FieldType.CREDIT_CODE:
        return _UpperCharField(
            max_length=18,
            validators=[validate_credit_code],
            widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
            **common,
        )
    if kind == FieldType.PHONE:
        return forms.CharField(
            max_length=11,
            validators=[validate_mobile_phone],
            widget=forms.TextInput(attrs={"type": "tel", "inputmode": "numeric"}),
            **common,
        )
    if kind == FieldType.ADDRESS:
        return forms.CharField(max_length=300, **common)
    if kind == FieldType.FILE:
        common["required"] = spec.is_required and not has_upload
        common["help_text"] = spec.help_text or UPLOAD_HELP
        return forms.FileField(**common)
    return forms.CharField(max_length=200, **common)


def _json_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


class ApplicationForm(forms.Form):
    """The form of one service item, built from its ``ServiceFormField`` rows with the core
    validators. ``uploaded_keys`` names the file fields that already have a stored file (a
    draft's), which are then not required again. Files are checked by content here too."""

    def __init__(
        self,
        *args: Any,
        item: ServiceItem,
        uploaded_keys: Iterable[str] = (),
        specs: Iterable[ServiceFormField] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        uploaded = set(uploaded_keys)
        self.specs = list(specs if specs is not None else item.form_fields.all())
        for spec in self.specs:
            self.fields[spec.key] = _build_field(spec, has_upload=spec.key in uploaded)

    @property
    def file_keys(self) -> list[str]:
        return [spec.key for spec in self.specs if spec.field_type == FieldType.FILE]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for key in self.file_keys:
            upload = cleaned.get(key)
            if upload:
                try:
                    uploads.check_upload(
                        upload, extensions=MATERIAL_EXTENSIONS, max_bytes=MATERIAL_MAX_BYTES
                    )
                except ValidationError as error:
                    self.add_error(key, error)
        return cleaned

    def json_data(self) -> dict[str, Any]:
        """The cleaned values of the non-file fields, ready for ``Application.form_data``."""
        return {
            spec.key: _json_value(self.cleaned_data.get(spec.key))
            for spec in self.specs
            if spec.field_type != FieldType.FILE and spec.key in self.cleaned_data
        }

    def uploaded_files(self) -> dict[str, Any]:
        return {key: self.cleaned_data[key] for key in self.file_keys if self.cleaned_data.get(key)}
