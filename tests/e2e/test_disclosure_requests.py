"""A disclosure request end to end, in a real browser (issue 5, §4): a citizen signs in,
fills in the request form at /zwgk/apply/ on a phone-sized screen and gets the tracking
number; an officer answers on the case desk ("partly disclosed"), which makes the reply
letter; the citizen sees the answer on the request's page and downloads the reply letter (a
PDF naming the tracking number)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import PASSWORD, PHONE, admin_login, horizontal_overflow
from tests.e2e.test_service_hall import pdf_text
from zaixian.accounts.tests.factories import PublicUserFactory
from zaixian.cases.models import Case
from zaixian.core.actions import assign_user, create_department
from zaixian.core.models import Department, User
from zaixian.core.roles import Role
from zaixian.disclosure import actions as disclosure_actions
from zaixian.disclosure.models import DisclosureRequest
from zaixian.portal.tests.factories import make_site_tree

pytestmark = pytest.mark.browser

DESCRIPTION = "2025年本市义务教育阶段学校招生计划及执行情况"
OFFICER_NOTE = "招生计划予以公开；涉及学生个人信息的部分不予公开。"
# The reply letter is rendered to PDF (WeasyPrint, CJK fonts) inside the answer: seconds.
LETTER_TIMEOUT_MS = 60_000


@pytest.fixture
def office():
    """The portal's default site with /zwgk/, the education bureau's catalogue, a case
    officer of the bureau and a citizen with a verified account."""
    tree = make_site_tree(articles=1, notices=1)
    disclosure_actions.ensure_disclosure_categories()
    root = disclosure_actions.ensure_disclosure_root(site=tree.site)
    city = create_department(
        parent=None, name="晋城市人民政府", code="JC", kind=Department.Kind.GOVERNMENT
    )
    bureau = create_department(
        parent=city, name="晋城市教育局", code="JCJYJ", kind=Department.Kind.BUREAU
    )
    disclosure_actions.create_disclosure_catalogue(root=root, department=bureau)
    officer = User.objects.create_user(
        username="jyj-officer", password=PASSWORD, last_name="王承办"
    )
    assign_user(user=officer, department=bureau, roles=[Role.CASE_OFFICER])
    citizen = PublicUserFactory()
    citizen.set_password(PASSWORD)
    citizen.save()
    return officer, citizen


def test_citizen_requests_officer_answers_citizen_downloads_the_reply(open_page, office):
    officer_user, citizen_user = office
    citizen = open_page(viewport=PHONE)
    officer = open_page()

    # The citizen signs in and fills in the form on a phone.
    citizen.goto("/zwgk/apply/?organisation=JCJYJ")
    citizen.wait_for_url(re.compile(r"/accounts/login/"))
    citizen.locator("#id_username").fill(citizen_user.username)
    citizen.locator("#id_password").fill(PASSWORD)
    citizen.locator('main form button[type="submit"]').click()
    citizen.wait_for_url(re.compile(r"/zwgk/apply/\?organisation=JCJYJ$"))
    expect(citizen.locator("h1")).to_contain_text("政府信息公开申请")
    assert horizontal_overflow(citizen) == 0
    expect(citizen.locator("#id_id_number")).to_have_value(citizen_user.public_profile.resident_id)
    citizen.locator("#id_description").fill(DESCRIPTION)
    citizen.locator("#id_purpose").fill("了解子女入学政策")
    citizen.locator("#id_delivery").select_option("online")
    citizen.locator("form.request-form button[type=submit]").click()
    citizen.wait_for_url(re.compile(r"/zwgk/apply/\d{8}JCJYJ\d{6}[0-9A-Z]/$"))
    tracking_number = citizen.locator(".receipt-number").inner_text().strip()
    request = DisclosureRequest.objects.get(case__tracking_number=tracking_number)
    assert request.description == DESCRIPTION
    expect(citizen.locator("main")).to_contain_text("已登记，办理中")

    # The officer answers on the case desk; the reply letter is made with the answer.
    admin_login(officer, username=officer_user.username)
    case = Case.objects.get(tracking_number=tracking_number)
    officer.goto(f"/admin/cases/{case.pk}/")
    expect(officer.locator("main")).to_contain_text(DESCRIPTION)
    officer.locator("#id_transition").select_option("answer_partly_disclosed")
    officer.locator("#id_note").fill(OFFICER_NOTE)
    officer.locator("#id_transition").locator("xpath=ancestor::form").locator(
        'button[type="submit"]'
    ).click()
    expect(officer.locator("main")).to_contain_text("已答复", timeout=LETTER_TIMEOUT_MS)
    request.refresh_from_db()
    assert request.outcome == "partly_disclosed"

    # The citizen sees the answer and downloads the reply letter.
    citizen.goto(f"/zwgk/apply/{tracking_number}/")
    expect(citizen.locator("main")).to_contain_text("部分公开")
    link = citizen.locator("main a", has_text="政府信息公开申请答复书").first
    with citizen.expect_download() as download:
        link.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    text = pdf_text(content)
    assert tracking_number in text
    assert "第三十七条" in text
