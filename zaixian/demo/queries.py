"""Reads of the demo city: whether it is loaded, and the accounts to show a newcomer."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from wagtail.models import Page, Site

from zaixian.accounts.models import PublicProfile
from zaixian.demo.seed import ACCOUNTS, DEMO_PASSWORD, DEMO_PORT, PORTAL_HOSTNAME, ROLE_LABELS
from zaixian.demo.service_seed import ITEMS, OFFICERS, PUBLIC_ACCOUNTS
from zaixian.portal.models import ChannelPage
from zaixian.services.models import ServiceItem


@dataclass(frozen=True)
class DemoAccountRow:
    role: str
    username: str
    password: str
    can_do: str
    exists: bool


def is_demo_loaded() -> bool:
    """The marker of a loaded demo city: its portal site exists. Loading is one transaction,
    so the portal never exists without the rest of the city."""
    return Site.objects.filter(hostname=PORTAL_HOSTNAME, port=DEMO_PORT).exists()


def is_service_hall_loaded() -> bool:
    """The marker of the demo's service hall: its first item exists (it is loaded in one
    transaction, like the city)."""
    return ServiceItem.objects.filter(code=ITEMS[0].code).exists()


def demo_account_rows() -> list[DemoAccountRow]:
    """One row per staff demo account (log in at /admin/), in the order a newcomer should
    read them: the city's roles, then the case officers of the service hall."""
    usernames = [spec.username for spec in ACCOUNTS] + [spec.username for spec in OFFICERS]
    existing = set(
        get_user_model().objects.filter(username__in=usernames).values_list("username", flat=True)
    )
    rows = [
        DemoAccountRow(
            role=str(ROLE_LABELS[spec.role]) if spec.role else "",
            username=spec.username,
            password=DEMO_PASSWORD,
            can_do=str(spec.can_do),
            exists=spec.username in existing,
        )
        for spec in ACCOUNTS
    ]
    rows += [
        DemoAccountRow(
            role=str(ROLE_LABELS["CASE_OFFICER"]),
            username=spec.username,
            password=DEMO_PASSWORD,
            can_do=str(spec.can_do),
            exists=spec.username in existing,
        )
        for spec in OFFICERS
    ]
    return rows


@dataclass(frozen=True)
class PublicAccountRow:
    kind: str
    username: str
    mobile_phone: str
    password: str
    name: str


def demo_public_account_rows() -> list[PublicAccountRow]:
    """The verified citizen's and business's demo accounts (log in at /accounts/login/ with
    the username or the mobile number)."""
    profiles = {
        profile.user.username: profile
        for profile in PublicProfile.objects.select_related("user").filter(
            user__username__in=[spec.username for spec in PUBLIC_ACCOUNTS]
        )
    }
    return [
        PublicAccountRow(
            kind=str(profile.get_kind_display()),
            username=spec.username,
            mobile_phone=profile.mobile_phone,
            password=DEMO_PASSWORD,
            name=profile.display_name,
        )
        for spec in PUBLIC_ACCOUNTS
        if (profile := profiles.get(spec.username)) is not None
    ]


def site_for_hostname(*, hostname: str | None) -> Site | None:
    """The site on ``hostname`` (any port), or the default site when no hostname is given."""
    sites = Site.objects.select_related("root_page")
    if not hostname:
        return sites.filter(is_default_site=True).first()
    return sites.filter(hostname=hostname).order_by("port").first()


def generator_channels(*, site: Site, slug: str | None) -> list[ChannelPage]:
    """The channels the article generator fills: the one named by ``slug``, or every channel
    of the site that has no sub-channels (lists are built from leaves up)."""
    channels = ChannelPage.objects.descendant_of(site.root_page).order_by("path")
    if slug:
        return list(channels.filter(slug=slug)[:1])
    return [
        channel
        for channel in channels
        if not Page.objects.child_of(channel).type(ChannelPage).exists()
    ]
