"""Departments, users, and the official holiday schedule."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node

MOBILE_VALIDATOR = RegexValidator(
    r"^1[3-9]\d{9}$", _("Enter an 11-digit mainland mobile number, e.g. 13800138000.")
)


class Department(MP_Node):
    """A body of the city government: the municipal government, a bureau or office, a county
    or district. The tree mirrors the real hierarchy; ``code`` is the organisation code used
    in index numbers and tracking numbers."""

    class Kind(models.TextChoices):
        GOVERNMENT = "government", _("People's government")
        BUREAU = "bureau", _("Bureau or commission")
        OFFICE = "office", _("Office")
        COUNTY = "county", _("County, county-level city or district")
        INSTITUTION = "institution", _("Public institution")
        OTHER = "other", _("Other")

    name = models.CharField(_("name"), max_length=100)
    short_name = models.CharField(_("short name"), max_length=40, blank=True)
    code = models.CharField(
        _("code"),
        max_length=20,
        unique=True,
        validators=[RegexValidator(r"^[A-Z0-9]{2,20}$", _("Use 2–20 capital letters or digits."))],
        help_text=_("Organisation code, used in index numbers and tracking numbers."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.BUREAU)
    is_active = models.BooleanField(_("active"), default=True)

    node_order_by = ["code"]

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self) -> str:
        return self.name


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= char <= "\u9fff" for char in text)


class User(AbstractUser):
    """A platform user. Staff belong to one department; what they may see and change there
    comes from their roles (groups)."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
    )
    phone = models.CharField(
        _("mobile phone"), max_length=11, blank=True, validators=[MOBILE_VALIDATOR]
    )
    job_title = models.CharField(_("job title"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        # The audit log holds every module's entries, personal data included, so it has its
        # own permission rather than following the permissions of each logged model.
        permissions = [("view_audit_log", _("Can view and export the audit log"))]

    def __str__(self) -> str:
        full_name = f"{self.last_name}{self.first_name}".strip()
        return full_name or self.username

    def get_full_name(self) -> str:
        """Chinese names read family name first, without a space (王承办); others as Django
        writes them (John Smith)."""
        if _has_cjk(self.last_name) or _has_cjk(self.first_name):
            return f"{self.last_name}{self.first_name}".strip()
        return super().get_full_name()


class HolidaySchedule(models.Model):
    """One year's official holiday arrangement (the State Council General Office's notice,
    published each autumn). Days entered here take precedence over the bundled data."""

    year = models.PositiveSmallIntegerField(_("year"), unique=True)
    notice = models.CharField(
        _("notice"),
        max_length=200,
        blank=True,
        help_text=_("The notice the schedule comes from, e.g. 国办发明电〔2025〕7号."),
    )
    is_complete = models.BooleanField(
        _("complete"),
        default=True,
        help_text=_(
            "Tick when every holiday and adjusted working day of the year has been entered; "
            "deadlines in the year are then no longer provisional."
        ),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("holiday schedule")
        verbose_name_plural = _("holiday schedules")

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """A day that differs from the ordinary week: a public holiday on a weekday, or a
    weekend day that is an adjusted working day (调休上班)."""

    class Kind(models.TextChoices):
        HOLIDAY = "holiday", _("Holiday (day off)")
        WORKDAY = "workday", _("Adjusted working day")

    schedule = models.ForeignKey(
        HolidaySchedule, on_delete=models.CASCADE, related_name="days", verbose_name=_("year")
    )
    date = models.DateField(_("date"), unique=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=50, blank=True, help_text=_("e.g. 国庆节"))

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.get_kind_display()}"


class Notification(models.Model):
    """An in-site message (站内消息) to one user: a state change of their case, a reply.
    Written by ``core.notifications.notify``; e-mail and SMS copies are not stored."""

    recipient = models.ForeignKey(
        User,
        verbose_name=_("recipient"),
        on_delete=models.CASCADE,
        related_name="notifications",
    )
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    link = models.CharField(
        _("link"), max_length=500, blank=True, help_text=_("A path on this site, e.g. /bsfw/…")
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("in-site message")
        verbose_name_plural = _("in-site messages")
        indexes = [
            models.Index(fields=["recipient", "read_at", "-created_at"], name="core_notif_inbox")
        ]

    def __str__(self) -> str:
        return self.subject

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
