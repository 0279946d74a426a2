"""What every sheet of the register has in common (RegisterResource): strict cells,
natural keys, all-or-nothing imports written through services.register_write, and the
problems of a refused import located by line and column."""

from collections import OrderedDict
from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from import_export import instance_loaders, resources
from import_export.results import Result, RowResult

from .. import services
from ..blank import is_blank, same
from ..models import ImportRecord
from ..spreadsheets import spreadsheet_safe, spreadsheet_unquote
from ..validators import constraints_validate
from .uniques import SheetUniques
from .widgets import LOOKUP_CHUNK, SlugWidget

# history_change_reason is a CharField(max_length=100).
CHANGE_REASON_MAX = 100

# What a problem quotes of the file, in characters.
PROBLEM_COLUMN_MAX = 100
PROBLEM_MESSAGE_MAX = 300


def shorten(text: str, limit: int) -> str:
    """`text`, cut to `limit` characters with an ellipsis where it was cut."""
    return text if len(text) <= limit else f"{text[: limit - 1]}…"


@dataclass(frozen=True)
class Problem:
    """Why an import is refused: a line of the file (None for the whole file), the
    column concerned ('' for the row as a whole) and the reason."""

    line: int | None
    column: str
    message: str

    def __post_init__(self):
        # A message may quote the cell it refuses, and a cell may hold megabytes.
        object.__setattr__(self, "column", shorten(str(self.column), PROBLEM_COLUMN_MAX))
        object.__setattr__(self, "message", shorten(str(self.message), PROBLEM_MESSAGE_MAX))

    def __str__(self):
        where = _("line %s") % self.line if self.line is not None else _("file")
        if self.column:
            where = f"{where}, {self.column}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class CellChange:
    """A cell an import changes: its column, the value now and the value in the file,
    both as a sheet writes them ('' for empty)."""

    column: str
    old: str
    new: str


def import_confirmed_message(record) -> str:
    """What a second confirmation of one preview answers."""
    return _(
        "This preview was already confirmed by %(user)s at %(time)s, so nothing was "
        "imported again. The list shows the register as it is now."
    ) % {
        "user": record.user or _("someone"),
        "time": formats.date_format(timezone.localtime(record.made_at), "DATETIME_FORMAT"),
    }


class NaturalKeyLoader(instance_loaders.BaseInstanceLoader):
    """The records a sheet's rows name by their keys, loaded together before the rows are
    read: a few queries for the sheet instead of one per row."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.fields = [resource.fields[name] for name in resource.get_import_id_fields()]
        keys = set()
        for cells in dataset or ():
            row = zip(dataset.headers, map(spreadsheet_unquote, cells), strict=True)
            key = self.key(dict(row))
            if key is not None:
                keys.add(key)
        keys = list(keys)
        self.found = {}
        for start in range(0, len(keys), LOOKUP_CHUNK):
            chunk = keys[start : start + LOOKUP_CHUNK]
            lookups = {
                f"{field.attribute}__in": {key[i] for key in chunk}
                for i, field in enumerate(self.fields)
            }
            for instance in resource.get_queryset().filter(**lookups):
                self.found[tuple(field.get_value(instance) for field in self.fields)] = instance

    def key(self, row) -> tuple | None:
        """A row's key as its cells read, or None if a cell is empty or cannot be read."""
        try:
            key = tuple(field.clean(row) for field in self.fields)
        except (ValueError, KeyError):
            return None
        return None if any(is_blank(value) for value in key) else key

    def get_instance(self, row):
        key = self.key(row)
        return None if key is None else self.found.get(key)


class ImportResult(Result):
    """An import's outcome, with every problem located by its line in the file."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.problems: list[Problem] = []
        self.register_revision: int | None = None
        self.record: ImportRecord | None = None

    @property
    def created(self) -> int:
        return 0 if self.problems else self.totals[RowResult.IMPORT_TYPE_NEW]

    @property
    def updated(self) -> int:
        return 0 if self.problems else self.totals[RowResult.IMPORT_TYPE_UPDATE]

    @property
    def unchanged(self) -> int:
        return 0 if self.problems else self.totals[RowResult.IMPORT_TYPE_SKIP]

    @property
    def refused_lines(self) -> int:
        """How many lines of the file are wrong (the header counts as one)."""
        return len({problem.line for problem in self.problems})

    @property
    def new_rows(self) -> list[RowResult]:
        """The rows that create a record, in file order."""
        return self._rows_of(RowResult.IMPORT_TYPE_NEW)

    @property
    def updated_rows(self) -> list[RowResult]:
        """The rows that change a record, in file order; each with its `changes`."""
        return self._rows_of(RowResult.IMPORT_TYPE_UPDATE)

    @property
    def unchanged_rows(self) -> list[RowResult]:
        """The rows equal to their record, which the import does not write."""
        return self._rows_of(RowResult.IMPORT_TYPE_SKIP)

    def _rows_of(self, import_type: str) -> list[RowResult]:
        return [row for row in self.rows if row.import_type == import_type]

    def has_errors(self):
        return super().has_errors() or bool(self.problems)


class RegisterResource(resources.ModelResource):
    """What the register's spreadsheets have in common: strict cells, natural keys,
    all-or-nothing imports that record who imported what, and neutralised exports."""

    # What identifies a row's record, in words: "line 3 has the same slug".
    key_description = ""
    # Columns an import may leave out; a record keeps what it has in a column not sent.
    optional_columns: tuple[str, ...] = ()

    class Meta:
        abstract = True
        instance_loader_class = NaturalKeyLoader
        # Rows are checked one by one and written together, a batch at a time
        # (RegisterWrite.save_all): no savepoint and no statements of their own per row.
        use_bulk = True
        batch_size = 1000
        # skip_row compares a record with what it held before the row (get_instance keeps
        # it), instead of a deep copy of every record and a diff of every cell.
        skip_diff = True

    @classmethod
    def get_result_class(cls):
        return ImportResult

    @classmethod
    def columns(cls) -> list[str]:
        """The columns an export writes and an import requires, in the export's order."""
        return [field.column_name for field in cls().get_export_fields()]

    # --- Export ----------------------------------------------------------------------

    def export_field(self, field, instance, **kwargs):
        return spreadsheet_safe(super().export_field(field, instance, **kwargs))

    # --- Import ----------------------------------------------------------------------

    def import_data(self, dataset, dry_run=False, raise_errors=False, **kwargs):
        """Import every row or none: a dry run, or any bad row, rolls everything back.

        `dataset.line_numbers` (from imports.sheet_read) locates rows in the file;
        `expected_revision` refuses the import if the register changed since a preview."""
        expected_revision = kwargs.pop("expected_revision", None)
        preview = kwargs.pop("preview", None)
        for option in ("use_transactions", "collect_failed_rows"):
            kwargs.pop(option, None)
        kwargs["rollback_on_validation_errors"] = True
        self._header_line = getattr(dataset, "header_line", 1)
        self._lines = getattr(dataset, "line_numbers", None) or list(range(2, len(dataset) + 2))
        self._seen_keys = {}
        with transaction.atomic(using=self.get_db_connection_name()):
            # Writers take the register's lock first, in one order, so none deadlocks.
            revision = services.register_lock().number
            problems = self._header_problems(dataset.headers)
            if not problems and not len(dataset):
                problems = [Problem(None, "", _("The file has no rows to import."))]
            if not problems and preview is not None:
                problems = self._confirmed_already(preview)
            if not problems and expected_revision not in (None, revision):
                problems = [
                    Problem(
                        None,
                        "",
                        _(
                            "The register changed since the preview, so nothing was "
                            "imported. Upload the file again to see an up-to-date preview."
                        ),
                    )
                ]
            if problems:
                result = self.get_result_class()()
                result.problems = problems
            else:
                # Every row is written through one RegisterWrite: figures refreshed and
                # the ledger's difference taken once per company, after the last row.
                user = kwargs.get("user")
                user = user if user is not None and user.is_authenticated else None
                with services.register_write(user=user) as self._write:
                    result = super().import_data(
                        dataset,
                        dry_run=dry_run,
                        raise_errors=False,
                        use_transactions=True,
                        **kwargs,
                    )
                result.problems = self._row_problems(result)
                if not dry_run and not result.problems:
                    result.record = services.import_record_create(
                        user=kwargs.get("user"),
                        sheet=self._meta.name,
                        file_name=kwargs.get("file_name") or "",
                        preview=preview,
                        counts=result.totals,
                    )
            # The revision the rows were checked against, for the confirmation step.
            result.register_revision = revision
            if dry_run or result.problems:
                transaction.set_rollback(True, using=self.get_db_connection_name())
        return result

    def _confirmed_already(self, preview: str) -> list[Problem]:
        """A preview is confirmed once: the second confirmation imports nothing."""
        done = ImportRecord.objects.filter(preview=preview).select_related("user").first()
        if done is None:
            return []
        return [Problem(None, "", import_confirmed_message(done))]

    def _header_problems(self, headers) -> list[Problem]:
        expected, line = self.columns(), self._header_line
        headers = [str(h).strip() if h is not None else "" for h in headers or []]
        problems = []
        for position, header in enumerate(headers, 1):
            if not header:
                problems.append(Problem(line, "", _("Column %s has no name.") % position))
            elif header not in expected:
                problems.append(
                    Problem(
                        line,
                        header,
                        _("Unknown column; the columns are: %s.") % ", ".join(expected),
                    )
                )
            elif headers.index(header) != position - 1:
                problems.append(Problem(line, header, _("This column appears more than once.")))
        problems.extend(
            Problem(line, name, _("This column is missing."))
            for name in expected
            if name not in headers and name not in self.optional_columns
        )
        return problems

    def _row_problems(self, result) -> list[Problem]:
        problems = [Problem(None, "", str(error.error)) for error in result.base_errors]
        # Errors name model fields; the file names columns (declared_investment_usd).
        columns = {field.attribute: field.column_name for field in self.get_import_fields()}
        for row in result.invalid_rows:
            line = self._line(row.number)
            for name, messages in row.error_dict.items():
                column = "" if name == NON_FIELD_ERRORS else columns.get(name, name)
                problems.extend(Problem(line, column, message) for message in messages)
        for row in result.error_rows:
            line = self._line(row.number)
            problems.extend(Problem(line, "", str(error.error)) for error in row.errors)
        # A translated field is validated twice (speaker and speaker_en): say it once.
        return sorted(dict.fromkeys(problems), key=lambda p: (p.line or 0, p.column))

    def _line(self, row_number: int) -> int:
        return self._lines[row_number - 1]

    def before_import(self, dataset, **kwargs):
        for field in self.get_import_fields():
            if isinstance(field.widget, SlugWidget) and field.column_name in dataset.headers:
                field.widget.prefetch(map(spreadsheet_unquote, dataset[field.column_name]))
        self._uniques = SheetUniques(self, dataset)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """The model's full_clean(), without a query per row: its check constraints
        evaluated in Python (validators.constraints_validate), its uniqueness checked
        against the whole sheet's (SheetUniques), and without asking the database again
        whether a related record named by its slug exists: the sheet's slugs were just
        looked up."""
        errors = dict(import_validation_errors or {})
        related = {
            field.attribute
            for field in self.get_import_fields()
            if isinstance(field.widget, SlugWidget)
            and getattr(instance, instance._meta.get_field(field.attribute).attname) is not None
        }
        try:
            instance.full_clean(
                exclude={*errors, *related}, validate_unique=False, validate_constraints=False
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        failed = set(errors) - {NON_FIELD_ERRORS}
        if validate_unique:
            for name, unique_errors in self._uniques.errors(instance, exclude=failed).items():
                errors.setdefault(name, []).extend(unique_errors)
        try:
            constraints_validate(instance, exclude=failed, unique=False)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def import_row(self, row, instance_loader, **kwargs):
        # The inverse of the export's neutralisation, for every cell alike.
        row = OrderedDict((name, spreadsheet_unquote(value)) for name, value in row.items())
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            instance = super().get_instance(instance_loader, row)
        except ValueError:
            # A key that cannot be read is reported on its column by import_instance.
            instance = None
        fields = self.get_import_fields()
        self._before = (
            None if instance is None else {f.column_name: f.get_value(instance) for f in fields}
        )
        return instance

    def before_import_row(self, row, **kwargs):
        key = self.row_key(row)
        if key is None:
            return
        line = self._line(kwargs["row_number"])
        first = self._seen_keys.setdefault(key, line)
        if first != line:
            raise ValidationError(
                {
                    self.get_import_id_fields()[-1]: _(
                        "Line %(first)s has the same %(key)s; each record may appear only "
                        "once in a file."
                    )
                    % {"first": first, "key": self.key_description}
                }
            )

    def row_key(self, row) -> tuple | None:
        """The natural key of a row as read (raw text where a cell cannot be read)."""
        key = []
        for name in self.get_import_id_fields():
            field = self.fields[name]
            try:
                value = field.clean(row)
            except (ValueError, KeyError):
                value = row.get(field.column_name)
            if value is None or value == "":
                return None
            key.append(getattr(value, "pk", value))
        return tuple(key)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Unchanged means no field differs; empty text and None are the same value. The
        # changed cells (every filled one, for a new record) are kept for the preview.
        self._changes = []
        if import_validation_errors:
            return False
        new_record = self._before is None
        for field in self.get_import_fields():
            old = None if new_record else self._before[field.column_name]
            new = field.get_value(instance)
            if not same(old, new):
                self._changes.append(
                    CellChange(
                        field.column_name,
                        "" if new_record else field.widget.render(old),
                        field.widget.render(new),
                    )
                )
        return not new_record and not self._changes

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user
        file_name = kwargs.get("file_name") or ""
        instance._change_reason = (_("import of %s") % file_name)[:CHANGE_REASON_MAX]

    def after_save_instance(self, instance, row, **kwargs):
        # Queued for its batch: the rows after it see its values as taken.
        if self._uniques.claim(instance) and not kwargs.get("dry_run"):
            # It takes a value (a name) that a queued record gives up: that record is
            # written first, as a statement of many rows writes them in no set order.
            queue = self.create_instances if instance.pk is None else self.update_instances
            queue.pop()
            self._write.save_all(self.create_instances, created=True)
            self._write.save_all(self.update_instances, created=False)
            self.create_instances.clear()
            self.update_instances.clear()
            self._uniques.written()
            queue.append(instance)

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._batch_save(self.create_instances, True, dry_run, raise_errors, result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        self._batch_save(self.update_instances, False, dry_run, raise_errors, result)
        self._uniques.written()

    def _batch_save(self, instances, created, dry_run, raise_errors, result) -> None:
        # A preview writes nothing: its rows were checked without the database's help.
        try:
            if not dry_run:
                self._write.save_all(instances, created=created)
        except (IntegrityError, DataError) as error:
            # What the rows' checks did not foresee refuses the file; a database gone
            # away is the command's and the admin's to report.
            self.handle_import_error(result, error, raise_errors)
        finally:
            instances.clear()

    def after_import_row(self, row, row_result, **kwargs):
        row_result.line = self._line(kwargs["row_number"])
        row_result.changes = getattr(self, "_changes", [])
        progress = kwargs.get("progress")
        if progress is not None:
            progress(1)

    def after_import(self, dataset, result, **kwargs):
        # Imports never carry database ids, so there is no sequence to reset.
        pass
