"""Every write of the shared services: departments, role groups and user assignment."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps as global_apps
from django.apps.registry import Apps
from django.contrib.auth.models import Group
from django.db import transaction

from zaixian.core import audit, queries
from zaixian.core.models import Department, User
from zaixian.core.roles import GROUP_NAMES, ROLE_PERMISSIONS, Role

# Wagtail checks image and document permissions per collection, not as model permissions.
COLLECTION_APPS = frozenset({"wagtailimages", "wagtaildocs"})


@transaction.atomic
def create_department(
    *,
    parent: Department | None,
    name: str,
    code: str,
    kind: str,
    short_name: str = "",
) -> Department:
    """Add a department under ``parent`` (a new root when None), after validating its fields
    (``ValidationError`` on a bad or duplicate code)."""
    department = Department(name=name, code=code, kind=kind, short_name=short_name)
    department.full_clean(exclude=["path", "depth", "numchild"])
    if parent is None:
        return Department.add_root(instance=department)
    # Sorted inserts renumber siblings' paths, so a parent held since then may be stale.
    return Department.objects.get(pk=parent.pk).add_child(instance=department)


@transaction.atomic
def move_department(*, department: Department, parent: Department | None) -> Department:
    """Put ``department`` (with its subtree) under ``parent``, or make it a root."""
    department = Department.objects.get(pk=department.pk)  # fresh paths, see create_department
    parent = Department.objects.get(pk=parent.pk) if parent is not None else None
    if parent is not None and (parent.pk == department.pk or parent.is_descendant_of(department)):
        raise ValueError("A department cannot be moved under itself.")
    current = department.get_parent()
    if (current.pk if current else None) == (parent.pk if parent else None):
        return department
    if parent is None:
        department.move(Department.get_first_root_node(), "sorted-sibling")
    else:
        department.move(parent, "sorted-child")
    return Department.objects.get(pk=department.pk)


def _sync_role_groups(registry: Apps) -> dict[Role, Any]:
    """Create the role groups and grant ROLE_PERMISSIONS, with the models of ``registry`` (the
    project's apps, or a migration's historical apps). Additive: permissions an administrator
    granted by hand stay."""
    group_model = registry.get_model("auth", "Group")
    permission_model = registry.get_model("auth", "Permission")
    try:
        collection_model = registry.get_model("wagtailcore", "Collection")
        collection_permission_model = registry.get_model("wagtailcore", "GroupCollectionPermission")
        root_collection = collection_model.objects.filter(depth=1).first()
    except LookupError:
        root_collection = None

    groups: dict[Role, Any] = {}
    for role in Role:
        group, _created = group_model.objects.get_or_create(name=GROUP_NAMES[role])
        groups[role] = group
        model_permissions = []
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".", 1)
            permission = permission_model.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:  # app not installed or model not built yet
                continue
            if app_label in COLLECTION_APPS:
                if root_collection is not None:
                    collection_permission_model.objects.get_or_create(
                        group=group, collection=root_collection, permission=permission
                    )
            else:
                model_permissions.append(permission)
        group.permissions.add(*model_permissions)
    return groups


@transaction.atomic
def ensure_role_groups() -> dict[Role, Group]:
    """One group per role, named with its Chinese label, holding the permissions the role
    needs now. Idempotent: run by a data migration and after every ``migrate``."""
    return _sync_role_groups(global_apps)


def _existing_role_groups() -> dict[Role, Group] | None:
    """The role groups when all exist (one query), else None: assigning users in bulk must
    not re-sync every group's permissions each time."""
    by_name = {group.name: group for group in Group.objects.filter(name__in=GROUP_NAMES.values())}
    if len(by_name) < len(GROUP_NAMES):
        return None
    return {role: by_name[GROUP_NAMES[role]] for role in Role}


@transaction.atomic
def assign_user(
    *,
    user: User,
    department: Department | None,
    roles: Iterable[Role],
    assigned_by: User | None = None,
) -> User:
    """Put ``user`` in ``department`` with exactly ``roles`` (other role groups are removed;
    per-site groups are left alone) and record it in the audit log."""
    role_set = {Role(role) for role in roles}
    groups = _existing_role_groups() or ensure_role_groups()
    user.department = department
    user.save(update_fields=["department"])
    user.groups.remove(*[groups[role] for role in Role if role not in role_set])
    user.groups.add(*[groups[role] for role in role_set])
    queries.forget_role_group_names(user)
    audit.record(
        instance=user,
        action=audit.ASSIGN_ROLES,
        user=assigned_by,
        data={
            "department": department.code if department else None,
            "roles": sorted(role.value for role in role_set),
        },
    )
    return user
