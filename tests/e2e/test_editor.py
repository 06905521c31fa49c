"""The three-step review (三审) in a real browser: an editor writes an article in the Wagtail
admin and submits it; the first reviewer, the second reviewer and the final approver each
log in (separate browser contexts, like separate people) and approve; the article is then on
the public site. A reviewer's request for changes sends it back to the editor instead."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect
from wagtail.models import WorkflowState

from tests.e2e.helpers import admin_login
from zaixian.portal.models import ArticlePage
from zaixian.portal.tests.factories import make_article

pytestmark = pytest.mark.browser

TITLE = "晋城市召开电子政务安全演练工作会议"
BODY = "会议部署了全市电子政务网络安全应急演练。"


def write_and_submit_article(page, *, channel, title: str, body: str) -> None:
    """As the logged-in editor: add an article under ``channel`` and submit it for review."""
    page.goto(f"/admin/pages/{channel.pk}/add_subpage/")
    # The channel allows several page types; the chooser links to each one's add form.
    page.locator('a[href*="/add/portal/articlepage/"]').first.click()
    page.locator("#id_title").fill(title)
    # The body is a Draftail (Draft.js) editor: type into its content-editable area.
    page.locator('[data-draftail-editor] [contenteditable="true"]').click()
    page.keyboard.type(body)
    # Draftail writes its content to the hidden form field after a short debounce; submitting
    # before that would send an empty (invalid) body.
    expect(page.locator("#id_body")).to_have_value(re.compile(re.escape(body)))
    page.locator("footer .w-dropdown__toggle").click()
    page.locator('footer button[name="action-submit"]').click()
    expect(page.locator(".messages")).to_contain_text("已创建并提交审核")


def open_for_review(page, *, article: ArticlePage) -> None:
    """Open the article in the editor and unfold the footer's action menu."""
    page.goto(f"/admin/pages/{article.pk}/edit/")
    page.locator("footer .w-dropdown__toggle").click()


def approve(page, *, article: ArticlePage) -> None:
    """As the logged-in reviewer of the current step: approve without a comment."""
    open_for_review(page, article=article)
    page.locator(
        'footer button[data-workflow-action-name="approve"]:not([data-workflow-action-modal-url])'
    ).click()
    expect(page.locator(".messages")).to_contain_text(TITLE)


def current_task_name(article: ArticlePage) -> str:
    state = WorkflowState.objects.get(
        object_id=str(article.pk), status=WorkflowState.STATUS_IN_PROGRESS
    )
    return state.current_task_state.task.name


def test_article_passes_three_reviews_and_appears_on_the_public_site(open_page, portal):
    editor = open_page()
    admin_login(editor, username="editor")

    write_and_submit_article(editor, channel=portal.tree.news, title=TITLE, body=BODY)

    article = ArticlePage.objects.get(title=TITLE)
    assert not article.live
    visitor = open_page()
    visitor.goto("/")
    expect(visitor.get_by_role("link", name=TITLE)).to_have_count(0)

    for step, reviewer in enumerate(portal.reviewers):
        assert current_task_name(article).endswith(("初审", "复审", "终审")[step])
        browser_page = open_page()
        admin_login(browser_page, username=reviewer.username)
        approve(browser_page, article=article)

    article.refresh_from_db()
    assert article.live
    assert not WorkflowState.objects.filter(
        object_id=str(article.pk), status=WorkflowState.STATUS_IN_PROGRESS
    ).exists()
    visitor.goto("/")
    # Publishing invalidated the cached home page: the new article leads the headlines.
    visitor.locator("section.home-top").get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(visitor.locator("main")).to_contain_text(BODY)


def submitted_draft(portal) -> ArticlePage:
    """A draft the editor has submitted to the site's review workflow, made through Wagtail's
    own API: the browser part of these tests starts at the reviewer."""
    article = make_article(parent=portal.tree.news, title=TITLE, body=f"<p>{BODY}</p>", live=False)
    article.save_revision(user=portal.editor)
    portal.groups.workflow.start(article, portal.editor)
    return article


def test_reviewer_cannot_approve_a_step_that_is_not_theirs(open_page, portal):
    article = submitted_draft(portal)
    final_approver = open_page()
    admin_login(final_approver, username=portal.reviewers[2].username)

    final_approver.goto(f"/admin/pages/{article.pk}/edit/")

    expect(final_approver.locator("footer .action-save")).to_be_visible()
    expect(final_approver.locator('footer [data-workflow-action-name="approve"]')).to_have_count(0)
    assert current_task_name(article).endswith("初审")


def test_request_for_changes_returns_the_article_to_the_editor_with_the_comment(open_page, portal):
    article = submitted_draft(portal)
    reviewer = open_page()
    admin_login(reviewer, username=portal.reviewers[0].username)
    open_for_review(reviewer, article=article)

    reviewer.locator('footer button[data-workflow-action-name="reject"]').click()
    dialog = reviewer.get_by_role("dialog")
    dialog.locator("textarea").fill("请补充会议时间和地点。")
    dialog.locator('button[type="submit"]').click()

    expect(reviewer.locator(".messages")).to_contain_text(TITLE)
    state = WorkflowState.objects.get(object_id=str(article.pk))
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "请补充会议时间和地点。"
    article.refresh_from_db()
    assert not article.live
    editor = open_page()
    admin_login(editor, username="editor")
    editor.goto(f"/admin/pages/{article.pk}/edit/")
    expect(editor.locator("body")).to_contain_text("请补充会议时间和地点。")
