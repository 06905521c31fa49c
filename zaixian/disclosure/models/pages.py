"""The page types of open government information: the root at ``/zwgk/``, one catalogue
(目录) per organisation with its guide (指南), and the disclosure items (公开信息) themselves.
Page models stay thin; listings and filters come from ``disclosure.queries``."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Orderable, Page
from wagtail.search import index

from zaixian.disclosure import rules


class DisclosureIndexPage(Page):
    """Open government information (政府信息公开), the page at ``/zwgk/``: every organisation's
    catalogue and guide, and the whole city's catalogue with its filters."""

    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    per_page = models.PositiveSmallIntegerField(_("items per page"), default=20)

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("per_page")]
    parent_page_types = ["portal.HomePage"]
    # Plain channels of the portal's 政务公开 section (policy documents, annual reports) live
    # beside the organisations' catalogues.
    subpage_types = ["disclosure.DisclosureCataloguePage", "portal.ChannelPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("open government information")
        verbose_name_plural = _("open government information")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.disclosure import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.catalogue_listing(root=self, params=request.GET))
        context["catalogues"] = queries.live_catalogues(root=self)
        context["annual_report_year"] = timezone.localdate().year - 1
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _serve_with_filter_status(super().serve(request, *args, **kwargs))


class DisclosureCataloguePage(Page):
    """One organisation's disclosure catalogue (政府信息公开目录): its items, filtered by
    category, year, validity and search text; its guide is a child page."""

    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="disclosure_catalogues",
        help_text=_("The organisation that publishes the items of this catalogue."),
    )
    intro = models.TextField(_("introduction"), blank=True, max_length=1000)
    per_page = models.PositiveSmallIntegerField(_("items per page"), default=20)

    content_panels = [
        *Page.content_panels,
        FieldPanel("department"),
        FieldPanel("intro"),
        FieldPanel("per_page"),
    ]
    parent_page_types = ["disclosure.DisclosureIndexPage"]
    subpage_types = ["disclosure.DisclosureGuidePage", "disclosure.DisclosureItemPage"]

    class Meta:
        verbose_name = _("disclosure catalogue")
        verbose_name_plural = _("disclosure catalogues")
        constraints = [
            models.UniqueConstraint(fields=["department"], name="disclosure_one_catalogue_per_org")
        ]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.disclosure import queries

        context = super().get_context(request, *args, **kwargs)
        context.update(queries.catalogue_listing(root=self, params=request.GET))
        context["guide"] = queries.catalogue_guide(catalogue=self)
        return context

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        return _serve_with_filter_status(super().serve(request, *args, **kwargs))


def _serve_with_filter_status(response: HttpResponse) -> HttpResponse:
    """A bad filter parameter is the visitor's error: the page still lists (without that
    filter) and says why, with status 400 so that crawlers do not keep the URL."""
    context = getattr(response, "context_data", None) or {}
    item_filter = context.get("item_filter")
    if isinstance(item_filter, rules.CatalogueFilter) and item_filter.errors:
        response.status_code = 400
    return response


class DisclosureGuidePage(Page):
    """An organisation's disclosure guide (政府信息公开指南), with the contents Article 12
    requires: the classification and arrangement of its information, how to obtain it, and
    the disclosure office's name, address, hours, phone, fax and e-mail."""

    classification = RichTextField(
        _("classification and arrangement"),
        help_text=_("How the information is classified and arranged (Article 12)."),
    )
    how_to_obtain = RichTextField(
        _("how to obtain information"),
        help_text=_("Proactive disclosure channels and how to request information."),
    )
    office_name = models.CharField(_("office name"), max_length=100)
    office_address = models.CharField(_("office address"), max_length=200)
    postcode = models.CharField(_("postcode"), max_length=6, blank=True)
    office_hours = models.CharField(_("office hours"), max_length=200)
    phone = models.CharField(_("phone"), max_length=50)
    fax = models.CharField(_("fax"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    supervision = RichTextField(
        _("supervision and remedies"),
        blank=True,
        help_text=_("Where to complain, and the right to administrative reconsideration or suit."),
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("classification"),
        FieldPanel("how_to_obtain"),
        MultiFieldPanel(
            [
                FieldPanel("office_name"),
                FieldPanel("office_address"),
                FieldPanel("postcode"),
                FieldPanel("office_hours"),
                FieldRowPanel([FieldPanel("phone"), FieldPanel("fax")]),
                FieldPanel("email"),
                FieldPanel("website"),
            ],
            heading=_("Disclosure office"),
        ),
        FieldPanel("supervision"),
    ]
    parent_page_types = ["disclosure.DisclosureCataloguePage"]
    subpage_types: list[str] = []
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("disclosure guide")
        verbose_name_plural = _("disclosure guides")


class DisclosureItemPage(Page):
    """A piece of government information disclosed proactively, with the regulated metadata
    (索引号, 发布机构, 成文日期, 发布日期, 文号, 主题分类, 体裁, 有效性, 关键词).

    ``department`` follows the catalogue the item is in; ``index_number`` and
    ``publication_deadline`` are set by ``actions.prepare_disclosure_item``."""

    class Validity(models.TextChoices):
        VALID = "valid", _("In force")
        INVALID = "invalid", _("No longer in force")
        REPEALED = "repealed", _("Repealed")

    class Subject(models.TextChoices):
        # The State Council's subject classification (主题分类) of government information.
        GENERAL = "general", _("General government affairs")
        ECONOMY = "economy", _("Economic management and state assets")
        FINANCE = "finance", _("Finance and audit")
        LAND = "land", _("Land, resources and energy")
        AGRICULTURE = "agriculture", _("Agriculture, forestry and water")
        INDUSTRY = "industry", _("Industry and transport")
        COMMERCE = "commerce", _("Commerce and tourism")
        MARKET = "market", _("Market regulation and work safety")
        CONSTRUCTION = "construction", _("Urban and rural construction, environment")
        EDUCATION = "education", _("Science and education")
        CULTURE = "culture", _("Culture, media and publishing")
        HEALTH = "health", _("Health and sport")
        POPULATION = "population", _("Population, women and children")
        LABOUR = "labour", _("Labour, personnel and supervision")
        PUBLIC_SECURITY = "public_security", _("Public security and justice")
        CIVIL_AFFAIRS = "civil_affairs", _("Civil affairs, poverty relief and disaster relief")
        OTHER = "other", _("Other")

    class Genre(models.TextChoices):
        # 体裁: what kind of document it is. Rules and normative documents are counted on their
        # own in the annual report (table 2: made, repealed, in force).
        RULE = "rule", _("Government rule")
        NORMATIVE = "normative", _("Normative document")
        DECISION = "decision", _("Decision")
        NOTICE = "notice", _("Notice")
        ANNOUNCEMENT = "announcement", _("Announcement")
        OPINION = "opinion", _("Opinion")
        PLAN = "plan", _("Plan or programme")
        REPORT = "report", _("Report")
        REPLY = "reply", _("Official reply")
        LETTER = "letter", _("Letter")
        INTERPRETATION = "interpretation", _("Interpretation")
        TABLE = "table", _("Table or list")
        OTHER = "other", _("Other")

    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("publishing organisation"),
        on_delete=models.PROTECT,
        related_name="disclosure_items",
        editable=False,
    )
    category = models.ForeignKey(
        "disclosure.DisclosureCategory",
        verbose_name=_("category"),
        on_delete=models.PROTECT,
        related_name="items",
    )
    index_number = models.CharField(
        _("index number"),
        max_length=rules.INDEX_NUMBER_MAX_LENGTH,
        unique=True,
        null=True,
        blank=True,
        help_text=_(
            "Leave empty to have one generated (organisation code-category-year-number). "
            "Once given, it never changes."
        ),
    )
    summary = models.TextField(_("summary"), max_length=500)
    date_written = models.DateField(
        _("date written"),
        help_text=_(
            "The date the information was made (成文日期); the 20 working days of "
            "Article 26 run from it."
        ),
    )
    publish_date = models.DateField(
        _("publish date"),
        null=True,
        blank=True,
        db_index=True,
        help_text=_("Leave empty to use the day the item is first published."),
    )
    publication_deadline = models.DateField(
        _("publication deadline"), null=True, blank=True, editable=False
    )
    document_number = models.CharField(
        _("document number"), max_length=100, blank=True, help_text=_("e.g. 晋市政发〔2026〕3号")
    )
    subject = models.CharField(
        _("subject category"), max_length=20, choices=Subject.choices, default=Subject.GENERAL
    )
    genre = models.CharField(_("genre"), max_length=20, choices=Genre.choices, default=Genre.NOTICE)
    validity = models.CharField(
        _("validity"), max_length=10, choices=Validity.choices, default=Validity.VALID
    )
    validity_changed_on = models.DateField(
        _("no longer in force since"),
        null=True,
        blank=True,
        help_text=_("Required when the item is no longer in force or repealed."),
    )
    keywords = models.CharField(
        _("keywords"), max_length=200, blank=True, help_text=_("Separated by spaces or commas.")
    )
    body = RichTextField(_("full text"), blank=True)

    search_fields = [
        *Page.search_fields,
        index.SearchField("summary"),
        index.SearchField("body"),
        index.SearchField("document_number"),
        index.SearchField("keywords"),
    ]
    content_panels = [
        *Page.content_panels,
        FieldPanel("category"),
        FieldPanel("summary"),
        MultiFieldPanel(
            [
                FieldPanel("index_number"),
                FieldRowPanel([FieldPanel("date_written"), FieldPanel("publish_date")]),
                FieldPanel("document_number"),
                FieldRowPanel([FieldPanel("subject"), FieldPanel("genre")]),
                FieldRowPanel([FieldPanel("validity"), FieldPanel("validity_changed_on")]),
                FieldPanel("keywords"),
            ],
            heading=_("Metadata"),
        ),
        FieldPanel("body"),
        InlinePanel("attachments", label=_("Attachments")),
        InlinePanel(
            "interpreted_policy_links",
            label=_("Policies interpreted"),
            help_text=_("For a policy interpretation: the policies it interprets."),
        ),
    ]
    parent_page_types = ["disclosure.DisclosureCataloguePage"]
    subpage_types: list[str] = []
    # A copy gets its own number when it is next saved; numbers are never shared or reused.
    exclude_fields_in_copy = ["index_number", "publication_deadline"]

    class Meta:
        verbose_name = _("disclosure item")
        verbose_name_plural = _("disclosure items")
        indexes = [
            models.Index(fields=["department", "publish_date"], name="disclosure_item_org_date"),
            models.Index(fields=["category", "publish_date"], name="disclosure_item_cat_date"),
        ]

    @property
    def is_late(self) -> bool:
        """Published after the Article 26 deadline."""
        return rules.is_published_late(
            publish_date=self.publish_date, deadline=self.publication_deadline
        )

    @property
    def days_late(self) -> int:
        return rules.days_late(publish_date=self.publish_date, deadline=self.publication_deadline)

    @property
    def keyword_list(self) -> list[str]:
        return [word for word in self.keywords.replace("，", ",").replace(",", " ").split() if word]

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from zaixian.disclosure import queries

        context = super().get_context(request, *args, **kwargs)
        context["interpreted_policies"] = queries.interpreted_policies(item=self)
        context["interpretations"] = queries.interpretations_of(policy=self)
        return context


class DisclosureAttachment(Orderable):
    """A downloadable file of an item (the document itself, annexes, tables)."""

    page = ParentalKey(DisclosureItemPage, on_delete=models.CASCADE, related_name="attachments")
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("document"),
        on_delete=models.CASCADE,
        related_name="+",
    )
    title = models.CharField(_("title"), max_length=255, blank=True)

    panels = [FieldPanel("document"), FieldPanel("title")]


class PolicyInterpretationLink(Orderable):
    """An interpretation (政策解读) and one policy it interprets; the policy's page lists its
    interpretations through the reverse relation, so the link is shown both ways."""

    interpretation = ParentalKey(
        DisclosureItemPage, on_delete=models.CASCADE, related_name="interpreted_policy_links"
    )
    policy = models.ForeignKey(
        DisclosureItemPage,
        verbose_name=_("policy"),
        on_delete=models.CASCADE,
        related_name="interpretation_links",
    )

    panels = [FieldPanel("policy")]

    class Meta(Orderable.Meta):
        constraints = [
            models.UniqueConstraint(
                fields=["interpretation", "policy"], name="disclosure_interpretation_link_unique"
            )
        ]
