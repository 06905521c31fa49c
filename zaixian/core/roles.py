"""The platform's roles. Each role is one Django group; the portal adds per-site groups for
page permissions on top of these."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    EDITOR = "editor", _("Editor")
    REVIEWER = "reviewer", _("Reviewer")
    LEADER = "leader", _("Leader")
    CASE_OFFICER = "case_officer", _("Case officer")
    HOTLINE_OPERATOR = "hotline_operator", _("Hotline operator")
    OPINION_ANALYST = "opinion_analyst", _("Public opinion analyst")
    SITE_ADMIN = "site_admin", _("Site administrator")
    PLATFORM_ADMIN = "platform_admin", _("Platform administrator")


# Group names are stored data, in the site's language, and must not change with the language
# of whoever runs the migration; they are also what administrators see in the user admin.
GROUP_NAMES: dict[Role, str] = {
    Role.EDITOR: "编辑",
    Role.REVIEWER: "审核员",
    Role.LEADER: "领导",
    Role.CASE_OFFICER: "承办人员",
    Role.HOTLINE_OPERATOR: "话务员",
    Role.OPINION_ANALYST: "舆情分析员",
    Role.SITE_ADMIN: "站点管理员",
    Role.PLATFORM_ADMIN: "平台管理员",
}

_ADMIN_ACCESS = ("wagtailadmin.access_admin",)
_MEDIA_CHOOSE = ("wagtailimages.choose_image", "wagtaildocs.choose_document")
_MEDIA_ADD = ("wagtailimages.add_image", "wagtaildocs.add_document")
_MEDIA_MANAGE = (
    *_MEDIA_ADD,
    "wagtailimages.change_image",
    "wagtailimages.delete_image",
    "wagtaildocs.change_document",
    "wagtaildocs.delete_document",
)


def _crud(app_label: str, model: str) -> tuple[str, ...]:
    return tuple(f"{app_label}.{verb}_{model}" for verb in ("add", "change", "delete", "view"))


# The model permissions each role needs today, as "app_label.codename". Permissions of apps
# that are not installed (or models not yet built) are skipped, so later apps extend this
# table without breaking older installs. Image and document permissions are granted on the
# root collection (Wagtail checks them per collection).
ROLE_PERMISSIONS: dict[Role, tuple[str, ...]] = {
    Role.EDITOR: (*_ADMIN_ACCESS, *_MEDIA_CHOOSE, *_MEDIA_ADD),
    Role.REVIEWER: (*_ADMIN_ACCESS, *_MEDIA_CHOOSE),
    Role.LEADER: (*_ADMIN_ACCESS, "core.view_department"),
    Role.CASE_OFFICER: (*_ADMIN_ACCESS, *_MEDIA_CHOOSE),
    Role.HOTLINE_OPERATOR: (*_ADMIN_ACCESS,),
    Role.OPINION_ANALYST: (
        *_ADMIN_ACCESS,
        *_crud("monitoring", "source"),
        *_crud("monitoring", "sourcecollection"),
        *_crud("opinion", "topic"),
        *_crud("opinion", "alertrule"),
        *_crud("opinion", "responseplan"),
    ),
    Role.SITE_ADMIN: (
        *_ADMIN_ACCESS,
        *_MEDIA_CHOOSE,
        *_MEDIA_MANAGE,
        "portal.change_sitefootersettings",
        *_crud("wagtailredirects", "redirect"),
    ),
    Role.PLATFORM_ADMIN: (
        *_ADMIN_ACCESS,
        *_MEDIA_CHOOSE,
        *_crud("core", "user"),
        *_crud("core", "department"),
        *_crud("core", "holidayschedule"),
        *_crud("core", "calendarday"),
        "core.view_audit_log",
        "auth.view_group",
        "auth.change_group",
        "hotline.change_hotlinesettings",  # the hotline centre and its time limits
    ),
}

STAFF_ROLES: frozenset[Role] = frozenset(Role)
