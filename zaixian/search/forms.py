"""The search form: parses the query string leniently; bad filters become messages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

SITE_ALL = "all"
ORDER_CHOICES = [("relevance", _("Relevance")), ("date", _("Newest first"))]
EARLIEST_DATE = dt.date(1990, 1, 1)
LATEST_DATE = dt.date(2100, 12, 31)


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, strip=True)
    site = forms.CharField(label=_("Site"), required=False)
    channel = forms.IntegerField(
        label=_("Channel"), required=False, min_value=1, max_value=2**31 - 1
    )
    date_from = forms.DateField(label=_("From"), required=False)
    date_to = forms.DateField(label=_("To"), required=False)
    order = forms.ChoiceField(label=_("Sort by"), choices=ORDER_CHOICES, required=False)
    page = forms.IntegerField(label=_("Page"), required=False, min_value=1)

    def clean_site(self) -> str:
        value: str = self.cleaned_data.get("site") or ""
        if value in ("", SITE_ALL) or (value.isascii() and value.isdigit() and len(value) < 10):
            return value
        raise forms.ValidationError(_("Unknown site."))

    def _clean_date(self, name: str) -> dt.date | None:
        value: dt.date | None = self.cleaned_data.get(name)
        if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
            raise forms.ValidationError(_("Enter a date between 1990 and 2100."))
        return value

    def clean_date_from(self) -> dt.date | None:
        return self._clean_date("date_from")

    def clean_date_to(self) -> dt.date | None:
        return self._clean_date("date_to")

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned

    def value_or_none(self, name: str) -> Any:
        """The cleaned value, or None when that field was invalid (it is then ignored)."""
        if name in self.errors:
            return None
        return self.cleaned_data.get(name)
