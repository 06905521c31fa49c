import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from wagtail.models import GroupCollectionPermission, ModelLogEntry

from zaixian.core import actions, audit
from zaixian.core.models import Department
from zaixian.core.roles import GROUP_NAMES, Role
from zaixian.core.tests.factories import DepartmentFactory, UserFactory


@pytest.fixture
def city(db):
    return actions.create_department(
        parent=None, name="晋城市人民政府", code="JC", kind=Department.Kind.GOVERNMENT
    )


def test_create_department_under_parent(city):
    bureau = actions.create_department(
        parent=city, name="晋城市农业农村局", code="JCNY", kind="bureau", short_name="农业局"
    )

    city.refresh_from_db()
    assert bureau.get_parent() == city
    assert bureau.short_name == "农业局"
    assert city.get_children().get() == bureau


@pytest.mark.parametrize("code", ["jc-1", "X", ""])
def test_create_department_rejects_bad_code(city, code):
    with pytest.raises(ValidationError):
        actions.create_department(parent=city, name="错误", code=code, kind="bureau")


def test_create_department_rejects_duplicate_code(city):
    with pytest.raises(ValidationError):
        actions.create_department(parent=city, name="重复", code="JC", kind="bureau")


def test_move_department_moves_subtree(city):
    county = actions.create_department(parent=city, name="泽州县", code="ZZ", kind="county")
    bureau = actions.create_department(parent=city, name="农业局", code="NY", kind="bureau")
    office = actions.create_department(parent=bureau, name="农技站", code="NYJ", kind="office")

    actions.move_department(department=bureau, parent=county)

    office.refresh_from_db()
    county.refresh_from_db()
    assert office.is_descendant_of(county)


def test_move_department_refuses_own_descendant(city):
    bureau = actions.create_department(parent=city, name="农业局", code="NY", kind="bureau")

    with pytest.raises(ValueError, match="itself"):
        actions.move_department(department=city, parent=bureau)


def test_role_groups_exist_after_migrations(db):
    names = set(Group.objects.values_list("name", flat=True))

    assert set(GROUP_NAMES.values()) <= names


def test_ensure_role_groups_is_idempotent(db):
    first = actions.ensure_role_groups()
    count = Group.objects.count()

    second = actions.ensure_role_groups()

    assert first == second
    assert Group.objects.count() == count
    assert second[Role.HOTLINE_OPERATOR].name == "话务员"


def test_role_group_permissions(db):
    groups = actions.ensure_role_groups()

    def codenames(role):
        return set(groups[role].permissions.values_list("codename", flat=True))

    assert "access_admin" in codenames(Role.EDITOR)
    assert "change_user" not in codenames(Role.EDITOR)
    assert {"change_user", "add_department", "change_holidayschedule", "view_audit_log"} <= (
        codenames(Role.PLATFORM_ADMIN)
    )
    assert "change_sitefootersettings" in codenames(Role.SITE_ADMIN)
    assert "change_sitefootersettings" not in codenames(Role.EDITOR)
    assert GroupCollectionPermission.objects.filter(
        group=groups[Role.EDITOR], permission__codename="add_image"
    ).exists()


def test_assign_user_sets_department_and_exact_roles(city):
    user = UserFactory()
    site_group = Group.objects.create(name="太行农网编辑")
    user.groups.add(site_group)
    actions.assign_user(user=user, department=city, roles=[Role.EDITOR, Role.REVIEWER])

    actions.assign_user(user=user, department=city, roles=[Role.LEADER])

    user.refresh_from_db()
    assert user.department == city
    assert set(user.groups.values_list("name", flat=True)) == {"领导", "太行农网编辑"}


def test_assign_user_is_recorded_in_audit_log(city):
    admin = UserFactory(superuser=True)
    user = UserFactory()

    actions.assign_user(user=user, department=city, roles=[Role.EDITOR], assigned_by=admin)

    entry = ModelLogEntry.objects.get(action=audit.ASSIGN_ROLES)
    assert entry.user_id == admin.pk
    assert entry.object_id == str(user.pk)
    assert entry.data == {"department": "JC", "roles": ["editor"]}


def test_department_factory_builds_tree(db):
    root = DepartmentFactory()
    child = DepartmentFactory(parent=root)

    assert child.get_parent() == root
