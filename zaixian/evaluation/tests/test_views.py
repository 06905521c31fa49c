"""The self-evaluation in the admin: who sees which sites, starting a run, the run page and
its report downloads, the yearly work report, and bad input."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from zaixian.core.roles import GROUP_NAMES, Role
from zaixian.core.tests.factories import DepartmentFactory, UserFactory
from zaixian.evaluation import rules
from zaixian.evaluation.models import EvaluationRun
from zaixian.evaluation.tests.factories import (
    EvaluationRunFactory,
    EvaluationTargetFactory,
    FindingFactory,
)

pytestmark = pytest.mark.django_db


def staff(role: Role | None, *, department=None):
    user = UserFactory(is_staff=True, department=department)
    if role is not None:
        group, _created = Group.objects.get_or_create(name=GROUP_NAMES[role])
        user.groups.add(group)
    return user


@pytest.fixture
def departments():
    city = DepartmentFactory(name="晋城市人民政府")
    ours = DepartmentFactory(name="市信息中心", parent=city)
    theirs = DepartmentFactory(name="市农业农村局", parent=city)
    return ours, theirs


@pytest.fixture
def scored_run(departments):
    ours, _theirs = departments
    target = EvaluationTargetFactory(name="晋城在线", department=ours)
    findings = [
        FindingFactory.build(indicator="availability.links", check_code="links.broken"),
        FindingFactory.build(indicator="veto.home_not_updated", check_code="home.not_updated"),
    ]
    scorecard = rules.score(findings)
    run = EvaluationRunFactory(
        target=target,
        score=scorecard.total,
        vetoes_failed=scorecard.vetoes_failed,
        is_passed=scorecard.is_passed,
        scorecard=scorecard.to_json(),
    )
    FindingFactory(run=run, evidence="首页链接打不开（HTTP 404）。")
    FindingFactory(
        run=run,
        indicator="veto.home_not_updated",
        check_code="home.not_updated",
        severity="veto",
        evidence="首页最近一次更新在 20 天前。",
        link_url="",
    )
    return run


def test_site_admin_sees_only_their_departments_sites(client, departments, scored_run):
    ours, theirs = departments
    EvaluationTargetFactory(name="晋城市农业农村局网站", department=theirs)
    client.force_login(staff(Role.SITE_ADMIN, department=ours))

    response = client.get(reverse("evaluation_admin:dashboard"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "晋城在线" in html
    assert "晋城市农业农村局网站" not in html
    assert "不合格：1 项单项否决" in html  # Chinese first


def test_platform_admin_sees_every_site(client, departments, scored_run):
    _ours, theirs = departments
    EvaluationTargetFactory(name="晋城市农业农村局网站", department=theirs)
    client.force_login(staff(Role.PLATFORM_ADMIN))

    html = client.get(reverse("evaluation_admin:dashboard")).content.decode()

    assert "晋城在线" in html
    assert "晋城市农业农村局网站" in html


@pytest.mark.parametrize("role", [Role.EDITOR, Role.CASE_OFFICER, None])
def test_other_staff_are_refused(client, scored_run, role):
    client.force_login(staff(role))

    for url in (
        reverse("evaluation_admin:dashboard"),
        reverse("evaluation_admin:run", args=[scored_run.pk]),
        reverse("evaluation_admin:run_report", args=[scored_run.pk, "pdf"]),
    ):
        response = client.get(url)
        # Wagtail's admin answers PermissionDenied with a redirect to the admin home; a user
        # without admin access is sent to the login page.
        expected = "/admin/" if role else f"/admin/login/?next={url}"
        assert (response.status_code, response.url) == (302, expected), url


def test_run_page_shows_the_scorecard_and_the_evidence(client, departments, scored_run):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))

    response = client.get(reverse("evaluation_admin:run", args=[scored_run.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "首页最近一次更新在 20 天前。" in html
    assert "首页链接打不开（HTTP 404）。" in html
    assert "网站不更新" in html
    assert str(Decimal("99.9")) in html  # 100 minus one broken link at 0.1


def test_another_departments_run_is_not_found(client, departments, scored_run):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[1]))

    response = client.get(reverse("evaluation_admin:run", args=[scored_run.pk]))

    assert response.status_code == 404


def test_leader_reads_but_cannot_start_a_run(client, departments, scored_run):
    leader = staff(Role.LEADER, department=departments[0])
    client.force_login(leader)

    page = client.get(reverse("evaluation_admin:dashboard"))
    response = client.post(reverse("evaluation_admin:start_run", args=[scored_run.target_id]))

    assert page.status_code == 200
    assert "立即检查" not in page.content.decode()
    assert (response.status_code, response.url) == (302, "/admin/")
    assert scored_run.target.runs.count() == 1


def test_start_records_a_run_and_queues_it_once(
    client, departments, scored_run, django_capture_on_commit_callbacks
):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))
    url = reverse("evaluation_admin:start_run", args=[scored_run.target_id])

    # The queued task is not run here (the test settings' backend would run it at once).
    with django_capture_on_commit_callbacks(execute=False) as queued:
        first = client.post(url)
        second = client.post(url, follow=True)

    assert first.status_code == 302
    running = scored_run.target.runs.filter(status=EvaluationRun.Status.RUNNING)
    assert running.count() == 1
    assert len(queued) == 1
    assert "正在进行中" in second.content.decode()


def test_start_needs_post(client, departments, scored_run):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))

    response = client.get(reverse("evaluation_admin:start_run", args=[scored_run.target_id]))

    assert response.status_code == 405


def test_report_downloads_as_pdf_and_docx(client, departments, scored_run):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))

    pdf = client.get(reverse("evaluation_admin:run_report", args=[scored_run.pk, "pdf"]))
    docx = client.get(reverse("evaluation_admin:run_report", args=[scored_run.pk, "docx"]))
    unknown = client.get(reverse("evaluation_admin:run_report", args=[scored_run.pk, "exe"]))

    assert pdf.status_code == 200
    assert pdf.content.startswith(b"%PDF")
    assert docx.status_code == 200
    assert docx.content.startswith(b"PK")
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    "query", ["", "?year=abc", "?year=1999", "?year=2025&format=exe", "?year=9999"]
)
def test_yearly_report_refuses_bad_input_with_a_message(client, departments, scored_run, query):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))

    response = client.get(
        reverse("evaluation_admin:yearly_report", args=[scored_run.target_id]) + query
    )

    assert response.status_code == 400
    assert "请选择 2000 年至今年之间的年度" in response.content.decode()


def test_yearly_report_downloads(client, departments, scored_run):
    client.force_login(staff(Role.SITE_ADMIN, department=departments[0]))
    url = reverse("evaluation_admin:yearly_report", args=[scored_run.target_id])

    response = client.get(url + "?year=2025&format=docx")

    assert response.status_code == 200
    assert response.content.startswith(b"PK")
    assert "site-yearly-report" in response["Content-Disposition"]


def test_dashboard_queries_do_not_grow_with_the_sites(client, departments, scored_run):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(staff(Role.PLATFORM_ADMIN))
    url = reverse("evaluation_admin:dashboard")
    client.get(url)  # warm the session and the admin's own caches
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for n in range(4):
        EvaluationRunFactory(target=EvaluationTargetFactory(name=f"县区网站{n}"))
    with CaptureQueriesContext(connection) as many:
        response = client.get(url)

    assert "县区网站3" in response.content.decode()
    assert len(many) == len(few)
