from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EvaluationConfig(AppConfig):
    name = "zaixian.evaluation"
    label = "evaluation"
    verbose_name = _("Site self-evaluation")
    default_auto_field = "django.db.models.BigAutoField"
