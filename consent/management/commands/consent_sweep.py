from django.core.management.base import BaseCommand

from consent.services import consent_sweep


class Command(BaseCommand):
    help = "Mark consents past their end date as expired and send 30-day reminders."

    def handle(self, *args, **options):
        result = consent_sweep()
        self.stdout.write(f"expired={result.expired} reminded={result.reminded}")
