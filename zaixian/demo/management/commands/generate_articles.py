"""`zaixian manage generate_articles --count N`: bulk articles for benchmarks."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from tqdm import tqdm

from zaixian.demo import actions


class Command(BaseCommand):
    help = (
        "Create N live articles (up to 200,000) in a site's channels for benchmarks, with a "
        "progress bar, and index them for search."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--count", type=int, required=True, help="how many articles")
        parser.add_argument(
            "--site", default=None, help="hostname of the site (default: the default site)"
        )
        parser.add_argument(
            "--channel", default=None, help="slug of one channel (default: every leaf channel)"
        )
        parser.add_argument(
            "--seed", type=int, default=actions.DEFAULT_SEED, help="random seed (2012)"
        )
        parser.add_argument(
            "--no-index", action="store_true", help="skip search indexing (measure inserts only)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        count: int = options["count"]
        started = time.monotonic()
        with tqdm(total=count, desc=_("articles"), unit="", file=sys.stderr, disable=None) as bar:
            try:
                new_ids = actions.generate_articles(
                    count=count,
                    hostname=options["site"],
                    channel_slug=options["channel"],
                    seed=options["seed"],
                    on_batch=bar.update,
                )
            except actions.ArticleCountOutOfRangeError as error:
                raise CommandError(
                    _("The count must be between 1 and %(max)d; you gave %(count)d.")
                    % {"max": actions.MAX_GENERATED_ARTICLES, "count": count}
                ) from error
            except actions.SiteNotFoundError as error:
                raise CommandError(
                    _("No site has the hostname “%(site)s”.") % {"site": options["site"]}
                    if options["site"]
                    else _("There is no default site; run load_demo first.")
                ) from error
            except actions.ChannelNotFoundError as error:
                raise CommandError(
                    _("The site has no channel with the slug “%(channel)s”.")
                    % {"channel": options["channel"]}
                    if options["channel"]
                    else _("The site has no channels; run load_demo first.")
                ) from error
        created_seconds = time.monotonic() - started
        self.stdout.write(
            _("Created %(count)d articles in %(seconds).1f s (%(rate).0f articles/s).")
            % {
                "count": len(new_ids),
                "seconds": created_seconds,
                "rate": len(new_ids) / max(created_seconds, 1e-9),
            }
        )
        if options["no_index"]:
            return
        index_started = time.monotonic()
        with tqdm(
            total=len(new_ids), desc=_("search index"), unit="", file=sys.stderr, disable=None
        ) as bar:
            indexed = actions.index_generated_articles(page_ids=new_ids, on_batch=bar.update)
        self.stdout.write(
            _("Indexed %(count)d articles for search in %(seconds).1f s.")
            % {"count": indexed, "seconds": time.monotonic() - index_started}
        )
