import time
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import Error, connection
from tqdm import tqdm

from companies import imports

# Waits between attempts to reach the database, in seconds (about 15 s in all).
RECONNECT_DELAYS = (0, 0.5, 1, 2, 4, 8)


class Command(BaseCommand):
    help = (
        "Import a companies, reports or claims sheet (CSV or XLSX, the columns of an admin "
        "export). All or nothing: one bad row refuses the file, and every bad row is listed "
        "with its line. The sheet's kind comes from its header unless --model says it."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", metavar="FILE", help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count the rows; write nothing."
        )
        parser.add_argument(
            "--model",
            choices=sorted(imports.RESOURCES),
            help="What the sheet holds (default: recognised from its header).",
        )
        parser.add_argument(
            "--max-rows",
            type=int,
            metavar="N",
            help="Refuse a file of more than N lines after its header, reading no further "
            "(default: DJANGO_IMPORT_COMMAND_MAX_ROWS).",
        )
        parser.add_argument(
            "--user",
            metavar="USERNAME",
            help="The editor the history records as having made the changes (default: none).",
        )

    def handle(
        self, *args, file, dry_run=False, model=None, user=None, max_rows=None, verbosity=1,
        **options,
    ):  # fmt: skip
        path = Path(file)
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from None
        try:
            dataset = imports.sheet_read(
                content=content,
                name=path.name,
                max_rows=settings.IMPORT_COMMAND_MAX_ROWS if max_rows is None else max_rows,
            )
        except imports.SheetError as error:
            self._refuse(path, error.problems)
        resource_class = imports.resource_for(headers=dataset.headers, model=model)
        self._connect()
        started = time.monotonic()
        editor = self._editor(user)
        with tqdm(
            total=len(dataset),
            desc=f"{path.name} ({resource_class._meta.name})",
            unit=" rows",
            disable=verbosity < 1,
        ) as bar:
            try:
                result = resource_class().import_data(
                    dataset, dry_run=dry_run, user=editor, file_name=path.name, progress=bar.update
                )
            except Error as error:
                # The import's transaction is rolled back whole: say so, not a traceback.
                raise CommandError(
                    f"{path.name}: the database failed during the import ({error}); "
                    "nothing was imported. Run it again once the database answers."
                ) from None
        if result.problems:
            self._refuse(path, result.problems)
        self._summary(result, refused=0)
        # On stderr, beside the progress bar: stdout stays the counts a script reads.
        self.stderr.write(
            f"{path.name}: {len(dataset)} rows in {time.monotonic() - started:.1f} s"
        )
        if dry_run:
            self.stdout.write("dry run: nothing was written")

    def _refuse(self, path: Path, problems):
        for problem in problems:
            self.stderr.write(f"{path.name}: {problem}")
        refused = len({problem.line for problem in problems})
        self._summary(None, refused=refused)
        raise CommandError(f"{path.name}: refused; nothing was imported.")

    def _summary(self, result, *, refused: int):
        counts = {
            "created": result.created if result else 0,
            "updated": result.updated if result else 0,
            "unchanged": result.unchanged if result else 0,
            "refused": refused,
        }
        for label, count in counts.items():
            self.stdout.write(f"{label}: {count}")

    def _editor(self, username: str | None):
        if username is None:
            return None
        try:
            return get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"--user: there is no user '{username}'.") from None

    def _connect(self) -> None:
        """Reach the database even if it restarted since this process last used it.

        Management commands do not reconnect by themselves: a dropped connection (or a
        pooled one that died with the server) is replaced, waiting while it starts."""
        if connection.in_atomic_block:
            # Called from code inside a transaction, which a reconnection would end.
            return
        for attempt, delay in enumerate(RECONNECT_DELAYS, 1):
            time.sleep(delay)
            try:
                connection.close_if_unusable_or_obsolete()
                with connection.cursor() as cursor:
                    cursor.execute("SELECT 1")
                return
            except Error as error:
                connection.close()
                if attempt == len(RECONNECT_DELAYS):
                    raise CommandError(f"The database cannot be reached: {error}") from None
