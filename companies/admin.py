"""The editors' admin: the register as park staff keep it current.

Besides editing, editors import and export spreadsheets (companies/resources.py), see
each record's history as a diff, restore an earlier version, and cannot save over a
change made since they opened a form (the form carries the version it was opened at).
"""

import dataclasses
from contextlib import contextmanager
from datetime import date
from decimal import Decimal

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db import models, router, transaction
from django.forms.models import BaseInlineFormSet
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from . import imports, selectors, services
from .models import Claim, Company, Report, Sector
from .resources import CHANGE_REASON_MAX, ClaimResource, CompanyResource, ReportResource

# --- No lost edits --------------------------------------------------------------------


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
            raise ValidationError(
                _(
                    "This form does not say which version of the record it was opened "
                    "at. Reload the page and apply your changes again."
                ),
                code="no_version",
            )
        try:
            current = services.record_lock(record=self.instance, expected_version=loaded_version)
        except services.StaleWrite as stale:
            raise ValidationError(str(stale), code="stale") from None
        # What no form edits stays as it is now: the version counter and, when an
        # earlier version is restored, the figures derived from the reports.
        for field in self.instance._meta.concrete_fields:
            if not field.editable and not field.primary_key:
                setattr(self.instance, field.attname, getattr(current, field.attname))


class InlineVersionedForm(VersionedForm):
    check_unchanged = False


class VersionedInlineFormSet(BaseInlineFormSet):
    """Inline rows marked for deletion are checked too (a formset ignores their errors)."""

    def clean(self):
        super().clean()
        for form in self.forms:
            if self.can_delete and self._should_delete_form(form) and form.instance.pk:
                form.lock(form.cleaned_data.get("loaded_version"))


@contextmanager
def register_write(model: type[models.Model]):
    """A transaction that takes the register's lock first, like every write (services)."""
    with transaction.atomic(using=router.db_for_write(model)):
        services.register_lock()
        yield


# --- History --------------------------------------------------------------------------


class ReadableHistory(HistoricalRecordContextHelper):
    """History diffs in words: choice labels, country and sector names, yes/no, "—"."""

    def context_for_delta_changes(self, delta):
        # Empty text and None mean the same thing: not a change worth showing.
        changes = [c for c in delta.changes if not (_empty(c.old) and _empty(c.new))]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        value = super().prepare_delta_change_value(change, value)
        if _empty(value):
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(getattr(value, "code", value), value)
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, date):
            return value.isoformat()
        return value


def _empty(value) -> bool:
    return value is None or value == ""


class RegisterHistoryAdmin(SimpleHistoryAdmin):
    """History with readable diffs, and restores that are safe like any other save."""

    # Bookkeeping that every change moves, not an edit worth showing.
    history_hidden_fields = ("id", "version", "created_at")

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history does, but fields no form edits (a company's figures, derived
        # from its reports) are shown too: they are part of what changed.
        newer = None
        for older in historical_records:
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                derived = [
                    ModelChange(f.name, getattr(older, f.attname), getattr(newer, f.attname))
                    for f in older.tracked_fields
                    if not f.editable
                    and f.name not in self.history_hidden_fields
                    and getattr(older, f.attname) != getattr(newer, f.attname)
                ]
                delta = dataclasses.replace(
                    delta, changes=sorted(delta.changes + derived, key=self._field_position)
                )
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(delta)
            newer = older

    def _field_position(self, change) -> int:
        """Changes are listed in the order of the model's fields, as on the form."""
        return [f.name for f in self.model._meta.fields].index(change.field)

    def save_model(self, request, obj, form, change):
        restored = getattr(obj, "_history", None)
        if restored is not None:
            when = timezone.localtime(restored.history_date).strftime("%Y-%m-%d %H:%M")
            obj._change_reason = (gettext("restored the version of %s") % when)[:CHANGE_REASON_MAX]
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with register_write(self.model):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        with register_write(self.model):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with register_write(self.model):
            return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        with register_write(self.model):
            super().delete_queryset(request, queryset)


# --- Import and export ----------------------------------------------------------------


class RegisterConfirmImportForm(ConfirmImportForm):
    register_revision = forms.IntegerField(widget=forms.HiddenInput)


class RegisterImportExport(ImportExportMixin):
    """Spreadsheet import (previewed, all or nothing) and export of the filtered list.

    Reading files and importing rows live in companies/imports.py and resources.py,
    shared with `manage.py import_register`."""

    import_formats = [imports.CSVImport, imports.XLSXImport]
    export_formats = [base_formats.CSV, base_formats.XLSX]
    # Every column, always: an export is a file the import reads back.
    export_form_class = ExportForm
    # Excel recognises UTF-8 in a CSV file by its byte-order mark.
    to_encoding = "utf-8-sig"
    import_template_name = "admin/companies/import.html"
    confirm_form_class = RegisterConfirmImportForm

    def has_import_permission(self, request):
        return self.has_add_permission(request) and self.has_change_permission(request)

    def has_export_permission(self, request):
        return self.has_view_permission(request)

    def import_action(self, request, **kwargs):
        response = super().import_action(request, **kwargs)
        context = getattr(response, "context_data", None) or {}
        if context.get("confirm_form") is not None:
            # Confirming applies the rows only if the register is still as previewed.
            context["confirm_form"].initial["register_revision"] = context[
                "result"
            ].register_revision
        return response

    def get_import_data_kwargs(self, **kwargs):
        form = kwargs.get("form")
        kwargs = super().get_import_data_kwargs(**kwargs)
        if isinstance(form, RegisterConfirmImportForm):
            kwargs["expected_revision"] = form.cleaned_data["register_revision"]
        return kwargs

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, imports.SheetError):
            form.add_error("import_file", [str(problem) for problem in e.problems])
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if result.problems:
            messages.error(
                request,
                " ".join(
                    [gettext("Nothing was imported.")]
                    + [str(problem) for problem in result.problems]
                ),
            )
            return HttpResponseRedirect(
                reverse("admin:{}_{}_import".format(*self.get_model_info()))
            )
        return super().process_result(result, request)

    def add_success_message(self, result, request):
        messages.success(
            request,
            gettext(
                "Import finished: %(created)d created, %(updated)d updated, "
                "%(unchanged)d unchanged."
            )
            % {
                "created": result.created,
                "updated": result.updated,
                "unchanged": result.unchanged,
            },
        )


class ReportInline(admin.TabularInline):
    model = Report
    form = InlineVersionedForm
    formset = VersionedInlineFormSet
    extra = 1
    fields = (
        "reported_on",
        "declared_investment",
        "realised_investment",
        "direct_jobs",
        "source",
        "loaded_version",
    )
    ordering = ("-reported_on",)


@admin.register(Company)
class CompanyAdmin(RegisterImportExport, RegisterHistoryAdmin, TabbedTranslationAdmin):
    form = VersionedForm
    resource_classes = [CompanyResource]
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    list_display = (
        "name",
        "country",
        "sector",
        "status",
        "resident_since",
        "declared_investment",
        "realised_investment",
        "direct_jobs",
        "is_published",
    )
    list_filter = (("country", CountryFilter), "sector", "status", "is_published")
    list_select_related = ("sector",)
    search_fields = ("name", "legal_name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (
        "declared_investment",
        "realised_investment",
        "direct_jobs",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "name",
                    "slug",
                    "legal_name",
                    "country",
                    "sector",
                    "website",
                    "loaded_version",
                )
            },
        ),
        (_("Residence"), {"fields": ("status", "resident_since", "exited_on", "exit_reason")}),
        (_("Publication"), {"fields": ("description", "is_published")}),
        (
            _("Current figures, from the reports"),
            {
                "fields": (
                    "declared_investment",
                    "realised_investment",
                    "direct_jobs",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (ReportInline,)
    actions = ("publish", "unpublish")
    history_list_display = ("status", "is_published")

    @admin.action(description=_("Publish selected companies"), permissions=("change",))
    def publish(self, request, queryset):
        changed = services.companies_set_published(companies=queryset, published=True)
        self.message_user(
            request,
            ngettext("%d company published.", "%d companies published.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected companies"), permissions=("change",))
    def unpublish(self, request, queryset):
        changed = services.companies_set_published(companies=queryset, published=False)
        self.message_user(
            request,
            ngettext("%d company unpublished.", "%d companies unpublished.", changed) % changed,
            messages.SUCCESS,
        )


@admin.register(Report)
class ReportAdmin(RegisterImportExport, RegisterHistoryAdmin):
    form = VersionedForm
    resource_classes = [ReportResource]
    list_display = (
        "company",
        "reported_on",
        "declared_investment",
        "realised_investment",
        "direct_jobs",
        "source",
    )
    list_select_related = ("company",)
    list_filter = ("reported_on",)
    search_fields = ("company__name", "source")
    autocomplete_fields = ("company",)
    date_hierarchy = "reported_on"


@admin.register(Sector)
class SectorAdmin(RegisterHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Claim)
class ClaimAdmin(RegisterImportExport, RegisterHistoryAdmin, TabbedTranslationAdmin):
    resource_classes = [ClaimResource]
    list_display = ("claimed_on", "speaker", "register_agrees", "is_reference", "is_published")
    list_filter = ("is_published", "is_reference")
    search_fields = ("statement", "speaker", "source")
    readonly_fields = ("register_figures",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "claimed_on",
                    "date_is_approximate",
                    "speaker",
                    "source",
                    "statement",
                    "is_reference",
                )
            },
        ),
        (
            _("Stated figures"),
            {
                "fields": (
                    ("companies", "companies_qualifier"),
                    ("countries", "countries_qualifier"),
                    ("declared_investment", "declared_investment_qualifier"),
                    ("direct_jobs", "direct_jobs_qualifier"),
                )
            },
        ),
        (_("The register as of the claim's date"), {"fields": ("register_figures",)}),
        (None, {"fields": ("is_published",)}),
    )

    @admin.display(description=_("register agrees"), boolean=True)
    def register_agrees(self, claim):
        return selectors.claim_check(claim=claim).agrees

    @admin.display(description=_("register figures"))
    def register_figures(self, claim):
        if claim.pk is None:
            return "-"
        check = selectors.claim_check(claim=claim)
        return "; ".join(
            f"{c.figure}: {c.register} ({'✓' if c.agrees else '✗'})" for c in check.figures
        )
