"""The three-step review (三审): an editor's submission passes first review, second review and
final approval before it goes live; a rejection sends it back to the editor with the comment.
Everything here is Wagtail's own workflow machinery, wired up by ``actions.setup_site``."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse
from wagtail.models import PageLogEntry, TaskState, WorkflowState

from zaixian.portal.models import ArticlePage

pytestmark = pytest.mark.django_db


def draft_article(*, site, title: str = "晋城市召开政务公开工作会议") -> ArticlePage:
    """A draft written by the site's editor, not yet submitted."""
    article = ArticlePage(
        title=title,
        slug="article",
        body="<p>会议要求进一步做好政务公开工作。</p>",
        live=False,
        owner=site.editor,
    )
    site.channel.add_child(instance=article)
    article.save_revision(user=site.editor)
    return article


def submit(*, site, article: ArticlePage) -> WorkflowState:
    workflow = article.get_workflow()
    assert workflow is not None
    return workflow.start(article, site.editor)


def act(*, article: ArticlePage, user, action: str, comment: str = "") -> TaskState:
    """Take ``action`` on the page's current task, as the admin's workflow view does."""
    article.refresh_from_db()
    task_state = article.current_workflow_task_state.specific
    task = task_state.task.specific
    assert action in {name for name, _label, _modal in task.get_actions(article, user)}
    task.on_action(task_state, user, action, comment=comment)
    task_state.refresh_from_db()
    return task_state


def test_submission_goes_to_the_first_review_step_of_its_own_site(site_a, site_b):
    article = draft_article(site=site_a)

    workflow_state = submit(site=site_a, article=article)

    assert workflow_state.workflow == site_a.groups.workflow
    assert workflow_state.current_task_state.task.name == "晋城在线·初审"
    article.refresh_from_db()
    assert not article.live
    assert article.workflow_in_progress


def test_three_approvals_publish_the_page_and_each_step_is_recorded(site_a):
    article = draft_article(site=site_a)
    workflow_state = submit(site=site_a, article=article)

    first = act(article=article, user=site_a.first_reviewer, action="approve", comment="初审通过")
    article.refresh_from_db()
    assert not article.live
    assert article.current_workflow_task.name == "晋城在线·复审"

    second = act(article=article, user=site_a.second_reviewer, action="approve")
    article.refresh_from_db()
    assert not article.live
    assert article.current_workflow_task.name == "晋城在线·终审"

    final = act(article=article, user=site_a.final_approver, action="approve", comment="同意发布")

    article.refresh_from_db()
    workflow_state.refresh_from_db()
    assert article.live
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    assert [(s.status, s.finished_by, s.comment) for s in (first, second, final)] == [
        (TaskState.STATUS_APPROVED, site_a.first_reviewer, "初审通过"),
        (TaskState.STATUS_APPROVED, site_a.second_reviewer, ""),
        (TaskState.STATUS_APPROVED, site_a.final_approver, "同意发布"),
    ]
    log = list(
        PageLogEntry.objects.filter(page=article)
        .order_by("timestamp", "pk")
        .values_list("action", "user__username")
    )
    assert ("wagtail.workflow.start", "a-editor") in log
    approvals = [entry for entry in log if entry[0] == "wagtail.workflow.approve"]
    assert [user for _action, user in approvals] == ["a-first", "a-second", "a-final"]
    assert ("wagtail.publish", "a-final") in log


def test_rejection_at_second_review_returns_the_page_to_the_editor_with_the_comment(site_a):
    site_a.editor.email = "editor@jcgov.example.cn"
    site_a.editor.save()
    article = draft_article(site=site_a)
    workflow_state = submit(site=site_a, article=article)
    act(article=article, user=site_a.first_reviewer, action="approve")
    mail.outbox.clear()

    rejected = act(
        article=article, user=site_a.second_reviewer, action="reject", comment="来源未注明请补充"
    )

    article.refresh_from_db()
    workflow_state.refresh_from_db()
    assert rejected.status == TaskState.STATUS_REJECTED
    assert rejected.comment == "来源未注明请补充"
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert not article.live
    # Back with the editor: the page is editable again and no longer locked by the task.
    assert article.permissions_for_user(site_a.editor).can_edit()
    assert not article.get_lock() or not article.get_lock().for_user(site_a.editor)
    entry = PageLogEntry.objects.get(page=article, action="wagtail.workflow.reject")
    assert entry.user == site_a.second_reviewer
    assert entry.data["comment"] == "来源未注明请补充"
    assert [m.to for m in mail.outbox if "来源未注明" in m.body] == [["editor@jcgov.example.cn"]]


def test_resubmission_after_rejection_resumes_and_can_complete(site_a):
    article = draft_article(site=site_a)
    workflow_state = submit(site=site_a, article=article)
    act(article=article, user=site_a.first_reviewer, action="approve")
    act(article=article, user=site_a.second_reviewer, action="reject", comment="请修改")
    article.refresh_from_db()
    article.title = "晋城市召开政务公开工作会议修改稿"
    article.save_revision(user=site_a.editor)

    workflow_state.refresh_from_db()
    workflow_state.resume(user=site_a.editor)
    act(article=article, user=site_a.second_reviewer, action="approve")
    act(article=article, user=site_a.final_approver, action="approve")

    article.refresh_from_db()
    assert article.live
    assert article.title == "晋城市召开政务公开工作会议修改稿"


def test_wrong_step_reviewers_have_no_actions(site_a):
    article = draft_article(site=site_a)
    submit(site=site_a, article=article)
    article.refresh_from_db()
    task = article.current_workflow_task.specific

    assert task.get_actions(article, site_a.second_reviewer) == []
    assert task.get_actions(article, site_a.final_approver) == []
    assert task.get_actions(article, site_a.editor) == []
    assert task.get_actions(article, site_a.first_reviewer) != []


def test_reviewer_of_another_site_cannot_act_on_its_tasks(site_a, site_b):
    article = draft_article(site=site_b)
    submit(site=site_b, article=article)
    article.refresh_from_db()
    task = article.current_workflow_task.specific

    assert task.get_actions(article, site_a.first_reviewer) == []


def workflow_action_url(article: ArticlePage, action: str) -> str:
    article.refresh_from_db()
    return reverse(
        "wagtailadmin_pages:workflow_action",
        args=(article.pk, action, article.current_workflow_task_state.pk),
    )


def assert_denied(response) -> None:
    """Wagtail's admin answers a PermissionDenied with a redirect to the dashboard and an
    error message (a 403 for AJAX requests)."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_admin_view_approval_by_the_step_reviewer(client, site_a):
    article = draft_article(site=site_a)
    submit(site=site_a, article=article)
    client.force_login(site_a.first_reviewer)

    response = client.post(workflow_action_url(article, "approve"), {"comment": "同意"})

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.current_workflow_task.name == "晋城在线·复审"
    assert PageLogEntry.objects.filter(
        page=article, action="wagtail.workflow.approve", user=site_a.first_reviewer
    ).exists()


def test_admin_view_denies_approval_by_a_reviewer_of_another_site(client, site_a, site_b):
    article = draft_article(site=site_b)
    submit(site=site_b, article=article)
    client.force_login(site_a.first_reviewer)

    response = client.post(workflow_action_url(article, "approve"), {"comment": ""})

    assert_denied(response)
    article.refresh_from_db()
    assert article.current_workflow_task.name == "太行农网·初审"


def test_admin_view_denies_the_editor_approving_their_own_submission(client, site_a):
    article = draft_article(site=site_a)
    submit(site=site_a, article=article)
    client.force_login(site_a.editor)

    response = client.post(workflow_action_url(article, "approve"), {"comment": ""})

    assert_denied(response)
    article.refresh_from_db()
    assert not article.live
    assert article.current_workflow_task.name == "晋城在线·初审"


def test_dashboard_shows_awaiting_review_to_the_step_reviewer_only(client, site_a):
    article = draft_article(site=site_a)
    submit(site=site_a, article=article)

    client.force_login(site_a.first_reviewer)
    reviewer_page = client.get(reverse("wagtailadmin_home")).content.decode()
    client.force_login(site_a.second_reviewer)
    other_page = client.get(reverse("wagtailadmin_home")).content.decode()

    assert "等待你的审查" in reviewer_page
    assert article.title in reviewer_page
    assert article.title not in other_page
