"""``{% application_panel case %}``: the application behind a case, for the officers' case desk
(personal fields masked by core's ``personal_data`` filters; the unmasked view is a separate,
audited page)."""

from __future__ import annotations

from typing import Any

from django import template

from zaixian.cases.models import Case
from zaixian.services import queries
from zaixian.services.models import ServiceFormField
from zaixian.services.rules import PERSONAL_FIELD_TYPES

register = template.Library()


@register.inclusion_tag("services/admin/includes/application_detail.html")
def application_panel(case: Case) -> dict[str, Any]:
    application = queries.application_of_case(case=case)
    if application is None:
        return {"application": None}
    data = application.form_data
    rows = [
        {
            "label": spec.label,
            "value": str(data.get(spec.key, "") or ""),
            "type": spec.field_type,
            "is_personal": spec.is_personal or spec.field_type in PERSONAL_FIELD_TYPES,
        }
        for spec in application.item.form_fields.all()
        if spec.field_type != ServiceFormField.FieldType.FILE
    ]
    return {
        "application": application,
        "item": application.item,
        "rows": rows,
        "has_personal": any(row["is_personal"] and row["value"] for row in rows),
        "materials": list(application.materials.all()),
        "case": case,
    }
