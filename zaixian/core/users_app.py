"""Wagtail's users app with our user viewset (department, phone, job title).

It lives outside ``apps.py`` so that ``zaixian.core`` keeps a single AppConfig there; it
replaces ``wagtail.users`` in INSTALLED_APPS, as Wagtail's docs on custom user models say.
"""

from wagtail.users.apps import WagtailUsersAppConfig


class CoreUsersAppConfig(WagtailUsersAppConfig):
    user_viewset = "zaixian.core.admin_viewsets.UserViewSet"
