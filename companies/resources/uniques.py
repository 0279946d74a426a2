"""A sheet's unique fields and constraints, checked for all its rows at once (SheetUniques)."""

import itertools

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import models

from ..spreadsheets import spreadsheet_unquote
from ..text import NameKeyField, name_key
from .widgets import LOOKUP_CHUNK


class SheetUniques:
    """The model's unique fields and unique constraints, checked for each row as saving
    the rows one by one would check them (against the records and the rows before it),
    without a query per row: the records holding a value that a row of the sheet gives
    are read before the rows, in a few queries; a value not foreseen is looked up alone.

    `errors` checks a row's record; `claim` records that it now holds its values."""

    def __init__(self, resource, dataset):
        self.model = resource._meta.model
        meta = self.model._meta
        self.checks: list[tuple[tuple[str, ...], models.UniqueConstraint | None]] = [
            ((field.name,), None)
            for field in meta.local_fields
            if field.unique and not field.primary_key
        ]
        self.checks += [(tuple(c.fields), c) for c in meta.total_unique_constraints]
        # Per check: who holds a value (a record's pk, a new row's token, None: nobody),
        # and the value each holds.
        self.owners = {names: {} for names, _ in self.checks}
        self.held = {names: {} for names, _ in self.checks}
        # Values given up by records not yet written (`written` empties it).
        self.freed: set[tuple] = set()
        self.new_rows = itertools.count()
        rows = [
            dict(zip(dataset.headers, map(spreadsheet_unquote, cells), strict=True))
            for cells in dataset or ()
        ]
        for names, _ in self.checks:
            self._prefetch(resource, names, rows)

    def errors(self, instance, *, exclude: set[str]) -> dict[str, list[ValidationError]]:
        """What `instance` breaks, filed as Model.full_clean files it; a check on a field
        in `exclude` (one that failed its own validation) is skipped, as Django skips it."""
        errors = {}
        for names, constraint in self.checks:
            fields = [self.model._meta.get_field(name) for name in names]
            edited = [_edited(field) for field in fields]
            if set(edited) & exclude:
                continue
            value = self._value(instance, fields)
            if value is None or self._owner(names, value) in (None, instance.pk):
                continue
            if constraint is None:
                key, error = names[0], instance.unique_error_message(self.model, names)
            elif isinstance(fields[0], NameKeyField):
                # A name's key is the name's: the error names the field people edit.
                key = edited[0]
                error = ValidationError(constraint.get_violation_error_message(), code="unique")
            else:
                key = NON_FIELD_ERRORS
                error = ValidationError(
                    constraint.get_violation_error_message(),
                    code=constraint.violation_error_code,
                )
            errors.setdefault(key, []).append(error)
        return errors

    def claim(self, instance) -> bool:
        """`instance` is being saved: it holds its values, and no longer those it had.
        Returns whether it takes a value that a record not yet written gives up."""
        owner = instance.pk if instance.pk is not None else ("new", next(self.new_rows))
        takes_freed = False
        for names, _ in self.checks:
            fields = [self.model._meta.get_field(name) for name in names]
            value = self._value(instance, fields)
            before = self.held[names].get(owner)
            if before is not None and before != value:
                self.owners[names][before] = None
                self.freed.add((names, before))
            if value is not None:
                takes_freed |= (names, value) in self.freed
                self.owners[names][value] = owner
                self.held[names][owner] = value
        return takes_freed

    def written(self) -> None:
        """The records given up values were written: the values are free in the table."""
        self.freed.clear()

    def taken(self, names: tuple[str, ...], value: tuple, *, by=None) -> bool:
        """Whether a record or row other than `by` (a pk) holds `value`."""
        return self._owner(names, value) not in (None, by)

    def _owner(self, names, value):
        owners = self.owners[names]
        if value not in owners:
            fields = [self.model._meta.get_field(name) for name in names]
            lookup = {field.attname: part for field, part in zip(fields, value, strict=True)}
            pk = self.model._base_manager.filter(**lookup).values_list("pk", flat=True).first()
            held = self.held[names].setdefault(pk, value) if pk is not None else None
            # A record that a row before gave another value no longer holds this one.
            owners[value] = pk if held == value else None
        return owners[value]

    @staticmethod
    def _value(instance, fields) -> tuple | None:
        value = tuple(
            field.key_of(instance)
            if isinstance(field, NameKeyField)
            else getattr(instance, field.attname)
            for field in fields
        )
        # Nulls are distinct: a check of a value with a null in it always passes.
        return None if None in value else value

    def _prefetch(self, resource, names, rows) -> None:
        """Read who holds each value that the rows' cells give, for `names`."""
        fields = [self.model._meta.get_field(name) for name in names]
        columns = {f.attribute: f for f in resource.get_import_fields()}
        cells = [columns.get(_edited(field)) for field in fields]
        if None in cells:
            return  # a value not read from a column of its own: looked up row by row
        values = set()
        for row in rows:
            try:
                pairs = zip(fields, cells, strict=True)
                value = tuple(_as_stored(field, cell.clean(row)) for field, cell in pairs)
            except (ValueError, KeyError):
                continue
            if None not in value:
                values.add(value)
        values = list(values)
        for start in range(0, len(values), LOOKUP_CHUNK):
            chunk = values[start : start + LOOKUP_CHUNK]
            self.owners[names].update(dict.fromkeys(chunk))
            lookups = {
                f"{field.attname}__in": {value[i] for value in chunk}
                for i, field in enumerate(fields)
            }
            attnames = [field.attname for field in fields]
            found = self.model._base_manager.filter(**lookups).values_list("pk", *attnames)
            wanted = set(chunk)
            for pk, *value in found:
                if tuple(value) in wanted:
                    self.owners[names][tuple(value)] = pk
                    self.held[names][pk] = tuple(value)


def _edited(field: models.Field) -> str:
    """The field whose value a row gives: a name's key is read from the name."""
    return field.of if isinstance(field, NameKeyField) else field.name


def _as_stored(field: models.Field, value):
    """A cell's value as the field compares it: a name's key, a related record's pk."""
    if isinstance(field, NameKeyField):
        return name_key(value or "")
    if isinstance(value, models.Model):
        return value.pk
    return value
