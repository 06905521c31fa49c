"""Permission-aware reads of the shared services."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from zaixian.core.models import Department, User
from zaixian.core.roles import GROUP_NAMES, Role


def user_has_role(user: Any, role: Role) -> bool:
    """True when ``user`` is in the role's group. A superuser holds every role, as it holds
    every permission; anonymous and inactive users hold none."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return GROUP_NAMES[Role(role)] in role_group_names(user)


_GROUP_NAMES_ATTR = "_zaixian_group_names"


def role_group_names(user: Any) -> frozenset[str]:
    """The names of ``user``'s groups, read once per user object (a request's user): the
    admin menu asks about roles for every item it draws."""
    names = getattr(user, _GROUP_NAMES_ATTR, None)
    if names is None:
        names = frozenset(user.groups.values_list("name", flat=True))
        setattr(user, _GROUP_NAMES_ATTR, names)
    return names


def forget_role_group_names(user: Any) -> None:
    """Drop the names read by ``role_group_names`` (after the user's groups change)."""
    if hasattr(user, _GROUP_NAMES_ATTR):
        delattr(user, _GROUP_NAMES_ATTR)


def users_with_role(role: Role, *, department: Department | None = None) -> QuerySet[User]:
    """Active users in the role's group, optionally only those of ``department``."""
    users = User.objects.filter(is_active=True, groups__name=GROUP_NAMES[Role(role)])
    if department is not None:
        users = users.filter(department=department)
    return users.distinct()


def is_municipal_government(department: Department | None) -> bool:
    """The city government is the root of the department tree."""
    return (
        department is not None
        and department.depth == 1
        and department.kind == Department.Kind.GOVERNMENT
    )


def departments_visible_to(user: Any) -> QuerySet[Department]:
    """The departments whose records ``user`` may see: all of them for a platform
    administrator or a leader of the municipal government; otherwise the user's own
    department and the departments under it; none for a user without a department."""
    if user is None or not user.is_authenticated or not user.is_active:
        return Department.objects.none()
    if user_has_role(user, Role.PLATFORM_ADMIN):
        return Department.objects.all()
    department = user.department
    if department is None:
        return Department.objects.none()
    if is_municipal_government(department) and user_has_role(user, Role.LEADER):
        return Department.objects.all()
    return Department.objects.filter(path__startswith=department.path)


def department_tree() -> QuerySet[Department]:
    """Every department in tree order (parents before children)."""
    return Department.objects.order_by("path")
