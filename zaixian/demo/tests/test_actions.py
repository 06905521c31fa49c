"""The demo city as ``load_demo`` builds it (loaded once per module, see conftest)."""

from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import authenticate
from django.core.management import CommandError, call_command
from django.utils import timezone
from wagtail.models import Page, PageLogEntry, Site

from zaixian.core.models import Department
from zaixian.demo import actions
from zaixian.demo.seed import DEMO_PASSWORD
from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, SiteFooterSettings, TopicPage

pytestmark = pytest.mark.django_db


def test_departments_form_the_tree_of_jincheng(demo_city):
    root = Department.objects.get(code="JC")

    assert root.name == "晋城市人民政府"
    assert root.is_root()
    children = set(root.get_children().values_list("short_name", flat=True))
    assert {"市政府办公室", "市农业农村局", "市卫生健康委员会", "市大数据应用局"} <= children
    counties = root.get_children().filter(kind=Department.Kind.COUNTY)
    assert set(counties.values_list("short_name", flat=True)) == {
        "城区",
        "泽州县",
        "高平市",
        "阳城县",
        "陵川县",
        "沁水县",
    }
    assert Department.objects.get(code="JC12345").get_parent().code == "JCZFB"


def test_three_sites_with_the_portal_as_default(demo_city):
    sites = {site.hostname: site for site in Site.objects.filter(port=8000)}

    assert set(sites) == {"127.0.0.1", "nongwang.localhost", "wjw.localhost"}
    assert sites["127.0.0.1"].is_default_site
    assert sites["127.0.0.1"].site_name == "晋城在线"
    assert sites["nongwang.localhost"].site_name == "太行农网"
    assert Site.objects.filter(is_default_site=True).count() == 1


def test_wagtails_welcome_site_is_gone_so_localhost_shows_the_portal(demo_city, client):
    assert not Site.objects.filter(hostname="localhost", port=80).exists()

    response = client.get("/", HTTP_HOST="localhost:8000")

    assert response.status_code == 200
    assert "晋城在线" in response.content.decode()


def test_every_site_has_its_mandatory_footer(demo_city):
    for site in Site.objects.filter(port=8000):
        footer = SiteFooterSettings.objects.get(site=site)

        assert len(footer.site_code) == 10
        assert footer.site_code.isdigit()
        assert footer.icp_number.startswith("晋ICP备")
        assert footer.public_security_number.startswith("晋公网安备")
        assert footer.sponsor
        assert footer.department is not None
    portal = SiteFooterSettings.objects.get(site__hostname="127.0.0.1")
    assert portal.sponsor == "晋城市人民政府办公室"


def test_portal_channels_have_conventional_slugs_and_home_sections(demo_city):
    home = Site.objects.get(hostname="127.0.0.1").root_page.specific
    slugs = set(ChannelPage.objects.descendant_of(home).values_list("slug", flat=True))

    assert isinstance(home, HomePage)
    assert {"jrjc", "ywdt", "tzgg", "bmdt", "xqdt", "bsfw", "hdjl", "ztzl"} <= slugs
    # 政务公开 is the disclosure app's page at /zwgk/, with the section's channels under it.
    zwgk = home.get_children().get(slug="zwgk").specific
    assert type(zwgk).__name__ == "DisclosureIndexPage"
    assert {"zcwj", "gknb", "czzj"} <= set(
        ChannelPage.objects.child_of(zwgk).values_list("slug", flat=True)
    )
    assert home.headline_channel.slug == "jrjc"
    assert home.notice_channel.slug == "tzgg"
    assert TopicPage.objects.descendant_of(home).live().count() >= 2
    assert not ChannelPage.objects.descendant_of(home).filter(live=False).exists()
    assert ChannelPage.objects.descendant_of(home).filter(show_on_home=True).count() >= 4


def test_farm_site_has_its_own_channels(demo_city):
    farm = Site.objects.get(hostname="nongwang.localhost").root_page
    slugs = set(ChannelPage.objects.descendant_of(farm).values_list("slug", flat=True))

    assert {"nyzx", "schq", "nyjs", "rx12316"} <= slugs


def test_hundreds_of_live_articles_spread_over_two_years(demo_city):
    articles = ArticlePage.objects.live()
    times = sorted(articles.values_list("publish_time", flat=True))

    assert articles.count() >= 300
    assert (times[-1] - times[0]) >= timedelta(days=600)
    assert times[-1] <= timezone.now()
    assert not ArticlePage.objects.filter(live_revision__isnull=True).exists()
    assert not ArticlePage.objects.filter(body__icontains="lorem").exists()
    assert ArticlePage.objects.filter(title__contains="市长热线").exists()
    assert ArticlePage.objects.filter(title__contains="市场行情").exists()


def test_demo_articles_are_valid_wagtail_pages(demo_city):
    article = ArticlePage.objects.live().order_by("?").first()

    assert article.get_latest_revision_as_object().title == article.title
    assert article.url_path == article.get_parent().url_path + article.slug + "/"
    assert PageLogEntry.objects.filter(page=article, action="wagtail.publish").exists()
    problems = Page.find_problems()
    assert all(not problem for problem in problems), problems


def test_every_account_logs_in_with_the_demo_password(demo_city):
    for username in (
        "admin",
        "siteadmin",
        "editor",
        "reviewer1",
        "reviewer2",
        "reviewer3",
        "leader",
        "officer",
        "operator",
        "analyst",
        "nongwang_editor",
    ):
        user = authenticate(username=username, password=DEMO_PASSWORD)

        assert user is not None, username
        assert user.department is not None, username


def test_wrong_password_is_refused(demo_city):
    assert authenticate(username="editor", password="wrong-password") is None


def test_accounts_are_in_their_role_and_site_groups(demo_city):
    from zaixian.core.models import User

    editor = User.objects.get(username="editor")
    farm_editor = User.objects.get(username="nongwang_editor")
    reviewer1 = User.objects.get(username="reviewer1")
    reviewer3 = User.objects.get(username="reviewer3")

    assert editor.groups.filter(name="晋城在线·编辑").exists()
    assert editor.groups.filter(name="编辑").exists()
    assert farm_editor.groups.filter(name="太行农网·编辑").exists()
    assert not farm_editor.groups.filter(name="晋城在线·编辑").exists()
    assert reviewer1.groups.filter(name="晋城在线·初审").exists()
    assert reviewer3.groups.filter(name="晋城在线·终审").exists()
    assert User.objects.get(username="admin").is_superuser
    assert not editor.is_superuser


def test_farm_editor_cannot_edit_portal_pages(demo_city):
    from zaixian.core.models import User

    farm_editor = User.objects.get(username="nongwang_editor")
    portal_article = ArticlePage.objects.descendant_of(
        Site.objects.get(hostname="127.0.0.1").root_page
    ).first()
    farm_article = ArticlePage.objects.descendant_of(
        Site.objects.get(hostname="nongwang.localhost").root_page
    ).first()

    assert not portal_article.permissions_for_user(farm_editor).can_edit()
    assert farm_article.permissions_for_user(farm_editor).can_edit()


def test_second_load_changes_nothing(demo_city):
    before = actions.demo_counts()

    summary = actions.load_demo()

    assert not summary.created
    assert actions.demo_counts() == before
    assert summary.seconds < 2


def test_portal_home_shows_headlines_in_chinese(demo_city, client):
    response = client.get("/", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert "今日晋城" in response.content.decode()


def test_farm_site_is_served_on_its_hostname(demo_city, client):
    response = client.get("/", HTTP_HOST="nongwang.localhost:8000")

    assert response.status_code == 200
    assert "太行农网" in response.content.decode()


def run(*args):
    out = StringIO()
    call_command(*args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_generate_articles_makes_live_articles_visible_on_the_channel(demo_city, client):
    channel = ChannelPage.objects.get(slug="ywdt")
    before = ArticlePage.objects.child_of(channel).live().count()

    output = run("generate_articles", "--count", "50", "--channel", "ywdt", "--seed", "9")

    new = ArticlePage.objects.child_of(channel).live()
    assert new.count() == before + 50
    assert "50" in output
    assert Page.objects.get(pk=channel.pk).numchild == before + 50
    assert all(not problem for problem in Page.find_problems())
    newest = new.order_by("-publish_time").first()
    assert newest.get_latest_revision_as_object().body == newest.body
    response = client.get("/ywdt/", HTTP_HOST="127.0.0.1:8000")
    assert response.status_code == 200
    assert newest.title in response.content.decode()
    article_url = "/" + newest.url_path.split("/", 2)[2]
    article_response = client.get(article_url, HTTP_HOST="127.0.0.1:8000")
    assert article_response.status_code == 200
    assert newest.author in article_response.content.decode()


def test_generate_articles_spreads_over_the_leaf_channels_of_a_site(demo_city):
    before = ArticlePage.objects.count()

    run("generate_articles", "--count", "12", "--site", "wjw.localhost", "--no-index")

    assert ArticlePage.objects.count() == before + 12
    assert not ArticlePage.objects.filter(live_revision__isnull=True).exists()


def test_generate_articles_refuses_an_unknown_channel(demo_city):
    before = ArticlePage.objects.count()

    with pytest.raises(CommandError, match="nope"):
        run("generate_articles", "--count", "5", "--channel", "nope")

    assert ArticlePage.objects.count() == before
