from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from ops import backups


class Command(BaseCommand):
    help = (
        "Back up the whole register: pg_dump's custom format on PostgreSQL (--format "
        "custom, the default there), or a JSON dump with natural keys (--format json) "
        "that restores into any database."
    )

    def add_arguments(self, parser):
        parser.add_argument("--format", choices=["custom", "json"], default=None)
        parser.add_argument(
            "--output",
            type=Path,
            help="The file to write (default: a time-stamped file in DJANGO_BACKUP_DIR).",
        )

    def handle(self, *args, format, output, **options):
        format = format or ("custom" if backups.is_postgresql() else "json")
        if format == "custom" and not backups.is_postgresql():
            raise CommandError("--format custom needs PostgreSQL; use --format json.")
        if output is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            suffix = ".dump" if format == "custom" else ".json.gz"
            output = Path(settings.BACKUP_DIR) / f"park-{stamp}{suffix}"
        output.parent.mkdir(parents=True, exist_ok=True)
        if format == "custom":
            backups.backup_pg_dump(path=output)
        else:
            backups.backup_json(path=output)
        self.stdout.write(str(output))
