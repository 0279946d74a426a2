"""No lost edits: a change form carries the version it was opened at, and saving after
someone else changed the record is refused, naming who changed which fields."""

from contextlib import contextmanager

from django import forms
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from companies import services

NO_VERSION = _(
    "This form does not say which version of the record it was opened at. Reload the page "
    "and apply your changes again."
)


class VersionedForm(forms.ModelForm):
    """A change form that refuses to save over a change made since it was opened.

    It carries the version the editor loaded; validation locks the record (inside the
    admin's transaction, until the save) and refuses with a message naming who changed
    which fields (services.StaleWrite)."""

    loaded_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    # Inline rows are only checked when they are edited or deleted: unchanged rows
    # are not saved, so they cannot overwrite anything.
    check_unchanged = True

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            version = self.instance.version
            if hasattr(self.instance, "_history"):
                # Restoring an earlier version replaces the current one.
                version = (
                    type(self.instance)
                    .objects.filter(pk=self.instance.pk)
                    .values_list("version", flat=True)
                    .first()
                )
            self.fields["loaded_version"].initial = version

    @property
    def changed_data(self):
        # The version is bookkeeping, not an edit.
        return [name for name in super().changed_data if name != "loaded_version"]

    def clean(self):
        cleaned_data = super().clean()
        if self.instance.pk is not None and (self.check_unchanged or self.has_changed()):
            self.lock(cleaned_data.get("loaded_version"))
        return cleaned_data

    def lock(self, loaded_version: int | None) -> None:
        """Lock the record until the save, refusing if it changed since it was loaded."""
        if loaded_version is None:
            raise ValidationError(NO_VERSION, code="no_version")
        try:
            current = services.record_lock(record=self.instance, expected_version=loaded_version)
        except services.StaleWrite as stale:
            raise ValidationError(str(stale), code="stale") from None
        # What no form edits stays as it is now: the version counter and, when an
        # earlier version is restored, the figures derived from the reports.
        for field in self.instance._meta.concrete_fields:
            if not field.editable and not field.primary_key:
                setattr(self.instance, field.attname, getattr(current, field.attname))


def stale_delete_refusal(record: models.Model, loaded_version: str | None) -> str:
    """Why deleting `record` from a confirmation page opened at `loaded_version` is
    refused ('' when it is not): the record changed since, or the page does not say."""
    try:
        version = int(loaded_version or "")
    except ValueError:
        return str(NO_VERSION)
    try:
        services.record_lock(record=record, expected_version=version)
    except services.StaleWrite as stale:
        return str(stale)
    return ""


class InlineVersionedForm(VersionedForm):
    check_unchanged = False


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline rows marked for deletion are checked too (a formset ignores their errors)."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        # A table names each column and shows its help text once, in the header
        # (templates/admin/edit_inline/tabular.html), which every row's field points to.
        for name, field in form.fields.items():
            if field.widget.is_hidden:
                continue
            field.widget.attrs["aria-labelledby"] = f"{self.prefix}-{name}-label"
            if field.help_text:
                field.widget.attrs["aria-describedby"] = f"{self.prefix}-{name}-helptext"

    def clean(self):
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.pk:
                form.lock(form.cleaned_data.get("loaded_version"))


@contextmanager
def register_transaction(model: type[models.Model]):
    """A transaction that takes the register's lock first, like every write (services)."""
    with transaction.atomic(using=router.db_for_write(model)):
        services.register_lock()
        yield
