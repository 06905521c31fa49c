"""The online service hall end to end, in a real browser (issue 4, §3): a citizen registers
and verifies the account with the SMS code, applies for an item with a PDF attachment; an
officer in the admin accepts and asks for a correction on the case desk; the citizen
corrects online; the officer approves and closes; the citizen downloads the decision (a PDF
naming the item) and rates the service. The catalogue, item and application pages are
checked with axe on the way."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.e2e.helpers import PASSWORD, admin_login
from tests.e2e.test_accessibility import describe, serious_violations
from zaixian.cases.models import Case
from zaixian.core.notifications import MemorySMSBackend
from zaixian.demo import actions as demo_actions
from zaixian.demo import rules as demo_rules
from zaixian.demo.seed import DEMO_PASSWORD, DEPARTMENT_TREE
from zaixian.portal.tests.factories import make_site_tree
from zaixian.services.models import Application, ServiceItem, ServiceRating

pytestmark = pytest.mark.browser

ITEM_CODE = "140500-XK-0102"  # 个体工商户登记, a licence citizens apply for online
ITEM_NAME = "个体工商户登记"
CITIZEN_NAME = "张晋生"
CITIZEN_PHONE = "13703561111"
CITIZEN_ID = demo_rules.resident_id(division="140525", birth="19900214", sequence="123")
CORRECTION_NOTE = "身份证件照片不清晰，请重新上传正反面彩色扫描件。"
# The rows of the case desk's history table (办理记录), one per step.
HISTORY_ROWS = "xpath=//h2[normalize-space()='办理记录']/following-sibling::table[1]/tbody/tr"
# The decision is rendered to PDF (WeasyPrint, CJK fonts) inside the approval: seconds.
DECISION_TIMEOUT_MS = 60_000


@dataclass
class Hall:
    item: ServiceItem
    officer_username: str


@pytest.fixture
def hall() -> Hall:
    """A public site, the demo city's departments and service items (with their forms,
    materials and templates) and case officers, as ``load_demo`` makes them."""
    make_site_tree(articles=1, notices=1)
    departments = demo_actions.create_demo_departments(spec=DEPARTMENT_TREE)
    items = demo_actions.create_demo_service_items(departments=departments)
    officers = demo_actions.create_demo_officers(departments=departments)
    item = items[ITEM_CODE]
    return Hall(item=item, officer_username=officers[item.department.code].username)


def pdf_file(tmp_path, name: str, title: str) -> str:
    path = tmp_path / name
    path.write_bytes(demo_rules.simple_pdf(title=title, lines=[CITIZEN_NAME, ITEM_NAME]))
    return str(path)


def check_accessibility(page, found: dict[str, str], name: str) -> None:
    if violations := serious_violations(page):
        found[name] = describe(violations)


def register_citizen(page) -> None:
    """Register on /accounts/register/ and verify the mobile number with the texted code."""
    MemorySMSBackend.clear()
    page.goto("/accounts/register/")
    page.locator('a[href$="/accounts/register/citizen/"]').click()
    page.locator("#id_real_name").fill(CITIZEN_NAME)
    page.locator("#id_resident_id").fill(CITIZEN_ID)
    page.locator("#id_mobile_phone").fill(CITIZEN_PHONE)
    page.locator("#id_email").fill("zhang.jinsheng@example.cn")
    page.locator("#id_password1").fill(PASSWORD)
    page.locator("#id_password2").fill(PASSWORD)
    page.locator('form[action$="/register/citizen/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/accounts/verify/$"))
    texts = [sms.text for sms in MemorySMSBackend.outbox if sms.phone == CITIZEN_PHONE]
    code = re.search(r"(?<!\d)(\d{6})(?!\d)", texts[-1]).group(1)
    page.locator("#id_code").fill(code)
    page.locator('form[action$="/verify/phone/"] button[type="submit"]').click()
    page.wait_for_url(re.compile(r"/accounts/$"))


def officer_acts(page, *, case: Case, transition: str, note: str = "", timeout: float = 10_000):
    """On the case desk: choose ``transition``, give the note, submit, and wait for the page
    that comes back with one more line in the case's history."""
    page.goto(f"/admin/cases/{case.pk}/")
    history = page.locator(HISTORY_ROWS)
    lines = history.count()
    page.locator("#id_transition").select_option(transition)
    if note:
        page.locator("#id_note").fill(note)
    page.locator("#id_transition").locator("xpath=ancestor::form").locator(
        'button[type="submit"]'
    ).click()
    expect(history).to_have_count(lines + 1, timeout=timeout)


def test_citizen_applies_officer_asks_for_correction_and_approves_citizen_rates(
    open_page, hall, tmp_path
):
    citizen = open_page()
    officer = open_page()
    accessibility: dict[str, str] = {}

    # The citizen registers, finds the service in the catalogue and applies with PDFs.
    register_citizen(citizen)
    citizen.goto("/bsfw/")
    expect(citizen.locator("main")).to_contain_text(ITEM_NAME)
    check_accessibility(citizen, accessibility, "catalogue")
    citizen.locator(f'main a[href$="/bsfw/items/{ITEM_CODE}/"]').first.click()
    expect(citizen.locator("h1")).to_contain_text(ITEM_NAME)
    check_accessibility(citizen, accessibility, "item")
    citizen.locator(f'form[action$="/bsfw/items/{ITEM_CODE}/apply/"] button').click()
    citizen.wait_for_url(re.compile(r"/bsfw/applications/\d+/$"))
    check_accessibility(citizen, accessibility, "apply")
    citizen.locator("#id_applicant_name").fill(CITIZEN_NAME)
    citizen.locator("#id_applicant_id").fill(CITIZEN_ID)
    citizen.locator("#id_mobile").fill(CITIZEN_PHONE)
    citizen.locator("#id_address").fill("山西省晋城市陵川县礼义镇太行路18号")
    citizen.locator("#id_business_scope").fill("日用百货零售；农副产品销售。")
    citizen.locator("#id_capital").fill("5")
    for material in hall.item.materials.filter(is_required=True):
        citizen.locator(f'input[type="file"][name="material_{material.pk}"]').set_input_files(
            pdf_file(tmp_path, f"material-{material.pk}.pdf", material.name)
        )
    citizen.locator('button[name="action"][value="submit"]').click()
    citizen.wait_for_url(re.compile(r"/bsfw/applications/\d+/receipt/$"))
    tracking_number = citizen.locator(".receipt-number").inner_text().strip()
    case = Case.objects.get(tracking_number=tracking_number)
    assert case.title == ITEM_NAME
    assert case.attachments.count() == hall.item.materials.filter(is_required=True).count()

    # The officer accepts it on the case desk and asks for a correction.
    admin_login(officer, username=hall.officer_username, password=DEMO_PASSWORD)
    officer_acts(officer, case=case, transition="accept")
    officer_acts(officer, case=case, transition="request_correction", note=CORRECTION_NOTE)
    case.refresh_from_db()
    assert case.state == "correction"
    assert case.suspended_since is not None

    # The citizen sees what to correct, uploads a clearer scan and sends the correction.
    citizen.goto("/bsfw/my/")
    application = Application.objects.get(case=case)
    citizen.locator(f'a[href$="/bsfw/applications/{application.pk}/"]').click()
    expect(citizen.locator("main")).to_contain_text(CORRECTION_NOTE)
    identity = hall.item.materials.get(name="经营者身份证件")
    citizen.locator(f'input[type="file"][name="material_{identity.pk}"]').set_input_files(
        pdf_file(tmp_path, "identity-new.pdf", "经营者身份证件（彩色扫描件）")
    )
    citizen.locator("#id_note").fill("已重新上传彩色扫描件。")
    citizen.locator('button[name="action"][value="submit"]').click()
    citizen.wait_for_url(re.compile(rf"/cases/{tracking_number}/$"))
    case.refresh_from_db()
    assert case.state == "accepted"
    assert case.suspended_since is None

    # The officer approves (the decision PDF is made now) and closes the case.
    officer_acts(officer, case=case, transition="approve", timeout=DECISION_TIMEOUT_MS)
    officer_acts(officer, case=case, transition="close")
    case.refresh_from_db()
    assert case.state == "closed"
    assert case.is_on_time

    # The citizen downloads the decision: a PDF that names the item.
    citizen.goto(f"/cases/{tracking_number}/")
    decision_link = citizen.locator("main a", has_text="准予行政许可决定书")
    with citizen.expect_download() as download:
        decision_link.click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF-")
    assert ITEM_NAME in pdf_text(content)

    # … and rates the service.
    citizen.goto("/bsfw/my/")
    citizen.locator(f'a[href$="/bsfw/applications/{application.pk}/rate/"]').click()
    citizen.locator('input[name="grade"][value="5"]').check()
    citizen.locator("#id_comment").fill("网上办理很方便，补正要求也说得清楚。")
    citizen.locator('main form button[type="submit"]').click()
    citizen.wait_for_url(re.compile(r"/bsfw/my/$"))
    rating = ServiceRating.objects.get(case=case)
    assert rating.grade == 5
    assert rating.follow_up is None

    assert not accessibility, "\n".join(f"{n} page:\n{text}" for n, text in accessibility.items())


def pdf_text(content: bytes) -> str:
    """The text of a PDF, read through its fonts' ToUnicode maps (CJK included)."""
    reader = PdfReader(io.BytesIO(content))
    return "".join(page.extract_text() or "" for page in reader.pages)
