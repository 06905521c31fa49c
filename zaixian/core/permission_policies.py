"""The admin's permission policy for models that some roles manage without Django's model
permissions, each on the rows of their own departments (service items, the hotline's
knowledge base and reference data, …): one policy, each module saying who and which rows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Model, QuerySet
from wagtail.permission_policies.base import ModelPermissionPolicy

MANAGED_ACTIONS = frozenset({"add", "change", "delete", "view"})


class ManagedModelPermissionPolicy(ModelPermissionPolicy):
    """Django's model permissions, and besides them: a user for whom ``manages`` holds may
    add, change, delete and view without one; where ``scope`` gives a queryset, an existing
    row is allowed only if it is one of them (a URL typed by hand is refused like a hidden
    button)."""

    def manages(self, user: Any) -> bool:
        return False

    def scope(self, user: Any) -> QuerySet[Any] | None:
        """The rows ``user`` may act on; None: every row."""
        return None

    def user_has_permission(self, user: Any, action: str) -> bool:
        if action in MANAGED_ACTIONS and self.manages(user):
            return True
        return bool(super().user_has_permission(user, action))

    def user_has_any_permission(self, user: Any, actions: Iterable[str]) -> bool:
        return any(self.user_has_permission(user, action) for action in actions)

    def user_has_permission_for_instance(self, user: Any, action: str, instance: Model) -> bool:
        if not self.user_has_permission(user, action):
            return False
        rows = self.scope(user)
        return rows is None or rows.filter(pk=instance.pk).exists()

    def user_has_any_permission_for_instance(
        self, user: Any, actions: Iterable[str], instance: Model
    ) -> bool:
        return any(self.user_has_permission_for_instance(user, a, instance) for a in actions)

    def instances_user_has_any_permission_for(
        self, user: Any, actions: Iterable[str]
    ) -> QuerySet[Any]:
        if not self.user_has_any_permission(user, actions):
            return self.model._default_manager.none()
        rows = self.scope(user)
        return self.model._default_manager.all() if rows is None else rows

    def instances_user_has_permission_for(self, user: Any, action: str) -> QuerySet[Any]:
        return self.instances_user_has_any_permission_for(user, [action])
