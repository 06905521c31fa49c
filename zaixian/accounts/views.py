"""Pages under /accounts/: registration and verification, login, password, my account."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils.decorators import method_decorator
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from zaixian.accounts import actions, queries
from zaixian.accounts.forms import (
    REGISTRATION_FORMS,
    AccountPasswordResetForm,
    LoginForm,
    PhoneCodeForm,
    VerifyBy,
)
from zaixian.core.ratelimit import hit_for_request, rate_limited, rate_limited_response

PENDING_USER = "accounts_pending_user"
PENDING_CHANNEL = "accounts_pending_channel"
MESSAGES_PER_PAGE = 20

REGISTER_RATE = "10/h"
CODE_RATE = "5/h"
CODE_CHECK_RATE = "30/h"
LOGIN_RATE = "30/10m"
RESET_RATE = "5/h"


# --- Registration and verification -------------------------------------------------------


def register_choice_view(request: HttpRequest) -> HttpResponse:
    return render(request, "accounts/register_choice.html")


@rate_limited(scope="accounts:register", rate=REGISTER_RATE)
def register_view(request: HttpRequest, kind: str) -> HttpResponse:
    form_class = REGISTRATION_FORMS.get(kind)
    if form_class is None:
        raise Http404
    form = form_class(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                user = actions.register_public_user(**form.registration_fields())
            except actions.AccountError as error:
                form.add_error(None, str(error))
            else:
                channel = form.cleaned_data["verify_by"]
                _remember_pending(request, user=user, channel=channel)
                return _start_verification(request, user=user, channel=channel)
        return render(request, "accounts/register.html", {"form": form, "kind": kind}, status=400)
    return render(request, "accounts/register.html", {"form": form, "kind": kind})


def _remember_pending(request: HttpRequest, *, user: Any, channel: str) -> None:
    request.session[PENDING_USER] = user.pk
    request.session[PENDING_CHANNEL] = channel


def _pending_user(request: HttpRequest) -> Any:
    """The not yet verified account this browser registered or logged in to, if any."""
    return queries.unverified_user(request.session.get(PENDING_USER))


def _start_verification(request: HttpRequest, *, user: Any, channel: str) -> HttpResponse:
    if channel == VerifyBy.EMAIL and user.public_profile.email:
        usage = hit_for_request(request=request, scope="accounts:email-link", rate=CODE_RATE)
        if usage.is_exceeded:
            messages.warning(request, _("Too many e-mails were sent. Please try again later."))
        else:
            actions.send_email_verification(user=user, base_url=request.build_absolute_uri("/"))
    elif _code_send_wait(request, phone=user.public_profile.mobile_phone):
        messages.warning(request, _("Too many codes were sent. Please try again later."))
    else:
        try:
            actions.send_phone_code(user=user)
        except actions.SMSNotSentError as error:
            messages.error(request, str(error))
    return redirect("accounts:verify")


def _code_send_wait(request: HttpRequest, *, phone: str) -> int:
    """Seconds to wait before another code may be sent, 0 when one may go now. Codes are
    limited per address and per number (someone flooding one number from many addresses,
    or many numbers from one)."""
    by_ip = hit_for_request(request=request, scope="accounts:code-ip", rate=CODE_RATE)
    by_phone = hit_for_request(
        request=request, scope="accounts:code-phone", rate=CODE_RATE, key=phone
    )
    waits = [usage.retry_after for usage in (by_ip, by_phone) if usage.is_exceeded]
    return max(waits, default=0)


def verify_view(request: HttpRequest) -> HttpResponse:
    """What to do next: type the SMS code, or open the link in the e-mail."""
    user = _pending_user(request)
    if user is None:
        messages.info(request, _("Log in to finish verifying your account."))
        return redirect("accounts:login")
    channel = request.session.get(PENDING_CHANNEL, VerifyBy.PHONE)
    context = {"profile": user.public_profile, "channel": channel, "form": PhoneCodeForm()}
    return render(request, "accounts/verify.html", context)


@require_POST
@rate_limited(scope="accounts:code-check", rate=CODE_CHECK_RATE)
def verify_phone_view(request: HttpRequest) -> HttpResponse:
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    form = PhoneCodeForm(request.POST)
    if form.is_valid():
        try:
            user = actions.verify_phone_code(user=user, code=form.cleaned_data["code"])
        except actions.AccountError as error:
            form.add_error("code", str(error))
        else:
            _forget_pending(request)
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Your mobile number is verified. Welcome!"))
            return redirect("accounts:home")
    context = {"profile": user.public_profile, "channel": VerifyBy.PHONE, "form": form}
    return render(request, "accounts/verify.html", context, status=400)


@require_POST
def resend_view(request: HttpRequest) -> HttpResponse:
    """Send another code or link, over the channel the visitor chooses."""
    user = _pending_user(request)
    if user is None:
        return redirect("accounts:login")
    channel = request.POST.get("channel")
    if channel not in (VerifyBy.PHONE, VerifyBy.EMAIL):
        channel = VerifyBy.PHONE
    if channel == VerifyBy.EMAIL and not user.public_profile.email:
        messages.error(request, _("This account has no e-mail address; use the SMS code."))
        return redirect("accounts:verify")
    request.session[PENDING_CHANNEL] = channel
    if channel == VerifyBy.EMAIL:
        usage = hit_for_request(request=request, scope="accounts:email-link", rate=CODE_RATE)
        if usage.is_exceeded:
            return rate_limited_response(request, retry_after=usage.retry_after)
        actions.send_email_verification(user=user, base_url=request.build_absolute_uri("/"))
        messages.success(request, _("A new link is on its way to your e-mail."))
    else:
        wait = _code_send_wait(request, phone=user.public_profile.mobile_phone)
        if wait:
            return rate_limited_response(request, retry_after=wait)
        try:
            actions.send_phone_code(user=user)
        except actions.SMSNotSentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("A new code is on its way to your phone."))
    return redirect("accounts:verify")


def verify_email_view(request: HttpRequest, token: str) -> HttpResponse:
    try:
        actions.verify_email(token=token)
    except actions.AccountError as error:
        return render(request, "accounts/verify_email_failed.html", {"error": error}, status=400)
    _forget_pending(request)
    messages.success(request, _("Your e-mail address is verified. You can log in now."))
    return redirect("accounts:login")


def _forget_pending(request: HttpRequest) -> None:
    request.session.pop(PENDING_USER, None)
    request.session.pop(PENDING_CHANNEL, None)


# --- Login, logout, password -------------------------------------------------------------


@method_decorator(rate_limited(scope="accounts:login", rate=LOGIN_RATE), name="dispatch")
class LoginView(auth_views.LoginView):
    form_class = LoginForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_invalid(self, form: LoginForm) -> HttpResponse:  # type: ignore[override]  # narrower form type
        if form.unverified_user is not None:
            profile = form.unverified_user.public_profile
            channel = VerifyBy.EMAIL if profile.email else VerifyBy.PHONE
            _remember_pending(self.request, user=form.unverified_user, channel=channel)
        response = super().form_invalid(form)
        response.status_code = 400
        return response


class LogoutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


@method_decorator(rate_limited(scope="accounts:password-reset", rate=RESET_RATE), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    form_class = AccountPasswordResetForm
    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/emails/password_reset.txt"
    subject_template_name = "accounts/emails/password_reset_subject.txt"
    extra_email_context = {"site_name": settings.WAGTAIL_SITE_NAME}
    success_url = reverse_lazy("accounts:password_reset_done")


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change_form.html"
    success_url = reverse_lazy("accounts:password_change_done")


class PasswordChangeDoneView(auth_views.PasswordChangeDoneView):
    template_name = "accounts/password_change_done.html"


# --- My account --------------------------------------------------------------------------


@login_required
def home_view(request: HttpRequest) -> HttpResponse:
    context = {
        "profile": queries.profile_for_user(request.user),
        "unread_count": queries.unread_notification_count(request.user),
        "recent_messages": queries.notifications_for_user(request.user)[:5],
        "cases": queries.cases_for_user(request.user, limit=10),
    }
    return render(request, "accounts/home.html", context)


@login_required
def messages_view(request: HttpRequest) -> HttpResponse:
    paginator = Paginator(queries.notifications_for_user(request.user), MESSAGES_PER_PAGE)
    page = paginator.get_page(request.GET.get("page"))
    return render(request, "accounts/messages.html", {"page": page})


@login_required
@require_POST
def message_read_view(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_object_or_404(queries.notifications_for_user(request.user), pk=pk)
    actions.mark_notification_read(user=request.user, notification=notification)
    link = notification.link
    if request.POST.get("open") and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(link)
    return redirect("accounts:messages")


@login_required
@require_POST
def messages_read_all_view(request: HttpRequest) -> HttpResponse:
    actions.mark_all_notifications_read(user=request.user)
    return redirect("accounts:messages")
