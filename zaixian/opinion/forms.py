"""Forms of the analysts' dashboard."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zaixian.core.queries import users_with_role
from zaixian.core.roles import Role


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
