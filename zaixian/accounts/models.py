"""The real-name profile of a citizen's or an organisation's account."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils.translation import gettext_lazy as _

from zaixian.core.validators import (
    validate_credit_code,
    validate_mobile_phone,
    validate_resident_id,
)


class PublicProfile(models.Model):
    """Who a public user is: a citizen (自然人) with a resident ID number, or an
    organisation (法人) with its unified social credit code and legal representative.

    The mobile number and e-mail address are the account's login names and contact channels;
    ``actions`` keep ``User.phone`` and ``User.email`` equal to them, since notifications and
    Django's password reset read the user. The account becomes active when one of them is
    verified."""

    class Kind(models.TextChoices):
        CITIZEN = "citizen", _("Citizen")
        ORGANISATION = "organisation", _("Business or organisation")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="public_profile",
    )
    kind = models.CharField(_("account type"), max_length=20, choices=Kind.choices)
    real_name = models.CharField(_("real name"), max_length=50, blank=True)
    resident_id = models.CharField(
        _("resident ID number"), max_length=18, blank=True, validators=[validate_resident_id]
    )
    organisation_name = models.CharField(_("organisation name"), max_length=200, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"),
        max_length=18,
        blank=True,
        validators=[validate_credit_code],
    )
    legal_representative = models.CharField(_("legal representative"), max_length=50, blank=True)
    mobile_phone = models.CharField(
        _("mobile phone"), max_length=11, validators=[validate_mobile_phone]
    )
    email = models.EmailField(_("e-mail"), blank=True)
    phone_verified_at = models.DateTimeField(_("phone verified"), null=True, blank=True)
    email_verified_at = models.DateTimeField(_("e-mail verified"), null=True, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)

    class Meta:
        verbose_name = _("public account")
        verbose_name_plural = _("public accounts")
        constraints = [
            # One account per person: the resident ID number identifies a citizen.
            models.UniqueConstraint(
                fields=["resident_id"],
                condition=models.Q(kind="citizen"),
                name="accounts_unique_citizen_resident_id",
                violation_error_message=_("An account with this resident ID number exists."),
            ),
            # Mobile number and e-mail address are login names, so each names one account.
            models.UniqueConstraint(
                fields=["mobile_phone"],
                name="accounts_unique_mobile_phone",
                violation_error_message=_("An account with this mobile number exists."),
            ),
            models.UniqueConstraint(
                Lower("email"),
                condition=~models.Q(email=""),
                name="accounts_unique_email",
                violation_error_message=_("An account with this e-mail address exists."),
            ),
            models.CheckConstraint(
                condition=models.Q(kind="organisation")
                | (models.Q(kind="citizen") & ~models.Q(real_name="") & ~models.Q(resident_id="")),
                name="accounts_citizen_has_name_and_id",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="citizen")
                | (
                    models.Q(kind="organisation")
                    & ~models.Q(organisation_name="")
                    & ~models.Q(credit_code="")
                    & ~models.Q(legal_representative="")
                ),
                name="accounts_organisation_has_name_code_and_representative",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    @property
    def display_name(self) -> str:
        if self.kind == self.Kind.ORGANISATION:
            return self.organisation_name
        return self.real_name

    @property
    def is_verified(self) -> bool:
        return self.phone_verified_at is not None or self.email_verified_at is not None
