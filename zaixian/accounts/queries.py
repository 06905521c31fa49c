"""Reads of public accounts: login lookups, profiles and a user's in-site messages."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import QuerySet

from zaixian.accounts.models import PublicProfile
from zaixian.accounts.rules import login_identifier_kind
from zaixian.cases.queries import cases_for_applicant
from zaixian.core.models import Notification


def user_for_login(identifier: str) -> Any:
    """The user a login name means: a public account's mobile number or e-mail address, or
    any user's username; None when there is none."""
    identifier = identifier.strip()
    if not identifier:
        return None
    users = get_user_model().objects.select_related("public_profile")
    kind = login_identifier_kind(identifier)
    if kind == "phone":
        found = users.filter(public_profile__mobile_phone=identifier).first()
        if found is not None:
            return found
    elif kind == "email":
        found = users.filter(public_profile__email__iexact=identifier).first()
        if found is not None:
            return found
    return users.filter(username=identifier).first()


def profile_for_user(user: Any) -> PublicProfile | None:
    """The public profile of ``user``, or None for staff and anonymous visitors."""
    if not getattr(user, "is_authenticated", False):
        return None
    return PublicProfile.objects.filter(user=user).first()


def unverified_user(user_id: Any) -> Any:
    """The public user ``user_id`` if the account still waits for verification, else None."""
    if not isinstance(user_id, int):
        return None
    profile = (
        PublicProfile.objects.select_related("user")
        .filter(user_id=user_id, user__is_active=False)
        .first()
    )
    if profile is None or profile.is_verified:
        return None
    return profile.user


def is_resident_id_registered(resident_id: str) -> bool:
    return PublicProfile.objects.filter(
        kind=PublicProfile.Kind.CITIZEN, resident_id=resident_id.strip().upper()
    ).exists()


def is_mobile_phone_registered(phone: str) -> bool:
    return PublicProfile.objects.filter(mobile_phone=phone.strip()).exists()


def is_email_registered(email: str) -> bool:
    return PublicProfile.objects.filter(email__iexact=email.strip()).exists()


def notifications_for_user(user: Any) -> QuerySet[Notification]:
    """The in-site messages of ``user``, newest first; never anyone else's."""
    return Notification.objects.filter(recipient=user).order_by("-created_at", "-pk")


def unread_notification_count(user: Any) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def cases_for_user(user: Any, *, limit: int) -> list[Any]:
    """The newest ``limit`` cases ``user`` applied for (the case engine's own query)."""
    return list(cases_for_applicant(user=user)[:limit])
