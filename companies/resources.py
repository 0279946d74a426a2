"""The register as spreadsheets (django-import-export): what an export writes and an
import reads.

A sheet has exactly the export's columns, in any order. Rows are matched to records by
natural keys (a company's slug; a report's company slug and date), and related records
are named by natural keys too (ISO country code, sector slug, company slug), never by
database ids. An import is all or nothing: one bad row refuses the whole file, and every
bad row is reported with its line in the file. Values are checked by the models' own
validation (full_clean: fields, clean() and constraints); the widgets here only read
cells strictly, so that nothing is silently coerced.
"""

import re
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, resources, widgets
from import_export.results import Result, RowResult

from . import params, services
from .blank import is_blank, same
from .models import Claim, Company, ImportRecord, Report, Sector
from .spreadsheets import spreadsheet_safe, spreadsheet_unquote
from .text import name_normalise

# history_change_reason is a CharField(max_length=100).
CHANGE_REASON_MAX = 100
ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class TextWidget(widgets.CharWidget):
    """Text as written; an empty cell is empty text, or None where the field allows it
    (an untranslated description falls back to English)."""

    def __init__(self, *, null: bool = False):
        super().__init__(coerce_to_string=True, allow_blank=True)
        self.null = null

    def clean(self, value, row=None, **kwargs):
        if value is None or value == "":
            return None if self.null else ""
        return value if isinstance(value, str) else str(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class NameWidget(TextWidget):
    """A name, read as it is stored (text.name_normalise): a cell differing only in its
    spaces names the same record and changes nothing."""

    def clean(self, value, row=None, **kwargs):
        value = super().clean(value, row, **kwargs)
        return value if value is None else name_normalise(value)


class DateWidget(widgets.Widget):
    """A date as YYYY-MM-DD (or a spreadsheet date cell); XLSX gets real dates."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, datetime):
            if value.time() != datetime.min.time():
                raise ValueError(_("Enter a date without a time, not “%s”.") % value)
            return value.date()
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if not ISO_DATE.fullmatch(text):
                raise ValueError
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(_("Enter a real date as YYYY-MM-DD, not “%s”.") % value) from None

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return value.isoformat() if value else ""


class DecimalWidget(widgets.Widget):
    """An exact amount: digits and a decimal point, no thousands separators."""

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        if isinstance(value, bool):
            raise ValueError(_("Enter a number, not “%s”.") % value)
        number = None
        if isinstance(value, float):
            # XLSX stores numbers as binary floats; their shortest form is what was typed.
            number = Decimal(repr(value))
        elif isinstance(value, int):
            number = Decimal(value)
        elif params.DECIMAL_NUMBER.fullmatch(str(value).strip()):
            # Text in plain ASCII digits only: Decimal() alone would also read 1_000, 1e5
            # and full-width or Arabic-Indic digits.
            number = Decimal(str(value).strip())
        if number is None or not number.is_finite():
            raise ValueError(
                _("Enter a number such as 1234567.89 (a dot for decimals, no spaces or "
                  "thousands separators), not “%s”.") % value
            )  # fmt: skip
        return number

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else format(value, "f")


class IntegerWidget(DecimalWidget):
    """A whole number, such as a headcount."""

    def clean(self, value, row=None, **kwargs):
        number = super().clean(value, row, **kwargs)
        if number is None:
            return None
        if number != number.to_integral_value():
            raise ValueError(_("Enter a whole number, not “%s”.") % value)
        return int(number)

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "" if value is None else str(value)


class BooleanWidget(widgets.Widget):
    """Yes or no: 1 or 0 (true/false and yes/no are understood); XLSX gets TRUE/FALSE."""

    TRUE = frozenset({"1", "true", "yes"})
    FALSE = frozenset({"0", "false", "no"})

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        text = "" if value is None else str(value).strip().lower()
        if text in self.TRUE:
            return True
        if text in self.FALSE:
            return False
        raise ValueError(_("Enter 1 for yes or 0 for no, not “%s”.") % (value or ""))

    def render(self, value, obj=None, **kwargs):
        if kwargs.get("force_native_type"):
            return value
        return "1" if value else "0"


class SlugWidget(widgets.ForeignKeyWidget):
    """A related record named by its slug; each slug is looked up once per import (each
    import works on its own copy of the resource's fields)."""

    def __init__(self, model):
        super().__init__(model, field="slug")
        self.found = {}

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            return None
        slug = str(value).strip()
        if slug not in self.found:
            self.found[slug] = self.model.objects.filter(slug=slug).first()
        if self.found[slug] is None:
            raise ValueError(
                _("There is no %(model)s with the slug “%(slug)s”.")
                % {"model": self.model._meta.verbose_name, "slug": slug}
            )
        return self.found[slug]

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else value.slug


def column(name: str, widget: widgets.Widget) -> fields.Field:
    """A column named like the model field it fills."""
    return fields.Field(attribute=name, column_name=name, widget=widget)


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


class _NoDiff:
    def __init__(self, resource, instance, new):
        pass

    def compare_with(self, resource, instance):
        pass

    def as_html(self):
        return []


def import_confirmed_message(record) -> str:
    """What a second confirmation of one preview answers."""
    return _(
        "This preview was already confirmed by %(user)s at %(time)s, so nothing was "
        "imported again. The list shows the register as it is now."
    ) % {
        "user": record.user or _("someone"),
        "time": formats.date_format(timezone.localtime(record.made_at), "DATETIME_FORMAT"),
    }


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

    def import_row(self, row, instance_loader, **kwargs):
        # The inverse of the export's neutralisation, for every cell alike.
        row = OrderedDict((name, spreadsheet_unquote(value)) for name, value in row.items())
        return super().import_row(row, instance_loader, **kwargs)

    def get_instance(self, instance_loader, row):
        try:
            return super().get_instance(instance_loader, row)
        except ValueError:
            # A key that cannot be read is reported on its column by import_instance.
            return None

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

    def get_diff_class(self):
        # The preview shows each changed cell (skip_row records them), not html diffs of
        # every cell of every row, which cost more than the import itself.
        return _NoDiff

    def skip_row(self, instance, original, row, import_validation_errors=None):
        # Unchanged means no field differs; empty text and None are the same value. The
        # changed cells (every filled one, for a new record) are kept for the preview.
        self._changes = []
        if import_validation_errors or original is None:
            return False
        new_record = original.pk is None
        for field in self.get_import_fields():
            old = None if new_record else field.get_value(original)
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

    def do_instance_save(self, instance, is_create):
        self._write.save(instance, force_insert=is_create)

    def before_save_instance(self, instance, row, **kwargs):
        user = kwargs.get("user")
        if user is not None and user.is_authenticated:
            instance._history_user = user
        file_name = kwargs.get("file_name") or ""
        instance._change_reason = (_("import of %s") % file_name)[:CHANGE_REASON_MAX]

    def after_import_row(self, row, row_result, **kwargs):
        row_result.line = self._line(kwargs["row_number"])
        row_result.changes = getattr(self, "_changes", [])
        progress = kwargs.get("progress")
        if progress is not None:
            progress(1)

    def after_import(self, dataset, result, **kwargs):
        # Imports never carry database ids, so there is no sequence to reset.
        pass


class CompanyResource(RegisterResource):
    """Companies, matched by slug; an empty slug creates a company whose slug is made
    from its name."""

    key_description = gettext_lazy("slug")

    slug = column("slug", TextWidget())
    name = column("name", NameWidget())
    legal_name = column("legal_name", NameWidget())
    country = column("country", TextWidget())
    sector = column("sector", SlugWidget(Sector))
    status = column("status", TextWidget())
    resident_since = column("resident_since", DateWidget())
    exited_on = column("exited_on", DateWidget())
    exit_reason = column("exit_reason", TextWidget())
    description_en = column("description_en", TextWidget(null=True))
    description_ru = column("description_ru", TextWidget(null=True))
    description_zh_hans = column("description_zh_hans", TextWidget(null=True))
    website = column("website", TextWidget())
    is_published = column("is_published", BooleanWidget())

    class Meta:
        model = Company
        name = "companies"
        fields = (
            "slug",
            "name",
            "legal_name",
            "country",
            "sector",
            "status",
            "resident_since",
            "exited_on",
            "exit_reason",
            "description_en",
            "description_ru",
            "description_zh_hans",
            "website",
            "is_published",
        )
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Company.objects.select_related("sector")

    def dehydrate_country(self, company):
        return company.country.code or ""


class ReportResource(RegisterResource):
    """Reports, matched by company (slug) and date."""

    key_description = gettext_lazy("company and date")

    company = column("company", SlugWidget(Company))
    reported_on = column("reported_on", DateWidget())
    declared_investment = column("declared_investment", DecimalWidget())
    realised_investment = column("realised_investment", DecimalWidget())
    direct_jobs = column("direct_jobs", IntegerWidget())
    source = column("source", TextWidget())

    class Meta:
        model = Report
        name = "reports"
        fields = (
            "company",
            "reported_on",
            "declared_investment",
            "realised_investment",
            "direct_jobs",
            "source",
        )
        import_id_fields = ("company", "reported_on")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Report.objects.select_related("company")


class QualifierWidget(widgets.Widget):
    """How a claim's figure is qualified (exactly, more_than, at_least, about); empty
    exactly when the figure in `figure_column` is empty."""

    def __init__(self, *, figure: str, figure_column: str):
        super().__init__()
        self.figure = figure
        self.figure_column = figure_column

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        figure_given = not is_blank((row or {}).get(self.figure_column))
        choices = ", ".join(Claim.Qualifier.values)
        if not text:
            if figure_given:
                raise ValueError(
                    _("State how the figure is qualified: one of %(choices)s.")
                    % {"choices": choices}
                )
            return Claim.Qualifier.EXACTLY
        if text not in Claim.Qualifier.values:
            raise ValueError(
                _("Enter one of %(choices)s, not “%(value)s”.")
                % {"choices": choices, "value": value}
            )
        if not figure_given:
            raise ValueError(
                _("A qualifier needs a figure in the column %s.") % self.figure_column
            )
        return text

    def render(self, value, obj=None, **kwargs):
        if obj is not None and getattr(obj, self.figure) is None:
            return ""
        return value or ""


def qualifier_column(figure: str, figure_column: str) -> fields.Field:
    """The qualifier of a claim's stated figure, in the column after the figure's."""
    return fields.Field(
        attribute=f"{figure}_qualifier",
        column_name=f"{figure_column.removesuffix('_usd')}_qualifier",
        widget=QualifierWidget(figure=figure, figure_column=figure_column),
    )


class ClaimResource(RegisterResource):
    """Published claims, matched by their date and speaker (in English); the columns of
    companies/data/published-claims.csv, and optionally the quoted statement and the
    translations of the speaker and the source."""

    key_description = gettext_lazy("date and speaker")
    optional_columns = (
        "statement_en",
        "statement_ru",
        "statement_zh_hans",
        "speaker_ru",
        "speaker_zh_hans",
        "source_ru",
        "source_zh_hans",
        "is_published",
    )

    claimed_on = column("claimed_on", DateWidget())
    date_is_approximate = column("date_is_approximate", BooleanWidget())
    companies = column("companies", IntegerWidget())
    companies_qualifier = qualifier_column("companies", "companies")
    countries = column("countries", IntegerWidget())
    countries_qualifier = qualifier_column("countries", "countries")
    declared_investment = fields.Field(
        attribute="declared_investment",
        column_name="declared_investment_usd",
        widget=DecimalWidget(),
    )
    declared_investment_qualifier = qualifier_column(
        "declared_investment", "declared_investment_usd"
    )
    direct_jobs = column("direct_jobs", IntegerWidget())
    direct_jobs_qualifier = qualifier_column("direct_jobs", "direct_jobs")
    reference = fields.Field(
        attribute="is_reference", column_name="reference", widget=BooleanWidget()
    )
    speaker = fields.Field(attribute="speaker_en", column_name="speaker", widget=NameWidget())
    source = fields.Field(attribute="source_en", column_name="source", widget=TextWidget())
    statement_en = column("statement_en", TextWidget())
    statement_ru = column("statement_ru", TextWidget(null=True))
    statement_zh_hans = column("statement_zh_hans", TextWidget(null=True))
    speaker_ru = column("speaker_ru", NameWidget(null=True))
    speaker_zh_hans = column("speaker_zh_hans", NameWidget(null=True))
    source_ru = column("source_ru", TextWidget(null=True))
    source_zh_hans = column("source_zh_hans", TextWidget(null=True))
    is_published = column("is_published", BooleanWidget())

    class Meta:
        model = Claim
        name = "claims"
        fields = (
            "claimed_on",
            "date_is_approximate",
            "companies",
            "companies_qualifier",
            "countries",
            "countries_qualifier",
            "declared_investment",
            "declared_investment_qualifier",
            "direct_jobs",
            "direct_jobs_qualifier",
            "reference",
            "speaker",
            "source",
            "statement_en",
            "statement_ru",
            "statement_zh_hans",
            "speaker_ru",
            "speaker_zh_hans",
            "source_ru",
            "source_zh_hans",
            "is_published",
        )
        import_id_fields = ("claimed_on", "speaker")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
