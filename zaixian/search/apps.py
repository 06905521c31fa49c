from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "zaixian.search"
    label = "zaixian_search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.search import signal_handlers  # noqa: F401 — connects Wagtail's page signals
