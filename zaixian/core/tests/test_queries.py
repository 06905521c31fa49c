import pytest
from django.contrib.auth.models import AnonymousUser

from zaixian.core import actions, queries
from zaixian.core.roles import Role
from zaixian.core.tests.factories import UserFactory


@pytest.fixture
def tree(db):
    city = actions.create_department(parent=None, name="市政府", code="JC", kind="government")
    county = actions.create_department(parent=city, name="泽州县政府", code="ZZ", kind="government")
    county_bureau = actions.create_department(
        parent=county, name="泽州县农业局", code="ZZNY", kind="bureau"
    )
    bureau = actions.create_department(parent=city, name="市农业局", code="NY", kind="bureau")
    departments = {"city": city, "county": county, "county_bureau": county_bureau, "bureau": bureau}
    for department in departments.values():
        department.refresh_from_db()  # sorted inserts renumbered sibling paths
    return departments


def make_user(department, *roles):
    user = UserFactory()
    actions.assign_user(user=user, department=department, roles=roles)
    return user


def codes(queryset):
    return set(queryset.values_list("code", flat=True))


def test_user_has_role(tree):
    editor = make_user(tree["bureau"], Role.EDITOR)

    assert queries.user_has_role(editor, Role.EDITOR) is True
    assert queries.user_has_role(editor, Role.REVIEWER) is False


def test_user_has_role_denied_for_anonymous_and_inactive(tree):
    inactive = make_user(tree["bureau"], Role.EDITOR)
    inactive.is_active = False

    assert queries.user_has_role(AnonymousUser(), Role.EDITOR) is False
    assert queries.user_has_role(inactive, Role.EDITOR) is False


def test_superuser_holds_every_role(db):
    assert queries.user_has_role(UserFactory(superuser=True), Role.PLATFORM_ADMIN) is True


def test_platform_admin_sees_all_departments(tree):
    admin = make_user(tree["bureau"], Role.PLATFORM_ADMIN)

    assert codes(queries.departments_visible_to(admin)) == {"JC", "ZZ", "ZZNY", "NY"}


def test_leader_of_municipal_government_sees_all(tree):
    leader = make_user(tree["city"], Role.LEADER)

    assert codes(queries.departments_visible_to(leader)) == {"JC", "ZZ", "ZZNY", "NY"}


def test_county_leader_sees_only_the_county(tree):
    county_leader = make_user(tree["county"], Role.LEADER)

    assert codes(queries.departments_visible_to(county_leader)) == {"ZZ", "ZZNY"}


def test_bureau_editor_sees_own_department_only(tree):
    editor = make_user(tree["bureau"], Role.EDITOR)

    assert codes(queries.departments_visible_to(editor)) == {"NY"}


def test_user_without_department_or_anonymous_sees_none(tree):
    assert not queries.departments_visible_to(UserFactory()).exists()
    assert not queries.departments_visible_to(AnonymousUser()).exists()


def test_users_with_role_filters_by_department(tree):
    operator = make_user(tree["bureau"], Role.HOTLINE_OPERATOR)
    make_user(tree["county"], Role.HOTLINE_OPERATOR)

    assert queries.users_with_role(Role.HOTLINE_OPERATOR).count() == 2
    assert list(queries.users_with_role(Role.HOTLINE_OPERATOR, department=tree["bureau"])) == [
        operator
    ]


def test_department_tree_is_in_tree_order(tree):
    codes_in_order = list(queries.department_tree().values_list("code", flat=True))

    assert codes_in_order == ["JC", "NY", "ZZ", "ZZNY"]
