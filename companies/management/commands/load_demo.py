from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from companies import demo, services


class Command(BaseCommand):
    help = (
        "Load the demo register (the park's 2021 snapshot and what came after); with "
        "--companies N, add synthetic residents until the register holds N companies."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--companies",
            type=int,
            metavar="N",
            help="Grow the register to N companies with synthetic residents (benchmarks).",
        )
        parser.add_argument(
            "--with-editor",
            action="store_true",
            help=(
                f"Create the demo editor '{demo.DEMO_EDITOR}' with password "
                f"'{demo.DEMO_EDITOR_PASSWORD}' (only with DJANGO_DEBUG on)."
            ),
        )

    def handle(self, *args, companies=None, with_editor=False, verbosity=1, **options):
        if companies is not None and companies < 1:
            raise CommandError("--companies: must be a positive number of companies.")
        if with_editor and not settings.DEBUG:
            raise CommandError(
                "--with-editor: the demo editor has a published password; "
                "it is only created with DJANGO_DEBUG on."
            )
        say = self.stdout.write if verbosity >= 1 else lambda message: None
        if demo.demo_load():
            say(self.style.SUCCESS("Demo register loaded."))
        else:
            say("Demo register already present; nothing changed.")
        services.register_mark_demo()
        if with_editor:
            demo.demo_editor_ensure()
            say(f"Demo editor: {demo.DEMO_EDITOR} / {demo.DEMO_EDITOR_PASSWORD} (local use only).")
        if companies:
            missing = demo.synthetic_missing(total=companies)
            with tqdm(
                total=missing, desc="companies", unit=" companies", disable=verbosity < 1
            ) as bar:
                added = demo.synthetic_load(total=companies, progress=bar.update)
            say(f"Added {added} synthetic companies.")
