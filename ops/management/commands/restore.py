from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from ops import backups


class Command(BaseCommand):
    help = (
        "Replace the whole register by a backup made with `manage.py backup`, all or "
        "nothing: the file is read and checked whole first, then a .dump file goes through "
        "pg_restore in one transaction, a .json[.gz] file through flush and loaddata in one "
        "transaction. Stop the app first."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask first."
        )

    def handle(self, *args, file, interactive, **options):
        if not file.is_file():
            raise CommandError(f"{file}: no such backup file.")
        json_dump = file.name.endswith(backups.JSON_SUFFIXES)
        if not json_dump and not backups.is_postgresql():
            raise CommandError(f"{file}: a pg_dump file restores into PostgreSQL only.")
        if interactive:
            answer = input("This replaces every row of the database. Type 'yes' to go on: ")
            if answer != "yes":
                raise CommandError("Restore cancelled.")
        try:
            backups.restore(path=file)
        except backups.BackupInvalid as error:
            raise CommandError(f"{file}: {error} The register is unchanged.") from None
        self.stdout.write(f"Restored {file}.")
