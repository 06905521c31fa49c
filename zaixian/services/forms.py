"""Forms of the service hall: the application form an office defines for each item (also what
the API validates with), material uploads, catalogue filters, tracking, rating, and the admin
form of a service item."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from zaixian.core import uploads
from zaixian.core.queries import departments_visible_to, user_has_role
from zaixian.core.roles import Role
from zaixian.services import queries
from zaixian.services.application_form import UPLOAD_HELP, ApplicationForm
from zaixian.services.models import (
    Audience,
    LifeEvent,
    ServiceItem,
    ServiceMaterial,
    ServiceRating,
    ServiceTopic,
)
from zaixian.services.rules import MATERIAL_EXTENSIONS, MATERIAL_MAX_BYTES

__all__ = [
    "ApplicationForm",
    "CatalogueFilterForm",
    "MaterialsForm",
    "RatingForm",
    "ServiceItemAdminForm",
    "StartApplicationForm",
    "TrackingForm",
]


class MaterialsForm(forms.Form):
    """One optional upload per required material of the item (``material_<id>``); which
    materials are still missing is checked on submission."""

    def __init__(
        self, *args: Any, materials: Iterable[ServiceMaterial], uploaded_ids: Iterable[int] = ()
    ) -> None:
        super().__init__(*args)
        uploaded = set(uploaded_ids)
        self.materials = {material.pk: material for material in materials}
        for material in self.materials.values():
            note = material.note or UPLOAD_HELP
            self.fields[f"material_{material.pk}"] = forms.FileField(
                label=material.name,
                required=False,
                help_text=note,
            )
            self.fields[f"material_{material.pk}"].already_uploaded = material.pk in uploaded  # type: ignore[attr-defined]  # read by the template

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, upload in list(cleaned.items()):
            if upload:
                try:
                    uploads.check_upload(
                        upload, extensions=MATERIAL_EXTENSIONS, max_bytes=MATERIAL_MAX_BYTES
                    )
                except ValidationError as error:
                    self.add_error(name, error)
        return cleaned

    def uploaded_files(self) -> list[tuple[ServiceMaterial, Any]]:
        return [
            (self.materials[int(name.removeprefix("material_"))], upload)
            for name, upload in self.cleaned_data.items()
            if upload
        ]


class StartApplicationForm(forms.Form):
    """The "apply online" button: carries the item it was shown for, so a page left open on
    one item cannot start an application for another."""

    item = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args: Any, item: ServiceItem, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item = item
        self.fields["item"].initial = item.pk

    def clean_item(self) -> int:
        value: int = self.cleaned_data["item"]
        if value != self.item.pk:
            raise ValidationError(
                _("This form was for another service item. Open the item's page and try again."),
                code="item_mismatch",
            )
        return value


class CatalogueFilterForm(forms.Form):
    """Search and browse the catalogue. The department, life event and topic lists are read
    once (``departments``, ``life_events``, ``topics``) for both the selects and the side
    navigation; a value that is not in them is ignored like an empty one."""

    q = forms.CharField(label=_("Search services"), required=False, max_length=50)
    department = forms.ChoiceField(label=_("Department"), required=False)
    kind = forms.ChoiceField(
        label=_("Kind"), required=False, choices=[("", _("All kinds")), *ServiceItem.Kind.choices]
    )
    audience = forms.ChoiceField(
        label=_("For"), required=False, choices=[("", _("Everyone")), *Audience.choices]
    )
    life_event = forms.ChoiceField(label=_("Life event"), required=False)
    topic = forms.ChoiceField(label=_("Topic"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.departments = list(queries.catalogue_departments())
        self.life_events: list[LifeEvent] = list(LifeEvent.objects.all())
        self.topics: list[ServiceTopic] = list(ServiceTopic.objects.all())
        self.fields["department"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All departments")),
            *((str(d.pk), d.name) for d in self.departments),
        ]
        self.fields["life_event"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All life events")),
            *((e.slug, e.name) for e in self.life_events),
        ]
        self.fields["topic"].choices = [  # type: ignore[attr-defined]  # ChoiceField
            ("", _("All topics")),
            *((t.slug, t.name) for t in self.topics),
        ]

    def filters(self) -> dict[str, Any]:
        if not self.is_bound:
            data: dict[str, Any] = {}
        elif self.is_valid():
            data = self.cleaned_data
        else:  # keep the valid filters, drop the others
            data = {k: v for k, v in self.cleaned_data.items() if k not in self.errors}
        departments = {str(d.pk): d for d in self.departments}
        events = {e.slug: e for e in self.life_events}
        topics = {t.slug: t for t in self.topics}
        return {
            "department": departments.get(data.get("department") or ""),
            "kind": data.get("kind") or None,
            "audience": data.get("audience") or None,
            "life_event": events.get(data.get("life_event") or ""),
            "topic": topics.get(data.get("topic") or ""),
            "search": data.get("q", ""),
        }

    def life_events_by_audience(self) -> dict[str, list[LifeEvent]]:
        grouped: dict[str, list[LifeEvent]] = {Audience.CITIZEN: [], Audience.BUSINESS: []}
        for event in self.life_events:
            grouped.setdefault(event.audience, []).append(event)
        return grouped


class TrackingForm(forms.Form):
    tracking_number = forms.CharField(
        label=_("Tracking number"),
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    phone_last4 = forms.CharField(
        label=_("Last four digits of the applicant's mobile number"),
        min_length=4,
        max_length=4,
        validators=[RegexValidator(r"^\d{4}$", _("Enter four digits."))],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )


class RatingForm(forms.Form):
    grade = forms.TypedChoiceField(
        label=_("Your rating"),
        coerce=int,
        choices=ServiceRating.Grade.choices,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Optional; tell us what went well or what should improve."),
    )


class ServiceItemAdminForm(WagtailAdminModelForm):
    """The admin form of an item: an officer may choose only a department they see (their
    own and those under it); a platform administrator any."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        if "department" in self.fields and not user_has_role(user, Role.PLATFORM_ADMIN):
            self.fields["department"].queryset = departments_visible_to(user)  # type: ignore[attr-defined]  # ModelChoiceField
