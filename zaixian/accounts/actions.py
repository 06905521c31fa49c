"""Every write of public accounts: registration, verification and in-site messages."""

from __future__ import annotations

import hmac
import logging
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import get_random_string, salted_hmac
from django.utils.translation import gettext as _

from zaixian.accounts import queries
from zaixian.accounts.models import PublicProfile
from zaixian.accounts.rules import (
    PHONE_CODE_MAX_ATTEMPTS,
    PHONE_CODE_SECONDS,
    is_well_formed_phone_code,
    new_phone_code,
)
from zaixian.core.models import Notification
from zaixian.core.notifications import notify, send_sms
from zaixian.core.rules import mask_phone

logger = logging.getLogger(__name__)

EMAIL_TOKEN_SALT = "zaixian.accounts.verify-email"  # noqa: S105 — a signing namespace, not a secret


class AccountError(Exception):
    """A request about an account that the rules refuse; the message is for the user."""


class AccountExistsError(AccountError):
    """The resident ID number, mobile number or e-mail address has an account already."""


class VerificationLinkInvalidError(AccountError):
    """The e-mail link was altered, belongs to another address or account, or is unknown."""


class VerificationLinkExpiredError(AccountError):
    """The e-mail link is genuine but older than ACCOUNTS_EMAIL_VERIFICATION_SECONDS."""


class PhoneCodeInvalidError(AccountError):
    """The SMS code is wrong; ``attempts_left`` more tries remain for this code."""

    def __init__(self, message: str, *, attempts_left: int) -> None:
        super().__init__(message)
        self.attempts_left = attempts_left


class SMSNotSentError(AccountError):
    """The SMS gateway failed; the visitor should try again later."""


class PhoneCodeExhaustedError(AccountError):
    """No code is waiting: none was sent, it expired, or its tries are used up."""


@transaction.atomic
def register_public_user(
    *,
    kind: str,
    password: str,
    mobile_phone: str,
    email: str = "",
    username: str = "",
    real_name: str = "",
    resident_id: str = "",
    organisation_name: str = "",
    credit_code: str = "",
    legal_representative: str = "",
) -> Any:
    """Create a public account, inactive until its phone or e-mail is verified. Raises
    ``ValidationError`` for invalid fields and ``AccountExistsError`` for a duplicate. The
    password has passed Django's validators in the form."""
    user_model = get_user_model()
    profile = PublicProfile(
        kind=kind,
        mobile_phone=mobile_phone.strip(),
        email=email.strip(),
        real_name=real_name.strip() if kind == PublicProfile.Kind.CITIZEN else "",
        resident_id=resident_id.strip().upper() if kind == PublicProfile.Kind.CITIZEN else "",
        organisation_name=organisation_name.strip()
        if kind == PublicProfile.Kind.ORGANISATION
        else "",
        credit_code=credit_code.strip().upper() if kind == PublicProfile.Kind.ORGANISATION else "",
        legal_representative=legal_representative.strip()
        if kind == PublicProfile.Kind.ORGANISATION
        else "",
    )
    profile.full_clean(exclude=["user"], validate_constraints=False)
    _refuse_duplicates(profile)
    user = user_model(
        username=username.strip() or _new_username(),
        email=profile.email,
        phone=profile.mobile_phone,
        last_name=profile.display_name[:150],
        is_active=False,
        is_staff=False,
        department=None,
    )
    user.set_password(password)
    try:
        with transaction.atomic():
            user.full_clean(exclude=["password", "last_name"])
            user.save()
            profile.user = user
            profile.save()
    except IntegrityError:
        # Two registrations with the same data at the same moment: the constraint decides.
        raise AccountExistsError(_("An account with these details already exists.")) from None
    return user


def _refuse_duplicates(profile: PublicProfile) -> None:
    if profile.kind == PublicProfile.Kind.CITIZEN and queries.is_resident_id_registered(
        profile.resident_id
    ):
        raise AccountExistsError(
            _("An account with this resident ID number exists. Log in or reset the password.")
        )
    if queries.is_mobile_phone_registered(profile.mobile_phone):
        raise AccountExistsError(
            _("An account with this mobile number exists. Log in or reset the password.")
        )
    if profile.email and queries.is_email_registered(profile.email):
        raise AccountExistsError(
            _("An account with this e-mail address exists. Log in or reset the password.")
        )


def _new_username() -> str:
    user_model = get_user_model()
    while True:
        candidate = "u" + get_random_string(11, "abcdefghijkmnpqrstuvwxyz23456789")
        if not user_model.objects.filter(username=candidate).exists():
            return candidate


# --- E-mail verification -----------------------------------------------------------------


def email_verification_token(*, user: Any) -> str:
    """A signed token naming the user and the address; a changed address voids it."""
    return signing.dumps(
        {"user": user.pk, "email": user.public_profile.email.lower()}, salt=EMAIL_TOKEN_SALT
    )


def send_email_verification(*, user: Any, base_url: str) -> None:
    """E-mail a verification link (absolute, on ``base_url``) to the account's address."""
    profile = user.public_profile
    if not profile.email:
        raise AccountError(_("This account has no e-mail address."))
    path = reverse("accounts:verify_email", args=[email_verification_token(user=user)])
    hours = settings.ACCOUNTS_EMAIL_VERIFICATION_SECONDS // 3600
    body = render_to_string(
        "accounts/emails/verify_email.txt",
        {"profile": profile, "link": base_url.rstrip("/") + path, "hours": hours},
    )
    notify(subject=_("Confirm your e-mail address"), body=body, email=profile.email)


@transaction.atomic
def verify_email(*, token: str) -> Any:
    """Mark the address in ``token`` verified and activate the account; returns the user."""
    try:
        payload = signing.loads(
            token, salt=EMAIL_TOKEN_SALT, max_age=settings.ACCOUNTS_EMAIL_VERIFICATION_SECONDS
        )
    except signing.SignatureExpired:
        raise VerificationLinkExpiredError(
            _("This link has expired. Log in to have a new one sent.")
        ) from None
    except signing.BadSignature:
        raise VerificationLinkInvalidError(
            _(
                "This link is not valid. Copy the whole link from the e-mail, or log in to "
                "have a new one sent."
            )
        ) from None
    if not isinstance(payload, dict):
        raise VerificationLinkInvalidError(_("This link is not valid."))
    profile = (
        PublicProfile.objects.select_for_update()
        .select_related("user")
        .filter(user_id=payload.get("user"))
        .first()
    )
    if profile is None or profile.email.lower() != payload.get("email"):
        raise VerificationLinkInvalidError(_("This link is not valid."))
    if profile.email_verified_at is None:
        profile.email_verified_at = timezone.now()
        profile.save(update_fields=["email_verified_at"])
    _activate(profile.user)
    return profile.user


def _activate(user: Any) -> None:
    if not user.is_active:
        user.is_active = True
        user.save(update_fields=["is_active"])


# --- Phone verification ------------------------------------------------------------------


def _code_keys(user: Any) -> tuple[str, str]:
    return f"accounts:phone-code:{user.pk}", f"accounts:phone-code-tries:{user.pk}"


def _code_digest(*, user: Any, phone: str, code: str) -> str:
    # Only a keyed hash is kept in the cache, bound to the user and the number, so whoever
    # reads the cache (a shared Redis) learns no usable code.
    return salted_hmac("zaixian.accounts.phone-code", f"{user.pk}:{phone}:{code}").hexdigest()


def send_phone_code(*, user: Any) -> None:
    """Text a new six-digit code to the account's mobile number; it replaces any earlier
    code and allows PHONE_CODE_MAX_ATTEMPTS tries within PHONE_CODE_SECONDS."""
    phone = user.public_profile.mobile_phone
    code = new_phone_code()
    code_key, tries_key = _code_keys(user)
    cache.set(code_key, _code_digest(user=user, phone=phone, code=code), PHONE_CODE_SECONDS)
    cache.set(tries_key, 0, PHONE_CODE_SECONDS)
    minutes = PHONE_CODE_SECONDS // 60
    text = _(
        "Your verification code is %(code)s, valid for %(minutes)s minutes. "
        "Do not tell it to anyone."
    ) % {"code": code, "minutes": minutes}
    try:
        send_sms(phone=phone, text=text)
    except Exception:
        # Whatever the gateway raises: the visitor is told to try again, not shown a 500.
        logger.exception("Verification code to %s could not be sent", mask_phone(phone))
        cache.delete_many([code_key, tries_key])
        raise SMSNotSentError(
            _("The SMS could not be sent just now. Please try again in a few minutes.")
        ) from None


@transaction.atomic
def verify_phone_code(*, user: Any, code: str) -> Any:
    """Check ``code`` against the code last sent; on success mark the number verified and
    activate the account. Each call counts as a try, right or wrong, atomically in the cache,
    so parallel guesses cannot exceed the limit."""
    code_key, tries_key = _code_keys(user)
    digest = cache.get(code_key)
    if digest is None:
        raise PhoneCodeExhaustedError(_("No valid code is waiting. Ask for a new code."))
    try:
        tries = cache.incr(tries_key)
    except ValueError:  # the tries counter expired with the code
        raise PhoneCodeExhaustedError(_("No valid code is waiting. Ask for a new code.")) from None
    if tries > PHONE_CODE_MAX_ATTEMPTS:
        cache.delete(code_key)
        raise PhoneCodeExhaustedError(_("Too many wrong codes. Ask for a new code."))
    profile = PublicProfile.objects.select_for_update().select_related("user").get(user=user)
    expected = _code_digest(user=user, phone=profile.mobile_phone, code=code.strip())
    if not is_well_formed_phone_code(code.strip()) or not hmac.compare_digest(digest, expected):
        left = PHONE_CODE_MAX_ATTEMPTS - tries
        if left <= 0:
            cache.delete(code_key)
            raise PhoneCodeExhaustedError(_("Too many wrong codes. Ask for a new code."))
        raise PhoneCodeInvalidError(
            _("The code is not right. %(left)s tries left.") % {"left": left},
            attempts_left=left,
        )
    cache.delete_many([code_key, tries_key])
    if profile.phone_verified_at is None:
        profile.phone_verified_at = timezone.now()
        profile.save(update_fields=["phone_verified_at"])
    _activate(profile.user)
    return profile.user


# --- In-site messages --------------------------------------------------------------------


def mark_notification_read(*, user: Any, notification: Notification) -> None:
    """Mark one of ``user``'s own messages read (``PermissionDenied`` for anyone else's)."""
    if notification.recipient_id != user.pk:
        raise PermissionDenied
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])


def mark_all_notifications_read(*, user: Any) -> int:
    """Mark every unread message of ``user`` read; returns how many."""
    return (
        queries.notifications_for_user(user)
        .filter(read_at__isnull=True)
        .update(read_at=timezone.now())
    )
