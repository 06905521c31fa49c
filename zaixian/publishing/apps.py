from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublishingConfig(AppConfig):
    name = "zaixian.publishing"
    label = "publishing"
    verbose_name = _("Static publishing")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.publishing import signal_handlers

        signal_handlers.connect()
