"""Tables of the monitoring engine: collections of sources, sources with their schedule and
health record, fetched items and their processing results."""

from __future__ import annotations

from datetime import timedelta

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SourceCollection(models.Model):
    """A group of sources of one kind (central media, provincial media, local media, forums,
    official accounts); its weight counts in the heat of the stories its sources carry."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("code"), max_length=50, unique=True)
    weight = models.FloatField(
        _("weight"), default=1.0, help_text=_("How much one item of this collection adds to heat.")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("source collection")
        verbose_name_plural = _("source collections")

    def __str__(self) -> str:
        return self.name


class Source(models.Model):
    """Where items come from, how often to fetch it, and how the last fetches went."""

    class Kind(models.TextChoices):
        FEED = "feed", _("RSS or Atom feed")
        SITEMAP = "sitemap", _("Sitemap")
        LIST_PAGE = "list_page", _("Web list page")
        JSON_API = "json_api", _("JSON API")
        FILE_IMPORT = "file_import", _("File import (CSV or JSONL)")

    name = models.CharField(_("name"), max_length=200)
    outlet = models.CharField(
        _("outlet"),
        max_length=100,
        blank=True,
        help_text=_("The media outlet, as reports name it."),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    url = models.URLField(_("URL"), max_length=1000, blank=True)
    collection = models.ForeignKey(
        SourceCollection,
        verbose_name=_("collection"),
        related_name="sources",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
    )
    link_selector = models.CharField(
        _("link selector"),
        max_length=300,
        blank=True,
        help_text=_("CSS selector of the article links on a list page."),
    )
    title_selector = models.CharField(_("title selector"), max_length=300, blank=True)
    time_selector = models.CharField(_("time selector"), max_length=300, blank=True)
    body_selector = models.CharField(_("body selector"), max_length=300, blank=True)
    field_map = models.JSONField(
        _("field map"),
        default=dict,
        blank=True,
        help_text=_(
            "For JSON APIs and file imports: which field holds the url, title, body and time, "
            'and for JSON the path of the item list, e.g. {"items": "data.list"}.'
        ),
    )
    interval_minutes = models.PositiveIntegerField(_("fetch every (minutes)"), default=30)
    is_active = models.BooleanField(_("active"), default=True)
    # Conditional GET: the validators of the last successful response.
    etag = models.CharField(max_length=300, blank=True, editable=False)
    last_modified = models.CharField(max_length=100, blank=True, editable=False)
    # Health record, shown to analysts.
    last_fetched_at = models.DateTimeField(_("last fetched"), null=True, blank=True)
    last_success_at = models.DateTimeField(_("last success"), null=True, blank=True)
    consecutive_errors = models.PositiveIntegerField(_("consecutive errors"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    next_fetch_at = models.DateTimeField(_("next fetch"), null=True, blank=True, db_index=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.name

    @property
    def is_healthy(self) -> bool:
        return self.consecutive_errors == 0

    @property
    def interval(self) -> timedelta:
        return timedelta(minutes=self.interval_minutes)

    def display_outlet(self) -> str:
        return self.outlet or self.name


class FetchRun(models.Model):
    """One fetch of one source: when, how it ended, and how many items were new."""

    class Outcome(models.TextChoices):
        OK = "ok", _("Success")
        NOT_MODIFIED = "not_modified", _("Not modified")
        ERROR = "error", _("Error")
        SKIPPED = "skipped", _("Skipped")

    source = models.ForeignKey(Source, related_name="runs", on_delete=models.CASCADE)
    started_at = models.DateTimeField(default=timezone.now, db_index=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    outcome = models.CharField(max_length=20, choices=Outcome.choices)
    items_seen = models.PositiveIntegerField(default=0)
    items_new = models.PositiveIntegerField(default=0)
    message = models.TextField(blank=True)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("fetch run")
        verbose_name_plural = _("fetch runs")

    def __str__(self) -> str:
        return f"{self.source} {self.started_at:%Y-%m-%d %H:%M} {self.outcome}"


class Item(models.Model):
    """One piece of content a source produced, cleaned and fingerprinted.

    ``cluster`` points to the first item of its near-duplicate group (the same story and its
    reprints); the first item points to itself. ``simhash`` is stored signed (a 64-bit
    integer column) and its four 16-bit bands are indexed for the banded lookup."""

    class Sentiment(models.TextChoices):
        NEGATIVE = "negative", _("Negative")
        NEUTRAL = "neutral", _("Neutral")
        POSITIVE = "positive", _("Positive")

    source = models.ForeignKey(Source, related_name="items", on_delete=models.CASCADE)
    url = models.URLField(_("URL"), max_length=1000)
    canonical_url = models.CharField(max_length=1000, db_index=True)
    title = models.CharField(_("title"), max_length=500)
    body = models.TextField(_("text"), blank=True)
    author = models.CharField(_("author"), max_length=200, blank=True)
    published_at = models.DateTimeField(_("published"), db_index=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)
    simhash = models.BigIntegerField(default=0)
    band0 = models.IntegerField(default=0)
    band1 = models.IntegerField(default=0)
    band2 = models.IntegerField(default=0)
    band3 = models.IntegerField(default=0)
    cluster = models.ForeignKey(
        "self", related_name="cluster_items", on_delete=models.SET_NULL, null=True, blank=True
    )
    sentiment = models.CharField(
        _("sentiment"), max_length=10, choices=Sentiment.choices, default=Sentiment.NEUTRAL
    )
    sentiment_score = models.FloatField(default=0.0)
    sample_count = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-published_at"]
        verbose_name = _("item")
        verbose_name_plural = _("items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "canonical_url"], name="monitoring_item_unique_url"
            )
        ]
        indexes = [
            models.Index(fields=["band0"], name="monitoring_item_band0"),
            models.Index(fields=["band1"], name="monitoring_item_band1"),
            models.Index(fields=["band2"], name="monitoring_item_band2"),
            models.Index(fields=["band3"], name="monitoring_item_band3"),
        ]

    def __str__(self) -> str:
        return self.title


class ItemSample(models.Model):
    """One sampled shingle hash of an item (``zaixian.monitoring.similarity``): the second
    stage of near-duplicate detection counts shared samples in SQL."""

    item = models.ForeignKey(Item, related_name="samples", on_delete=models.CASCADE)
    value = models.BigIntegerField(db_index=True)

    class Meta:
        verbose_name = _("item sample")
        verbose_name_plural = _("item samples")

    def __str__(self) -> str:
        return f"{self.item_id}:{self.value}"
