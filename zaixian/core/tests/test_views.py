import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from zaixian.core import actions, audit
from zaixian.core.models import Department, User
from zaixian.core.roles import Role
from zaixian.core.tests.factories import UserFactory


@pytest.fixture
def city(db):
    return actions.create_department(
        parent=None, name="晋城市人民政府", code="JC", kind="government"
    )


def user_with(role, department):
    user = UserFactory()
    actions.assign_user(user=user, department=department, roles=[role])
    return user


@pytest.fixture
def platform_admin(city):
    return user_with(Role.PLATFORM_ADMIN, city)


@pytest.fixture
def editor(city):
    return user_with(Role.EDITOR, city)


def test_platform_admin_creates_department_and_ip_is_logged(client, platform_admin, city):
    client.force_login(platform_admin)

    response = client.post(
        reverse("core_department:add"),
        {
            "parent": city.pk,
            "name": "晋城市农业农村局",
            "short_name": "农业局",
            "code": "JCNY",
            "kind": "bureau",
            "is_active": "on",
        },
        REMOTE_ADDR="192.0.2.10",
    )

    assert response.status_code == 302
    bureau = Department.objects.get(code="JCNY")
    assert bureau.get_parent() == city
    entry = ModelLogEntry.objects.get(action="wagtail.create", object_id=str(bureau.pk))
    assert entry.user_id == platform_admin.pk
    assert entry.data["ip"] == "192.0.2.10"


def test_department_form_rejects_bad_code_with_chinese_message(client, platform_admin, city):
    client.force_login(platform_admin)

    response = client.post(
        reverse("core_department:add"),
        {"parent": city.pk, "name": "坏", "code": "bad code", "kind": "bureau"},
    )

    assert response.status_code == 200
    assert "大写字母或数字" in response.content.decode()
    assert not Department.objects.filter(name="坏").exists()


def test_department_listing_in_chinese(client, platform_admin, city, django_assert_max_num_queries):
    client.force_login(platform_admin)

    with django_assert_max_num_queries(40):
        response = client.get(reverse("core_department:index"))

    assert response.status_code == 200
    assert "晋城市人民政府" in response.content.decode()
    assert "部门" in response.content.decode()


def test_editor_cannot_manage_departments(client, editor):
    client.force_login(editor)

    response = client.get(reverse("core_department:add"))

    assert response.status_code in (302, 403)
    assert not Department.objects.filter(code="X1").exists()


def test_holiday_schedule_admin_for_platform_admin_only(client, platform_admin, editor):
    client.force_login(platform_admin)
    assert client.get(reverse("core_holidayschedule:index")).status_code == 200

    client.force_login(editor)
    assert client.get(reverse("core_holidayschedule:index")).status_code in (302, 403)


def test_user_admin_edits_department_phone_and_job_title(client, platform_admin, city):
    target = UserFactory(username="wangwu", email="wangwu@example.com")
    client.force_login(platform_admin)
    url = reverse("wagtailusers_users:edit", args=[target.pk])

    page = client.get(url).content.decode()
    response = client.post(
        url,
        {
            "username": "wangwu",
            "email": "wangwu@example.com",
            "first_name": "五",
            "last_name": "王",
            "department": city.pk,
            "phone": "13812345678",
            "job_title": "科员",
            "is_active": "on",
        },
    )

    assert 'name="department"' in page
    assert 'name="phone"' in page
    assert 'name="job_title"' in page
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.department, target.phone, target.job_title) == (city, "13812345678", "科员")


def test_user_admin_rejects_bad_phone(client, platform_admin):
    target = UserFactory(username="zhaoliu")
    client.force_login(platform_admin)

    response = client.post(
        reverse("wagtailusers_users:edit", args=[target.pk]),
        {
            "username": "zhaoliu",
            "email": "",
            "first_name": "",
            "last_name": "",
            "phone": "12345",
            "is_active": "on",
        },
    )

    assert response.status_code == 200
    assert User.objects.get(pk=target.pk).phone == ""


def test_platform_admin_sees_audit_log_with_ip(client, platform_admin, city):
    citizen = UserFactory()
    entry = audit.record_personal_data_view(instance=citizen, user=platform_admin, fields=["phone"])
    ModelLogEntry.objects.filter(pk=entry.pk).update(
        data={"fields": ["phone"], "ip": "198.51.100.8"}
    )
    client.force_login(platform_admin)

    response = client.get(reverse("zaixian_audit_log"))

    body = response.content.decode()
    assert response.status_code == 200
    assert "198.51.100.8" in body
    assert "查看个人信息" in body


def test_audit_log_filters_by_ip(client, platform_admin, city):
    first = audit.record(instance=city, action=audit.EXPORT, user=platform_admin)
    audit.record(instance=city, action=audit.EXPORT, user=platform_admin)
    ModelLogEntry.objects.filter(pk=first.pk).update(data={"ip": "198.51.100.9"})
    client.force_login(platform_admin)

    response = client.get(reverse("zaixian_audit_log_results"), {"ip": "198.51.100.9"})

    assert response.status_code == 200
    assert len(response.context["object_list"]) == 1


def test_platform_admin_exports_audit_log_csv_with_ip(client, platform_admin, city):
    entry = audit.record(instance=city, action=audit.EXPORT, user=platform_admin)
    ModelLogEntry.objects.filter(pk=entry.pk).update(data={"ip": "198.51.100.7"})
    client.force_login(platform_admin)

    response = client.get(reverse("zaixian_audit_log"), {"export": "csv"})

    content = b"".join(response.streaming_content).decode("utf-8")
    assert response.status_code == 200
    assert "198.51.100.7" in content
    assert "晋城市人民政府" in content


def test_platform_admin_exports_audit_log_xlsx(client, platform_admin, city):
    audit.record(instance=city, action=audit.EXPORT, user=platform_admin)
    client.force_login(platform_admin)

    response = client.get(reverse("zaixian_audit_log"), {"export": "xlsx"})

    assert response.status_code == 200
    assert "spreadsheetml" in response["Content-Type"]


def test_editor_cannot_see_or_export_audit_log(client, editor, city):
    audit.record(instance=city, action=audit.EXPORT, user=editor)
    client.force_login(editor)

    listing = client.get(reverse("zaixian_audit_log"))
    export = client.get(reverse("zaixian_audit_log"), {"export": "csv"})

    assert listing.status_code in (302, 403)
    assert export.status_code in (302, 403)
    assert "晋城市人民政府" not in listing.content.decode()


def test_anonymous_is_sent_to_login_for_audit_log(client, db):
    response = client.get(reverse("zaixian_audit_log"))

    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


def test_opening_a_users_form_with_a_phone_is_audited(client, platform_admin):
    target = UserFactory(username="zhaoliu", phone="13912345678")
    client.force_login(platform_admin)

    response = client.get(
        reverse("wagtailusers_users:edit", args=[target.pk]), REMOTE_ADDR="10.1.2.3"
    )

    assert response.status_code == 200
    entry = ModelLogEntry.objects.get(action=audit.VIEW_PERSONAL_DATA, object_id=str(target.pk))
    assert entry.user_id == platform_admin.pk
    assert entry.data["fields"] == ["phone"]
    assert entry.data["ip"] == "10.1.2.3"


def test_opening_a_users_form_without_personal_data_is_not_audited(client, platform_admin):
    target = UserFactory(username="sunqi", phone="")
    client.force_login(platform_admin)

    client.get(reverse("wagtailusers_users:edit", args=[target.pk]))

    assert not ModelLogEntry.objects.filter(action=audit.VIEW_PERSONAL_DATA).exists()
