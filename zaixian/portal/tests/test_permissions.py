"""Site-scoped permissions of the site group: an editor of one site cannot see or touch
another site's pages (explorer, edit, create, publish), editors cannot publish, reviewers and
site administrators stay within their site, and Wagtail's page locks hold between editors.
Checked through the real admin views and through Wagtail's permission policy."""

from __future__ import annotations

import pytest
from django.urls import reverse
from wagtail.models import Page
from wagtail.permission_policies.pages import PagePermissionPolicy
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from zaixian.portal.models import ArticlePage, ChannelPage
from zaixian.portal.tests.conftest import make_user

pytestmark = pytest.mark.django_db


def live_article(*, site, title: str = "太行农网春耕信息") -> ArticlePage:
    article = ArticlePage(title=title, slug="spring", body="<p>春耕生产进展顺利。</p>", live=True)
    site.channel.add_child(instance=article)
    article.save_revision().publish()
    article.refresh_from_db()
    return article


def article_form(article: ArticlePage, *, title: str, **extra: str) -> dict[str, str]:
    """The POST body of Wagtail's page editor for an article."""
    return nested_form_data(
        {
            "title": title,
            "slug": article.slug,
            "subtitle": "",
            "source": "晋城日报",
            "author": "",
            "publish_time": "2024-03-01 09:00",
            "summary": "",
            "body": rich_text("<p>春耕生产进展顺利。</p>"),
            "attachments": inline_formset([]),
            "related_links": inline_formset([]),
            "comments": inline_formset([]),
            **extra,
        }
    )


def assert_denied(response) -> None:
    """Wagtail's admin turns a PermissionDenied into a redirect to the dashboard."""
    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


# --- Wagtail's permission policy ---------------------------------------------------------


def test_policy_editor_can_edit_own_site_only(site_a, site_b):
    policy = PagePermissionPolicy()

    editable = set(
        policy.instances_user_has_permission_for(site_a.editor, "change").values_list(
            "pk", flat=True
        )
    )

    assert {site_a.home.pk, site_a.channel.pk} <= editable
    assert site_b.channel.pk not in editable
    assert site_b.home.pk not in editable
    assert site_a.channel.permissions_for_user(site_a.editor).can_edit()
    assert not site_b.channel.permissions_for_user(site_a.editor).can_edit()
    assert not site_b.channel.permissions_for_user(site_a.editor).can_add_subpage()


def test_policy_explorer_starts_at_the_editors_own_site(site_a, site_b):
    policy = PagePermissionPolicy()

    root = policy.explorable_root_instance(site_a.editor)
    explorable = set(policy.explorable_instances(site_a.editor).values_list("pk", flat=True))

    assert root.pk == site_a.home.pk
    assert site_b.home.pk not in explorable
    assert site_b.channel.pk not in explorable


@pytest.mark.parametrize(
    ("role", "can_publish"),
    [
        ("editor", False),
        ("first_reviewer", False),
        ("second_reviewer", False),
        ("final_approver", True),
        ("site_admin", True),
    ],
)
def test_policy_only_final_approvers_and_site_admins_publish(site_a, site_b, role, can_publish):
    user = getattr(site_a, role)

    assert site_a.channel.permissions_for_user(user).can_publish() is can_publish
    assert site_b.channel.permissions_for_user(user).can_publish() is False


def test_policy_site_admin_of_one_site_cannot_delete_another_sites_pages(site_a, site_b):
    article_b = live_article(site=site_b)

    assert site_a.channel.permissions_for_user(site_a.site_admin).can_delete()
    assert not article_b.permissions_for_user(site_a.site_admin).can_delete()


# --- The real admin views ----------------------------------------------------------------


def test_admin_explorer_of_another_site_is_denied(client, site_a, site_b):
    client.force_login(site_a.editor)

    own = client.get(reverse("wagtailadmin_explore", args=[site_a.home.pk]))
    other = client.get(reverse("wagtailadmin_explore", args=[site_b.home.pk]))

    assert own.status_code == 200
    assert "新闻" in own.content.decode()
    # Wagtail sends the editor back to the root of what they may explore: their own site.
    assert other.status_code == 302
    assert other.url == reverse("wagtailadmin_explore", args=[site_a.home.pk])


def test_admin_explorer_root_shows_only_the_editors_site(client, site_a, site_b):
    client.force_login(site_a.editor)

    response = client.get(reverse("wagtailadmin_explore_root"), follow=True)

    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_explore", args=[site_a.home.pk])
    html = response.content.decode()
    assert reverse("wagtailadmin_pages:edit", args=[site_a.channel.pk]) in html
    assert reverse("wagtailadmin_explore", args=[site_b.home.pk]) not in html
    assert reverse("wagtailadmin_pages:edit", args=[site_b.channel.pk]) not in html


def test_admin_edit_of_another_sites_page_is_denied(client, site_a, site_b):
    article_b = live_article(site=site_b)
    client.force_login(site_a.editor)

    get = client.get(reverse("wagtailadmin_pages:edit", args=[article_b.pk]))
    post = client.post(
        reverse("wagtailadmin_pages:edit", args=[article_b.pk]),
        article_form(article_b, title="被篡改的标题"),
    )

    assert_denied(get)
    assert_denied(post)
    article_b.refresh_from_db()
    assert article_b.title == "太行农网春耕信息"
    assert article_b.latest_revision.content["title"] == "太行农网春耕信息"


def test_admin_create_under_another_sites_channel_is_denied(client, site_a, site_b):
    client.force_login(site_a.editor)
    add_url = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", site_b.channel.pk])

    get = client.get(add_url)
    post = client.post(add_url, article_form(ArticlePage(slug="intruder"), title="外站稿件"))

    assert_denied(get)
    assert_denied(post)
    assert_denied(client.get(reverse("wagtailadmin_pages:add_subpage", args=[site_b.channel.pk])))
    assert not ArticlePage.objects.filter(title="外站稿件").exists()


def test_admin_editor_creates_a_draft_on_own_site(client, site_a):
    client.force_login(site_a.editor)
    add_url = reverse("wagtailadmin_pages:add", args=["portal", "articlepage", site_a.channel.pk])

    response = client.post(add_url, article_form(ArticlePage(slug="own"), title="本站稿件"))

    assert response.status_code == 302
    article = ArticlePage.objects.get(title="本站稿件")
    assert article.get_parent().pk == site_a.channel.pk
    assert not article.live


def test_admin_editor_cannot_publish_directly(client, site_a):
    article = live_article(site=site_a, title="原标题")
    client.force_login(site_a.editor)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form(article, title="编辑直接发布的标题", **{"action-publish": "publish"}),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    # The edit is kept as a draft; the live page does not change.
    assert article.title == "原标题"
    assert article.has_unpublished_changes
    assert article.latest_revision.content["title"] == "编辑直接发布的标题"


def test_admin_final_approver_can_publish_directly(client, site_a):
    article = live_article(site=site_a, title="原标题")
    client.force_login(site_a.final_approver)

    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form(article, title="终审发布的标题", **{"action-publish": "publish"}),
    )

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.title == "终审发布的标题"


def test_admin_unpublish_of_another_sites_page_is_denied(client, site_a, site_b):
    article_b = live_article(site=site_b)
    client.force_login(site_a.site_admin)

    response = client.post(reverse("wagtailadmin_pages:unpublish", args=[article_b.pk]))

    assert_denied(response)
    article_b.refresh_from_db()
    assert article_b.live


def test_admin_delete_of_another_sites_page_is_denied(client, site_a, site_b):
    article_b = live_article(site=site_b)
    client.force_login(site_a.site_admin)

    response = client.post(reverse("wagtailadmin_pages:delete", args=[article_b.pk]))

    assert_denied(response)
    assert Page.objects.filter(pk=article_b.pk).exists()


def test_admin_site_admin_edits_only_own_site_footer(client, site_a, site_b):
    client.force_login(site_a.site_admin)

    own = client.get(
        reverse("wagtailsettings:edit", args=["portal", "sitefootersettings", site_a.site.pk])
    )
    other = client.get(
        reverse("wagtailsettings:edit", args=["portal", "sitefootersettings", site_b.site.pk])
    )

    assert own.status_code == 200
    assert_denied(other)


def test_admin_editor_cannot_edit_the_footer(client, site_a):
    client.force_login(site_a.editor)

    response = client.get(
        reverse("wagtailsettings:edit", args=["portal", "sitefootersettings", site_a.site.pk])
    )

    assert_denied(response)


def test_admin_anonymous_visitor_is_sent_to_login(client, site_a):
    response = client.get(reverse("wagtailadmin_pages:edit", args=[site_a.channel.pk]))

    assert response.status_code == 302
    assert reverse("wagtailadmin_login") in response.url


# --- Locking -----------------------------------------------------------------------------


def test_page_locked_by_one_editor_cannot_be_edited_by_another(client, site_a):
    other_editor = make_user(username="a-editor-2", groups=[site_a.groups.editors])
    article = live_article(site=site_a, title="锁定的稿件")
    client.force_login(site_a.editor)
    lock = client.post(reverse("wagtailadmin_pages:lock", args=[article.pk]))
    assert lock.status_code == 302
    article.refresh_from_db()
    assert article.locked
    assert article.locked_by == site_a.editor

    client.force_login(other_editor)
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        article_form(article, title="另一位编辑的修改"),
    )

    article.refresh_from_db()
    assert response.status_code in {200, 302}
    assert article.latest_revision.content["title"] == "锁定的稿件"
    assert article.get_lock().for_user(other_editor)
    assert not article.get_lock().for_user(site_a.editor)


def test_editor_cannot_unlock_a_page_locked_by_another(client, site_a):
    other_editor = make_user(username="a-editor-2", groups=[site_a.groups.editors])
    article = live_article(site=site_a)
    article.locked = True
    article.locked_by = site_a.editor
    article.save()
    client.force_login(other_editor)

    response = client.post(reverse("wagtailadmin_pages:unlock", args=[article.pk]))

    assert_denied(response)
    article.refresh_from_db()
    assert article.locked


def test_site_admin_can_unlock_a_page_locked_by_an_editor(client, site_a):
    article = live_article(site=site_a)
    article.locked = True
    article.locked_by = site_a.editor
    article.save()
    client.force_login(site_a.site_admin)

    response = client.post(reverse("wagtailadmin_pages:unlock", args=[article.pk]))

    assert response.status_code == 302
    article.refresh_from_db()
    assert not article.locked


def test_channel_pages_of_each_site_stay_apart(site_a, site_b):
    assert ChannelPage.objects.descendant_of(site_a.home).count() == 1
    assert ChannelPage.objects.descendant_of(site_b.home).count() == 1
