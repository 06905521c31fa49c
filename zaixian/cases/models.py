"""The case engine's tables: a case, its history and its attachments."""

from __future__ import annotations

import contextlib
from datetime import date, datetime
from pathlib import PurePath
from typing import Any

from django.conf import settings
from django.core.files.storage import Storage, storages
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from zaixian.cases import registry
from zaixian.cases.rules import DeadlineStatus, deadline_status


def private_storage() -> Storage:
    """Uploaded materials live outside the web root and are served only through views that
    check who is asking (``STORAGES["private"]``)."""
    return storages["private"]


def attachment_upload_to(instance: CaseAttachment, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    today = timezone.localdate()
    return f"cases/{today:%Y/%m}/{instance.case_id}/{instance.sha256[:32]}{suffix}"


class CaseQuerySet(models.QuerySet["Case"]):
    def open(self) -> CaseQuerySet:
        return self.filter(is_closed=False)

    def overdue(self, *, on: date, now: datetime | None = None) -> CaseQuerySet:
        """Open cases past their due date; on today (or with ``now``) also the hour-limited
        cases whose due moment has passed (ADR 0005)."""
        late = Q(due_on__lt=on)
        now = _now_for(on, now)
        if now is not None:
            late |= Q(due_at__lt=now)
        return self.open().filter(late, suspended_since__isnull=True)

    def due_soon(
        self, *, on: date, warning_from: date, now: datetime | None = None
    ) -> CaseQuerySet:
        soon = self.open().filter(
            suspended_since__isnull=True, due_on__gte=on, due_on__lte=warning_from
        )
        now = _now_for(on, now)
        return soon.exclude(due_at__lt=now) if now is not None else soon


def _now_for(on: date, now: datetime | None) -> datetime | None:
    if now is None and on == timezone.localdate():
        return timezone.now()
    return now


class Case(models.Model):
    """One matter a citizen started and an office finishes, of a registered case type."""

    case_type = models.CharField(_("case type"), max_length=60)
    tracking_number = models.CharField(_("tracking number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    state = models.CharField(_("state"), max_length=40)
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        related_name="cases",
        verbose_name=_("department"),
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_cases",
        verbose_name=_("assignee"),
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="cases",
        verbose_name=_("applicant account"),
    )
    applicant_name = models.CharField(_("applicant"), max_length=100)
    applicant_phone = models.CharField(_("applicant phone"), max_length=20, blank=True)
    applicant_email = models.EmailField(_("applicant e-mail"), blank=True)

    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    is_closed = models.BooleanField(_("closed"), default=False)

    # The deadline clock, in working days (the core working-day calendar).
    statutory_days = models.PositiveSmallIntegerField(_("statutory time limit"), null=True)
    promised_days = models.PositiveSmallIntegerField(_("promised time limit"), null=True)
    clock_started_on = models.DateField(_("clock started"), null=True, blank=True)
    suspended_since = models.DateField(_("clock stopped since"), null=True, blank=True)
    suspended_days = models.PositiveIntegerField(_("working days stopped"), default=0)
    extended_days = models.PositiveIntegerField(_("working days extended"), default=0)
    due_on = models.DateField(_("due"), null=True, blank=True)
    statutory_due_on = models.DateField(_("statutory deadline"), null=True, blank=True)
    finished_on = models.DateField(_("finished"), null=True, blank=True)
    is_on_time = models.BooleanField(_("finished on time"), null=True)
    # A limit in plain clock hours instead of working days (a hotline emergency: 2 hours, see
    # ADR 0005): ``due_at`` is the moment it is due and ``due_on`` that moment's local date,
    # so date-based worklists and statistics keep working.
    limit_hours = models.PositiveSmallIntegerField(_("time limit in hours"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)

    # Every state change bumps this; an officer's form carries the version they saw, so two
    # officers acting at once cannot both succeed (compare-and-swap in transition_case).
    version = models.PositiveIntegerField(default=0)

    objects = CaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("case")
        verbose_name_plural = _("cases")
        ordering = ["-submitted_at"]
        indexes = [
            models.Index(fields=["department", "is_closed", "due_on"], name="case_dept_open_due"),
            models.Index(fields=["case_type", "state"], name="case_type_state"),
            models.Index(fields=["applicant", "-submitted_at"], name="case_applicant"),
            models.Index(fields=["assignee", "is_closed"], name="case_assignee"),
            models.Index(fields=["submitted_at"], name="case_submitted"),
            models.Index(fields=["department", "submitted_at"], name="case_dept_submitted"),
            models.Index(fields=["is_closed", "due_at"], name="case_open_due_at"),
            # Statistics count decisions and acceptances by date, per case type.
            models.Index(fields=["case_type", "finished_on"], name="case_type_finished"),
            models.Index(fields=["case_type", "clock_started_on"], name="case_type_clock_started"),
        ]

    def __str__(self) -> str:
        return f"{self.tracking_number} {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("cases:my_case", args=[self.tracking_number])

    @property
    def type(self) -> registry.CaseType:
        return registry.case_type(self.case_type)

    @property
    def type_label(self) -> Any:
        try:
            return self.type.label
        except registry.UnknownCaseTypeError:
            return self.case_type

    def get_state_display(self) -> Any:
        try:
            return self.type.state(self.state).label
        except (registry.UnknownCaseTypeError, KeyError):
            return self.state

    @property
    def is_suspended(self) -> bool:
        return self.suspended_since is not None

    def deadline_status_on(self, today: date) -> DeadlineStatus:
        from zaixian.core.workdays import add_working_days

        if (
            self.due_at is not None
            and not self.is_closed
            and self.finished_on is None
            and not self.is_suspended
            and today == timezone.localdate()
            and self.due_at < timezone.now()
        ):
            return DeadlineStatus.OVERDUE
        warning_days = 2
        with contextlib.suppress(registry.UnknownCaseTypeError):
            warning_days = self.type.warning_days
        return deadline_status(
            due_on=self.due_on,
            today=today,
            warning_from=add_working_days(today, warning_days),
            is_suspended=self.is_suspended,
            is_finished=self.is_closed or self.finished_on is not None,
        )

    @property
    def deadline_status(self) -> DeadlineStatus:
        return self.deadline_status_on(timezone.localdate())


class CaseEvent(models.Model):
    """One line of a case's history: who, when, from which state to which, and why."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )
    actor_name = models.CharField(_("by"), max_length=100, blank=True)
    transition = models.CharField(_("action"), max_length=40)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    is_public = models.BooleanField(_("shown to the applicant"), default=True)

    class Meta:
        verbose_name = _("case history entry")
        verbose_name_plural = _("case history")
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["case", "at"], name="caseevent_case_at")]

    def __str__(self) -> str:
        return f"{self.case_id} {self.transition} {self.at:%Y-%m-%d %H:%M}"

    @property
    def label(self) -> Any:
        try:
            return self.case.type.transition(self.transition).label
        except (registry.UnknownCaseTypeError, KeyError):
            return self.transition


class CaseAttachment(models.Model):
    """A file of a case (an applicant's material, an officer's document), stored privately."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="attachments")
    event = models.ForeignKey(
        CaseEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="attachments"
    )
    material = models.CharField(_("material"), max_length=200, blank=True)
    file = models.FileField(
        _("file"), storage=private_storage, upload_to=attachment_upload_to, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=100)
    size = models.PositiveIntegerField(_("size"))
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)
    is_public = models.BooleanField(
        _("visible to the applicant"),
        default=True,
        help_text=_("Internal working papers are seen by officers only."),
    )

    class Meta:
        verbose_name = _("case attachment")
        verbose_name_plural = _("case attachments")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.original_name
