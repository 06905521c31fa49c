"""Forms of the hotline: the public submission form (web, mayor's and governor's mailboxes),
tracking, and the centre's and departments' steps in the admin."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _

from zaixian.core.models import Department
from zaixian.core.validators import validate_mobile_phone
from zaixian.hotline import queries, rules
from zaixian.hotline.models import HotlineCategory

PUBLIC_KINDS = [
    (value, label) for value, label in rules.Kind.choices if value != rules.Kind.SENTIMENT
]
_PHONE_RE = RegexValidator(r"^[\d\s\-+]{7,20}$", _("Enter a phone number of 7 to 12 digits."))


class CategoryChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.name


class PublicSubmissionForm(forms.Form):
    """A citizen's letter to the web form or a mailbox."""

    kind = forms.ChoiceField(label=_("Kind of request"), choices=PUBLIC_KINDS)
    category = CategoryChoiceField(label=_("Category"), queryset=HotlineCategory.objects.none())
    content = forms.CharField(
        label=_("Your message"),
        min_length=10,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Describe the matter, the place and what you ask for (10 to 2000 characters)."),
    )
    caller_name = forms.CharField(label=_("Your name"), max_length=50)
    caller_phone = forms.CharField(
        label=_("Mobile number"),
        max_length=11,
        validators=[validate_mobile_phone],
        help_text=_("You need its last four digits to follow your message."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    caller_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    email = forms.EmailField(label=_("E-mail (optional)"), required=False)
    agrees_to_publish = forms.BooleanField(
        label=_("The answer may be published (my name and contact details are never shown)."),
        required=False,
    )
    website = forms.CharField(required=False, widget=forms.HiddenInput)  # a honeypot for bots

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = queries.active_categories()

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            raise forms.ValidationError(_("Your message could not be accepted."))
        return ""


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of your phone number"),
        min_length=4,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Enter four digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


# --- Admin ---------------------------------------------------------------------------------


class IntakeForm(forms.Form):
    """The operator's console: a call or a letter, typed fast with the keyboard."""

    channel = forms.ChoiceField(
        label=_("Intake channel"),
        choices=[
            (rules.Channel.PHONE, rules.Channel.PHONE.label),
            (rules.Channel.LETTER, rules.Channel.LETTER.label),
        ],
        initial=rules.Channel.PHONE,
    )
    caller_phone = forms.CharField(
        label=_("Caller number"), max_length=20, validators=[_PHONE_RE], required=False
    )
    caller_name = forms.CharField(label=_("Caller name"), max_length=50)
    caller_address = forms.CharField(label=_("Address"), max_length=200, required=False)
    area = forms.CharField(label=_("Area (county or district)"), max_length=40, required=False)
    kind = forms.ChoiceField(label=_("Kind of request"), choices=rules.Kind.choices)
    category = CategoryChoiceField(label=_("Category"), queryset=HotlineCategory.objects.none())
    urgency = forms.ChoiceField(
        label=_("Urgency"),
        choices=[("", _("Category default")), *rules.Urgency.choices],
        required=False,
    )
    content = forms.CharField(
        label=_("Content"), min_length=5, max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    agrees_to_publish = forms.BooleanField(label=_("Agrees to publication"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = queries.active_categories()

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("channel") == rules.Channel.PHONE and not cleaned.get("caller_phone"):
            self.add_error("caller_phone", _("A call needs the caller's number."))
        return cleaned


class DispatchForm(forms.Form):
    department = forms.ModelChoiceField(
        label=_("Lead department"), queryset=Department.objects.none()
    )
    assisting = forms.ModelMultipleChoiceField(
        label=_("Assisting departments"),
        queryset=Department.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Instructions"), max_length=500, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        departments = queries.dispatchable_departments()
        self.fields["department"].queryset = departments
        self.fields["assisting"].queryset = departments


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Text"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReviewForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve the reply")), ("send_back", _("Send the reply back"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("decision") == "send_back" and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the reply is sent back."))
        return cleaned


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(
        label=_("Caller's satisfaction"),
        choices=rules.Satisfaction.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=1000, required=False)


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Tracking number of the case to merge into"), max_length=40)


class TypicalCaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    content = forms.CharField(label=_("What the caller asked"), widget=forms.Textarea)
    reply = forms.CharField(label=_("How it was handled"), widget=forms.Textarea)


class BulletinForm(forms.Form):
    month = forms.RegexField(
        label=_("Month"),
        regex=r"^\d{4}-(0[1-9]|1[0-2])$",
        error_messages={"invalid": _("Enter a month as YYYY-MM.")},
    )
