"""Registration only: the engine's sources in the admin."""

from wagtail.snippets.models import register_snippet

from zaixian.monitoring.admin_viewsets import MonitoringViewSetGroup

register_snippet(MonitoringViewSetGroup)
