"""`zaixian manage load_demo`: load the demo city once, then always print the demo accounts."""

from __future__ import annotations

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils.translation import gettext as _

from zaixian.demo import actions, queries
from zaixian.demo.seed import DEMO_PASSWORD

# --small keeps about a tenth of the articles: enough for a quick look or a test.
SMALL_SCALE = 0.1


def display_width(text: str) -> int:
    """Terminal columns of a string: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, width: int) -> str:
    return text + " " * max(width - display_width(text), 0)


def format_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(display_width(row[i]) for row in [header, *rows]) for i in range(len(header))]
    lines = [
        "  ".join(pad(cell, widths[i]) for i, cell in enumerate(row)) for row in [header, *rows]
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    return "\n".join(line.rstrip() for line in lines)


class Command(BaseCommand):
    help = (
        "Load the demo city of Jincheng (departments, sites, channels, articles, one account "
        "per role, the service hall with its items, accounts and cases). Safe to run again: a "
        "loaded city is left as it is. Always prints the "
        "demo accounts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--small", action="store_true", help="load about a tenth of the articles"
        )
        parser.add_argument(
            "--seed", type=int, default=actions.DEFAULT_SEED, help="random seed of the articles"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        def progress(message: str) -> None:
            self.stdout.write(f"  {message}", ending="\n")
            self.stdout.flush()

        if not queries.is_demo_loaded():
            self.stdout.write(_("Loading the demo city of Jincheng…"))
        summary = actions.load_demo(
            article_scale=SMALL_SCALE if options["small"] else 1.0,
            seed=options["seed"],
            progress=progress,
        )
        if summary.created:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "Demo city loaded in %(seconds).1f s: %(departments)d departments, "
                        "%(sites)d sites, %(channels)d channels, %(articles)d articles, "
                        "%(accounts)d accounts."
                    )
                    % vars(summary)
                )
            )
        elif summary.service_hall_created:
            self.stdout.write(
                self.style.SUCCESS(
                    _(
                        "The demo city was loaded; its service hall has been added in "
                        "%(seconds).1f s: %(service_items)d service items, %(cases)d cases."
                    )
                    % vars(summary)
                )
            )
        else:
            self.stdout.write(
                _("The demo city is already loaded (%(articles)d articles); nothing changed.")
                % {"articles": summary.articles}
            )
        if summary.created:
            self.stdout.write(
                _("Service hall: %(service_items)d service items, %(cases)d cases.") % vars(summary)
            )
        self.print_sites()
        self.print_accounts()
        self.print_public_accounts()
        self.print_hotline()

    def print_sites(self) -> None:
        """Where each site of the group answers (department sites use *.localhost names,
        which browsers resolve to this machine)."""
        from wagtail.models import Site

        sites = list(Site.objects.order_by("-is_default_site", "hostname"))
        if not sites:
            return
        self.stdout.write("")
        self.stdout.write(_("Sites:"))
        for site in sites:
            self.stdout.write(f"  {site.site_name or site.hostname}  {site.root_url}/")

    def print_accounts(self) -> None:
        rows = [
            [row.role, row.username, row.password, row.can_do]
            for row in queries.demo_account_rows()
            if row.exists
        ]
        if not rows:
            return
        self.stdout.write("")
        self.stdout.write(_("Demo accounts (log in at /admin/):"))
        header = [_("Role"), _("Username"), _("Password"), _("What they can do")]
        self.stdout.write(format_table(header, rows))
        self.stdout.write("")

    def print_public_accounts(self) -> None:
        rows = [
            [row.kind, row.username, row.mobile_phone, row.password, row.name]
            for row in queries.demo_public_account_rows()
        ]
        if not rows:
            return
        self.stdout.write(
            _("Citizen and business accounts (log in at /accounts/login/, apply at /bsfw/):")
        )
        header = [_("Account type"), _("Username"), _("Mobile phone"), _("Password"), _("Name")]
        self.stdout.write(format_table(header, rows))
        self.stdout.write("")

    def print_hotline(self) -> None:
        """The hotline centre's supervisor and the demo Open311 client's API key."""
        from zaixian.hotline.demo import demo_hotline_accounts, demo_open311_summary

        rows = [[username, DEMO_PASSWORD, can_do] for username, can_do in demo_hotline_accounts()]
        if rows:
            self.stdout.write(_("12345 hotline (log in at /admin/):"))
            self.stdout.write(
                format_table([_("Username"), _("Password"), _("What they can do")], rows)
            )
        summary = demo_open311_summary()
        if summary is not None:
            self.stdout.write(
                _("Open311 client %(name)s, api_key: %(key)s (POST to /open311/v2/requests.json)")
                % {"name": summary[0], "key": summary[1]}
            )
        self.stdout.write("")
