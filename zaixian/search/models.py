"""The search index: one row per published document, whatever module it comes from.

The full-text part is not a Django model: on SQLite it is the FTS5 tables
``zaixian_search_fts`` (title and body), ``zaixian_search_fts_title``, ``zaixian_search_fts_lead``
(title and lead, for ranking) and the position-free ``zaixian_search_fts_count`` (rowid =
document id); on PostgreSQL it is the narrow table ``zaixian_search_vector`` (document id,
weighted vector, title vector, title-and-lead vector, GIN indexes). Migrations
create them for their vendor only; ``zaixian.search.backends`` alone writes them, and
``remove_orphans`` sweeps rows left behind by a flush.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchDocument(models.Model):
    """A published document as search sees it (a portal page, later a knowledge-base answer
    or a disclosure catalogue item)."""

    class Kind(models.TextChoices):
        PAGE = "page", _("Page")
        ARTICLE = "article", _("Article")
        KNOWLEDGE = "knowledge", _("Knowledge base answer")
        DISCLOSURE = "disclosure", _("Disclosure item")
        OTHER = "other", _("Other")

    key = models.CharField(
        _("key"), max_length=100, unique=True, help_text=_("Unique source key, e.g. page:123.")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PAGE)
    site = models.ForeignKey(
        "wagtailcore.Site",
        verbose_name=_("site"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    channel = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("channel"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    section = models.CharField(
        _("section"),
        max_length=100,
        blank=True,
        help_text=_("The channel or section name shown with the result."),
    )
    # The page a document comes from, if any: the channel filter selects documents whose page
    # lies in the channel's subtree by the live page tree, so moves and reorders never leave
    # a stale copy of tree paths here. A plain column, not a foreign key: deleting a page must
    # go through ``remove_document`` so the full-text row goes too.
    page_id = models.BigIntegerField(_("page ID"), null=True, blank=True, db_index=True)
    url = models.CharField(_("URL"), max_length=500)
    title = models.CharField(_("title"), max_length=255)
    body = models.TextField(_("body"), blank=True)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    indexed_at = models.DateTimeField(_("indexed at"), auto_now=True)

    class Meta:
        verbose_name = _("search document")
        verbose_name_plural = _("search documents")
        indexes = [models.Index(fields=["site", "published_at"], name="search_doc_site_date")]

    def __str__(self) -> str:
        return self.title
