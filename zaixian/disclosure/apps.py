from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "zaixian.disclosure"
    label = "disclosure"
    verbose_name = _("Open government information")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from zaixian.cases.registry import register_case_type
        from zaixian.disclosure import forms, rules, signal_handlers
        from zaixian.disclosure.models import DisclosureCataloguePage, DisclosureItemPage

        # The editor's form checks the metadata and hands out the index number through
        # disclosure.actions; models may not import forms (layers), so it is attached here.
        DisclosureItemPage.base_form_class = forms.DisclosureItemPageForm
        DisclosureCataloguePage.base_form_class = forms.DisclosureCataloguePageForm
        signal_handlers.connect()
        register_case_type(rules.REQUEST)
