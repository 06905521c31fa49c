"""Tables of the site self-evaluation: the sites to evaluate, the availability probes of their
home pages, evaluation runs with the pages and links they crawled, the findings with their
evidence, and the maintained list of wrong and forbidden wordings."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class EvaluationTarget(models.Model):
    """A site to evaluate: one of the platform's own sites (linked to its Wagtail site, so the
    checks can read the platform's data about it) or any government site by its URL."""

    name = models.CharField(_("name"), max_length=200)
    base_url = models.URLField(
        _("home page URL"), max_length=500, help_text=_("The address the crawl starts from.")
    )
    site = models.OneToOneField(
        "wagtailcore.Site",
        verbose_name=_("platform site"),
        related_name="evaluation_target",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_("Set for the platform's own sites: interaction and disclosure data are read."),
    )
    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("responsible department"),
        related_name="evaluation_targets",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        help_text=_(
            "The department whose site administrators maintain this site: they see its results "
            "and may start a run."
        ),
    )
    admin_emails = models.TextField(
        _("administrators' e-mail addresses"),
        blank=True,
        help_text=_("One per line; they are told when a single-veto item fails."),
    )
    max_pages = models.PositiveIntegerField(_("pages per crawl at most"), default=5000)
    requests_per_second = models.FloatField(
        _("requests per second"),
        default=2.0,
        help_text=_("The crawl's rate limit for this site; 0 means no limit (local sites only)."),
    )
    accessibility_sample = models.PositiveSmallIntegerField(
        _("pages checked for accessibility"), default=10
    )
    check_external_links = models.BooleanField(_("check external links"), default=True)
    is_active = models.BooleanField(
        _("evaluated daily"), default=True, help_text=_("Probed and evaluated by the scheduler.")
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("evaluated site")
        verbose_name_plural = _("evaluated sites")
        constraints = [
            models.UniqueConstraint(fields=["base_url"], name="evaluation_target_unique_url")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def admin_email_list(self) -> list[str]:
        return [line.strip() for line in self.admin_emails.splitlines() if line.strip()]


class AvailabilityProbe(models.Model):
    """One request to a site's home page with the indicators' 15-second limit."""

    target = models.ForeignKey(
        EvaluationTarget,
        verbose_name=_("site"),
        related_name="probes",
        on_delete=models.CASCADE,
    )
    probed_at = models.DateTimeField(_("probed at"), db_index=True)
    is_up = models.BooleanField(_("opened"))
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    elapsed_ms = models.PositiveIntegerField(_("time (ms)"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)

    class Meta:
        ordering = ["-probed_at"]
        verbose_name = _("availability probe")
        verbose_name_plural = _("availability probes")
        indexes = [models.Index(fields=["target", "probed_at"])]

    def __str__(self) -> str:
        return f"{self.target} {self.probed_at:%Y-%m-%d %H:%M}"


class EvaluationRunQuerySet(models.QuerySet["EvaluationRun"]):
    def done(self) -> EvaluationRunQuerySet:
        """Finished runs with a score, newest first."""
        return self.filter(status=EvaluationRun.Status.DONE, score__isnull=False).order_by(
            "-started_at", "-pk"
        )


class EvaluationRun(models.Model):
    """One evaluation of one site: its crawl, the checks' findings and the resulting score."""

    class Status(models.TextChoices):
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Could not finish")

    class Trigger(models.TextChoices):
        SCHEDULE = "schedule", _("Daily schedule")
        ADMIN = "admin", _("Started in the admin")
        COMMAND = "command", _("Command line")

    target = models.ForeignKey(
        EvaluationTarget,
        verbose_name=_("site"),
        related_name="runs",
        on_delete=models.CASCADE,
    )
    trigger = models.CharField(_("started by"), max_length=20, choices=Trigger.choices)
    started_by = models.ForeignKey(
        "core.User",
        verbose_name=_("started by user"),
        related_name="+",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.RUNNING
    )
    started_at = models.DateTimeField(_("started"), db_index=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    error = models.TextField(_("error"), blank=True)
    pages_crawled = models.PositiveIntegerField(_("pages crawled"), default=0)
    links_checked = models.PositiveIntegerField(_("links checked"), default=0)
    # The scorecard (rules.Scorecard as JSON): veto items, deduction areas, bonus items, total.
    score = models.DecimalField(_("score"), max_digits=5, decimal_places=1, null=True, blank=True)
    vetoes_failed = models.PositiveSmallIntegerField(_("single-veto items failed"), default=0)
    is_passed = models.BooleanField(_("passed"), null=True, blank=True)
    scorecard = models.JSONField(_("scorecard"), default=dict, blank=True)

    objects = EvaluationRunQuerySet.as_manager()

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        get_latest_by = "started_at"

    def __str__(self) -> str:
        return f"{self.target} {self.started_at:%Y-%m-%d %H:%M}"


class CrawledPage(models.Model):
    """A page the crawl fetched (or failed to fetch), with what the checks need of it."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), related_name="pages", on_delete=models.CASCADE
    )
    url = models.URLField(_("URL"), max_length=2000)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    title = models.CharField(_("title"), max_length=500, blank=True)
    depth = models.PositiveSmallIntegerField(_("depth"), default=0)
    size_bytes = models.PositiveIntegerField(_("size (bytes)"), default=0)
    elapsed_ms = models.PositiveIntegerField(_("time (ms)"), default=0)
    # The newest date the page shows (its publication date, or a list's newest item).
    newest_date = models.DateField(_("newest date"), null=True, blank=True)
    is_column = models.BooleanField(_("column (list) page"), default=False)
    column_kind = models.CharField(_("column kind"), max_length=20, blank=True)
    item_count = models.PositiveIntegerField(_("list items"), default=0)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("crawled page")
        verbose_name_plural = _("crawled pages")

    def __str__(self) -> str:
        return self.url


class CheckedLink(models.Model):
    """A distinct link target found by the crawl, with its status and where it was first seen."""

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), related_name="links", on_delete=models.CASCADE
    )
    url = models.URLField(_("URL"), max_length=2000)
    found_on = models.URLField(_("found on"), max_length=2000)
    occurrences = models.PositiveIntegerField(_("occurrences"), default=1)
    is_internal = models.BooleanField(_("internal"))
    on_home_page = models.BooleanField(_("on the home page"), default=False)
    status_code = models.PositiveSmallIntegerField(_("HTTP status"), null=True, blank=True)
    error = models.CharField(_("error"), max_length=500, blank=True)
    is_broken = models.BooleanField(_("broken"), default=False)

    class Meta:
        ordering = ["run", "id"]
        verbose_name = _("checked link")
        verbose_name_plural = _("checked links")

    def __str__(self) -> str:
        return self.url


class FindingQuerySet(models.QuerySet["Finding"]):
    def in_scorecard_order(self) -> FindingQuerySet:
        """By severity, indicator and check, then as found: the order of the scorecard."""
        return self.order_by("severity", "indicator", "check_code", "pk")


class Finding(models.Model):
    """One failure a check found, with its evidence, under one indicator of the scorecard."""

    class Severity(models.TextChoices):
        VETO = "veto", _("Single-veto item")
        DEDUCTION = "deduction", _("Deduction")
        BONUS = "bonus", _("Bonus")
        NOTICE = "notice", _("Notice")

    run = models.ForeignKey(
        EvaluationRun, verbose_name=_("run"), related_name="findings", on_delete=models.CASCADE
    )
    check_code = models.CharField(_("check"), max_length=50, db_index=True)
    indicator = models.CharField(_("indicator"), max_length=50)
    severity = models.CharField(_("severity"), max_length=20, choices=Severity.choices)
    page_url = models.URLField(_("page"), max_length=2000, blank=True)
    link_url = models.URLField(_("link"), max_length=2000, blank=True)
    evidence = models.TextField(_("evidence"))
    points = models.DecimalField(_("points"), max_digits=5, decimal_places=2, default=0)
    screenshot = models.ImageField(
        _("screenshot"), upload_to="evaluation/screenshots/%Y/%m/", blank=True
    )
    found_at = models.DateTimeField(_("found at"))

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["run", "severity", "check_code", "id"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")

    def __str__(self) -> str:
        return f"{self.check_code}: {self.evidence[:60]}"


class WordingRule(models.Model):
    """A wrong form to look for on every page (a misspelt leader's name, an institution's or a
    division's old or wrong name, a common typo), or a forbidden word."""

    class Kind(models.TextChoices):
        LEADER_NAME = "leader", _("Leader's name")
        INSTITUTION = "institution", _("Institution")
        DIVISION = "division", _("Administrative division")
        TYPO = "typo", _("Common typo")
        FORBIDDEN = "forbidden", _("Forbidden word")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    wrong = models.CharField(_("wrong form"), max_length=100)
    correct = models.CharField(
        _("correct form"), max_length=100, blank=True, help_text=_("Empty for forbidden words.")
    )
    is_serious = models.BooleanField(
        _("serious error"),
        default=True,
        help_text=_("A serious error fails the site (single veto); others deduct points."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["kind", "wrong"]
        verbose_name = _("wording rule")
        verbose_name_plural = _("wording rules")
        constraints = [models.UniqueConstraint(fields=["wrong"], name="evaluation_wording_unique")]

    def __str__(self) -> str:
        return f"{self.wrong} → {self.correct}" if self.correct else self.wrong


class YearlyReportFacts(models.Model):
    """What a site's yearly work report (政府网站工作年度报表) needs that the platform's data
    cannot give, entered by the site's office once a year. Figures the platform counts (visits,
    publishing, services, messages, its own evaluations) are never entered here."""

    class SiteType(models.TextChoices):
        PORTAL = "portal", _("Government portal")
        DEPARTMENT = "department", _("Department website")

    target = models.ForeignKey(
        EvaluationTarget,
        verbose_name=_("site"),
        related_name="yearly_facts",
        on_delete=models.CASCADE,
    )
    year = models.PositiveSmallIntegerField(_("year"))
    site_type = models.CharField(
        _("site type"), max_length=20, choices=SiteType.choices, blank=True
    )
    # 解读回应: what the platform does not record.
    interpretation_products = models.PositiveIntegerField(
        _("interpretation products (graphics, videos)"), null=True, blank=True
    )
    media_comments = models.PositiveIntegerField(_("media commentaries"), null=True, blank=True)
    # 互动交流
    surveys = models.PositiveIntegerField(_("consultations and surveys"), null=True, blank=True)
    interviews = models.PositiveIntegerField(_("online interviews"), null=True, blank=True)
    has_smart_answers = models.BooleanField(_("offers intelligent Q&A"), null=True, blank=True)
    # 安全防护: checks and problems outside the platform's own evaluations (e.g. by the
    # public-security bureau or a contractor), added to the platform's figures.
    other_security_checks = models.PositiveIntegerField(
        _("other security checks"), default=0, blank=True
    )
    other_problems_found = models.PositiveIntegerField(
        _("problems found by other checks"), default=0, blank=True
    )
    other_problems_fixed = models.PositiveIntegerField(_("of those, fixed"), default=0, blank=True)
    has_monitoring = models.BooleanField(
        _("security monitoring and warning in place"), null=True, blank=True
    )
    has_emergency_drill = models.BooleanField(_("emergency drill held"), null=True, blank=True)
    has_security_officer = models.BooleanField(_("security officer named"), null=True, blank=True)
    # 移动新媒体 and 创新发展
    new_media_accounts = models.TextField(
        _("new-media accounts"),
        blank=True,
        help_text=_("One per line: kind (Weibo, WeChat, app…), name, posts in the year."),
    )
    innovation = models.TextField(_("innovation and development"), blank=True)
    # 填报
    filler = models.CharField(_("filled in by"), max_length=50, blank=True)
    reviewer = models.CharField(_("reviewed by"), max_length=50, blank=True)
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    filled_on = models.DateField(_("filled in on"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-year", "target"]
        verbose_name = _("yearly report facts")
        verbose_name_plural = _("yearly report facts")
        constraints = [
            models.UniqueConstraint(
                fields=["target", "year"], name="evaluation_yearly_facts_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.year}"
