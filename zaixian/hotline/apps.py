from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotlineConfig(AppConfig):
    name = "zaixian.hotline"
    label = "hotline"
    verbose_name = _("Mayor's hotline")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.cases.registry import register_case_type
        from zaixian.hotline import rules

        register_case_type(rules.HOTLINE_CASE)
