from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "zaixian.opinion"
    label = "opinion"
    verbose_name = _("Public-opinion watch")
    default_auto_field = "django.db.models.BigAutoField"
