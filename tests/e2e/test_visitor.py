"""A visitor of the city portal in a real browser: headline news, Chinese search from the
header, an article; the phone layout; the reading aids (font size, elder mode); English."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import expect

from tests.e2e.helpers import FEATURE_TITLE, PHONE, horizontal_overflow, root_font_size
from zaixian.portal.tests.factories import make_article

pytestmark = pytest.mark.browser


def test_visitor_reads_headlines_searches_in_chinese_and_opens_article(page, portal):
    page.goto("/")

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    headlines = page.locator("section.home-top")
    expect(headlines.get_by_role("heading", name="今日晋城")).to_be_visible()
    expect(headlines.get_by_role("link", name=FEATURE_TITLE)).to_be_visible()
    expect(page.get_by_role("button", name="搜索", exact=True)).to_be_visible()

    page.locator("#site-search").fill("政务云")
    page.locator("#site-search").press("Enter")

    page.wait_for_url(re.compile(r"/search/\?"))
    assert parse_qs(urlsplit(page.url).query)["q"] == ["政务云"]
    hit = page.locator(".zx-hit").filter(has=page.get_by_role("link", name=FEATURE_TITLE))
    expect(hit).to_have_count(1)
    marks = hit.locator("mark")
    expect(marks.first).to_be_visible()
    # Each highlighted piece is (part of) what the visitor typed, never some other word.
    for text in marks.all_inner_texts():
        assert text, "empty highlight"
        assert text in "政务云", text

    hit.get_by_role("link", name=FEATURE_TITLE).click()

    page.wait_for_url(f"**{portal.feature.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text(FEATURE_TITLE)
    expect(page.locator("main")).to_contain_text("太行农网三十个村级信息服务站")


def test_search_with_bad_input_shows_a_normal_page(page, portal):
    # One test for several inputs: each is one more search, not a new site to build.
    for query in ['"NEAR *', "-OR-", "   ", "\u3000"]:
        page.goto("/")
        page.locator("#site-search").fill(query)
        with page.expect_response(re.compile(r"/search/")) as response_info:
            page.locator("#site-search").press("Enter")

        assert response_info.value.status == 200, query
        expect(page.get_by_role("heading", level=1)).to_have_text("搜索")
        expect(page.locator(".zx-hit")).to_have_count(0)


def test_search_does_not_show_unpublished_drafts(page, portal):
    make_article(parent=portal.tree.news, title="煤矿安全监测平台草稿", live=False)

    page.goto("/search/?q=煤矿安全监测")

    expect(page.locator(".zx-total")).to_be_visible()
    expect(page.get_by_role("link", name="煤矿安全监测平台草稿")).to_have_count(0)
    expect(page.locator(".zx-hit")).to_have_count(0)


def test_phone_layout_has_usable_navigation_and_no_horizontal_overflow(open_page, portal):
    page = open_page(viewport=PHONE)
    urls = {
        "home": "/",
        "channel": portal.tree.news.url,
        "article": portal.feature.url,
        "search": "/search/?q=晋城",
    }

    for name, url in urls.items():
        page.goto(url)
        assert horizontal_overflow(page) <= 0, f"{name} page overflows horizontally"

    page.goto("/")
    nav = page.get_by_role("navigation", name="主导航")
    link = nav.get_by_role("link", name="通知公告")
    link.click()
    page.wait_for_url(f"**{portal.tree.notices.url}")
    expect(page.get_by_role("heading", level=1)).to_have_text("通知公告")
    expect(nav.get_by_role("link", name="通知公告")).to_have_attribute("aria-current", "page")


def test_font_size_switcher_enlarges_text_and_survives_a_reload(page, portal):
    page.goto(portal.feature.url)
    normal = root_font_size(page)

    page.get_by_role("button", name="放大字号").click()

    larger = root_font_size(page)
    assert larger > normal
    page.reload()
    assert root_font_size(page) == larger

    page.get_by_role("button", name="还原").click()

    assert root_font_size(page) == normal
    page.reload()
    assert root_font_size(page) == normal


def test_elder_mode_enlarges_text_and_survives_a_reload(page, portal):
    page.goto("/")
    normal = root_font_size(page)
    elder_button = page.get_by_role("button", name="长者模式")
    expect(elder_button).to_have_attribute("aria-pressed", "false")

    elder_button.click()

    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(elder_button).to_have_attribute("aria-pressed", "true")
    assert root_font_size(page) > normal
    page.reload()
    expect(page.locator("html")).to_have_class(re.compile(r"\belder\b"))
    expect(page.get_by_role("button", name="长者模式")).to_have_attribute("aria-pressed", "true")
    assert root_font_size(page) > normal


def test_switching_to_english_shows_english_chrome_and_back(page, portal):
    page.goto(portal.tree.news.url)
    expect(page.get_by_role("button", name="搜索", exact=True)).to_be_visible()

    # The switcher is links or buttons depending on the template; its text is what counts.
    page.locator(".lang-switch").get_by_text("English", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("button", name="Search", exact=True)).to_be_visible()
    expect(page.get_by_role("navigation", name="Main navigation")).to_be_visible()
    # Content stays as written: the channel keeps its Chinese title.
    expect(page.get_by_role("heading", level=1)).to_have_text("今日晋城")
    page.goto("/")
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator(".lang-switch").get_by_text("简体中文", exact=True).click()

    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.get_by_role("button", name="搜索", exact=True)).to_be_visible()
