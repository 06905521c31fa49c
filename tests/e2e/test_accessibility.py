"""Accessibility of the public pages: axe-core's WCAG 2.1 A and AA rules, run in the browser.

Government websites in China must meet GB/T 37668 (which follows WCAG 2.0 AA) and the 2020
"适老化" guidance; a violation axe rates "serious" or "critical" fails the test. Lesser ones
(e.g. "moderate" best-practice findings) are left to review and do not fail the build.
"""

from __future__ import annotations

from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.e2e.helpers import PHONE

pytestmark = pytest.mark.browser

WCAG_21_AA_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
FAILING_IMPACTS = {"serious", "critical"}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_21_AA_TAGS},
    "resultTypes": ["violations"],
}

_axe = Axe()


def serious_violations(page: Any) -> list[dict[str, Any]]:
    """axe-core's serious and critical WCAG 2.1 AA violations on the page as it is now."""
    results = _axe.run(page, options=AXE_OPTIONS)
    return [v for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]


def describe(violations: list[dict[str, Any]]) -> str:
    """One line per violation and up to three offending elements, for the failure message."""
    lines = []
    for violation in violations:
        lines.append(f"{violation['id']} ({violation['impact']}): {violation['help']}")
        lines.extend(
            f"    {node['target']}: {node.get('failureSummary', '').splitlines()[-1:]}"
            for node in violation["nodes"][:3]
        )
    return "\n".join(lines)


def page_urls(portal: Any) -> dict[str, str]:
    return {
        "home": "/",
        "channel": portal.tree.news.url,
        "article": portal.feature.url,
        "search": "/search/?q=政务云",
    }


def test_public_pages_have_no_serious_accessibility_violations(page, portal):
    # All four page types in one test (one site to build); the message names each page.
    found = {}
    for name, url in page_urls(portal).items():
        page.goto(url)
        if violations := serious_violations(page):
            found[name] = describe(violations)

    assert not found, "\n".join(f"{name} page:\n{text}" for name, text in found.items())


def test_elder_mode_on_a_phone_has_no_serious_accessibility_violations(open_page, portal):
    page = open_page(viewport=PHONE)
    page.goto("/")
    page.get_by_role("button", name="长者模式").click()

    violations = serious_violations(page)

    assert not violations, f"home page, elder mode, phone:\n{describe(violations)}"


def test_the_check_reports_a_page_with_violations(page, portal):
    # A guard against a check that silently passes everything (say, axe failing to load):
    # an image without a text alternative and a low-contrast line must be caught.
    page.goto("/")
    page.evaluate(
        """() => {
            const main = document.querySelector("main");
            main.insertAdjacentHTML("afterbegin",
                '<p style="color:#eee;background:#fff">晋城在线</p>' +
                '<a href="/"><img src="/static/portal/img/mark.svg"></a>');
        }"""
    )

    violations = serious_violations(page)

    assert {"color-contrast", "image-alt"} <= {v["id"] for v in violations}
