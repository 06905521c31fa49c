"""The audit log of every module: Wagtail's log (``ModelLogEntry``/``PageLogEntry``).

Who did what and when comes from Wagtail; the client address is added to every entry by
``signal_handlers.add_client_ip_to_log_entry``. Our own actions are registered with
``register_log_actions`` in ``wagtail_hooks`` (labels below), so they show with Chinese labels
in the admin's audit log report and its CSV/XLSX export.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Model
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log
from wagtail.models import BaseLogEntry

from zaixian.core.middleware import current_request

VIEW_PERSONAL_DATA = "zaixian.view_personal_data"
EXPORT = "zaixian.export"
ASSIGN_ROLES = "zaixian.assign_roles"

# action → (label in the filter, message in the history listing)
LOG_ACTIONS: dict[str, tuple[Any, Any]] = {
    VIEW_PERSONAL_DATA: (_("View personal data"), _("Viewed personal data")),
    EXPORT: (_("Export"), _("Exported")),
    ASSIGN_ROLES: (_("Assign department and roles"), _("Assigned department and roles")),
}


class UnknownLogActionError(ValueError):
    """An action that nobody registered would show as a raw code in the admin."""


def _request_user() -> Any:
    info = current_request.get()
    if info is None or info.user_id is None:
        return None
    return get_user_model().objects.filter(pk=info.user_id).first()


def record(
    *,
    instance: Model,
    action: str,
    user: Any = None,
    data: dict[str, Any] | None = None,
) -> BaseLogEntry | None:
    """Write one audit entry for ``instance``. ``user`` defaults to Wagtail's log context and
    then to the user of the current request, so a view need not pass it explicitly."""
    from wagtail.log_actions import registry

    if not registry.action_exists(action):
        raise UnknownLogActionError(action)
    if user is None:
        user = _request_user()
    return log(instance=instance, action=action, user=user, data=dict(data or {}))


def record_personal_data_view(
    *, instance: Model, user: Any, fields: Iterable[str]
) -> BaseLogEntry | None:
    """Record that ``user`` saw the unmasked personal data in ``fields`` of ``instance``
    (the personal information protection law, art. 51, asks for this trail)."""
    return record(
        instance=instance,
        action=VIEW_PERSONAL_DATA,
        user=user,
        data={"fields": sorted(fields)},
    )
