from django.core.management.base import BaseCommand, CommandError

from overview.scale import ScaleRefused, scale_seed


class Command(BaseCommand):
    help = (
        "Fyller en tom PostgreSQL-databas med genererade SIP:ar och placeringar i nationell "
        "skala (21 regioner, 290 kommuner), för prestandamätning (bench/overview.py). "
        "Aldrig i en databas med riktiga uppgifter."
    )

    def add_arguments(self, parser):
        parser.add_argument("--sips", type=int, required=True, help="Antal SIP:ar.")
        parser.add_argument("--placements", type=int, default=0, help="Antal placeringar.")
        parser.add_argument("--seed", type=int, default=14, help="Slumpfrö (samma ger samma data).")

    def handle(self, *args, sips, placements, seed, **options):
        if sips < 0 or placements < 0:
            raise CommandError("Antalen kan inte vara negativa.")
        try:
            summary = scale_seed(
                sips=sips, placements=placements, seed=seed, progress=self.stdout.write
            )
        except ScaleRefused as refusal:
            raise CommandError(str(refusal)) from None
        self.stdout.write(
            f"Klart på {summary.seconds:.0f} s: {summary.sips} SIP:ar och {summary.placements} "
            f"placeringar, {summary.organisations} organisationer, {summary.units} enheter, "
            f"{summary.users} användare."
        )
