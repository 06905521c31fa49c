"""`zaixian publish [--site HOST] [--all] [--output DIR]`: rebuild sites' static trees."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from zaixian.publishing import actions, queries

MAX_WORKERS = 64


class Command(BaseCommand):
    help = gettext_lazy(
        "Write the static copy of a site (or of every site) for nginx or a CDN: every public "
        "page, channel list page, feed, the sitemap and robots.txt, with gzip and brotli "
        "copies, and the static assets. The new tree replaces the old one at once when it is "
        "complete."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # argparse rewraps the description with a regular expression, which wants a str, not
        # a lazy translation (`--help` raised TypeError).
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--site",
            action="append",
            default=[],
            metavar="HOST",
            help=gettext_lazy("the site's host name (or host:port); may be given again"),
        )
        parser.add_argument("--all", action="store_true", help=gettext_lazy("every site"))
        parser.add_argument(
            "--output",
            metavar="DIR",
            help=gettext_lazy(
                "write the tree here instead of STATIC_PUBLISH_ROOT (no sync command is run and "
                "nothing is uploaded to the object store)"
            ),
        )

        parser.add_argument(
            "--workers",
            type=int,
            default=1,
            help=gettext_lazy("render in this many processes, e.g. one per core (1)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        output = options["output"]
        root = Path(output).resolve() if output else actions.publish_root()
        if root is None:
            raise CommandError(
                _("Set STATIC_PUBLISH_ROOT or give --output DIR: there is nowhere to publish to.")
            )
        if not 1 <= options["workers"] <= MAX_WORKERS:
            raise CommandError(_("--workers must be between 1 and %(max)d.") % {"max": MAX_WORKERS})
        if options["all"] == bool(options["site"]):
            raise CommandError(_("Give --site HOST (one or more) or --all."))
        if options["all"]:
            sites = queries.all_sites()
        else:
            sites = []
            for host in options["site"]:
                site = queries.site_for_host(host)
                if site is None:
                    known = ", ".join(s.hostname for s in queries.all_sites()) or "-"
                    raise CommandError(
                        _("There is no site %(host)s; the sites are: %(known)s.")
                        % {"host": host, "known": known}
                    )
                sites.append(site)
        root.mkdir(parents=True, exist_ok=True)
        quiet = options["verbosity"] < 1
        try:
            assets = actions.publish_assets(root=root)
            for site in sites:
                urls = actions.site_urls(site=site)
                with tqdm(
                    total=len(urls), unit="page", desc=site.hostname, disable=quiet, file=sys.stderr
                ) as bar:
                    result = actions.publish_site(
                        site=site,
                        root=root,
                        urls=urls,
                        progress=bar.update,
                        sync=False,
                        workers=options["workers"],
                    )
                self.stdout.write(
                    _("%(host)s: %(written)d files written, %(skipped)d left to the application.")
                    % {
                        "host": site.hostname,
                        "written": result.written,
                        "skipped": len(result.skipped),
                    }
                )
            if options["all"]:
                for hostname in actions.remove_orphan_trees(root=root, sync=not output):
                    self.stdout.write(
                        _("%(host)s belongs to no site: its static tree was removed.")
                        % {"host": hostname}
                    )
            if not output:
                synced = actions.sync_tree(
                    root=root,
                    hostnames=[site.hostname for site in sites],
                    full=True,
                    progress=lambda label, total: tqdm(
                        total=total,
                        unit="file",
                        desc=_("upload %(name)s") % {"name": label},
                        disable=quiet,
                        file=sys.stderr,
                    ),
                )
                for sync in synced:
                    self.stdout.write(
                        _(
                            "%(name)s: %(uploaded)d files uploaded to the object store, "
                            "%(deleted)d deleted, %(unchanged)d unchanged."
                        )
                        % {
                            "name": sync.top,
                            "uploaded": sync.uploaded,
                            "deleted": sync.deleted,
                            "unchanged": sync.unchanged,
                        }
                    )
        except actions.PublishError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            _("Static tree: %(root)s (%(assets)d asset files updated).")
            % {"root": root, "assets": assets}
        )
