from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ServicesConfig(AppConfig):
    name = "zaixian.services"
    label = "services"
    verbose_name = _("Online services")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.cases.registry import register_case_type
        from zaixian.services import rules

        register_case_type(rules.APPLICATION)
        register_case_type(rules.RATING_FOLLOW_UP)
