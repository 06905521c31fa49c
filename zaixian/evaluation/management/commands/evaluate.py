"""`zaixian evaluate URL --report out.pdf --json out.json`: crawl and check a government site
against the national indicators, print the verdict, write the report and the findings."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from tqdm import tqdm

from zaixian.evaluation import actions, queries
from zaixian.evaluation.models import EvaluationRun, EvaluationTarget

REPORT_FORMATS = {".pdf": "pdf", ".docx": "docx", ".html": "html", ".htm": "html"}


class Command(BaseCommand):
    help = gettext_lazy(
        "Crawl a government website (one of the platform's sites or any URL), check every page "
        "and the platform's own data against the State Council's indicators, and print the "
        "score: single-veto items, deductions out of 100, bonus items. Writes the report "
        "(PDF, DOCX or HTML, by the file's extension) and every finding as JSON."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        self.help = str(self.help)  # argparse rewraps the description: it needs a str
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "url",
            nargs="?",
            help=gettext_lazy("the site's home page, e.g. https://www.example.gov.cn/"),
        )
        parser.add_argument(
            "--site",
            metavar="NAME",
            help=gettext_lazy("an evaluated site already set up in the admin, by name or URL"),
        )
        parser.add_argument(
            "--all", action="store_true", help=gettext_lazy("every site evaluated daily")
        )
        parser.add_argument(
            "--report", metavar="FILE", help=gettext_lazy("write the report (.pdf, .docx, .html)")
        )
        parser.add_argument(
            "--json", metavar="FILE", help=gettext_lazy("write every finding and the score as JSON")
        )
        parser.add_argument(
            "--max-pages", type=int, help=gettext_lazy("crawl at most this many pages")
        )
        parser.add_argument(
            "--rate",
            type=float,
            help=gettext_lazy("requests per second to the site (0: no limit, local sites only)"),
        )
        parser.add_argument(
            "--no-browser",
            action="store_true",
            help=gettext_lazy("skip the checks in Chromium (accessibility, mobile, load time)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        targets = self._targets(options)
        report = Path(options["report"]) if options["report"] else None
        if report is not None and report.suffix.lower() not in REPORT_FORMATS:
            raise CommandError(
                _("The report must end in .pdf, .docx or .html, not %(name)s.")
                % {"name": report.name}
            )
        if (report or options["json"]) and len(targets) != 1:
            raise CommandError(_("--report and --json need exactly one site."))
        if options["max_pages"] is not None and options["max_pages"] < 1:
            raise CommandError(_("--max-pages must be at least 1."))
        if options["rate"] is not None and options["rate"] < 0:
            raise CommandError(_("--rate cannot be negative."))
        quiet = options["verbosity"] < 1
        for target in targets:
            if options["max_pages"]:
                target.max_pages = options["max_pages"]
            if options["rate"] is not None:
                target.requests_per_second = options["rate"]
            run = self._run(target, quiet=quiet, browser=not options["no_browser"])
            self._print(run)
            if report is not None:
                from zaixian.evaluation.reports import render_scorecard

                content, _type = render_scorecard(run, fmt=REPORT_FORMATS[report.suffix.lower()])
                report.write_bytes(content)
                self.stdout.write(_("Report written to %(file)s.") % {"file": report})
            if options["json"]:
                path = Path(options["json"])
                path.write_text(
                    json.dumps(queries.run_as_json(run), ensure_ascii=False, indent=2),
                    encoding="utf-8",
                )
                self.stdout.write(_("Findings written to %(file)s.") % {"file": path})

    def _targets(self, options: dict[str, Any]) -> list[EvaluationTarget]:
        chosen = [bool(options["url"]), bool(options["site"]), bool(options["all"])]
        if sum(chosen) != 1:
            raise CommandError(_("Give the site's URL, or --site NAME, or --all."))
        if options["all"]:
            targets = list(EvaluationTarget.objects.filter(is_active=True))
            if not targets:
                raise CommandError(_("No site is set up for daily evaluation."))
            return targets
        if options["site"]:
            name = options["site"]
            target = (
                EvaluationTarget.objects.filter(name=name).first()
                or EvaluationTarget.objects.filter(base_url=name).first()
            )
            if target is None:
                known = ", ".join(EvaluationTarget.objects.values_list("name", flat=True)) or "-"
                raise CommandError(
                    _("There is no evaluated site %(name)s; the sites are: %(known)s.")
                    % {"name": name, "known": known}
                )
            return [target]
        url = options["url"]
        try:
            URLValidator(schemes=["http", "https"])(url)
        except ValidationError as error:
            raise CommandError(
                _("%(url)s is not a web address (http:// or https://).") % {"url": url}
            ) from error
        return [actions.target_for_url(url=url)]

    def _run(self, target: EvaluationTarget, *, quiet: bool, browser: bool) -> EvaluationRun:
        bars: dict[str, tqdm] = {}

        def progress(stage: str, done: int, total: int) -> None:
            if quiet:
                return
            bar = bars.get(stage)
            if bar is None:
                labels = {"crawl": _("crawl"), "browser": _("browser checks")}
                bar = bars[stage] = tqdm(
                    total=total, unit=_("page"), desc=labels.get(stage, stage), file=sys.stderr
                )
            bar.total = max(total, done)
            bar.n = done
            bar.refresh()

        try:
            run = actions.run_evaluation(
                target=target,
                trigger=EvaluationRun.Trigger.COMMAND,
                progress=progress,
                browser=browser,
            )
        except actions.EvaluationError as error:
            raise CommandError(str(error)) from error
        finally:
            for bar in bars.values():
                bar.close()
        if run.status == EvaluationRun.Status.FAILED:
            raise CommandError(
                _("The evaluation of %(site)s could not finish: %(error)s")
                % {"site": target.name, "error": run.error}
            )
        return run

    def _print(self, run: EvaluationRun) -> None:
        if run.is_passed:
            verdict = _("passed")
        elif run.vetoes_failed:
            verdict = _("failed: %(n)d single-veto item(s)") % {"n": run.vetoes_failed}
        else:
            verdict = _("failed: below 60 points")
        self.stdout.write(
            _(
                "%(site)s: %(score)s points, %(verdict)s; %(pages)d pages, %(links)d links, "
                "%(findings)d findings."
            )
            % {
                "site": run.target.name,
                "score": run.score,
                "verdict": verdict,
                "pages": run.pages_crawled,
                "links": run.links_checked,
                "findings": run.findings.count(),
            }
        )
