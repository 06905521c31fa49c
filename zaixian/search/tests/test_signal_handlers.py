"""The index follows Wagtail's page events: publish, unpublish, move and delete."""

from __future__ import annotations

import pytest

from zaixian.search import queries
from zaixian.search.models import SearchDocument
from zaixian.search.tests import factories


def keys(query: str) -> set[str]:
    return {hit.document.key for hit in queries.search(query, site=None).hits}


@pytest.mark.django_db
def test_publishing_indexes_and_republishing_updates(news):
    article = factories.make_article(parent=news, title="农业新闻", body="旧正文")
    assert keys("农业") == {f"page:{article.pk}"}

    article.title = "水利新闻"
    article.save_revision().publish()

    assert keys("农业") == set()
    assert keys("水利") == {f"page:{article.pk}"}


@pytest.mark.django_db
def test_draft_is_not_indexed(news):
    factories.make_article(parent=news, title="农业草稿", publish=False)

    assert keys("农业") == set()
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_unpublishing_removes(news):
    article = factories.make_article(parent=news, title="农业新闻")

    article.unpublish()

    assert keys("农业") == set()


@pytest.mark.django_db
def test_unpublishing_a_channel_removes_its_articles(news, django_capture_on_commit_callbacks):
    factories.make_article(parent=news, title="农业新闻")

    with django_capture_on_commit_callbacks(execute=True):
        news.unpublish()

    assert keys("农业") == set()


@pytest.mark.django_db
def test_deleting_removes(news):
    article = factories.make_article(parent=news, title="农业新闻")

    article.delete()

    assert keys("农业") == set()
    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_deleting_a_channel_removes_its_articles(news):
    factories.make_article(parent=news, title="农业新闻")

    news.delete()

    assert not SearchDocument.objects.exists()


@pytest.mark.django_db
def test_moving_to_another_site_reindexes_the_subtree(
    portal, news, django_capture_on_commit_callbacks
):
    farm_site = factories.make_site(name="太行农网", hostname="farm.example.test")
    article = factories.make_article(parent=news, title="农业新闻")

    with django_capture_on_commit_callbacks(execute=True):
        news.move(farm_site.root_page, pos="last-child")

    document = SearchDocument.objects.get(key=f"page:{article.pk}")
    assert document.site_id == farm_site.pk
    assert keys("农业") == {f"page:{article.pk}"}
    assert queries.search("农业", site=portal.pk).total == 0


@pytest.mark.django_db
def test_private_page_is_not_indexed(news):
    from wagtail.models import PageViewRestriction

    PageViewRestriction.objects.create(page=news, restriction_type="login")
    factories.make_article(parent=news, title="内部农业资料")

    assert keys("农业") == set()


@pytest.mark.django_db
def test_rebuild_command_indexes_every_public_article(news):
    from django.core.management import call_command

    from zaixian.search import actions

    article = factories.make_article(parent=news, title="农业新闻")
    actions.remove_page(page_id=article.pk)
    assert queries.search("农业").total == 0

    call_command("rebuild_search_index", verbosity=0)

    assert queries.search("农业").total == 1
