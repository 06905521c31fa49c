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
from zaixian.disclosure.models import (
    AnnualReportFigures,
    DisclosureCataloguePage,
    DisclosureItemPage,
    DisclosureRequest,
)


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


# --- Disclosure requests ----------------------------------------------------------------------


class DisclosureRequestForm(forms.Form):
    """The online request form. Field checks here give quick messages; the complete rules
    (identity by applicant type, delivery needs) are ``actions.request_details_errors``, which
    the action runs again, so a request never gets past them another way."""

    department = forms.ModelChoiceField(
        label=gettext_lazy("Organisation asked"), queryset=Department.objects.none()
    )
    applicant_kind = forms.ChoiceField(
        label=gettext_lazy("Applicant"),
        choices=DisclosureRequest.ApplicantKind.choices,
        widget=forms.RadioSelect,
    )
    applicant_name = forms.CharField(
        label=gettext_lazy("Name (person or organisation)"), max_length=100
    )
    id_number = forms.CharField(
        label=gettext_lazy("Resident ID number"),
        max_length=18,
        required=False,
        help_text=gettext_lazy("For a natural person."),
    )
    credit_code = forms.CharField(
        label=gettext_lazy("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=gettext_lazy("For a legal person or other organisation."),
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Contact person"),
        max_length=50,
        required=False,
        help_text=gettext_lazy("For a legal person or other organisation."),
    )
    phone = forms.CharField(label=gettext_lazy("Mobile phone"), max_length=11)
    email = forms.EmailField(label=gettext_lazy("E-mail"), required=False)
    address = forms.CharField(label=gettext_lazy("Postal address"), max_length=200, required=False)
    postcode = forms.CharField(label=gettext_lazy("Postcode"), max_length=6, required=False)
    description = forms.CharField(
        label=gettext_lazy("Information requested"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy(
            "Name or describe the information: its title, document number, or what it is "
            "about, so that the office can find it."
        ),
    )
    purpose = forms.CharField(
        label=gettext_lazy("Purpose (optional)"),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    form = forms.ChoiceField(
        label=gettext_lazy("Form of the information"), choices=DisclosureRequest.Form.choices
    )
    delivery = forms.ChoiceField(
        label=gettext_lazy("Delivery"), choices=DisclosureRequest.Delivery.choices
    )
    upload = forms.FileField(
        label=gettext_lazy("Material (optional)"),
        required=False,
        help_text=gettext_lazy(
            "PDF, JPEG, PNG, Word or OFD, at most 10 MB. Needed when you ask for someone else: "
            "their authorisation and a copy of their identity document."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = queries.request_departments()  # type: ignore[attr-defined]  # ModelChoiceField

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if self.errors:
            return cleaned
        errors = actions.request_details_errors(self.details())
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)
        return cleaned

    def details(self) -> actions.RequestDetails:
        data = self.cleaned_data
        return actions.RequestDetails(
            applicant_kind=data.get("applicant_kind", ""),
            applicant_name=data.get("applicant_name", ""),
            phone=data.get("phone", ""),
            description=data.get("description", ""),
            id_number=data.get("id_number", ""),
            credit_code=data.get("credit_code", ""),
            contact_name=data.get("contact_name", ""),
            email=data.get("email", ""),
            address=data.get("address", ""),
            postcode=data.get("postcode", ""),
            purpose=data.get("purpose", ""),
            form=data.get("form", ""),
            delivery=data.get("delivery", ""),
        )


class FeeNoticeForm(forms.Form):
    """The officer's fee notice: one method per request (国办函〔2020〕109号 第三条)."""

    method = forms.ChoiceField(
        label=gettext_lazy("Charge"),
        choices=DisclosureRequest.FeeMethod.choices,
        widget=forms.RadioSelect,
    )
    pages = forms.IntegerField(
        label=gettext_lazy("Pages (charge by volume)"),
        required=False,
        min_value=1,
        max_value=1_000_000,
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)


class AnnualReportFiguresForm(forms.ModelForm):
    """The figures of the annual report that come from outside the platform."""

    class Meta:
        model = AnnualReportFigures
        fields = list(actions.ANNUAL_FIGURE_FIELDS)
        widgets = {
            "overview": forms.Textarea(attrs={"rows": 6}),
            "problems": forms.Textarea(attrs={"rows": 4}),
            "other_matters": forms.Textarea(attrs={"rows": 4}),
        }


class AnnualReportChoiceForm(forms.Form):
    """Which report: a year and an organisation (empty: the whole city)."""

    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2008, max_value=2999)
    org = forms.CharField(label=gettext_lazy("Organisation code"), required=False, max_length=20)

    def clean_org(self) -> Department | None:
        code = (self.cleaned_data.get("org") or "").strip().upper()
        if not code:
            return None
        department = Department.objects.filter(code=code).first()
        if department is None:
            raise forms.ValidationError(_("There is no organisation with this code."))
        return department


class PaperRequestForm(DisclosureRequestForm):
    """An officer registers a request that came in person, by post, by letter or by fax; the
    date of receipt follows from the channel (Article 31)."""

    channel = forms.ChoiceField(
        label=gettext_lazy("Channel"),
        choices=[
            (value, label)
            for value, label in DisclosureRequest.Channel.choices
            if value != DisclosureRequest.Channel.ONLINE
        ],
    )
    submitted_on = forms.DateField(
        label=gettext_lazy("Handed in or sent on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    signed_for_on = forms.DateField(
        label=gettext_lazy("Signed for by the office on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("By post: the date of receipt."),
    )
    confirmed_on = forms.DateField(
        label=gettext_lazy("Receipt confirmed with the applicant on"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=gettext_lazy("By ordinary letter or fax: the date of receipt."),
    )

    field_order = ["department", "channel", "submitted_on", "signed_for_on", "confirmed_on"]

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["upload"]
        self.fields["department"].queryset = queries.request_departments_for_officer(user=user)  # type: ignore[attr-defined]  # ModelChoiceField
