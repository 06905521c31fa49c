"""Forms of the analysts' dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role
from zaixian.opinion import rules


class AlertDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        choices=[("confirm", _("Confirm")), ("dismiss", _("Dismiss"))], label=_("Decision")
    )
    owner = forms.ModelChoiceField(
        queryset=users_with_role(Role.OPINION_ANALYST),
        required=False,
        label=_("Owner of the incident"),
        help_text=_("You, if nobody is chosen."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = users_with_role(Role.OPINION_ANALYST)  # type: ignore[attr-defined]  # a ModelChoiceField


class IncidentStepForm(forms.Form):
    note = forms.CharField(label=_("What was done"), required=False, max_length=2000)


def milestone_choices() -> list[tuple[str, str]]:
    return [(clock.field, str(clock.label)) for clock in rules.RESPONSE_CLOCKS]


class IncidentMilestoneForm(forms.Form):
    milestone = forms.ChoiceField(label=_("Milestone"), choices=milestone_choices)
    at = forms.DateTimeField(
        label=_("When"),
        required=False,
        help_text=_("Now, if left empty."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
    )


class ReprintFilterForm(forms.Form):
    by = forms.ChoiceField(
        label=_("Count per"),
        choices=[("month", _("Month")), ("year", _("Year"))],
        required=False,
    )
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            raise forms.ValidationError(_("The period must end after it starts."))
        return cleaned
