"""Writes of the self-evaluation: probing a home page, running an evaluation (crawl, checks,
score, store, tell the administrators), managing targets and wording rules."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from decimal import Decimal
from functools import partial
from typing import Any

import requests
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from zaixian.evaluation import rules
from zaixian.evaluation.checks import (
    CrawlSummary,
    FindingData,
    PageRecord,
    PageSnapshot,
)
from zaixian.evaluation.models import (
    AvailabilityProbe,
    CheckedLink,
    CrawledPage,
    EvaluationRun,
    EvaluationTarget,
    Finding,
    WordingRule,
)

logger = logging.getLogger(__name__)

PAGE_BATCH = 500
# A run still marked running after this long died with its worker; another may start.
RUN_STALE_AFTER = timedelta(hours=12)
PROBE_USER_AGENT = "ZaixianEvaluation/1.0 (+availability probe; government website self-check)"
Progress = Callable[[str, int, int], None]  # (stage, done, total)


class EvaluationError(Exception):
    """A rule of the self-evaluation was broken; ``str()`` says which, in words."""


class EvaluationAlreadyRunningError(EvaluationError):
    pass


# Availability ------------------------------------------------------------------------------


def probe_availability(
    *, target: EvaluationTarget, now: datetime | None = None
) -> AvailabilityProbe:
    """Open the home page once with the indicators' 15-second limit and record the outcome:
    an answer below 400 within the limit counts as opened. No retries: a probe is one visit."""
    started = time.monotonic()
    status: int | None = None
    error = ""
    try:
        response = requests.get(
            target.base_url,
            timeout=rules.PROBE_TIMEOUT_SECONDS,
            headers={"User-Agent": PROBE_USER_AGENT},
            allow_redirects=True,
        )
        status = response.status_code
        if status >= 400:
            error = _("The home page answered HTTP %(status)d.") % {"status": status}
    except requests.Timeout:
        error = _("The home page did not open within %(s)d seconds.") % {
            "s": rules.PROBE_TIMEOUT_SECONDS
        }
    except requests.TooManyRedirects:
        error = _("The home page redirects in a loop.")
    except requests.RequestException as exc:
        error = _("Could not connect to the site: %(error)s") % {"error": str(exc)[:300]}
    elapsed_ms = int((time.monotonic() - started) * 1000)
    if not error and elapsed_ms > rules.PROBE_TIMEOUT_SECONDS * 1000:
        error = _("The home page took %(ms)d ms, over the %(s)d-second limit.") % {
            "ms": elapsed_ms,
            "s": rules.PROBE_TIMEOUT_SECONDS,
        }
    return AvailabilityProbe.objects.create(
        target=target,
        probed_at=now or timezone.now(),
        is_up=not error,
        status_code=status,
        elapsed_ms=elapsed_ms,
        error=error[:500],
    )


# Evaluation --------------------------------------------------------------------------------


def start_evaluation(
    *, target: EvaluationTarget, trigger: str, user: Any = None, now: datetime | None = None
) -> EvaluationRun:
    """Record a run about to start; refuse when the site's previous run is still going
    (started less than a day ago), so a double click does not crawl a site twice."""
    now = now or timezone.now()
    with transaction.atomic():
        EvaluationTarget.objects.select_for_update().get(pk=target.pk)
        running = target.runs.filter(
            status=EvaluationRun.Status.RUNNING, started_at__gte=now - RUN_STALE_AFTER
        )
        if running.exists():
            raise EvaluationAlreadyRunningError(
                _("An evaluation of %(site)s is already running.") % {"site": target.name}
            )
        return EvaluationRun.objects.create(
            target=target,
            trigger=trigger,
            started_by=user if getattr(user, "is_authenticated", False) else None,
            started_at=now,
        )


def queue_evaluation(*, target: EvaluationTarget, user: Any) -> EvaluationRun:
    """Record a run started in the admin and hand it to a worker after the commit."""
    from zaixian.evaluation.tasks import evaluate_target_task

    run = start_evaluation(target=target, trigger=EvaluationRun.Trigger.ADMIN, user=user)
    transaction.on_commit(partial(evaluate_target_task.enqueue, target.pk, run.pk))
    return run


def run_evaluation(
    *,
    target: EvaluationTarget,
    trigger: str = EvaluationRun.Trigger.COMMAND,
    user: Any = None,
    run: EvaluationRun | None = None,
    progress: Progress | None = None,
    browser: bool = True,
) -> EvaluationRun:
    """Crawl the site, run every check, score it and store the run with its pages, links and
    findings; e-mail the site's administrators when a single-veto item fails. A run that
    cannot finish is stored as failed with the reason, never lost."""
    run = run or start_evaluation(target=target, trigger=trigger, user=user)
    try:
        findings = _evaluate(run, progress=progress, browser=browser)
        _finish(run, findings)
    except Exception as error:
        logger.exception("Evaluation run %s of %s failed", run.pk, target)
        run.status = EvaluationRun.Status.FAILED
        run.error = str(error)[:2000] or error.__class__.__name__
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    if run.vetoes_failed and target.admin_email_list:
        transaction.on_commit(partial(send_veto_email, run_id=run.pk))
    return run


def _evaluate(run: EvaluationRun, *, progress: Progress | None, browser: bool) -> list[FindingData]:
    from zaixian.evaluation.checks.content import page_facts
    from zaixian.evaluation.checks.pages import make_page_checks
    from zaixian.evaluation.checks.platform import check_platform
    from zaixian.evaluation.checks.site import check_site
    from zaixian.evaluation.crawler import crawl

    target = run.target
    today = timezone.localdate()
    page_checks = make_page_checks(
        wording_rules=active_wording_rules(), max_elapsed_ms=settings.EVALUATION_SLOW_PAGE_MS
    )
    findings: list[FindingData] = []
    records: list[PageRecord] = []
    batch: list[CrawledPage] = []

    def on_page(snapshot: PageSnapshot) -> None:
        facts = page_facts(snapshot)
        if snapshot.is_html:
            for check in page_checks:
                findings.extend(check(snapshot))
        record = PageRecord.of(snapshot, facts)
        records.append(record)
        batch.append(_page_row(run, record))
        if len(batch) >= PAGE_BATCH:
            CrawledPage.objects.bulk_create(batch)
            batch.clear()

    def crawl_progress(done: int, queued: int) -> None:
        if progress:
            progress("crawl", done, min(target.max_pages, done + queued))

    result = crawl(
        target.base_url,
        max_pages=target.max_pages,
        requests_per_second=target.requests_per_second,
        on_page=on_page,
        check_external=target.check_external_links,
        progress=crawl_progress,
        workers=settings.EVALUATION_CRAWL_WORKERS,
        timeout=settings.EVALUATION_CRAWL_TIMEOUT,
    )
    CrawledPage.objects.bulk_create(batch)
    run.pages_crawled = len(records)
    run.links_checked = len(result.links)
    CheckedLink.objects.bulk_create(
        [
            CheckedLink(
                run=run,
                url=link.url[:2000],
                found_on=link.found_on[:2000],
                occurrences=link.occurrences,
                is_internal=link.is_internal,
                on_home_page=link.on_home_page,
                status_code=link.status,
                error=link.error[:500],
                is_broken=link.is_broken,
            )
            for link in result.links
        ],
        batch_size=PAGE_BATCH,
    )
    summary = CrawlSummary(
        start_url=result.start_url, pages=records, links=result.links, today=today
    )
    findings.extend(check_site(summary))
    findings.extend(check_platform(target=target, today=today))
    if browser:
        findings.extend(_browser_findings(summary, findings, target=target, progress=progress))
    return findings


def _page_row(run: EvaluationRun, record: PageRecord) -> CrawledPage:
    facts = record.facts
    return CrawledPage(
        run=run,
        url=record.url[:2000],
        status_code=record.status,
        error=record.error[:500],
        content_type=record.content_type[:100],
        title=facts.title[:500],
        depth=min(record.depth, 32767),
        size_bytes=record.size_bytes,
        elapsed_ms=record.elapsed_ms,
        newest_date=facts.newest_date,
        is_column=facts.is_column,
        column_kind=facts.column_kind,
        item_count=facts.item_count,
    )


def accessibility_sample(summary: CrawlSummary, *, size: int) -> list[str]:
    """The pages audited in the browser: the home page, then columns and content pages in
    turn (the inspectors sample both), only pages that opened."""
    opened = [p for p in summary.pages if p.status and p.status < 400 and "html" in p.content_type]
    home = [p.url for p in opened if p.is_home]
    columns = [p.url for p in opened if p.facts.is_column and not p.is_home]
    others = [p.url for p in opened if not p.facts.is_column and not p.is_home]
    sample = home[:1]
    while len(sample) < size and (columns or others):
        for pool in (columns, others):
            if pool and len(sample) < size:
                sample.append(pool.pop(0))
    return sample


def _browser_findings(
    summary: CrawlSummary,
    findings: list[FindingData],
    *,
    target: EvaluationTarget,
    progress: Progress | None,
) -> list[FindingData]:
    """Accessibility, layout on a phone and load time of the sample in Chromium (in a thread
    of its own: Playwright's sync API runs an event loop, where the ORM may not be used), and
    a screenshot of a stale home page as the inspector would see it."""
    from zaixian.evaluation.checks.browser import (
        BrowserUnavailableError,
        run_browser_audit,
        run_screenshot,
    )

    sample = accessibility_sample(summary, size=target.accessibility_sample)
    if not sample:
        return []
    if progress:
        progress("browser", 0, len(sample))
    try:
        result = run_browser_audit(
            sample,
            executable_path=settings.CHROMIUM_PATH or None,
            load_time_limit_ms=settings.EVALUATION_SLOW_PAGE_MS,
        )
        stale = [f for f in findings if f.check == "home.not_updated"]
        if stale and summary.home is not None:
            shot = run_screenshot(summary.home.url, executable_path=settings.CHROMIUM_PATH or None)
            if shot:
                findings[findings.index(stale[0])] = replace(stale[0], screenshot=shot)
    except BrowserUnavailableError as error:
        return [
            FindingData(
                check="browser.unavailable",
                indicator="",
                evidence=_("Accessibility, mobile and load-time checks were not run: %(reason)s")
                % {"reason": error},
            )
        ]
    if progress:
        progress("browser", result.pages_audited, len(sample))
    notices = [
        FindingData(
            check="browser.page_error",
            indicator="",
            page_url=url,
            evidence=_("The page could not be checked in the browser: %(reason)s")
            % {"reason": reason},
        )
        for url, reason in result.errors.items()
    ]
    return [*result.all_findings, *notices]


def _finish(run: EvaluationRun, findings: list[FindingData]) -> None:
    now = timezone.now()
    scorecard = rules.score(findings)
    rows = []
    for data in findings:
        indicator = rules.INDICATOR_BY_CODE.get(data.indicator)
        if indicator is None:
            severity = Finding.Severity.NOTICE
        else:
            severity = Finding.Severity(indicator.kind.value)
        finding = Finding(
            run=run,
            check_code=data.check[:50],
            indicator=data.indicator[:50],
            severity=severity,
            page_url=data.page_url[:2000],
            link_url=data.link_url[:2000],
            evidence=data.evidence,
            points=indicator.price if indicator is not None else Decimal("0"),
            found_at=now,
        )
        if data.screenshot:
            finding.screenshot.save(
                f"run{run.pk}-{len(rows)}.png", ContentFile(data.screenshot), save=False
            )
        rows.append(finding)
    with transaction.atomic():
        Finding.objects.bulk_create(rows, batch_size=PAGE_BATCH)
        run.scorecard = scorecard.to_json()
        run.score = scorecard.total
        run.vetoes_failed = scorecard.vetoes_failed
        run.is_passed = scorecard.is_passed
        run.status = EvaluationRun.Status.DONE
        run.finished_at = now
        run.save()


def send_veto_email(*, run_id: int) -> None:
    """Tell the site's administrators which single-veto items failed. A mail outage is
    logged; the run stays stored and shown in the admin."""
    from zaixian.evaluation.reports import veto_email

    run = EvaluationRun.objects.select_related("target").get(pk=run_id)
    subject, body = veto_email(run)
    try:
        send_mail(subject, body, None, run.target.admin_email_list, fail_silently=False)
    except Exception:
        logger.exception("Could not send the veto e-mail of evaluation run %s", run_id)


# Wording rules -----------------------------------------------------------------------------


def active_wording_rules() -> list[WordingRule]:
    return list(WordingRule.objects.filter(is_active=True))


def load_default_wording_rules() -> int:
    """Add the shipped list of wrong and forbidden forms (``data/wording_rules.csv``); rows an
    office already has (by wrong form) are left as they are. Returns the number added."""
    from zaixian.evaluation.checks.wording import default_wording_rules

    existing = set(WordingRule.objects.values_list("wrong", flat=True))
    new = [
        WordingRule(
            kind=rule.kind,
            wrong=rule.wrong,
            correct=rule.correct,
            is_serious=rule.is_serious,
            note=rule.note,
        )
        for rule in default_wording_rules()
        if rule.wrong not in existing
    ]
    WordingRule.objects.bulk_create(new)
    return len(new)


# Targets -----------------------------------------------------------------------------------


def target_for_url(*, url: str, name: str = "") -> EvaluationTarget:
    """The target of a URL given on the command line, created the first time (not evaluated
    daily unless an administrator says so)."""
    target, _created = EvaluationTarget.objects.get_or_create(
        base_url=url, defaults={"name": name or url, "is_active": False}
    )
    return target
