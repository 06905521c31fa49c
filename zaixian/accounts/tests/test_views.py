import re
from datetime import timedelta

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from zaixian.accounts.models import PublicProfile
from zaixian.accounts.tests.factories import PublicUserFactory, credit_code, resident_id
from zaixian.cases.tests.factories import CaseFactory
from zaixian.core.models import Notification
from zaixian.core.notifications import SMSBackend, notify

pytestmark = pytest.mark.django_db

PASSWORD = "Qingshui-2026"
# Queries of the portal's base layout for a logged-in visitor once the site, its menu and its
# footer are cached (a first request warms them): the Wagtail user bar's permission checks.
LAYOUT_QUERIES = 2


def citizen_form(**overrides):
    data = {
        "real_name": "张三",
        "resident_id": resident_id(11),
        "mobile_phone": "13800138000",
        "email": "zhang@example.cn",
        "username": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "verify_by": "phone",
    }
    data.update(overrides)
    return data


def organisation_form(**overrides):
    data = {
        "organisation_name": "晋城市测试有限公司",
        "credit_code": credit_code(3),
        "legal_representative": "李四",
        "mobile_phone": "13800138001",
        "email": "office@example.cn",
        "password1": PASSWORD,
        "password2": PASSWORD,
        "verify_by": "email",
    }
    data.update(overrides)
    return data


def register(client, kind="citizen", **overrides):
    data = citizen_form(**overrides) if kind == "citizen" else organisation_form(**overrides)
    return client.post(reverse("accounts:register_kind", args=[kind]), data)


def sent_code(sms_outbox):
    return re.search(r"\d{6}", sms_outbox[-1].text).group(0)


# --- Registration ------------------------------------------------------------------------


def test_register_pages_render_with_csrf_and_labels(client):
    choice = client.get(reverse("accounts:register"))
    citizen = client.get(reverse("accounts:register_kind", args=["citizen"]))
    organisation = client.get(reverse("accounts:register_kind", args=["organisation"]))

    assert choice.status_code == citizen.status_code == organisation.status_code == 200
    page = citizen.content.decode()
    assert "csrfmiddlewaretoken" in page
    assert '<label for="id_resident_id">' in page
    assert 'aria-describedby="id_resident_id_helptext"' in page
    assert "统一社会信用代码" in organisation.content.decode()


def test_unknown_account_kind_is_404(client):
    assert client.get("/accounts/register/robot/").status_code == 404


def test_citizen_registers_and_verifies_by_phone(client, sms_outbox):
    response = register(client)

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:verify")
    assert sms_outbox[-1].phone == "13800138000"
    assert "验证码" in sms_outbox[-1].text
    verify_page = client.get(reverse("accounts:verify"))
    assert "138****8000" in verify_page.content.decode()

    response = client.post(reverse("accounts:verify_phone"), {"code": sent_code(sms_outbox)})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    user = get_user_model().objects.get(public_profile__mobile_phone="13800138000")
    assert user.is_active
    assert client.get(reverse("accounts:home")).status_code == 200


def test_organisation_registers_and_verifies_by_email_link(client):
    response = register(client, kind="organisation")

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["office@example.cn"]
    assert "确认" in mail.outbox[0].subject
    page = client.get(reverse("accounts:verify")).content.decode()
    assert "of****@example.cn" in page
    path = re.search(r"http://testserver(/accounts/verify/email/\S+/)", mail.outbox[0].body)

    response = client.get(path.group(1))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    login = client.post(
        reverse("accounts:login"), {"username": "office@example.cn", "password": PASSWORD}
    )
    assert login.status_code == 302
    assert login["Location"] == reverse("accounts:home")


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("resident_id", "140502198001010011", "身份证号码"),
        ("mobile_phone", "12345678901", "手机号码"),
        ("password2", "Something-else-1", "两次输入的密码不一致"),
        ("password1", "12345678", "密码只包含数字"),
        ("password1", "Ab1", "密码长度太短"),
    ],
)
def test_invalid_citizen_input_shows_the_form_again_with_chinese_messages(
    client, field, value, message
):
    data = {field: value}
    if field == "password1":
        data["password2"] = value

    response = register(client, **data)

    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert f'aria-describedby="id_{field}' in page
    assert 'aria-invalid="true"' in page
    assert f'id="id_{field}_error"' in page
    assert not PublicProfile.objects.exists()


def test_invalid_credit_code_is_refused_with_message(client):
    response = register(client, kind="organisation", credit_code="91350100M000100Y44")

    assert response.status_code == 400
    assert "统一社会信用代码" in response.content.decode()
    assert 'id="id_credit_code_error"' in response.content.decode()


def test_duplicate_resident_id_is_refused_with_message(client):
    PublicUserFactory(citizen=True, profile__resident_id=resident_id(11))

    response = register(client)

    assert response.status_code == 400
    assert "该身份证号码已注册" in response.content.decode()
    assert PublicProfile.objects.count() == 1


def test_email_verification_needs_an_address(client):
    response = register(client, email="", verify_by="email")

    assert response.status_code == 400
    assert 'id="id_email_error"' in response.content.decode()


def test_registration_is_rate_limited_per_address(client):
    statuses = [register(client, mobile_phone="1380013800x").status_code for _ in range(11)]

    assert statuses[:10] == [400] * 10
    assert statuses[10] == 429


def test_rate_limited_page_has_retry_after(client):
    for _ in range(10):
        register(client, mobile_phone="bad")

    response = register(client, mobile_phone="bad")

    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert "操作过于频繁" in response.content.decode()


# --- Verification ------------------------------------------------------------------------


def test_code_brute_force_through_the_page_is_stopped(client, sms_outbox):
    register(client)
    right = sent_code(sms_outbox)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(1, 6)]

    pages = [client.post(reverse("accounts:verify_phone"), {"code": code}) for code in wrong]
    last = client.post(reverse("accounts:verify_phone"), {"code": right})

    assert [page.status_code for page in pages] == [400] * 5
    assert "还可尝试1次" in pages[3].content.decode()
    assert "请重新获取验证码" in last.content.decode()
    assert not get_user_model().objects.get(username__startswith="u").is_active


def test_sending_codes_is_limited_per_phone(client, sms_outbox):
    register(client)  # the first code
    for _ in range(4):
        client.post(reverse("accounts:verify_resend"), {"channel": "phone"})

    response = client.post(reverse("accounts:verify_resend"), {"channel": "phone"})

    assert response.status_code == 429
    assert len(sms_outbox) == 5


def test_tampered_email_link_is_refused(client):
    register(client, kind="organisation")
    path = re.search(r"http://testserver(/accounts/verify/email/\S+/)", mail.outbox[0].body)
    tampered = path.group(1)[:-3] + "xx/"

    response = client.get(tampered)

    assert response.status_code == 400
    assert "链接无效" in response.content.decode()
    assert not get_user_model().objects.get(email="office@example.cn").is_active


def test_expired_email_link_is_refused(client):
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        register(client, kind="organisation")
    path = re.search(r"http://testserver(/accounts/verify/email/\S+/)", mail.outbox[0].body)

    response = client.get(path.group(1))

    assert response.status_code == 400
    assert "链接已过期" in response.content.decode()


def test_verify_page_without_pending_account_sends_to_login(client):
    response = client.get(reverse("accounts:verify"))

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")


# --- Login, logout, password -------------------------------------------------------------


@pytest.mark.parametrize("login_name", ["13900000001", "Citizen@Example.cn", "citizen1"])
def test_login_with_phone_email_or_username(client, login_name):
    PublicUserFactory(username="citizen1", phone="13900000001", email="citizen@example.cn")

    response = client.post(
        reverse("accounts:login"), {"username": login_name, "password": "password"}
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")


def test_wrong_password_is_refused(client):
    PublicUserFactory(phone="13900000001")

    response = client.post(
        reverse("accounts:login"), {"username": "13900000001", "password": "wrong"}
    )

    assert response.status_code == 400
    assert "登录名或密码不正确" in response.content.decode()


def test_unverified_account_cannot_log_in_and_is_sent_to_verify(client, sms_outbox):
    PublicUserFactory(phone="13900000001", verified=False)

    response = client.post(
        reverse("accounts:login"), {"username": "13900000001", "password": "password"}
    )

    assert response.status_code == 400
    page = response.content.decode()
    assert "尚未验证" in page
    assert reverse("accounts:verify") in page
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("accounts:verify")).status_code == 200


def test_unverified_account_with_wrong_password_learns_nothing(client):
    PublicUserFactory(phone="13900000001", verified=False)

    response = client.post(
        reverse("accounts:login"), {"username": "13900000001", "password": "wrong"}
    )

    assert "尚未验证" not in response.content.decode()
    assert "accounts_pending_user" not in client.session


def test_login_is_rate_limited(client):
    for _ in range(30):
        client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    response = client.post(reverse("accounts:login"), {"username": "x", "password": "y"})

    assert response.status_code == 429


def test_logout_needs_post(client):
    client.force_login(PublicUserFactory())

    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_password_reset_email_is_chinese_and_its_link_works(client):
    user = PublicUserFactory(email="reset@example.cn")

    response = client.post(reverse("accounts:password_reset"), {"email": "reset@example.cn"})

    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].subject == "重置您在晋城在线的密码"
    link = re.search(r"http://testserver(/accounts/password/reset/\S+/\S+/)", mail.outbox[0].body)
    form_page = client.get(link.group(1), follow=True)
    assert form_page.status_code == 200
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Xinmima-2027", "new_password2": "Xinmima-2027"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xinmima-2027")


def test_password_reset_for_unknown_address_sends_nothing_and_says_the_same(client):
    response = client.post(reverse("accounts:password_reset"), {"email": "nobody@example.cn"})

    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:password_reset_done")
    assert mail.outbox == []


def test_password_change(client):
    user = PublicUserFactory()
    client.force_login(user)

    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "password",
            "new_password1": "Xinmima-2027",
            "new_password2": "Xinmima-2027",
        },
    )

    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Xinmima-2027")


# --- My account --------------------------------------------------------------------------


def test_my_account_needs_login(client):
    response = client.get(reverse("accounts:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_my_account_masks_the_id_number_on_screen(client):
    user = PublicUserFactory(citizen=True)
    client.force_login(user)
    number = user.public_profile.resident_id

    page = client.get(reverse("accounts:home")).content.decode()

    assert f"{number[:6]}********{number[-4:]}" in page
    assert user.public_profile.real_name in page


def test_my_account_of_organisation_shows_its_code(client):
    user = PublicUserFactory(organisation=True)
    client.force_login(user)

    page = client.get(reverse("accounts:home")).content.decode()

    assert user.public_profile.credit_code in page
    assert user.public_profile.organisation_name in page


def test_my_account_query_count_is_pinned(client, django_assert_num_queries):
    user = PublicUserFactory()
    for n in range(8):
        notify(recipient=user, subject=f"消息{n}", body="b")
    client.force_login(user)
    client.get(reverse("accounts:home"))

    # session, user, profile, unread count, recent messages, (my cases), and the layout's
    with django_assert_num_queries(6 + LAYOUT_QUERIES):
        response = client.get(reverse("accounts:home"))

    assert response.status_code == 200


def test_messages_list_query_count_does_not_grow_with_messages(client, django_assert_num_queries):
    user = PublicUserFactory()
    client.force_login(user)
    for n in range(25):
        notify(recipient=user, subject=f"消息{n}", body="b", link="/bsfw/")
    client.get(reverse("accounts:home"))

    # session, user, count for the paginator, the page of messages, and the layout's
    with django_assert_num_queries(4 + LAYOUT_QUERIES):
        response = client.get(reverse("accounts:messages"))
    for n in range(25):
        notify(recipient=user, subject=f"更多消息{n}", body="b")
    with django_assert_num_queries(4 + LAYOUT_QUERIES):
        client.get(reverse("accounts:messages") + "?page=2")

    assert response.status_code == 200
    assert response.content.decode().count('class="unread"') == 20


def test_a_user_cannot_see_anothers_messages(client):
    owner, other = PublicUserFactory(), PublicUserFactory()
    notify(recipient=owner, subject="您的办件已受理", body="b")
    client.force_login(other)

    page = client.get(reverse("accounts:messages")).content.decode()
    home = client.get(reverse("accounts:home")).content.decode()

    assert "您的办件已受理" not in page
    assert "您的办件已受理" not in home


def test_a_user_cannot_mark_anothers_message_read_by_url(client):
    owner, other = PublicUserFactory(), PublicUserFactory()
    notify(recipient=owner, subject="s", body="b")
    message = Notification.objects.get(recipient=owner)
    client.force_login(other)

    response = client.post(reverse("accounts:message_read", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_opening_a_message_marks_it_read_and_follows_its_link(client):
    user = PublicUserFactory()
    notify(recipient=user, subject="s", body="b", link="/bsfw/track/")
    message = Notification.objects.get(recipient=user)
    client.force_login(user)

    response = client.post(reverse("accounts:message_read", args=[message.pk]), {"open": "1"})

    assert response["Location"] == "/bsfw/track/"
    message.refresh_from_db()
    assert message.read_at is not None


def test_a_message_link_to_another_site_is_not_followed(client):
    user = PublicUserFactory()
    notify(recipient=user, subject="s", body="b", link="//evil.example/")
    message = Notification.objects.get(recipient=user)
    client.force_login(user)

    response = client.post(reverse("accounts:message_read", args=[message.pk]), {"open": "1"})

    assert response["Location"] == reverse("accounts:messages")


def test_mark_all_read(client):
    user = PublicUserFactory()
    for n in range(3):
        notify(recipient=user, subject=f"s{n}", body="b")
    client.force_login(user)

    client.post(reverse("accounts:messages_read_all"))

    assert not Notification.objects.filter(recipient=user, read_at__isnull=True).exists()


def test_staff_user_without_profile_sees_a_plain_account_page(client):
    staff = get_user_model().objects.create_user("officer", password="x", is_staff=True)
    client.force_login(staff)

    response = client.get(reverse("accounts:home"))

    assert response.status_code == 200
    assert "officer" in response.content.decode()


def test_sending_codes_is_limited_per_phone_across_addresses(client, sms_outbox):
    register(client)  # the first code, from 127.0.0.1
    for n in range(4):
        client.post(
            reverse("accounts:verify_resend"), {"channel": "phone"}, REMOTE_ADDR=f"10.0.0.{n}"
        )

    response = client.post(
        reverse("accounts:verify_resend"), {"channel": "phone"}, REMOTE_ADDR="10.0.0.99"
    )

    assert response.status_code == 429
    assert len(sms_outbox) == 5


class BrokenGateway(SMSBackend):
    def send(self, *, phone, text):
        raise ConnectionError("gateway down")


def test_failing_sms_gateway_gives_a_message_not_an_error(client, settings, sms_outbox):
    settings.ZAIXIAN_SMS_BACKEND = "zaixian.accounts.tests.test_views.BrokenGateway"

    response = register(client)
    page = client.get(response["Location"])

    assert response.status_code == 302
    assert "短信发送失败" in page.content.decode()
    assert sms_outbox == []


def test_my_cases_lists_only_my_own_cases(client):
    user, other = PublicUserFactory(), PublicUserFactory()
    mine = CaseFactory(applicant=user, title="营业执照设立登记")
    theirs = CaseFactory(applicant=other, title="别人的建设工程规划许可")
    client.force_login(user)

    page = client.get(reverse("accounts:home")).content.decode()

    assert mine.tracking_number in page
    assert "营业执照设立登记" in page
    assert mine.get_absolute_url() in page
    assert theirs.tracking_number not in page
    assert "别人的建设工程规划许可" not in page


def test_my_cases_query_count_does_not_grow_with_cases(client, django_assert_max_num_queries):
    user = PublicUserFactory()
    CaseFactory(applicant=user)
    client.force_login(user)
    client.get(reverse("accounts:home"))
    with django_assert_max_num_queries(50) as one_case:
        client.get(reverse("accounts:home"))
    CaseFactory.create_batch(5, applicant=user)

    with django_assert_max_num_queries(50) as six_cases:
        client.get(reverse("accounts:home"))

    assert len(six_cases.captured_queries) == len(one_case.captured_queries)
