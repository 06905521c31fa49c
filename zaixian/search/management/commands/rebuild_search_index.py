"""`zaixian manage rebuild_search_index`: index every public page with text from scratch."""

from __future__ import annotations

import sys
from typing import Any

from django.core.management.base import BaseCommand
from tqdm import tqdm

from zaixian.search import actions, queries


class Command(BaseCommand):
    help = "Rebuild the full-text search index of all published pages."

    def handle(self, *args: Any, **options: Any) -> None:
        total = queries.searchable_pages().count()
        with tqdm(
            total=total, unit="page", disable=options["verbosity"] < 1, file=sys.stderr
        ) as bar:
            indexed = actions.rebuild_search_index(progress=bar.update)
        self.stdout.write(f"Indexed {indexed} of {total} public pages.")
