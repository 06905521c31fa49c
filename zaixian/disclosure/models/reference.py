"""Reference data of proactive disclosure: the categories of Articles 20 and 21 (a fixed list
loaded by a data migration) and the per-organisation counters behind index numbers."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class DisclosureCategory(models.Model):
    """A category of information disclosed proactively (主动公开类别). The list and its codes
    come from a data migration (Articles 20 and 21 of the Regulations, plus policy
    interpretations); the codes are part of every index number, so they never change."""

    code = models.CharField(_("code"), max_length=2, unique=True)
    name = models.CharField(_("name"), max_length=100)
    article = models.CharField(
        _("legal basis"), max_length=50, help_text=_("e.g. 第二十条第（一）项")
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_policy_interpretation = models.BooleanField(
        _("policy interpretation"),
        default=False,
        help_text=_("Items of this category interpret one or more policies."),
    )

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("disclosure category")
        verbose_name_plural = _("disclosure categories")
        permissions = [
            (
                "view_disclosure_reports",
                _("Can view the disclosure reports (late items, counts)"),
            )
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"


class IndexNumberSequence(models.Model):
    """The last sequence number handed out for one organisation, category and year. Numbers
    only go up, so a deleted item's index number is never given to another item."""

    department = models.ForeignKey(
        "core.Department", on_delete=models.CASCADE, related_name="+", verbose_name=_("department")
    )
    category = models.ForeignKey(
        DisclosureCategory, on_delete=models.PROTECT, related_name="+", verbose_name=_("category")
    )
    year = models.PositiveSmallIntegerField(_("year"))
    last_number = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("index number sequence")
        verbose_name_plural = _("index number sequences")
        constraints = [
            models.UniqueConstraint(
                fields=["department", "category", "year"], name="disclosure_sequence_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.department_id}-{self.category_id}-{self.year}: {self.last_number}"
