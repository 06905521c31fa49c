"""Page-building helpers for portal tests: a home page with its Wagtail ``Site``, channels and
published articles. Plain functions on purpose: Wagtail pages must be inserted into the tree
with ``add_child``, which factory_boy's ``create`` does not do."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field

from django.utils import timezone
from wagtail.models import Page, Site

from zaixian.portal.models import ArticlePage, ChannelPage, HomePage, SiteFooterSettings, TopicPage

_counter = itertools.count(1)


def make_home(
    *,
    title: str = "晋城在线",
    hostname: str = "localhost",
    port: int = 80,
    is_default_site: bool = True,
    site_name: str = "",
) -> HomePage:
    """A live home page directly under Wagtail's root, served by a new ``Site``.

    With ``is_default_site`` it replaces the default site (the test client's ``testserver``
    host falls back to it), and Wagtail's stock welcome site is dropped so it cannot match.
    """
    root = Page.get_first_root_node()
    assert root is not None
    n = next(_counter)
    home = root.add_child(instance=HomePage(title=title, slug=f"home-{n}", live=True))
    if is_default_site:
        Site.objects.filter(is_default_site=True).update(is_default_site=False)
    Site.objects.filter(hostname=hostname, port=port).delete()
    Site.objects.create(
        hostname=hostname,
        port=port,
        root_page=home,
        is_default_site=is_default_site,
        site_name=site_name or title,
    )
    return home


def make_channel(
    *,
    parent: Page,
    title: str = "",
    slug: str = "",
    kind: str = ChannelPage.Kind.NEWS,
    per_page: int = 20,
    show_on_home: bool = False,
    home_order: int = 0,
    show_in_menus: bool = True,
    live: bool = True,
) -> ChannelPage:
    n = next(_counter)
    channel = ChannelPage(
        title=title or f"栏目{n}",
        slug=slug or f"channel-{n}",
        kind=kind,
        per_page=per_page,
        show_on_home=show_on_home,
        home_order=home_order,
        show_in_menus=show_in_menus,
        live=live,
    )
    parent.add_child(instance=channel)
    return channel


def make_article(
    *,
    parent: Page,
    title: str = "",
    publish_time: dt.datetime | None = None,
    body: str = "<p>晋城市人民政府办公室发布的正文。</p>",
    source: str = "晋城日报",
    author: str = "",
    subtitle: str = "",
    summary: str = "",
    live: bool = True,
) -> ArticlePage:
    n = next(_counter)
    article = ArticlePage(
        title=title or f"晋城新闻第{n}篇",
        slug=f"article-{n}",
        publish_time=publish_time or timezone.now(),
        body=body,
        source=source,
        author=author,
        subtitle=subtitle,
        summary=summary,
        live=live,
    )
    parent.add_child(instance=article)
    return article


def make_topic(*, parent: Page, title: str = "", intro: str = "") -> TopicPage:
    n = next(_counter)
    topic = TopicPage(title=title or f"专题{n}", slug=f"topic-{n}", intro=intro, live=True)
    parent.add_child(instance=topic)
    return topic


def make_footer(*, site: Site, **fields: str) -> SiteFooterSettings:
    """The mandatory footer of ``site``, with sensible defaults for the fields not given."""
    defaults = {
        "sponsor": "晋城市人民政府办公室",
        "organiser": "晋城市信息中心",
        "address": "山西省晋城市城区凤台东街",
        "postcode": "048000",
        "phone": "0356-2196000",
        "email": "webmaster@jcgov.example.cn",
        "site_code": "1405000001",
        "icp_number": "晋ICP备05001234号",
        "public_security_number": "晋公网安备 14050202000001号",
    }
    footer = SiteFooterSettings.for_site(site)
    for name, value in {**defaults, **fields}.items():
        setattr(footer, name, value)
    footer.save()
    return footer


@dataclass
class SiteTree:
    """What ``make_site_tree`` built."""

    home: HomePage
    site: Site
    news: ChannelPage
    notices: ChannelPage
    articles: list[ArticlePage] = field(default_factory=list)
    notice_articles: list[ArticlePage] = field(default_factory=list)


def make_site_tree(
    *,
    articles: int = 3,
    notices: int = 2,
    title: str = "晋城在线",
    hostname: str = "localhost",
    port: int = 80,
    is_default_site: bool = True,
    per_page: int = 20,
) -> SiteTree:
    """A site: home page, a news channel (今日晋城, the headline channel, shown on the home
    page) with ``articles`` published articles, and a notice channel (通知公告) with
    ``notices``. Articles are one hour apart, the first one newest."""
    home = make_home(title=title, hostname=hostname, port=port, is_default_site=is_default_site)
    news = make_channel(
        parent=home, title="今日晋城", slug="jrjc", show_on_home=True, per_page=per_page
    )
    notice_channel = make_channel(
        parent=home, title="通知公告", slug="tzgg", kind=ChannelPage.Kind.NOTICE
    )
    home.headline_channel = news
    home.notice_channel = notice_channel
    home.save_revision().publish()
    home.refresh_from_db()
    now = timezone.now()
    news_articles = [
        make_article(
            parent=news, title=f"今日晋城新闻{i + 1}", publish_time=now - dt.timedelta(hours=i)
        )
        for i in range(articles)
    ]
    notice_articles = [
        make_article(
            parent=notice_channel,
            title=f"通知公告{i + 1}",
            publish_time=now - dt.timedelta(hours=i),
        )
        for i in range(notices)
    ]
    site = Site.objects.get(root_page=home)
    return SiteTree(
        home=home,
        site=site,
        news=news,
        notices=notice_channel,
        articles=news_articles,
        notice_articles=notice_articles,
    )
