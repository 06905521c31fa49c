from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "zaixian.search"
    label = "zaixian_search"
    verbose_name = _("Search")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from zaixian.search import signal_handlers

        post_migrate.connect(
            signal_handlers.sweep_orphan_index_rows,
            sender=self,
            dispatch_uid="zaixian_search_sweep_orphans",
        )
