"""Registration only: the "Online services" admin menu (catalogue viewsets), its permission
policies, and the admin page with an application's unmasked form data."""

from __future__ import annotations

from typing import Any

from django.urls import include, path
from wagtail import hooks
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet

from zaixian.services import views
from zaixian.services.admin_viewsets import (
    CatalogueTermPermissionPolicy,
    OnlineServicesViewSetGroup,
    ServiceItemPermissionPolicy,
)
from zaixian.services.models import LifeEvent, ServiceItem, ServiceTopic

register_permission_policy(ServiceItem, ServiceItemPermissionPolicy(ServiceItem), exact_class=True)
register_permission_policy(LifeEvent, CatalogueTermPermissionPolicy(LifeEvent), exact_class=True)
register_permission_policy(
    ServiceTopic, CatalogueTermPermissionPolicy(ServiceTopic), exact_class=True
)
register_snippet(OnlineServicesViewSetGroup)

admin_urlpatterns = [
    path(
        "applications/<int:case_pk>/form-data/",
        views.ApplicationPersonalDataView.as_view(),
        name="personal_data",
    ),
]


@hooks.register("register_admin_urls")
def register_services_admin_urls() -> list[Any]:
    return [
        path(
            "services/",
            include((admin_urlpatterns, "services_admin"), namespace="services_admin"),
        )
    ]
