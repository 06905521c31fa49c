from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpinionConfig(AppConfig):
    name = "zaixian.opinion"
    label = "opinion"
    verbose_name = _("Public-opinion watch")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # The opinion watch processes every item the monitoring engine stores.
        from zaixian.monitoring.registry import register_item_consumer, register_item_keeper
        from zaixian.opinion.actions import process_new_items
        from zaixian.opinion.queries import kept_item_ids

        register_item_consumer("opinion", process_new_items)
        # The evidence of incidents and reports, and the reprints, outlive the item retention.
        register_item_keeper("opinion", kept_item_ids)
