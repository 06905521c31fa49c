"""A whole evaluation against the local fixture sites: every seeded defect is found with its
evidence, clean pages yield nothing, the run is scored and stored, administrators are told
of a failed veto item; availability probes; the command line."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import override_settings

from zaixian.evaluation import actions
from zaixian.evaluation.models import EvaluationRun, EvaluationTarget, Finding, WordingRule
from zaixian.evaluation.tests.fixture_server import (
    CRAWL_TIMEOUT,
    ROBUSTNESS_PATHS,
    SEEDED_DEFECTS,
    SLOW_PAGE_SECONDS,
    STALE_SITE_ONLY,
)

pytestmark = pytest.mark.django_db

# The fixture's timings: its time-out page does not answer within CRAWL_TIMEOUT and its slow
# page answers after SLOW_PAGE_SECONDS, which a line below that flags.
FIXTURE_SETTINGS = {
    "EVALUATION_CRAWL_TIMEOUT": CRAWL_TIMEOUT,
    "EVALUATION_SLOW_PAGE_MS": int(SLOW_PAGE_SECONDS * 1000) - 500,
}


def evaluate(site, *, browser=False, **fields) -> EvaluationRun:
    actions.load_default_wording_rules()
    target = EvaluationTarget.objects.create(
        name="晋城市测试网站",
        base_url=site.url("/"),
        requests_per_second=0,
        max_pages=500,
        admin_emails="webmaster@example.test",
        **fields,
    )
    with override_settings(**FIXTURE_SETTINGS):
        return actions.run_evaluation(target=target, browser=browser)


def path_of(url: str) -> str:
    return urlsplit(url).path


def is_found(findings: list[Finding], code: str, sites) -> bool:
    """A finding under the defect's indicator at its page (or, for a broken link, its link)."""
    indicator = code.split("#")[0]
    where = sites.defect_url(code, site=sites.stale)
    return any(f.indicator == indicator and where in (f.page_url, f.link_url) for f in findings)


def test_every_seeded_defect_is_found_and_clean_pages_yield_nothing(
    evaluation_sites, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        run = evaluate(evaluation_sites.stale)

    findings = list(run.findings.all())
    missing = [code for code in SEEDED_DEFECTS if not is_found(findings, code, evaluation_sites)]
    assert missing == []
    # Nothing else: every finding is a seeded defect, a page of the robustness set, a broken
    # link to one of those, or a notice (no probes were taken of the fixture site).
    seeded_urls = {
        evaluation_sites.defect_url(c, site=evaluation_sites.stale) for c in SEEDED_DEFECTS
    }
    robust_urls = {evaluation_sites.stale.url(p) for p in ROBUSTNESS_PATHS.values()}
    unexpected = [
        (f.check_code, f.page_url, f.link_url)
        for f in findings
        if f.severity != Finding.Severity.NOTICE
        and not f.check_code.endswith("_veto")
        and f.page_url not in seeded_urls | robust_urls
        and f.link_url not in seeded_urls | robust_urls
    ]
    assert unexpected == []
    assert all(f.evidence for f in findings)
    # Scored and stored: serious errors, the stale home page and more fail the site.
    assert run.status == EvaluationRun.Status.DONE
    assert run.is_passed is False
    assert run.vetoes_failed >= 2
    assert run.scorecard["vetoes_failed"] == run.vetoes_failed
    assert run.pages.count() == run.pages_crawled > 30
    assert run.links.filter(is_broken=True).count() >= 5
    # The administrators are told which veto items failed.
    [message] = mail.outbox
    assert message.to == ["webmaster@example.test"]
    assert "晋城市测试网站" in message.subject + message.body


def test_the_fresh_site_keeps_its_home_page_and_elder_mode(evaluation_site):
    run = evaluate(evaluation_site)

    indicators = set(run.findings.values_list("indicator", flat=True))
    assert not indicators & STALE_SITE_ONLY
    assert run.status == EvaluationRun.Status.DONE


@pytest.mark.browser
def test_browser_checks_join_the_run(evaluation_site, chromium_path):
    run = evaluate(evaluation_site, browser=True, accessibility_sample=3)

    checks = set(run.findings.values_list("check_code", flat=True))
    assert "browser.unavailable" not in checks
    assert run.status == EvaluationRun.Status.DONE


def test_an_unreachable_site_is_evaluated_as_unreachable():
    target = EvaluationTarget.objects.create(
        name="关闭的网站", base_url="http://127.0.0.1:9/", requests_per_second=0
    )

    with override_settings(**FIXTURE_SETTINGS):
        run = actions.run_evaluation(target=target, browser=False)

    assert run.status == EvaluationRun.Status.DONE
    assert run.pages_crawled == 1
    assert run.pages.get().error


def test_a_second_run_of_a_running_site_is_refused(evaluation_site):
    target = EvaluationTarget.objects.create(name="站点", base_url=evaluation_site.url("/"))
    actions.start_evaluation(target=target, trigger=EvaluationRun.Trigger.ADMIN)

    with pytest.raises(actions.EvaluationAlreadyRunningError):
        actions.start_evaluation(target=target, trigger=EvaluationRun.Trigger.ADMIN)


def test_probe_records_up_and_down(evaluation_site):
    up = EvaluationTarget.objects.create(name="在", base_url=evaluation_site.url("/"))
    down = EvaluationTarget.objects.create(name="不在", base_url="http://127.0.0.1:9/")
    missing = EvaluationTarget.objects.create(name="404", base_url=evaluation_site.url("/nope"))

    assert actions.probe_availability(target=up).is_up is True
    failed = actions.probe_availability(target=down)
    not_found = actions.probe_availability(target=missing)

    assert (failed.is_up, failed.status_code) == (False, None)
    assert "connect" in failed.error
    assert (not_found.is_up, not_found.status_code) == (False, 404)


def test_the_shipped_wording_rules_are_installed_and_loaded_once():
    # The migration put the shipped list in the table; loading it again adds only what an
    # office deleted, and never touches what it changed.
    assert WordingRule.objects.count() >= 150
    assert actions.load_default_wording_rules() == 0
    WordingRule.objects.filter(wrong="人民正府").delete()
    WordingRule.objects.filter(wrong="按装").update(is_active=False)

    assert actions.load_default_wording_rules() == 1
    assert WordingRule.objects.get(wrong="按装").is_active is False


def test_command_writes_the_report_and_every_finding(evaluation_site, tmp_path):
    report, findings = tmp_path / "report.pdf", tmp_path / "findings.json"
    actions.load_default_wording_rules()

    with override_settings(**FIXTURE_SETTINGS):
        call_command(
            "evaluate",
            evaluation_site.url("/"),
            "--rate",
            "0",
            "--max-pages",
            "15",
            "--no-browser",
            "--report",
            str(report),
            "--json",
            str(findings),
            verbosity=0,
        )

    data = json.loads(findings.read_text(encoding="utf-8"))
    assert report.read_bytes().startswith(b"%PDF")
    # At most 15 fetched; a fetch that redirects to a page already seen is not a page again,
    # and which one the threads meet first varies.
    assert 10 <= data["pages_crawled"] <= 15
    assert data["pages_crawled"] == EvaluationRun.objects.get().pages.count()
    assert data["score"] is not None
    assert all({"check", "indicator", "page", "evidence"} <= set(f) for f in data["findings"])
    assert len(data["findings"]) == EvaluationRun.objects.get().findings.count()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ftp://example.test/"], "is not a web address"),
        (["not a url"], "is not a web address"),
        ([], "Give the site's URL"),
        (["http://example.test/", "--report", "out.exe"], "must end in .pdf"),
        (["http://example.test/", "--max-pages", "0"], "at least 1"),
        (["--site", "无此网站"], "There is no evaluated site"),
    ],
)
def test_command_refuses_bad_input(args, message):
    with pytest.raises(CommandError, match=message):
        call_command("evaluate", *args, verbosity=0)
