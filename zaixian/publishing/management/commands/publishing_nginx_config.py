"""`zaixian manage publishing_nginx_config`: print the nginx configuration for the static tree."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from zaixian.publishing import queries


class Command(BaseCommand):
    help = gettext_lazy(
        "Print an nginx configuration that serves the published static tree and passes "
        "everything else to the application (docs/nginx/zaixian.conf is one)."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # argparse rewraps the description with a regular expression, which wants a str, not
        # a lazy translation (`--help` raised TypeError).
        self.help = str(self.help)
        return super().create_parser(prog_name, subcommand, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--root", help=gettext_lazy("the static tree (default: STATIC_PUBLISH_ROOT)")
        )
        parser.add_argument(
            "--app",
            default="127.0.0.1:8000",
            help=gettext_lazy("the application's address, host:port (127.0.0.1:8000)"),
        )
        parser.add_argument(
            "--listen", default="80", help=gettext_lazy("nginx's listen address (80)")
        )
        parser.add_argument(
            "--server-name",
            action="append",
            default=[],
            help=gettext_lazy("a host name to answer for (default: every site's host name)"),
        )
        parser.add_argument("--tls-cert", default="", help=gettext_lazy("certificate file (HTTPS)"))
        parser.add_argument("--tls-key", default="", help=gettext_lazy("private key file (HTTPS)"))
        parser.add_argument(
            "--no-brotli",
            action="store_true",
            help=gettext_lazy("without brotli_static (nginx lacks the brotli module)"),
        )

    def handle(self, *args: Any, **options: Any) -> None:
        root = options["root"] or settings.STATIC_PUBLISH_ROOT
        if not root:
            raise CommandError(_("Give --root DIR or set STATIC_PUBLISH_ROOT."))
        if bool(options["tls_cert"]) != bool(options["tls_key"]):
            raise CommandError(_("HTTPS needs both --tls-cert and --tls-key."))
        names = options["server_name"] or sorted({s.hostname for s in queries.all_sites()})
        self.stdout.write(
            queries.nginx_config(
                root=root,
                app=options["app"],
                listen=options["listen"],
                server_names=names,
                brotli=not options["no_brotli"],
                tls_cert=options["tls_cert"],
                tls_key=options["tls_key"],
            ),
            ending="",
        )
