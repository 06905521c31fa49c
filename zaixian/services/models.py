"""The service hall's tables: the catalogue (items, materials, form fields, FAQ, life events,
topics), applications and their materials, and service ratings."""

from __future__ import annotations

from pathlib import PurePath

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.models import Orderable

from zaixian.cases.models import private_storage


class Audience(models.TextChoices):
    CITIZEN = "citizen", _("Citizens")
    BUSINESS = "business", _("Businesses and organisations")


class LifeEvent(models.Model):
    """A moment of life (birth, schooling, work, housing, retirement…) or of a business
    (starting up, construction, …) that groups the services people need then."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    audience = models.CharField(_("audience"), max_length=10, choices=Audience.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("life event")
        verbose_name_plural = _("life events")
        ordering = ["audience", "sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceTopic(models.Model):
    """A subject area (social security, transport, agriculture, …)."""

    name = models.CharField(_("name"), max_length=50)
    slug = models.SlugField(_("slug"), max_length=50, unique=True)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("service topic")
        verbose_name_plural = _("service topics")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class ServiceItem(ClusterableModel):
    """A government service item (政务服务事项) as the catalogue publishes it."""

    class Kind(models.TextChoices):
        LICENCE = "licence", _("Administrative licence")  # 行政许可
        PAYMENT = "payment", _("Administrative payment")  # 行政给付
        CONFIRMATION = "confirmation", _("Administrative confirmation")  # 行政确认
        LEVY = "levy", _("Administrative levy")  # 行政征收
        AWARD = "award", _("Administrative award")  # 行政奖励
        RULING = "ruling", _("Administrative ruling")  # 行政裁决
        OTHER_POWER = "other_power", _("Other administrative power")  # 其他行政权力
        PUBLIC_SERVICE = "public_service", _("Public service")  # 公共服务

    class OnlineDepth(models.IntegerChoices):
        """How far the item can be handled online (网上办理深度)."""

        INFORMATION = 1, _("Information only")
        FORMS = 2, _("Forms to download")
        PRE_EXAMINATION = 3, _("Online pre-examination")
        ONLINE_ACCEPTANCE = 4, _("Online application and acceptance")
        FULLY_ONLINE = 5, _("Fully online")

    code = models.CharField(
        _("item code"),
        max_length=40,
        unique=True,
        validators=[RegexValidator(r"^[0-9A-Z\-]{4,40}$", _("Use capital letters, digits, -."))],
    )
    name = models.CharField(_("name"), max_length=200)
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        related_name="service_items",
        verbose_name=_("department"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    for_citizens = models.BooleanField(_("for citizens"), default=True)
    for_businesses = models.BooleanField(_("for businesses"), default=False)
    life_events = ParentalManyToManyField(
        LifeEvent, blank=True, related_name="items", verbose_name=_("life events")
    )
    topics = ParentalManyToManyField(
        ServiceTopic, blank=True, related_name="items", verbose_name=_("topics")
    )
    summary = models.TextField(_("summary"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    conditions = models.TextField(_("conditions"), blank=True)
    fees = models.TextField(_("fees"), blank=True, help_text=_("Leave empty when free."))
    statutory_days = models.PositiveSmallIntegerField(
        _("statutory time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    promised_days = models.PositiveSmallIntegerField(
        _("promised time limit (working days)"), validators=[MaxValueValidator(365)]
    )
    online_depth = models.PositiveSmallIntegerField(
        _("online depth"), choices=OnlineDepth.choices, default=OnlineDepth.ONLINE_ACCEPTANCE
    )
    visits_needed = models.PositiveSmallIntegerField(
        _("visits needed"), default=0, validators=[MaxValueValidator(9)]
    )
    venue = models.CharField(_("venue"), max_length=200, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200, blank=True)
    consultation_phone = models.CharField(_("consultation phone"), max_length=40, blank=True)
    complaint_phone = models.CharField(_("complaint phone"), max_length=40, blank=True)
    is_published = models.BooleanField(_("published"), default=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("service item")
        verbose_name_plural = _("service items")
        ordering = ["department__path", "code"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(promised_days__lte=models.F("statutory_days")),
                name="service_promised_within_statutory",
                violation_error_message=_(
                    "The promised time limit cannot be longer than the statutory one."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def accepts_online(self) -> bool:
        return self.is_published and self.online_depth >= self.OnlineDepth.ONLINE_ACCEPTANCE


class ServiceMaterial(Orderable):
    """A document the applicant must provide (申请材料)."""

    class Form(models.TextChoices):
        ORIGINAL = "original", _("Original")
        COPY = "copy", _("Copy")
        ELECTRONIC = "electronic", _("Electronic")

    item = ParentalKey(ServiceItem, on_delete=models.CASCADE, related_name="materials")
    name = models.CharField(_("name"), max_length=200)
    is_required = models.BooleanField(_("required"), default=True)
    form = models.CharField(_("form"), max_length=12, choices=Form.choices, default=Form.COPY)
    copies = models.PositiveSmallIntegerField(
        _("copies"), default=1, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    template = models.ForeignKey(
        "wagtaildocs.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("template or sample"),
    )
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta(Orderable.Meta):
        verbose_name = _("required material")
        verbose_name_plural = _("required materials")

    def __str__(self) -> str:
        return self.name


class ServiceFormField(Orderable):
    """One field of the application form an office defines for its item (no code needed)."""

    class FieldType(models.TextChoices):
        TEXT = "text", _("Text")
        TEXTAREA = "textarea", _("Long text")
        NUMBER = "number", _("Number")
        DATE = "date", _("Date")
        CHOICE = "choice", _("Choice")
        ID_NUMBER = "id_number", _("Resident ID number")
        CREDIT_CODE = "credit_code", _("Unified social credit code")
        PHONE = "phone", _("Mobile phone")
        ADDRESS = "address", _("Address")
        FILE = "file", _("File")

    item = ParentalKey(ServiceItem, on_delete=models.CASCADE, related_name="form_fields")
    key = models.SlugField(
        _("key"), max_length=40, help_text=_("Letters, digits and _; unique within the form.")
    )
    label = models.CharField(_("label"), max_length=100)
    field_type = models.CharField(_("type"), max_length=12, choices=FieldType.choices)
    is_required = models.BooleanField(_("required"), default=True)
    choices = models.TextField(_("choices"), blank=True, help_text=_("One choice per line."))
    help_text = models.CharField(_("help text"), max_length=200, blank=True)
    is_personal = models.BooleanField(
        _("personal data"),
        default=False,
        help_text=_(
            "Masked on officers' screens until shown on purpose (recorded in the audit log). "
            "ID numbers, phone numbers and addresses always are."
        ),
    )

    class Meta(Orderable.Meta):
        verbose_name = _("form field")
        verbose_name_plural = _("form fields")
        constraints = [
            models.UniqueConstraint(fields=["item", "key"], name="service_form_field_key")
        ]

    def __str__(self) -> str:
        return self.label


class ServiceFAQ(Orderable):
    item = ParentalKey(ServiceItem, on_delete=models.CASCADE, related_name="faqs")
    question = models.CharField(_("question"), max_length=200)
    answer = models.TextField(_("answer"))

    class Meta(Orderable.Meta):
        verbose_name = _("question and answer")
        verbose_name_plural = _("questions and answers")

    def __str__(self) -> str:
        return self.question


class Application(models.Model):
    """An application for a service item: a draft the applicant edits, then (once submitted)
    a case of the engine (``case``), which carries the state from there on."""

    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="applications", verbose_name=_("item")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="applications",
        verbose_name=_("applicant"),
    )
    case = models.OneToOneField(
        "cases.Case",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="application",
        verbose_name=_("case"),
    )
    form_data = models.JSONField(_("form data"), default=dict, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)

    class Meta:
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["applicant", "-created_at"], name="application_applicant")]

    def __str__(self) -> str:
        return f"{self.item} ({self.pk})"

    @property
    def is_draft(self) -> bool:
        return self.case_id is None


def application_material_upload_to(instance: ApplicationMaterial, filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()[:10]
    return f"applications/{instance.application_id}/{instance.sha256[:32]}{suffix}"


class ApplicationMaterial(models.Model):
    """A file uploaded to a draft for one required material (or a file field of the form);
    on submission it becomes an attachment of the case."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="materials")
    material = models.ForeignKey(
        ServiceMaterial, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    field_key = models.CharField(max_length=40, blank=True)
    file = models.FileField(
        storage=private_storage, upload_to=application_material_upload_to, max_length=255
    )
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("application material")
        verbose_name_plural = _("application materials")

    def __str__(self) -> str:
        return self.original_name


class ServiceRating(models.Model):
    """The applicant's rating of a closed case (好差评), five grades; the two lowest open a
    follow-up case for the department."""

    class Grade(models.IntegerChoices):
        VERY_SATISFIED = 5, _("Very satisfied")
        SATISFIED = 4, _("Satisfied")
        NEUTRAL = 3, _("Neutral")
        DISSATISFIED = 2, _("Dissatisfied")
        VERY_DISSATISFIED = 1, _("Very dissatisfied")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="rating", verbose_name=_("case")
    )
    item = models.ForeignKey(
        ServiceItem, on_delete=models.PROTECT, related_name="ratings", verbose_name=_("item")
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("department")
    )
    grade = models.PositiveSmallIntegerField(_("grade"), choices=Grade.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=1000)
    created_at = models.DateTimeField(_("rated"), default=timezone.now)
    follow_up = models.OneToOneField(
        "cases.Case",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="rating_followed_up",
        verbose_name=_("follow-up case"),
    )

    class Meta:
        verbose_name = _("service rating")
        verbose_name_plural = _("service ratings")
        indexes = [
            models.Index(fields=["department", "created_at"], name="rating_department"),
            models.Index(fields=["item", "created_at"], name="rating_item"),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_grade_display()}"

    @property
    def is_bad(self) -> bool:
        return self.grade <= self.Grade.DISSATISFIED


class DecisionDocument(models.Model):
    """The written decision on an application (准予 / 不予行政许可决定书), numbered per issuing
    department and year; the PDF itself is an attachment of the case."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", _("Approval")
        DENIAL = "denial", _("Denial")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.CASCADE, related_name="decision", verbose_name=_("case")
    )
    department = models.ForeignKey(
        "core.Department", on_delete=models.PROTECT, related_name="+", verbose_name=_("issuer")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(_("year"))
    serial = models.PositiveIntegerField(_("serial number"))
    number = models.CharField(_("decision number"), max_length=80, unique=True)
    issued_on = models.DateField(_("issued"))
    attachment = models.ForeignKey(
        "cases.CaseAttachment",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("document"),
    )

    class Meta:
        verbose_name = _("decision document")
        verbose_name_plural = _("decision documents")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year", "serial"], name="decision_serial_per_year"
            )
        ]

    def __str__(self) -> str:
        return self.number


class StatisticsMonth(models.Model):
    """A month whose statistics are stored in ``MonthlyFigures``, up to ``through``.

    A day's events never change once it is over (the engine dates every submission,
    acceptance, decision and rating "now"), so the nightly job counts each finished month once,
    and the current month up to yesterday; the statistics page reads them from here and counts
    only today from the cases. ``services.actions.rebuild_statistics_months`` recomputes them
    after data with past dates has been loaded."""

    month = models.DateField(_("month"), unique=True)  # the 1st
    through = models.DateField(
        _("counted through"), help_text=_("The last day counted: the month's last day once over.")
    )
    computed_at = models.DateTimeField(_("computed at"), default=timezone.now)

    class Meta:
        verbose_name = _("stored statistics month")
        verbose_name_plural = _("stored statistics months")
        ordering = ["month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"


class MonthlyFigures(models.Model):
    """One department's and item's numbers of a stored month (see ``services.reports`` for
    what each figure counts). ``item`` is empty for cases without an application."""

    summary = models.ForeignKey(StatisticsMonth, on_delete=models.CASCADE, related_name="figures")
    department = models.ForeignKey("core.Department", on_delete=models.CASCADE, related_name="+")
    item = models.ForeignKey(
        ServiceItem, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    received = models.PositiveIntegerField(default=0)
    accepted = models.PositiveIntegerField(default=0)
    concluded = models.PositiveIntegerField(default=0)
    on_time = models.PositiveIntegerField(default=0)
    timed = models.PositiveIntegerField(default=0)
    working_days = models.BigIntegerField(default=0)
    ratings = models.PositiveIntegerField(default=0)
    grade_total = models.PositiveIntegerField(default=0)
    bad_ratings = models.PositiveIntegerField(default=0)

    NUMBERS = (
        "received",
        "accepted",
        "concluded",
        "on_time",
        "timed",
        "working_days",
        "ratings",
        "grade_total",
        "bad_ratings",
    )

    class Meta:
        verbose_name = _("monthly figures")
        verbose_name_plural = _("monthly figures")

    def __str__(self) -> str:
        return f"{self.summary} {self.department_id}/{self.item_id}"
