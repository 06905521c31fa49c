"""``{% request_panel %}``: the disclosure request behind a case on the officers' case desk,
identity masked (the unmasked view is a separate, audited page), and the fee notice form."""

from __future__ import annotations

from typing import Any

from django import template

from zaixian.cases import actions as case_actions
from zaixian.disclosure import actions, queries
from zaixian.disclosure.forms import FeeNoticeForm

register = template.Library()


@register.inclusion_tag("disclosure/admin/includes/request_detail.html", takes_context=True)
def request_panel(context: template.Context) -> dict[str, Any]:
    case = context["case"]
    disclosure_request = queries.request_of_case(case=case)
    if disclosure_request is None:
        return {"disclosure_request": None}
    user = context["request"].user
    may_send = case.state == "received" and case_actions.may_perform(
        case=case, transition=case.type.transition("issue_fee_notice"), actor=user
    )
    return {
        "case": case,
        "disclosure_request": disclosure_request,
        "monthly_number": actions.monthly_request_number(request=disclosure_request),
        "fee_form": FeeNoticeForm(initial={"version": case.version}) if may_send else None,
    }
