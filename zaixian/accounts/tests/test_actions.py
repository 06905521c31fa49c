import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail, signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError
from django.utils import timezone

from zaixian.accounts import actions
from zaixian.accounts.models import PublicProfile
from zaixian.accounts.rules import PHONE_CODE_MAX_ATTEMPTS
from zaixian.accounts.tests.factories import PublicUserFactory, credit_code, resident_id
from zaixian.core.models import Notification
from zaixian.core.notifications import notify

pytestmark = pytest.mark.django_db

BASE = "http://testserver/"


def register_citizen(**overrides):
    fields = {
        "kind": PublicProfile.Kind.CITIZEN,
        "password": "Qingshui-2026",
        "mobile_phone": "13800138000",
        "email": "zhang@example.cn",
        "real_name": "张三",
        "resident_id": resident_id(7),
    }
    fields.update(overrides)
    return actions.register_public_user(**fields)


def code_from(sms_outbox):
    return re.search(r"\d{6}", sms_outbox[-1].text).group(0)


def test_registered_citizen_is_inactive_public_user_until_verified():
    user = register_citizen(resident_id=resident_id(7).lower())

    profile = user.public_profile
    assert not user.is_active
    assert not user.is_staff
    assert user.department is None
    assert user.check_password("Qingshui-2026")
    assert (user.phone, user.email) == ("13800138000", "zhang@example.cn")
    assert profile.resident_id == resident_id(7)
    assert not profile.is_verified


def test_registered_organisation_keeps_only_organisation_fields():
    user = actions.register_public_user(
        kind=PublicProfile.Kind.ORGANISATION,
        password="Qingshui-2026",
        mobile_phone="13800138001",
        organisation_name="晋城市测试有限公司",
        credit_code=credit_code(1).lower(),
        legal_representative="李四",
        real_name="ignored",
        resident_id="ignored",
    )

    profile = user.public_profile
    assert profile.credit_code == credit_code(1)
    assert (profile.real_name, profile.resident_id) == ("", "")
    assert str(user) == "晋城市测试有限公司"


def test_registration_refuses_invalid_resident_id():
    with pytest.raises(ValidationError) as error:
        register_citizen(resident_id="140502198001010011")

    assert "resident_id" in error.value.message_dict


def test_registration_refuses_invalid_credit_code():
    with pytest.raises(ValidationError) as error:
        actions.register_public_user(
            kind=PublicProfile.Kind.ORGANISATION,
            password="Qingshui-2026",
            mobile_phone="13800138001",
            organisation_name="某公司",
            credit_code="91350100M000100Y44",
            legal_representative="李四",
        )

    assert "credit_code" in error.value.message_dict


def test_registration_refuses_duplicate_resident_id():
    register_citizen()

    with pytest.raises(actions.AccountExistsError):
        register_citizen(mobile_phone="13900139000", email="")


@pytest.mark.parametrize(
    "changes",
    [{"mobile_phone": "13800138000"}, {"email": "ZHANG@example.cn"}],
    ids=["phone", "email-any-case"],
)
def test_registration_refuses_duplicate_login_names(changes):
    register_citizen()
    fields = {"mobile_phone": "13900139000", "email": "", "resident_id": resident_id(8)}

    with pytest.raises(actions.AccountExistsError):
        register_citizen(**{**fields, **changes})


def test_database_refuses_a_second_citizen_with_the_same_id():
    first = PublicUserFactory(citizen=True)

    with pytest.raises(IntegrityError):
        PublicUserFactory(citizen=True, profile__resident_id=first.public_profile.resident_id)


def test_two_organisations_may_share_a_credit_code_through_different_agents():
    first = PublicUserFactory(organisation=True)

    second = PublicUserFactory(
        organisation=True, profile__credit_code=first.public_profile.credit_code
    )

    assert second.public_profile.credit_code == first.public_profile.credit_code


# --- E-mail verification -----------------------------------------------------------------


def test_email_link_verifies_and_activates():
    user = register_citizen()
    actions.send_email_verification(user=user, base_url=BASE)
    link = re.search(r"http://testserver(/accounts/verify/email/\S+/)", mail.outbox[0].body)
    token = link.group(1).split("/")[-2]

    verified = actions.verify_email(token=token)

    verified.refresh_from_db()
    assert verified.is_active
    assert verified.public_profile.email_verified_at is not None
    assert mail.outbox[0].to == ["zhang@example.cn"]


def test_tampered_email_token_is_refused():
    user = register_citizen()
    token = actions.email_verification_token(user=user)

    with pytest.raises(actions.VerificationLinkInvalidError):
        actions.verify_email(token=token[:-2] + ("AA" if not token.endswith("AA") else "BB"))

    user.refresh_from_db()
    assert not user.is_active


def test_token_signed_for_another_purpose_is_refused():
    user = register_citizen()
    token = signing.dumps({"user": user.pk, "email": "zhang@example.cn"}, salt="other")

    with pytest.raises(actions.VerificationLinkInvalidError):
        actions.verify_email(token=token)


def test_expired_email_token_is_refused(settings):
    user = register_citizen()
    with time_machine.travel(timezone.now() - timedelta(days=4)):
        token = actions.email_verification_token(user=user)

    with pytest.raises(actions.VerificationLinkExpiredError):
        actions.verify_email(token=token)


def test_email_token_is_void_after_the_address_changed():
    user = register_citizen()
    token = actions.email_verification_token(user=user)
    PublicProfile.objects.filter(user=user).update(email="new@example.cn")

    with pytest.raises(actions.VerificationLinkInvalidError):
        actions.verify_email(token=token)


# --- Phone verification ------------------------------------------------------------------


def test_phone_code_verifies_and_activates(sms_outbox):
    user = register_citizen()
    actions.send_phone_code(user=user)

    verified = actions.verify_phone_code(user=user, code=code_from(sms_outbox))

    verified.refresh_from_db()
    assert verified.is_active
    assert verified.public_profile.phone_verified_at is not None
    assert sms_outbox[-1].phone == "13800138000"


def test_phone_code_works_once(sms_outbox):
    user = register_citizen()
    actions.send_phone_code(user=user)
    code = code_from(sms_outbox)
    actions.verify_phone_code(user=user, code=code)

    with pytest.raises(actions.PhoneCodeExhaustedError):
        actions.verify_phone_code(user=user, code=code)


def test_phone_code_brute_force_is_stopped_after_five_tries(sms_outbox):
    user = register_citizen()
    actions.send_phone_code(user=user)
    right = code_from(sms_outbox)
    wrong = [f"{(int(right) + n) % 1_000_000:06d}" for n in range(1, PHONE_CODE_MAX_ATTEMPTS)]
    left = []
    for guess in wrong:
        with pytest.raises(actions.PhoneCodeInvalidError) as error:
            actions.verify_phone_code(user=user, code=guess)
        left.append(error.value.attempts_left)

    with pytest.raises(actions.PhoneCodeExhaustedError):
        actions.verify_phone_code(user=user, code=f"{(int(right) + 9) % 1_000_000:06d}")
    with pytest.raises(actions.PhoneCodeExhaustedError):
        actions.verify_phone_code(user=user, code=right)

    assert left == [4, 3, 2, 1]
    user.refresh_from_db()
    assert not user.is_active


def test_a_new_code_replaces_the_old_one(sms_outbox):
    user = register_citizen()
    actions.send_phone_code(user=user)
    old = code_from(sms_outbox)
    actions.send_phone_code(user=user)
    new = code_from(sms_outbox)

    if old != new:
        with pytest.raises(actions.PhoneCodeInvalidError):
            actions.verify_phone_code(user=user, code=old)
    actions.verify_phone_code(user=user, code=new)

    user.refresh_from_db()
    assert user.is_active


def test_phone_code_expires_after_ten_minutes(sms_outbox):
    user = register_citizen()
    with time_machine.travel(timezone.now() - timedelta(minutes=11)):
        actions.send_phone_code(user=user)

    with pytest.raises(actions.PhoneCodeExhaustedError):
        actions.verify_phone_code(user=user, code=code_from(sms_outbox))


def test_no_code_sent_means_nothing_to_check():
    user = register_citizen()

    with pytest.raises(actions.PhoneCodeExhaustedError):
        actions.verify_phone_code(user=user, code="123456")


# --- In-site messages --------------------------------------------------------------------


def test_owner_marks_message_read():
    user = PublicUserFactory()
    notify(recipient=user, subject="s", body="b")
    message = Notification.objects.get(recipient=user)

    actions.mark_notification_read(user=user, notification=message)

    message.refresh_from_db()
    assert message.read_at is not None


def test_nobody_else_may_mark_a_message_read():
    owner, other = PublicUserFactory(), PublicUserFactory()
    notify(recipient=owner, subject="s", body="b")
    message = Notification.objects.get(recipient=owner)

    with pytest.raises(PermissionDenied):
        actions.mark_notification_read(user=other, notification=message)

    message.refresh_from_db()
    assert message.read_at is None


def test_mark_all_read_touches_only_the_users_unread_messages():
    owner, other = PublicUserFactory(), PublicUserFactory()
    for n in range(3):
        notify(recipient=owner, subject=f"s{n}", body="b")
    notify(recipient=other, subject="theirs", body="b")

    count = actions.mark_all_notifications_read(user=owner)

    assert count == 3
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_registrations_with_one_resident_id_give_one_account():
    import threading

    from django.db import connection

    barrier = threading.Barrier(2)
    outcomes = []

    def attempt(n):
        try:
            barrier.wait(timeout=10)
            register_citizen(mobile_phone=f"1380013800{n}", email="", username=f"racer{n}")
            outcomes.append("created")
        except actions.AccountExistsError:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes) == ["created", "refused"]
    assert PublicProfile.objects.filter(resident_id=resident_id(7)).count() == 1
