"""Per-site settings: the mandatory footer of a Chinese government website."""

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


@register_setting(icon="site")
class SiteFooterSettings(BaseSiteSetting):
    """The footer every government website must show (State Council General Office notice
    2017 No. 47): sponsor, contact, the site identification code, and the ICP and
    public-security filing numbers."""

    department = models.ForeignKey(
        "core.Department",
        verbose_name=_("owner department"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sponsor = models.CharField(_("sponsor (主办)"), max_length=100, blank=True)
    organiser = models.CharField(_("organiser (承办)"), max_length=100, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    postcode = models.CharField(
        _("postcode"), max_length=6, blank=True, validators=[RegexValidator(r"^\d{6}$")]
    )
    phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    email = models.EmailField(_("contact e-mail"), blank=True)
    site_code = models.CharField(
        _("site identification code (网站标识码)"),
        max_length=10,
        blank=True,
        validators=[RegexValidator(r"^\d{10}$", _("The site identification code has 10 digits."))],
    )
    icp_number = models.CharField(_("ICP filing number"), max_length=50, blank=True)
    public_security_number = models.CharField(
        _("public-security filing number"), max_length=50, blank=True
    )

    panels = [
        FieldPanel("department"),
        MultiFieldPanel([FieldPanel("sponsor"), FieldPanel("organiser")], heading=_("Sponsor")),
        MultiFieldPanel(
            [
                FieldPanel("address"),
                FieldPanel("postcode"),
                FieldPanel("phone"),
                FieldPanel("email"),
            ],
            heading=_("Contact"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("site_code"),
                FieldPanel("icp_number"),
                FieldPanel("public_security_number"),
            ],
            heading=_("Identification and filing"),
        ),
    ]

    class Meta:
        verbose_name = _("site footer")
        verbose_name_plural = _("site footers")
