"""Validators shared by models, forms, the API and commands."""

import operator
from datetime import date

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, router
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modeltranslation import settings as mt_settings
from modeltranslation.translator import NotRegistered, translator
from modeltranslation.utils import build_localized_fieldname

# The park was established by decree in June 2012: no residence begins (or ends) before.
PARK_ESTABLISHED = date(2012, 6, 1)
# Investment agreements can precede residence; no figures of the register are older.
EARLIEST_REPORT = date(2010, 1, 1)


def validate_not_in_future(day: date) -> None:
    """Refuse a date after today (in the park's time zone): figures cannot be from the future."""
    if day > timezone.localdate():
        raise ValidationError(_("The date cannot be in the future."), code="future_date")


def validate_residence_date(day: date) -> None:
    """Refuse a date of residence (or of exit) before the park was established."""
    if day < PARK_ESTABLISHED:
        raise ValidationError(
            _("The date cannot be before %(earliest)s, when the park was established."),
            code="implausible_date",
            params={"earliest": PARK_ESTABLISHED.isoformat()},
        )


def validate_report_date(day: date) -> None:
    """Refuse a date of figures older than any the register holds (EARLIEST_REPORT)."""
    if day < EARLIEST_REPORT:
        raise ValidationError(
            _("The date cannot be before %(earliest)s: the register has no figures so old."),
            code="implausible_date",
            params={"earliest": EARLIEST_REPORT.isoformat()},
        )


# --- Check constraints evaluated in Python ----------------------------------------------
#
# Django validates each CheckConstraint with a query of its own (inside a savepoint):
# eight per company saved. Bulk imports evaluate the conditions here instead, as SQL
# would (None is unknown, which a check lets pass), and ask the database only about
# what this does not read.

_COMPARISONS = {
    "exact": operator.eq,
    "gt": operator.gt,
    "gte": operator.ge,
    "lt": operator.lt,
    "lte": operator.le,
}


class _Unreadable(Exception):
    """A condition with a lookup or an expression that only the database evaluates."""


def constraints_validate(
    instance: models.Model, *, exclude: set[str], unique: bool = True
) -> None:
    """`instance.validate_constraints(exclude)`, with its check constraints evaluated in
    Python wherever their conditions are plain lookups on the instance's own fields;
    without `unique`, its unique constraints are left to the caller (an import checks
    them for its whole sheet).

    A translated field's own column repeats its English one (translation.py): a check on
    it is skipped with the English one, as Django skips a check on a field that failed."""
    exclude = set(exclude) | {
        name
        for name in mirrors(type(instance))
        if build_localized_fieldname(name, mt_settings.DEFAULT_LANGUAGE) in exclude
    }
    using = router.db_for_write(type(instance), instance=instance)
    errors = {}
    for model_class, constraints in instance.get_constraints():
        for constraint in constraints:
            if not unique and isinstance(constraint, models.UniqueConstraint):
                continue
            try:
                if isinstance(constraint, models.CheckConstraint):
                    _check_validate(constraint, model_class, instance, exclude, using)
                else:
                    constraint.validate(model_class, instance, exclude=exclude, using=using)
            except ValidationError as error:
                # As Model.validate_constraints files them.
                if getattr(error, "code", None) == "unique" and len(constraint.fields) == 1:
                    errors.setdefault(constraint.fields[0], []).append(error)
                else:
                    errors = error.update_error_dict(errors)
    if errors:
        raise ValidationError(errors)


class ConstraintsCheckedInPython:
    """Model mixin: validate_constraints() as constraints_validate() checks them, so that
    a form, the API and an import's rows are checked alike and each row costs no query
    for a check the instance's own fields decide."""

    def validate_constraints(self, exclude=None):
        constraints_validate(self, exclude=set(exclude or ()))


def _check_validate(constraint, model_class, instance, exclude, using) -> None:
    try:
        if _references(constraint.condition) & set(exclude):
            return  # as Django skips a check on a field that failed its own validation
        holds = condition_holds(constraint.condition, instance)
    except _Unreadable:
        constraint.validate(model_class, instance, exclude=exclude, using=using)
        return
    if holds is False:
        raise ValidationError(
            constraint.get_violation_error_message(), code=constraint.violation_error_code
        )


def condition_holds(condition: Q, instance: models.Model) -> bool | None:
    """A check constraint's condition on `instance`: True, False, or None (unknown)."""
    if not isinstance(condition, Q) or condition.connector not in (Q.AND, Q.OR):
        raise _Unreadable
    results = [
        condition_holds(child, instance) if isinstance(child, Q) else _lookup(*child, instance)
        for child in condition.children
    ]
    if condition.connector == Q.AND:
        result = False if False in results else (None if None in results else True)
    else:
        result = True if True in results else (None if None in results else False)
    if condition.negated and result is not None:
        return not result
    return result


def _lookup(lookup: str, expected, instance: models.Model) -> bool | None:
    name, _, kind = lookup.partition("__")
    kind = kind or "exact"
    value = _value(instance, name)
    if isinstance(expected, models.F):
        expected = _value(instance, expected.name)
    elif hasattr(expected, "resolve_expression"):
        raise _Unreadable
    if kind == "exact" and expected is None:
        kind, expected = "isnull", True
    if kind == "isnull":
        return (value is None) == bool(expected)
    if value is None or expected is None:
        return None
    if kind == "in":
        return value in expected
    if kind in _COMPARISONS:
        return _COMPARISONS[kind](value, expected)
    raise _Unreadable


def _value(instance: models.Model, name: str):
    try:
        field = instance._meta.get_field(name)
    except FieldDoesNotExist:
        raise _Unreadable from None
    if not field.concrete or field.is_relation:
        raise _Unreadable
    return getattr(instance, field.attname)


def _references(condition) -> set[str]:
    if not isinstance(condition, Q):
        raise _Unreadable
    names = set()
    for child in condition.children:
        if isinstance(child, Q):
            names |= _references(child)
        else:
            lookup, expected = child
            names.add(lookup.partition("__")[0])
            if isinstance(expected, models.F):
                names.add(expected.name)
    return names


def mirrors(model: type[models.Model]) -> set[str]:
    """The translated fields' own columns of `model` (`exit_reason` beside exit_reason_en,
    ...), which modeltranslation fills from a translation on every save: not edits of
    their own, so neither a diff nor a list of changes names them, nor does a check on
    them refuse what the English one was refused for."""
    try:
        return set(translator.get_options_for_model(model).fields)
    except NotRegistered:
        return set()
