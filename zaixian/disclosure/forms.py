"""The editor's form of a disclosure item: the metadata rules and index number checks as field
errors, and the generated values filled in when the page is saved (nothing is saved when a
check fails)."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.models import Page

from zaixian.core.models import Department
from zaixian.disclosure import actions, queries
from zaixian.disclosure.models import DisclosureCataloguePage, DisclosureItemPage


class DisclosureItemPageForm(WagtailAdminPageForm):
    """``DisclosureItemPage.base_form_class`` (attached in ``apps.ready``)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.index_number and "index_number" in self.fields:
            # Once given, an index number is fixed: shown, never edited.
            self.fields["index_number"].disabled = True
        if "slug" in self.fields:
            # Items are found by their catalogue and index number, not their address: an
            # empty slug is made from the title.
            self.fields["slug"].required = False

    def _catalogue(self) -> DisclosureCataloguePage | None:
        parent = self.parent_page or (self.instance.get_parent() if self.instance.pk else None)
        if parent is None:
            return None
        parent = parent.specific
        return parent if isinstance(parent, DisclosureCataloguePage) else None

    def _free_slug(self, title: str) -> str:
        base = slugify(title, allow_unicode=True)[:50].strip("-") or "item"
        slug, number = base, 1
        while self.parent_page is not None and not Page._slug_is_available(
            slug, self.parent_page, self.instance
        ):
            number += 1
            slug = f"{base}-{number}"
        return slug

    def _policies(self) -> list[DisclosureItemPage]:
        formset = self.formsets.get("interpreted_policy_links")
        if formset is None:
            return []
        # The child formsets are validated after the page's own fields: validate them now to
        # read the chosen policies (their own errors are shown as usual).
        formset.is_valid()
        policies = []
        for form in formset.forms:
            if not hasattr(form, "cleaned_data") or form.cleaned_data.get("DELETE"):
                continue
            policy = form.cleaned_data.get("policy")
            if policy is not None:
                policies.append(policy)
        return policies

    def clean(self) -> dict[str, Any]:
        if "slug" in self.cleaned_data and not self.cleaned_data["slug"]:
            self.cleaned_data["slug"] = self._free_slug(self.cleaned_data.get("title") or "")
        cleaned_data = super().clean()
        catalogue = self._catalogue()
        if catalogue is None:
            raise forms.ValidationError(
                _("A disclosure item belongs in an organisation's catalogue.")
            )
        if self.errors.get("category") or self.errors.get("date_written"):
            return cleaned_data  # the rules below need both
        draft = DisclosureItemPage(
            pk=self.instance.pk,
            category=cleaned_data.get("category"),
            date_written=cleaned_data.get("date_written"),
            publish_date=cleaned_data.get("publish_date"),
            index_number=cleaned_data.get("index_number"),
            document_number=cleaned_data.get("document_number") or "",
            genre=cleaned_data.get("genre") or "",
            validity=cleaned_data.get("validity") or "",
            validity_changed_on=cleaned_data.get("validity_changed_on"),
        )
        stored = queries.stored_index_number(item_pk=self.instance.pk) if self.instance.pk else None
        errors = actions.disclosure_item_errors(
            item=draft, catalogue=catalogue, policies=self._policies(), stored_index_number=stored
        )
        for name, messages in errors.items():
            for message in messages:
                self.add_error(name if name in self.fields else None, message)
        return cleaned_data

    def save(self, commit: bool = True) -> DisclosureItemPage:
        catalogue = self._catalogue()
        assert catalogue is not None  # noqa: S101 — clean() refused the form otherwise
        actions.prepare_disclosure_item(item=self.instance, catalogue=catalogue)
        return super().save(commit=commit)


class DisclosureCataloguePageForm(WagtailAdminPageForm):
    """``DisclosureCataloguePage.base_form_class``: the organisation is chosen when the
    catalogue is created and fixed after (its items' index numbers carry its code)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk and "department" in self.fields:
            self.fields["department"].disabled = True


MAX_REPORT_YEARS = 10


class DisclosureReportFilterForm(forms.Form):
    """The counts report's filter: an organisation (with those under it) among those the user
    may see, and a year or a range of days (at most ten years)."""

    department = forms.TypedChoiceField(
        label=gettext_lazy("Organisation"), coerce=int, required=False, empty_value=None
    )
    year = forms.TypedChoiceField(label=gettext_lazy("Year"), coerce=int, required=False)
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(
        self, *args: Any, departments: list[Department], today: date, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.departments = {department.pk: department for department in departments}
        self.fields["department"].choices = [("", _("All organisations"))] + [
            (department.pk, "\u3000" * max(0, department.depth - 1) + department.name)
            for department in departments
        ]
        self.fields["year"].choices = [
            (year, str(year)) for year in range(today.year, today.year - MAX_REPORT_YEARS, -1)
        ]

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start or end:
            if not (start and end):
                raise forms.ValidationError(_("Enter both the first and the last day."))
            if end < start:
                raise forms.ValidationError(_("The period ends before it starts."))
            if (end - start).days > MAX_REPORT_YEARS * 366:
                raise forms.ValidationError(
                    _("Choose at most %(years)d years.") % {"years": MAX_REPORT_YEARS}
                )
        else:
            year = cleaned.get("year") or self.today.year
            cleaned["start"], cleaned["end"] = date(year, 1, 1), date(year, 12, 31)
        return cleaned

    def period(self) -> tuple[date, date]:
        """The valid form's period; this year when the form is not valid."""
        if self.is_valid():
            return self.cleaned_data["start"], self.cleaned_data["end"]
        return date(self.today.year, 1, 1), date(self.today.year, 12, 31)

    def selected_department(self) -> Department | None:
        if self.is_valid():
            return self.departments.get(self.cleaned_data.get("department") or 0)
        return None
