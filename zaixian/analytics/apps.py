from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalyticsConfig(AppConfig):
    name = "zaixian.analytics"
    label = "analytics"
    verbose_name = _("Web analytics")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.analytics import signal_handlers

        signal_handlers.connect()
