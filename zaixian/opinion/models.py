"""Tables of the public-opinion watch (网络舆情监测) on the monitoring engine: topics and their
matches, events (one story's items), alert rules and alerts, incidents with their response
clocks, reprints of the portal's articles, and numbered reports."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Topic(models.Model):
    """A subject analysts watch, as word lists (matched with Aho-Corasick, see
    ``zaixian.monitoring.matching``)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    all_words = models.TextField(
        _("all of these words"), blank=True, help_text=_("Separate words with commas or spaces.")
    )
    any_words = models.TextField(_("any of these words"), blank=True)
    none_words = models.TextField(_("none of these words"), blank=True)
    window = models.PositiveIntegerField(
        _("proximity window (characters)"),
        default=0,
        help_text=_("The required words must occur this close together; 0 means anywhere."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("topic")
        verbose_name_plural = _("topics")

    def __str__(self) -> str:
        return self.name


class TopicMatch(models.Model):
    topic = models.ForeignKey(Topic, related_name="matches", on_delete=models.CASCADE)
    item = models.ForeignKey(
        "monitoring.Item", related_name="topic_matches", on_delete=models.CASCADE
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["topic", "item"], name="opinion_topicmatch_unique")
        ]

    def __str__(self) -> str:
        return f"{self.topic} ← {self.item_id}"


class Event(models.Model):
    """The items of one story (one near-duplicate cluster of the engine) that matched a topic."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    title = models.CharField(_("title"), max_length=500)
    cluster = models.OneToOneField(
        "monitoring.Item", related_name="opinion_event", on_delete=models.CASCADE
    )
    topics = models.ManyToManyField(Topic, related_name="events", verbose_name=_("topics"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    first_seen_at = models.DateTimeField(_("first seen"))
    last_seen_at = models.DateTimeField(_("last seen"), db_index=True)
    item_count = models.PositiveIntegerField(_("items"), default=0)
    source_count = models.PositiveIntegerField(_("sources"), default=0)
    negative_count = models.PositiveIntegerField(_("negative items"), default=0)
    reprint_count = models.PositiveIntegerField(_("reprints"), default=0)
    heat = models.FloatField(_("heat"), default=0.0, db_index=True)

    class Meta:
        ordering = ["-heat"]
        verbose_name = _("event")
        verbose_name_plural = _("events")

    def __str__(self) -> str:
        return self.title

    @property
    def negative_share(self) -> float:
        return self.negative_count / self.item_count if self.item_count else 0.0


class ResponsePlan(models.Model):
    """A response plan (预案): the steps an incident's owner works through."""

    name = models.CharField(_("name"), max_length=200, unique=True)
    steps = models.TextField(_("steps"), help_text=_("One step a line, in order."))

    class Meta:
        verbose_name = _("response plan")
        verbose_name_plural = _("response plans")

    def __str__(self) -> str:
        return self.name

    def step_list(self) -> list[str]:
        return [line.strip() for line in self.steps.splitlines() if line.strip()]


class AlertRule(models.Model):
    """Raise an alert for an event of ``topic`` whose volume in the last ``window_hours`` is
    at least ``min_items`` and ``growth_factor`` times the window before, with at least
    ``min_negative_share`` of it negative."""

    name = models.CharField(_("name"), max_length=200)
    topic = models.ForeignKey(
        Topic, verbose_name=_("topic"), related_name="alert_rules", on_delete=models.CASCADE
    )
    window_hours = models.PositiveIntegerField(_("window (hours)"), default=6)
    min_items = models.PositiveIntegerField(_("minimum items in the window"), default=5)
    growth_factor = models.FloatField(_("growth over the previous window"), default=2.0)
    min_negative_share = models.FloatField(_("minimum negative share"), default=0.5)
    emails = models.TextField(
        _("e-mail addresses"), blank=True, help_text=_("Also tell these addresses, one a line.")
    )
    webhook_url = models.URLField(_("webhook URL"), blank=True)
    plan = models.ForeignKey(
        ResponsePlan,
        verbose_name=_("response plan"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self) -> str:
        return self.name


class Alert(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CONFIRMED = "confirmed", _("Confirmed")
        DISMISSED = "dismissed", _("Dismissed")

    rule = models.ForeignKey(AlertRule, related_name="alerts", on_delete=models.CASCADE)
    event = models.ForeignKey(Event, related_name="alerts", on_delete=models.CASCADE)
    raised_at = models.DateTimeField(_("raised"), default=timezone.now)
    reason = models.TextField(_("reason"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["-raised_at"]
        verbose_name = _("alert")
        verbose_name_plural = _("alerts")
        constraints = [
            models.UniqueConstraint(fields=["rule", "event"], name="opinion_alert_once_per_event")
        ]

    def __str__(self) -> str:
        return f"{self.rule}: {self.event}"


class Incident(models.Model):
    """A confirmed alert under an owner, with the response clocks counted from the alert."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    alert = models.OneToOneField(Alert, related_name="incident", on_delete=models.PROTECT)
    event = models.ForeignKey(Event, related_name="incidents", on_delete=models.PROTECT)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("owner"),
        related_name="opinion_incidents",
        on_delete=models.PROTECT,
    )
    opened_at = models.DateTimeField(_("clock started"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    # The three milestones of the response clocks (see rules.RESPONSE_CLOCKS).
    first_release_at = models.DateTimeField(
        _("authoritative information released"), null=True, blank=True
    )
    progress_release_at = models.DateTimeField(_("progress released"), null=True, blank=True)
    response_at = models.DateTimeField(_("public concern answered"), null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-opened_at"]
        verbose_name = _("incident")
        verbose_name_plural = _("incidents")

    def __str__(self) -> str:
        return str(self.event)


class IncidentStep(models.Model):
    incident = models.ForeignKey(Incident, related_name="steps", on_delete=models.CASCADE)
    position = models.PositiveIntegerField()
    text = models.CharField(_("step"), max_length=500)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        ordering = ["incident", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["incident", "position"], name="opinion_incidentstep_unique"
            )
        ]

    def __str__(self) -> str:
        return self.text


class Reprint(models.Model):
    """A monitored item found to reprint one of the portal's own articles."""

    item = models.OneToOneField(
        "monitoring.Item", related_name="opinion_reprint", on_delete=models.CASCADE
    )
    article = models.ForeignKey(
        "wagtailcore.Page", related_name="+", null=True, on_delete=models.SET_NULL
    )
    article_title = models.CharField(_("article"), max_length=500)
    outlet = models.CharField(_("outlet"), max_length=100, db_index=True)
    url = models.URLField(_("URL"), max_length=1000)
    reprinted_at = models.DateTimeField(_("reprinted"), db_index=True)
    containment = models.FloatField(_("share of the text found in the article"))

    class Meta:
        ordering = ["-reprinted_at"]
        verbose_name = _("reprint")
        verbose_name_plural = _("reprints")

    def __str__(self) -> str:
        return f"{self.outlet}: {self.article_title}"


class Report(models.Model):
    """A generated report, numbered per kind and year (2024年第3期)."""

    class Kind(models.TextChoices):
        FLASH = "flash", _("Flash report")
        INTERNAL_REFERENCE = "internal_reference", _("Internal reference")
        DAILY_DIGEST = "daily_digest", _("Daily digest")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    year = models.PositiveIntegerField(_("year"))
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=300)
    event = models.ForeignKey(Event, null=True, blank=True, on_delete=models.SET_NULL)
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "year", "number"], name="opinion_report_number_unique"
            )
        ]

    def __str__(self) -> str:
        return self.title
