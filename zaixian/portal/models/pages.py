"""The portal's page types. Page models stay thin; listings come from ``portal.queries``."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import EmptyPage, Paginator
from django.db import models
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page, PageViewRestriction
from wagtail.search import index
from wagtail.url_routing import RouteResult

# Path-style channel pages (/channel/page/2/): a static copy of the site can hold them as files,
# unlike ?page=2, which keeps working too.
PAGE_SEGMENT = "page"
PAGE_NUMBER = re.compile(r"^[1-9]\d{0,4}$")


class PortalPage(Page):
    """What the portal's page types share: a cheap answer to "is this page private?"."""

    class Meta:
        abstract = True

    def get_view_restrictions(self) -> QuerySet[PageViewRestriction]:
        """Wagtail asks for every page served; most portals have no private section, so the
        cached list of restricted paths answers without the two queries of Wagtail's lookup."""
        from zaixian.portal import queries

        if not queries.is_in_private_section(page=self):
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()


class HomePage(PortalPage):
    """A site's home page. The city portal's shows headline news (今日晋城), notices and the
    entrances to open government, services, interaction and the department sites."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    headline_channel = models.ForeignKey(
        "portal.ChannelPage",
        verbose_name=_("headline channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Its newest articles lead the home page, e.g. 今日晋城."),
    )
    notice_channel = models.ForeignKey(
        "portal.ChannelPage",
        verbose_name=_("notice channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        PageChooserPanel("headline_channel", "portal.ChannelPage"),
        PageChooserPanel("notice_channel", "portal.ChannelPage"),
    ]
    subpage_types = ["portal.ChannelPage", "portal.TopicPage", "portal.ArticlePage"]
    parent_page_types = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("home page")
        verbose_name_plural = _("home pages")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.portal import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.home_page_sections(home=self))
        return context

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        """Find the page on the path in one query, then let it route the rest (a channel's
        ``page/<n>/``); Wagtail's own walk, one or two queries per segment, is the fallback."""
        from zaixian.portal import queries

        if path_components:
            found = queries.page_on_path(root=self, components=path_components)
            if found is not None:
                page, rest = found
                try:
                    return page.specific.route(request, rest)
                except Http404:
                    # A page above may still answer (a channel's page/<n>/ when a child is
                    # named "page"): Wagtail's walk decides, as it would have.
                    pass
        return super().route(request, path_components)


class ChannelPage(PortalPage):
    """A channel (栏目): a paginated list of its articles, optionally with sub-channels."""

    class Kind(models.TextChoices):
        NEWS = "news", _("News")
        NOTICE = "notice", _("Notices and announcements")
        POLICY = "policy", _("Policies and documents")
        OTHER = "other", _("Other")

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.NEWS)
    per_page = models.PositiveSmallIntegerField(_("articles per page"), default=20)
    show_on_home = models.BooleanField(_("show on the home page"), default=False)
    home_order = models.PositiveSmallIntegerField(_("order on the home page"), default=0)

    content_panels = [*Page.content_panels, FieldPanel("intro")]
    settings_panels = [
        *Page.settings_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("per_page"),
                FieldPanel("show_on_home"),
                FieldPanel("home_order"),
            ],
            heading=_("Channel"),
        ),
    ]
    subpage_types = ["portal.ChannelPage", "portal.ArticlePage", "portal.TopicPage"]
    parent_page_types = [
        "portal.HomePage",
        "portal.ChannelPage",
        "portal.TopicPage",
        "disclosure.DisclosureIndexPage",  # the 政务公开 section's plain channels
    ]

    class Meta:
        verbose_name = _("channel")
        verbose_name_plural = _("channels")

    def route(self, request: HttpRequest, path_components: list[str]) -> RouteResult:
        """Child pages first; then ``page/<n>/``, the channel's n-th page of articles."""
        try:
            return super().route(request, path_components)
        except Http404:
            if (
                self.live
                and len(path_components) == 2  # "page" and the number
                and path_components[0] == PAGE_SEGMENT
                and PAGE_NUMBER.match(path_components[1])
            ):
                return RouteResult(self, kwargs={"page_number": int(path_components[1])})
            raise

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if kwargs.get("page_number") == 1:
            # The first page is the channel itself.
            return HttpResponseRedirect(self.get_url(request=request) or "/")
        return super().serve(request, *args, **kwargs)

    def page_url(self, *, number: int, request: HttpRequest | None = None) -> str:
        """The URL of the channel's ``number``-th page of articles (path style)."""
        base = self.get_url(request=request) or "/"
        return base if number == 1 else f"{base}{PAGE_SEGMENT}/{number}/"

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.portal import queries

        context = super().get_context(request, *args, **kwargs)
        paginator = Paginator(queries.channel_article_list(channel=self), max(self.per_page, 1))
        number = kwargs.get("page_number")
        if number is None:
            context["articles"] = paginator.get_page(request.GET.get("page"))
        else:
            try:
                context["articles"] = paginator.page(number)
            except EmptyPage:
                raise Http404 from None
        # Page links in path style (/channel/page/2/); see pagination.html.
        context["page_base"] = self.get_url(request=request)
        context["sub_channels"] = queries.sub_channels(channel=self)
        return context


class ArticlePage(PortalPage):
    """An article (信息/稿件)."""

    subtitle = models.CharField(_("subtitle"), max_length=255, blank=True)
    source = models.CharField(_("source"), max_length=100, blank=True, help_text=_("e.g. 晋城日报"))
    author = models.CharField(_("author"), max_length=100, blank=True)
    publish_time = models.DateTimeField(
        _("publish time"),
        default=timezone.now,
        db_index=True,
        help_text=_("The time shown on the article and used to order lists."),
    )
    summary = models.TextField(_("summary"), blank=True, max_length=500)
    body = RichTextField(_("body"))
    cover_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("cover image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The page it sits under (its channel), kept by ``portal.actions.file_article`` when it is
    # saved or moved: previous/next in a channel of 100,000 articles is then an index lookup
    # on (channel, publish time) rather than a walk of every article's time.
    channel = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    search_fields = [
        *Page.search_fields,
        index.SearchField("subtitle"),
        index.SearchField("body"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("subtitle"),
        MultiFieldPanel(
            [FieldPanel("source"), FieldPanel("author"), FieldPanel("publish_time")],
            heading=_("Byline"),
        ),
        FieldPanel("summary"),
        FieldPanel("cover_image"),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
        InlinePanel("related_links", label=_("Related articles")),
    ]
    subpage_types: list[str] = []
    parent_page_types = ["portal.ChannelPage", "portal.TopicPage", "portal.HomePage"]

    class Meta:
        verbose_name = _("article")
        verbose_name_plural = _("articles")
        indexes = [
            models.Index(
                fields=["channel", "publish_time", "page_ptr"], name="portal_article_in_channel"
            )
        ]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.portal import queries

        context = super().get_context(request, *args, **kwargs)
        context["related_articles"] = queries.related_articles(article=self)
        return context


class ArticleAttachment(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]


class RelatedArticle(Orderable):
    page = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="+",
    )

    panels = [PageChooserPanel("related", "portal.ArticlePage")]


class TopicPage(PortalPage):
    """A special topic (专题): a banner, an introduction and its own channels."""

    intro = models.CharField(_("introduction"), max_length=255, blank=True)
    banner_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("banner image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    body = RichTextField(_("body"), blank=True)

    content_panels = [
        *Page.content_panels,
        FieldPanel("intro"),
        FieldPanel("banner_image"),
        FieldPanel("body"),
    ]
    subpage_types = ["portal.ChannelPage", "portal.ArticlePage"]
    parent_page_types = ["portal.HomePage", "portal.ChannelPage"]

    class Meta:
        verbose_name = _("special topic")
        verbose_name_plural = _("special topics")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.portal import queries

        context = super().get_context(request, *args, **kwargs)
        context["sections"] = queries.topic_sections(topic=self)
        return context
