from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "zaixian.hotline"
    label = "hotline"
    verbose_name = _("Mayor's hotline")
    default_auto_field = "django.db.models.BigAutoField"
