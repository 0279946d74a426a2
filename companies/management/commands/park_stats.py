import argparse
import json
from dataclasses import asdict
from datetime import date

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand
from django.core.serializers.json import DjangoJSONEncoder

from companies import selectors
from companies.filters import day_parse

LABELS = {
    "as_of": "as of",
    "companies": "resident companies",
    "countries": "countries",
    "declared_investment": "declared investment USD",
    "realised_investment": "realised investment USD",
    "direct_jobs": "direct jobs",
}


def as_of_date(value: str) -> date:
    """--as-of read as the API and the pages read `as_of` (filters.day_parse)."""
    try:
        return day_parse(value, name="--as-of")
    except ValidationError as error:
        raise argparse.ArgumentTypeError(error.messages[0]) from None


class Command(BaseCommand):
    help = "Print the park's headline figures (published companies) as of a date."

    def add_arguments(self, parser):
        parser.add_argument(
            "--as-of", type=as_of_date, metavar="YYYY-MM-DD", help="Default: today."
        )
        parser.add_argument("--json", action="store_true", help="Print one JSON object.")

    def handle(self, *args, as_of=None, json=False, **options):
        totals = asdict(selectors.park_totals(as_of=as_of))
        if json:
            self.stdout.write(_dumps(totals))
        else:
            for field, label in LABELS.items():
                self.stdout.write(f"{label}: {totals[field]}")


def _dumps(totals: dict) -> str:
    return json.dumps(totals, cls=DjangoJSONEncoder, ensure_ascii=False)
