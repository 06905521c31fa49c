"""Web analytics tables: raw page views (kept a few days), the visitor-day state the
incremental roll-up needs, daily aggregates (kept for years), the daily salts of the visitor
hash, and the progress of access-log imports.

No table holds an IP address or a cookie: a visitor is ``sha256(salt of the day, IP, user
agent)``, and the salt is deleted the day after (``actions.purge_analytics``).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


class VisitorSalt(models.Model):
    """The random salt of one day's visitor hashes; deleted once the day is over."""

    day = models.DateField(unique=True)
    salt = models.CharField(max_length=64)

    def __str__(self) -> str:
        return str(self.day)


class PageView(models.Model):
    """One page view recorded by the script, the pixel or the server (raw hit)."""

    class Source(models.TextChoices):
        SCRIPT = "script", _("Script")
        PIXEL = "pixel", _("Pixel")
        SERVER = "server", _("Server")

    # No index of its own: the table's unique constraint (or index) starts with the site.
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    time = models.DateTimeField()
    day = models.DateField()
    visitor = models.CharField(max_length=16)
    path = models.CharField(max_length=500)
    title = models.CharField(max_length=200, blank=True)
    referrer = models.CharField(max_length=500, blank=True)
    channel = models.CharField(max_length=16, blank=True)
    referrer_name = models.CharField(max_length=200, blank=True)
    campaign = models.CharField(max_length=100, blank=True)
    device = models.CharField(max_length=16, blank=True)
    browser = models.CharField(max_length=32, blank=True)
    os = models.CharField(max_length=32, blank=True)
    country = models.CharField(max_length=2, blank=True)
    province = models.CharField(max_length=32, blank=True)
    city = models.CharField(max_length=64, blank=True)
    language = models.CharField(max_length=16, blank=True)
    screen = models.CharField(max_length=16, blank=True)
    source = models.CharField(max_length=8, choices=Source.choices, default=Source.SCRIPT)

    class Meta:
        indexes = [
            models.Index(fields=["site", "time"], name="analytics_pv_site_time"),
            models.Index(fields=["time"], name="analytics_pv_time"),
        ]

    def __str__(self) -> str:
        return f"{self.time:%Y-%m-%d %H:%M} {self.path}"


class RollupCursor(models.Model):
    """How far the roll-up has read the raw page views (the last rolled-up id)."""

    name = models.CharField(max_length=32, unique=True)
    last_id = models.BigIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.name}: {self.last_id}"


class VisitorDay(models.Model):
    """A visitor's state on one day of one site: what the incremental roll-up needs to tell a
    new visit (30 minutes without a page view) from a continued one.

    An import of a million log lines writes about 400,000 of these, so the table is lean:
    its primary key is (site, day, visitor), its only index, and its site has no database
    foreign key (the deferred check of every row cost PostgreSQL more CPU than the rows).

    The bulk tables' sites are ``DO_NOTHING`` to the ORM: a site about to be deleted loses
    their rows with one ``DELETE`` per table (``actions.delete_site_figures``), where the
    ORM's cascade would load every row and delete it by its key."""

    pk = models.CompositePrimaryKey("site", "day", "visitor")
    site = models.ForeignKey(
        "wagtailcore.Site",
        on_delete=models.DO_NOTHING,
        related_name="+",
        db_index=False,
        db_constraint=False,
    )
    day = models.DateField()
    visitor = models.CharField(max_length=16)
    last_seen = models.FloatField()
    visit_pages = models.IntegerField()
    exit_path = models.CharField(max_length=500)

    def __str__(self) -> str:
        return f"{self.day} {self.visitor}"


class DailySummary(models.Model):
    """A site's figures of one day. ``duration_seconds`` sums the visits' lengths (first to
    last page view); bot, static, redirect and error hits come from access logs."""

    # No index of its own: the table's unique constraint (or index) starts with the site.
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    day = models.DateField()
    page_views = models.BigIntegerField(default=0)
    visitors = models.BigIntegerField(default=0)
    visits = models.BigIntegerField(default=0)
    bounces = models.BigIntegerField(default=0)
    duration_seconds = models.BigIntegerField(default=0)
    bot_hits = models.BigIntegerField(default=0)
    static_hits = models.BigIntegerField(default=0)
    redirects = models.BigIntegerField(default=0)
    errors = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "day"], name="analytics_dailysummary_unique")
        ]
        indexes = [models.Index(fields=["day"], name="analytics_summary_day")]

    def __str__(self) -> str:
        return f"{self.site_id} {self.day}"


class DailyCount(models.Model):
    """One value of one dimension of a site's day: pages count page views; every other
    dimension (entry and exit pages, channels, referrers, campaigns, devices, browsers,
    systems, countries, provinces, cities, languages, screens) counts visits."""

    class Dimension(models.TextChoices):
        PAGE = "page", _("Pages")
        ENTRY = "entry", _("Entry pages")
        EXIT = "exit", _("Exit pages")
        CHANNEL = "channel", _("Channels")
        REFERRER = "referrer", _("Referrers")
        SEARCH_ENGINE = "search", _("Search engines")
        CAMPAIGN = "campaign", _("Campaigns")
        DEVICE = "device", _("Devices")
        BROWSER = "browser", _("Browsers")
        OS = "os", _("Operating systems")
        COUNTRY = "country", _("Countries")
        PROVINCE = "province", _("Provinces")
        CITY = "city", _("Cities")
        LANGUAGE = "language", _("Languages")
        SCREEN = "screen", _("Screens")

    # No index of its own: the table's unique constraint (or index) starts with the site.
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    day = models.DateField()
    dimension = models.CharField(max_length=16, choices=Dimension.choices)
    value = models.CharField(max_length=500)
    count = models.BigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["site", "day", "dimension", "value"], name="analytics_dailycount_unique"
            )
        ]
        indexes = [models.Index(fields=["dimension", "day"], name="analytics_count_dim_day")]

    def __str__(self) -> str:
        return f"{self.day} {self.dimension}={self.value}"


class LogImport(models.Model):
    """An access log being (or having been) imported: identified by a fingerprint of its
    first bytes, so a renamed or re-offered file is recognised, and resumed from ``offset``
    (bytes of its uncompressed text) when it has grown or an import was interrupted."""

    # No index of its own: the table's unique constraint (or index) starts with the site.
    site = models.ForeignKey(
        "wagtailcore.Site", on_delete=models.DO_NOTHING, related_name="+", db_index=False
    )
    fingerprint = models.CharField(max_length=64)
    name = models.CharField(max_length=500)
    offset = models.BigIntegerField(default=0)
    lines = models.BigIntegerField(default=0)
    page_views = models.BigIntegerField(default=0)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["site", "fingerprint"], name="analytics_log_unique")
        ]

    def __str__(self) -> str:
        return self.name


@register_setting(icon="view")
class AnalyticsSettings(BaseSiteSetting):
    """A site's choice to show its visit figures to the public at /analytics/summary/."""

    show_public_summary = models.BooleanField(
        _("show a public summary of visits"),
        default=False,
        help_text=_(
            "Page views and visitors of today, this year and in total at /analytics/summary/."
        ),
    )

    class Meta:
        verbose_name = _("Web analytics")
