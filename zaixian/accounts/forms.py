"""Forms of public accounts: registration, phone code, login, password reset."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import authenticate, get_user_model, password_validation
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from zaixian.accounts import queries
from zaixian.accounts.models import PublicProfile
from zaixian.accounts.rules import PHONE_CODE_LENGTH
from zaixian.core.validators import (
    validate_credit_code,
    validate_mobile_phone,
    validate_resident_id,
)

# Django 5.2.19's MinimumLengthValidator asks for this msgid, which Django's own zh_Hans
# catalogue (still keyed "%(min_length)d") lacks; naming it here keeps its translation in
# our catalogue, so the message is Chinese like the validators' others.
PASSWORD_TOO_SHORT = ngettext_lazy(
    "This password is too short. It must contain at least %d character.",
    "This password is too short. It must contain at least %d characters.",
    "min_length",
)


class VerifyBy:
    PHONE = "phone"
    EMAIL = "email"
    CHOICES = [
        (PHONE, _("By SMS code to my mobile phone")),
        (EMAIL, _("By a link sent to my e-mail address")),
    ]


class RegistrationForm(forms.Form):
    """The fields every public account has; the two subclasses add the real-name fields."""

    kind: str = ""
    real_name_fields: tuple[str, ...] = ()

    mobile_phone = forms.CharField(
        label=_("Mobile phone"),
        max_length=11,
        validators=[validate_mobile_phone],
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        required=False,
        help_text=_("Needed to verify by e-mail and to reset a forgotten password by e-mail."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    username = forms.RegexField(
        label=_("Username (optional)"),
        required=False,
        max_length=30,
        regex=r"^[A-Za-z][A-Za-z0-9_.-]{3,29}$",
        error_messages={
            "invalid": _(
                "Use 4–30 letters, digits, dots, dashes or underscores, starting with a letter."
            )
        },
        help_text=_("You can always log in with your mobile number or e-mail address."),
        widget=forms.TextInput(attrs={"autocomplete": "username"}),
    )
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, not a common password."),
    )
    password2 = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    verify_by = forms.ChoiceField(
        label=_("Verify my account"),
        choices=VerifyBy.CHOICES,
        initial=VerifyBy.PHONE,
        widget=forms.RadioSelect,
    )

    def clean_mobile_phone(self) -> str:
        phone: str = self.cleaned_data["mobile_phone"].strip()
        if queries.is_mobile_phone_registered(phone):
            raise ValidationError(
                _("An account with this mobile number exists. Log in or reset the password."),
                code="duplicate",
            )
        return phone

    def clean_email(self) -> str:
        email: str = self.cleaned_data.get("email", "").strip()
        if email and queries.is_email_registered(email):
            raise ValidationError(
                _("An account with this e-mail address exists. Log in or reset the password."),
                code="duplicate",
            )
        return email

    def clean_username(self) -> str:
        username: str = self.cleaned_data.get("username", "").strip()
        if username and get_user_model().objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is taken."), code="duplicate")
        return username

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        wants_email = cleaned.get("verify_by") == VerifyBy.EMAIL
        if wants_email and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", _("Enter the e-mail address the link is sent to."))
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            candidate = get_user_model()(
                username=cleaned.get("username") or "",
                email=cleaned.get("email") or "",
                last_name=self.display_name(cleaned),
            )
            try:
                password_validation.validate_password(password1, candidate)
            except ValidationError as error:
                self.add_error("password1", error)
        return cleaned

    def display_name(self, cleaned: dict[str, Any]) -> str:
        return ""

    def registration_fields(self) -> dict[str, str]:
        """The cleaned values as ``actions.register_public_user`` takes them."""
        data = self.cleaned_data
        fields = {
            "kind": self.kind,
            "password": data["password1"],
            "mobile_phone": data["mobile_phone"],
            "email": data.get("email") or "",
            "username": data.get("username") or "",
        }
        fields.update({name: data[name] for name in self.real_name_fields})
        return fields


class CitizenRegistrationForm(RegistrationForm):
    kind = PublicProfile.Kind.CITIZEN
    real_name_fields = ("real_name", "resident_id")

    real_name = forms.CharField(
        label=_("Real name"),
        max_length=50,
        help_text=_("As on your resident identity card."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    resident_id = forms.CharField(
        label=_("Resident ID number"),
        max_length=18,
        min_length=18,
        validators=[validate_resident_id],
        help_text=_("18 characters; the last may be X."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )

    field_order = ["real_name", "resident_id", "mobile_phone", "email", "username"]

    def clean_resident_id(self) -> str:
        resident_id: str = self.cleaned_data["resident_id"].strip().upper()
        if queries.is_resident_id_registered(resident_id):
            raise ValidationError(
                _("An account with this resident ID number exists. Log in or reset the password."),
                code="duplicate",
            )
        return resident_id

    def display_name(self, cleaned: dict[str, Any]) -> str:
        return str(cleaned.get("real_name") or "")


class OrganisationRegistrationForm(RegistrationForm):
    kind = PublicProfile.Kind.ORGANISATION
    real_name_fields = ("organisation_name", "credit_code", "legal_representative")

    organisation_name = forms.CharField(
        label=_("Organisation name"),
        max_length=200,
        help_text=_("As on the business licence or registration certificate."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        min_length=18,
        validators=[validate_credit_code],
        help_text=_("18 characters, printed on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    legal_representative = forms.CharField(label=_("Legal representative"), max_length=50)

    field_order = [
        "organisation_name",
        "credit_code",
        "legal_representative",
        "mobile_phone",
        "email",
        "username",
    ]

    def clean_credit_code(self) -> str:
        return str(self.cleaned_data["credit_code"]).strip().upper()

    def display_name(self, cleaned: dict[str, Any]) -> str:
        return str(cleaned.get("organisation_name") or "")


REGISTRATION_FORMS: dict[str, type[RegistrationForm]] = {
    PublicProfile.Kind.CITIZEN: CitizenRegistrationForm,
    PublicProfile.Kind.ORGANISATION: OrganisationRegistrationForm,
}


class PhoneCodeForm(forms.Form):
    code = forms.RegexField(
        label=_("Verification code"),
        regex=rf"^\d{{{PHONE_CODE_LENGTH}}}$",
        max_length=PHONE_CODE_LENGTH,
        error_messages={"invalid": _("The code has 6 digits.")},
        widget=forms.TextInput(
            attrs={"inputmode": "numeric", "autocomplete": "one-time-code", "size": 8}
        ),
    )


class LoginForm(AuthenticationForm):
    """Log in with a mobile number, an e-mail address or a username. An account that was
    never verified is told so (after its password was checked), not just refused."""

    username = forms.CharField(
        label=_("Mobile number, e-mail or username"),
        max_length=254,
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}),
    )

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _(
            "The login name or the password is wrong. Both are case-sensitive apart from "
            "the e-mail address."
        ),
        "unverified": _(
            "This account has not been verified yet. Verify your mobile number or e-mail "
            "address to finish the registration."
        ),
    }

    unverified_user: Any = None

    def clean(self) -> dict[str, Any]:
        identifier = self.cleaned_data.get("username") or ""
        password = self.cleaned_data.get("password")
        if identifier and password:
            user = queries.user_for_login(identifier)
            username = user.username if user is not None else identifier
            self.user_cache = authenticate(self.request, username=username, password=password)
            if self.user_cache is None:
                if user is not None and self._is_unverified(user) and user.check_password(password):
                    self.unverified_user = user
                    raise ValidationError(self.error_messages["unverified"], code="unverified")
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data

    @staticmethod
    def _is_unverified(user: Any) -> bool:
        profile = getattr(user, "public_profile", None)
        return profile is not None and not user.is_active and not profile.is_verified


class AccountPasswordResetForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("The address registered with your account."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
