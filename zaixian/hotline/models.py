"""The hotline's tables: settings, categories and dispatch rules, hotline cases (one-to-one
with ``cases.Case``) and their dispatches, the knowledge base, Open311 clients and typical
cases."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting

from zaixian.core.text import index_text
from zaixian.hotline import rules
from zaixian.hotline.rules import Channel, Kind, Satisfaction, Urgency


@register_setting(icon="call")
class HotlineSettings(BaseGenericSetting):
    """The centre and the time limits of each urgency, editable in the admin."""

    centre = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hotline centre"),
        help_text=_("The department that takes calls and dispatches hotline cases."),
    )
    emergency_hours = models.PositiveSmallIntegerField(
        _("emergency limit (hours)"),
        default=rules.DEFAULT_EMERGENCY_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    utilities_hours = models.PositiveSmallIntegerField(
        _("utilities limit (hours)"),
        default=rules.DEFAULT_UTILITIES_HOURS,
        validators=[MinValueValidator(1), MaxValueValidator(240)],
    )
    general_working_days = models.PositiveSmallIntegerField(
        _("general limit (working days)"),
        default=rules.DEFAULT_GENERAL_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    complex_working_days = models.PositiveSmallIntegerField(
        _("complex limit (working days)"),
        default=rules.DEFAULT_COMPLEX_WORKING_DAYS,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )

    class Meta:
        verbose_name = _("hotline settings")

    def limit(self, urgency: str) -> rules.Limit:
        return rules.limit_for(
            urgency,
            emergency_hours=self.emergency_hours,
            utilities_hours=self.utilities_hours,
            general_days=self.general_working_days,
            complex_days=self.complex_working_days,
        )


class HotlineCategory(models.Model):
    """What a case is about (城乡建设, 水电气暖, …); its code is the Open311 service code."""

    name = models.CharField(_("name"), max_length=50)
    code = models.CharField(
        _("code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[a-z0-9-]+$", _("Use lower-case letters, digits, '-'."))],
        help_text=_("Also the Open311 service code."),
    )
    group = models.CharField(_("group"), max_length=50, blank=True)
    description = models.CharField(_("description"), max_length=200, blank=True)
    default_urgency = models.CharField(
        _("default urgency"), max_length=20, choices=Urgency.choices, default=Urgency.GENERAL
    )
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("hotline category")
        verbose_name_plural = _("hotline categories")
        ordering = ["sort_order", "code"]

    def __str__(self) -> str:
        return self.name


class DispatchRule(models.Model):
    """Suggests a department for cases of a category, with a keyword, in an area (empty
    conditions match anything)."""

    department = models.ForeignKey(
        "core.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    category = models.ForeignKey(
        HotlineCategory,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="dispatch_rules",
        verbose_name=_("category"),
    )
    keyword = models.CharField(_("keyword"), max_length=40, blank=True)
    area = models.CharField(_("area"), max_length=40, blank=True)
    weight = models.SmallIntegerField(_("weight"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("dispatch rule")
        verbose_name_plural = _("dispatch rules")
        ordering = ["-weight", "pk"]

    def __str__(self) -> str:
        parts = [str(self.category or ""), self.keyword, self.area]
        return " / ".join(p for p in parts if p) + f" → {self.department}"

    def spec(self) -> rules.DispatchRuleSpec:
        return rules.DispatchRuleSpec(
            department_id=self.department_id,
            category_id=self.category_id,
            keyword=self.keyword,
            area=self.area,
            weight=self.weight,
        )


class Open311Client(models.Model):
    """A third-party app allowed to submit requests. Only a hash of its key is stored."""

    name = models.CharField(_("name"), max_length=100)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    key_prefix = models.CharField(_("key prefix"), max_length=12, unique=True, editable=False)
    key_hash = models.CharField(max_length=64, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class HotlineCase(models.Model):
    """A hotline case (12345工单): the engine's ``Case`` plus what the hotline knows."""

    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.CASCADE,
        related_name="hotline",
        verbose_name=_("case"),
    )
    kind = models.CharField(_("kind of request"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("intake channel"), max_length=20, choices=Channel.choices)
    category = models.ForeignKey(
        HotlineCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    urgency = models.CharField(_("urgency"), max_length=20, choices=Urgency.choices)
    caller_name = models.CharField(_("caller"), max_length=100)
    caller_phone = models.CharField(_("caller phone"), max_length=20, blank=True)
    caller_address = models.CharField(_("address"), max_length=200, blank=True)
    area = models.CharField(_("area"), max_length=40, blank=True)
    content = models.TextField(_("content"))
    keywords = models.CharField(_("keywords"), max_length=400, blank=True, editable=False)
    received_at = models.DateTimeField(_("received"), default=timezone.now)
    agrees_to_publish = models.BooleanField(_("agrees to publication"), default=False)
    latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)

    lead_department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("lead department"),
    )
    assisting_departments = models.ManyToManyField(
        "core.Department", blank=True, related_name="+", verbose_name=_("assisting departments")
    )
    reply = models.TextField(_("reply"), blank=True)
    replied_at = models.DateTimeField(_("replied"), null=True, blank=True)
    reply_due_at = models.DateTimeField(_("reply due"), null=True, blank=True)
    satisfaction = models.CharField(
        _("satisfaction"), max_length=20, choices=Satisfaction.choices, blank=True
    )
    called_back_at = models.DateTimeField(_("called back"), null=True, blank=True)
    callback_note = models.TextField(_("call-back note"), blank=True)

    duplicate_of = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("likely duplicate of"),
    )
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="merged_cases",
        verbose_name=_("merged into"),
    )
    open311_client = models.ForeignKey(
        Open311Client, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    open311_token = models.CharField(max_length=40, null=True, blank=True, unique=True)
    # When the lead department was warned that an hour limit runs out (预警), once per dispatch.
    warned_at = models.DateTimeField(_("warned"), null=True, blank=True)

    class Meta:
        verbose_name = _("hotline case")
        verbose_name_plural = _("hotline cases")
        ordering = ["-received_at"]
        indexes = [
            # The operator's lookup of a caller's earlier cases (bench: < 50 ms at 1,000,000).
            models.Index(fields=["caller_phone", "-received_at"], name="hotline_caller"),
            # The bulletin and the dashboard count by period.
            models.Index(fields=["received_at"], name="hotline_received"),
            models.Index(fields=["lead_department", "received_at"], name="hotline_lead_received"),
        ]

    def __str__(self) -> str:
        return self.case.tracking_number

    @property
    def is_reply_on_time(self) -> bool | None:
        if self.replied_at is None or self.reply_due_at is None:
            return None
        return self.replied_at <= self.reply_due_at


class HotlineDispatch(models.Model):
    """One dispatch of a case to a department (lead or assisting) and what became of it."""

    class Outcome(models.TextChoices):
        PENDING = "pending", _("Pending")
        ACCEPTED = "accepted", _("Accepted")
        RETURNED = "returned", _("Returned")
        REPLIED = "replied", _("Replied")

    hotline_case = models.ForeignKey(
        HotlineCase, on_delete=models.CASCADE, related_name="dispatches"
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    is_lead = models.BooleanField(_("lead"), default=True)
    dispatched_at = models.DateTimeField(_("dispatched"), default=timezone.now)
    dispatched_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    outcome = models.CharField(
        _("outcome"), max_length=20, choices=Outcome.choices, default=Outcome.PENDING
    )
    return_reason = models.TextField(_("reason for return"), blank=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)

    class Meta:
        verbose_name = _("dispatch")
        verbose_name_plural = _("dispatches")
        ordering = ["dispatched_at", "pk"]
        indexes = [
            models.Index(fields=["department", "hotline_case"], name="hotline_dispatch_dept")
        ]

    def __str__(self) -> str:
        return f"{self.hotline_case_id} → {self.department}"


class AssistOpinion(models.Model):
    """An assisting department's contribution (协办意见), which the lead department's reply
    draws on."""

    hotline_case = models.ForeignKey(
        HotlineCase, on_delete=models.CASCADE, related_name="opinions", verbose_name=_("case")
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    text = models.TextField(_("opinion"))
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("assisting opinion")
        verbose_name_plural = _("assisting opinions")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.hotline_case_id} {self.department}"


class KnowledgeEntry(models.Model):
    """A knowledge-base answer (知识库) that operators read out to callers; each department
    keeps its own entries current."""

    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    category = models.ForeignKey(
        HotlineCategory,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("category"),
    )
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    is_published = models.BooleanField(_("in use"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # The words and character bigrams of the entry (core.text.index_text, the search engine's
    # tokenisation), matched token by token by the operator's search.
    search_tokens = models.TextField(editable=False, blank=True)

    class Meta:
        verbose_name = _("knowledge-base entry")
        verbose_name_plural = _("knowledge base")
        ordering = ["department", "question"]

    def __str__(self) -> str:
        return self.question

    def save(self, *args: object, **kwargs: object) -> None:
        text = f"{self.question} {self.keywords} {self.answer}"
        self.search_tokens = f" {index_text(text)} "
        super().save(*args, **kwargs)  # type: ignore[arg-type]  # Model.save's own signature


class TypicalCase(models.Model):
    """A closed case published as a typical case (典型案例), its personal data masked
    automatically and the text reviewed before publication."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft, to be reviewed")
        PUBLISHED = "published", _("Published")

    hotline_case = models.OneToOneField(
        HotlineCase,
        on_delete=models.CASCADE,
        related_name="typical",
        verbose_name=_("case"),
    )
    title = models.CharField(_("title"), max_length=200)
    content = models.TextField(_("what the caller asked"))
    reply = models.TextField(_("how it was handled"))
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        verbose_name = _("typical case")
        verbose_name_plural = _("typical cases")
        ordering = ["-published_at", "-pk"]

    def __str__(self) -> str:
        return self.title
