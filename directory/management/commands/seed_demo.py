from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from directory.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Skapar demodata: Region Dalarna, kommunerna, enheter, demoanvändare och personer."

    def handle(self, *args, **options):
        if not settings.DEMO_DATA_ALLOWED:
            raise CommandError(
                "Demodata med kända lösenord får inte skapas i produktion "
                "(DEMO_DATA_ALLOWED är av)."
            )
        summary = seed_demo(today=timezone.localdate())
        self.stdout.write(
            f"Demodata klar: {summary.organisations} organisationer, {summary.units} enheter, "
            f"{summary.people} personer."
        )
        self.stdout.write(f"Demoanvändare (lösenord för alla: {DEMO_PASSWORD}):")
        for user in summary.users:
            self.stdout.write(
                f"  {user.username:<8} {user.first_name} {user.last_name} – {user.unit}"
            )
