"""Forms of the case engine: an applicant's step on their own case, an officer's transition."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from zaixian.cases import registry
from zaixian.cases.models import Case


class TransitionForm(forms.Form):
    """One transition on one case. ``version`` is the case version the person saw, so a
    change made meanwhile by someone else is reported instead of overwritten."""

    transition = forms.ChoiceField(label=_("Action"))
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    extend_days = forms.IntegerField(
        label=_("Extension (working days)"), required=False, min_value=1, max_value=60
    )
    attachment = forms.FileField(label=_("Attachment"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0)

    def __init__(
        self, *args: Any, case: Case, transitions: list[registry.Transition], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.case = case
        self.fields["transition"].choices = [(t.name, t.label) for t in transitions]
        self.fields["version"].initial = case.version
        if not any(t.clock is registry.ClockEffect.EXTEND for t in transitions):
            del self.fields["extend_days"]


class AssignForm(forms.Form):
    """Give the case to an officer of a department that sees it (or take it back)."""

    assignee = forms.ModelChoiceField(
        label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody")
    )

    def __init__(self, *args: Any, officers: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = officers  # type: ignore[attr-defined]
        self.fields["assignee"].label_from_instance = (  # type: ignore[attr-defined]
            lambda user: user.get_full_name() or user.get_username()
        )


class WorklistFilterForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Case type"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    deadline_status = forms.ChoiceField(label=_("Deadline"), required=False)
    assignee = forms.ChoiceField(
        label=_("Assignee"),
        required=False,
        choices=[("", _("Anyone")), ("me", _("Me")), ("none", _("Not assigned"))],
    )
    q = forms.CharField(
        label=_("Tracking number, title or applicant"), required=False, max_length=100
    )
    include_closed = forms.BooleanField(label=_("Include closed cases"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from zaixian.cases.rules import DeadlineStatus

        super().__init__(*args, **kwargs)
        self.fields["case_type"].choices = [("", _("All")), *registry.case_type_choices()]
        states: dict[str, Any] = {}
        for declared in registry.case_types():
            for state in declared.states:
                states.setdefault(state.key, state.label)
        self.fields["state"].choices = [("", _("All")), *states.items()]
        self.fields["deadline_status"].choices = [
            ("", _("All")),
            (DeadlineStatus.OVERDUE.value, DeadlineStatus.OVERDUE.label),
            (DeadlineStatus.WARNING.value, DeadlineStatus.WARNING.label),
            (DeadlineStatus.NORMAL.value, DeadlineStatus.NORMAL.label),
            (DeadlineStatus.SUSPENDED.value, DeadlineStatus.SUSPENDED.label),
        ]
