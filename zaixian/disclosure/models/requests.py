"""Disclosure requests (依申请公开): the request with the applicant's identity, one-to-one with
its ``cases.Case``; and the annual report's figures that come from outside the platform."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from zaixian.disclosure import rules


class DisclosureRequest(models.Model):
    """A request for government information (政府信息公开申请). The case carries the state,
    the deadline clock and the history; this row what the applicant asked for, who they are
    (the columns of the annual report's table 3) and how it ended (its rows)."""

    class ApplicantKind(models.TextChoices):
        NATURAL_PERSON = "natural_person", _("Natural person")
        BUSINESS = "business", _("Business")
        RESEARCH = "research", _("Research institution")
        PUBLIC_INTEREST = "public_interest", _("Public-interest organisation")
        LEGAL_SERVICE = "legal_service", _("Legal-service institution")
        OTHER_ORGANISATION = "other_organisation", _("Other organisation")

    class Channel(models.TextChoices):
        ONLINE = rules.Channel.ONLINE, _("Online")
        IN_PERSON = rules.Channel.IN_PERSON, _("In person")
        POST = rules.Channel.POST, _("By post (signed for)")
        LETTER = rules.Channel.LETTER, _("By ordinary letter")
        FAX = rules.Channel.FAX, _("By fax")

    class Form(models.TextChoices):
        PAPER = "paper", _("Paper copy")
        ELECTRONIC = "electronic", _("Electronic file")
        DISC = "disc", _("CD or DVD")
        VIEW = "view", _("To look at on the spot")

    class Delivery(models.TextChoices):
        POST = "post", _("By post")
        EMAIL = "email", _("By e-mail")
        COLLECT = "collect", _("Collect in person")
        ONLINE = "online", _("Online, on the request's page")

    class FeeMethod(models.TextChoices):
        BY_COUNT = rules.FeeMethod.BY_COUNT, _("By number of requests")
        BY_VOLUME = rules.FeeMethod.BY_VOLUME, _("By number of pages")

    case = models.OneToOneField(
        "cases.Case", on_delete=models.PROTECT, related_name="disclosure_request"
    )
    department = models.ForeignKey(
        "core.Department",
        on_delete=models.PROTECT,
        related_name="disclosure_requests",
        verbose_name=_("organisation"),
    )
    channel = models.CharField(
        _("channel"), max_length=12, choices=Channel.choices, default=Channel.ONLINE
    )
    received_on = models.DateField(_("date of receipt"), db_index=True)

    applicant_kind = models.CharField(
        _("applicant type"), max_length=20, choices=ApplicantKind.choices
    )
    applicant_name = models.CharField(_("name"), max_length=100)
    id_number = models.CharField(_("resident ID number"), max_length=18, blank=True)
    credit_code = models.CharField(_("unified social credit code"), max_length=18, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    phone = models.CharField(_("mobile phone"), max_length=11)
    email = models.EmailField(_("e-mail"), blank=True)
    address = models.CharField(_("postal address"), max_length=200, blank=True)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    on_behalf_of_other = models.BooleanField(_("made for another person"), default=False)

    description = models.TextField(_("information requested"), max_length=2000)
    purpose = models.CharField(_("purpose"), max_length=500, blank=True)
    form = models.CharField(_("form"), max_length=12, choices=Form.choices, default=Form.ELECTRONIC)
    delivery = models.CharField(
        _("delivery"), max_length=12, choices=Delivery.choices, default=Delivery.ONLINE
    )
    corrected_description = models.TextField(_("corrected request"), blank=True)
    correction_due_on = models.DateField(_("correct by"), null=True, blank=True)
    corrected_on = models.DateField(_("corrected on"), null=True, blank=True)
    consultation_due_on = models.DateField(_("opinions due by"), null=True, blank=True)

    fee_method = models.CharField(
        _("fee method"), max_length=12, choices=FeeMethod.choices, blank=True
    )
    fee_pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    fee_yuan = models.PositiveIntegerField(_("fee (yuan)"), null=True, blank=True)
    fee_notice_on = models.DateField(_("fee notice sent"), null=True, blank=True)
    fee_due_on = models.DateField(_("pay by"), null=True, blank=True)
    fee_paid_on = models.DateField(_("fee paid"), null=True, blank=True)

    outcome = models.CharField(
        _("outcome"),
        max_length=40,
        blank=True,
        choices=[(outcome.key, outcome.label) for outcome in rules.OUTCOMES],
    )
    concluded_on = models.DateField(_("answered on"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("disclosure request")
        verbose_name_plural = _("disclosure requests")
        ordering = ["-received_on", "-pk"]
        indexes = [
            models.Index(fields=["department", "received_on"], name="disclosure_req_org_recv"),
            models.Index(fields=["department", "concluded_on"], name="disclosure_req_org_concl"),
            models.Index(fields=["id_number", "received_on"], name="disclosure_req_person"),
            models.Index(fields=["credit_code", "received_on"], name="disclosure_req_org_appl"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(applicant_kind="natural_person", credit_code="")
                    & ~models.Q(id_number="")
                )
                | (~models.Q(applicant_kind="natural_person") & ~models.Q(credit_code="")),
                name="disclosure_request_identity",
            ),
            models.CheckConstraint(
                condition=models.Q(outcome="", concluded_on__isnull=True)
                | (~models.Q(outcome="") & models.Q(concluded_on__isnull=False)),
                name="disclosure_request_outcome_dated",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case.tracking_number} {self.applicant_name}"

    @property
    def outcome_label(self) -> str:
        outcome = rules.OUTCOMES_BY_KEY.get(self.outcome)
        return outcome.label if outcome else ""

    @property
    def identity_key(self) -> str:
        """Who the applicant is for the fee count: the ID number or the credit code."""
        return self.id_number or self.credit_code


class AnnualReportFigures(models.Model):
    """What the annual report needs that the platform does not hold, entered by the office
    and printed as entered by hand: penalty and compulsion decisions and fees collected (table
    2), reconsideration and litigation (table 4), and the narrative sections 一, 五 and 六.
    ``department`` empty: the whole city's report."""

    department = models.ForeignKey(
        "core.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
        help_text=_("Leave empty for the whole city's report."),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2008), MaxValueValidator(2999)]
    )
    overview = models.TextField(_("一 Overview"), blank=True, max_length=20000)
    problems = models.TextField(
        _("五 Main problems and improvements"), blank=True, max_length=20000
    )
    other_matters = models.TextField(_("六 Other matters to report"), blank=True, max_length=20000)

    penalty_decisions = models.PositiveIntegerField(
        _("administrative penalty decisions"), default=0
    )
    compulsion_decisions = models.PositiveIntegerField(
        _("administrative compulsion decisions"), default=0
    )
    licensing_decisions = models.PositiveIntegerField(
        _("administrative licensing decisions made outside the platform"),
        default=0,
        help_text=_("Added to the decisions the online service hall recorded."),
    )
    fees_collected = models.DecimalField(
        _("administrative fees collected (10,000 yuan)"),
        max_digits=12,
        decimal_places=4,
        default=0,
        validators=[MinValueValidator(0)],
    )

    reconsideration_upheld = models.PositiveIntegerField(_("reconsideration: upheld"), default=0)
    reconsideration_corrected = models.PositiveIntegerField(
        _("reconsideration: corrected"), default=0
    )
    reconsideration_other = models.PositiveIntegerField(_("reconsideration: other"), default=0)
    reconsideration_pending = models.PositiveIntegerField(_("reconsideration: pending"), default=0)
    direct_suit_upheld = models.PositiveIntegerField(
        _("suit without reconsideration: upheld"), default=0
    )
    direct_suit_corrected = models.PositiveIntegerField(
        _("suit without reconsideration: corrected"), default=0
    )
    direct_suit_other = models.PositiveIntegerField(
        _("suit without reconsideration: other"), default=0
    )
    direct_suit_pending = models.PositiveIntegerField(
        _("suit without reconsideration: pending"), default=0
    )
    suit_after_upheld = models.PositiveIntegerField(
        _("suit after reconsideration: upheld"), default=0
    )
    suit_after_corrected = models.PositiveIntegerField(
        _("suit after reconsideration: corrected"), default=0
    )
    suit_after_other = models.PositiveIntegerField(
        _("suit after reconsideration: other"), default=0
    )
    suit_after_pending = models.PositiveIntegerField(
        _("suit after reconsideration: pending"), default=0
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("annual report figures entered by hand")
        verbose_name_plural = _("annual report figures entered by hand")
        ordering = ["-year", "department__path"]
        # One row per organisation and year, and one for the whole city (two partial
        # constraints: SQLite has no NULLS NOT DISTINCT).
        constraints = [
            models.UniqueConstraint(
                fields=["department", "year"],
                condition=models.Q(department__isnull=False),
                name="disclosure_annual_figures_unique",
                violation_error_message=_("Figures for this organisation and year exist already."),
            ),
            models.UniqueConstraint(
                fields=["year"],
                condition=models.Q(department__isnull=True),
                name="disclosure_annual_figures_city_unique",
                violation_error_message=_("Figures for this organisation and year exist already."),
            ),
        ]

    def __str__(self) -> str:
        name = self.department.name if self.department else "—"
        return f"{self.year} {name}"
