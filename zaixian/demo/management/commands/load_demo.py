from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "Load the demo city (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        self.stdout.write("The demo city is not written yet.")
