from django.core.management.base import BaseCommand

from companies import services
from companies.models import FigureChange, FigureSnapshot


class Command(BaseCommand):
    help = (
        "Derive the figure ledger (changes and weekly snapshots) again from the companies "
        "and their reports, in one transaction: after a restore, or to repair it."
    )

    def handle(self, *args, verbosity=1, **options):
        services.ledger_rebuild()
        if verbosity >= 1:
            self.stdout.write(
                f"Ledger rebuilt: {FigureChange.objects.count()} changes, "
                f"{FigureSnapshot.objects.count()} snapshots."
            )
