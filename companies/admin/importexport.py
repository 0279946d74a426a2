"""Spreadsheet import (previewed, all or nothing) and export of the filtered list.

Reading files and importing rows live in companies/imports.py and resources/, shared
with `manage.py import_register`."""

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext
from django.views.decorators.http import require_POST
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm
from import_export.tmp_storages import CacheStorage

from companies import imports
from companies.models import ImportRecord
from companies.resources import import_confirmed_message


class RegisterConfirmImportForm(ConfirmImportForm):
    register_revision = forms.IntegerField(widget=forms.HiddenInput)


class PreviewNotKept(imports.SheetError):
    """The uploaded file is not in the shared cache: never kept, or no longer."""


class PreviewStorage(CacheStorage):
    """The uploaded file, kept in the shared cache between the preview and its
    confirmation. With the cache away (its errors are ignored, settings.CACHES) nothing
    is kept: reading it back says so, instead of handing the preview an empty file."""

    def read(self):
        data = super().read()
        if data is None:
            raise PreviewNotKept.of_file(
                gettext(
                    "The file could not be kept for its preview (the shared cache is "
                    "unavailable), so nothing was read or imported. Try again in a few "
                    "minutes, or import the file with manage.py import_register."
                )
            )
        return data


class RegisterImportExport(ImportExportMixin):
    """Spreadsheet import (previewed, all or nothing) and export of the filtered list.

    Reading files and importing rows live in companies/imports.py and resources/,
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
            # The preview's file name in the waiting storage is unique: it names the
            # preview, so that confirming it twice imports nothing the second time.
            kwargs["preview"] = form.cleaned_data["import_file_name"]
        return kwargs

    @method_decorator(require_POST)
    def process_import(self, request, **kwargs):
        """Import a previewed file once: a second confirmation (a double submit, the back
        button), a confirmation of an expired preview and one after the register changed
        since the preview each import nothing and say why."""
        if not self.has_import_permission(request):
            raise PermissionDenied
        form = self.create_confirm_form(request)
        if not form.is_valid():
            return super().process_import(request, **kwargs)
        input_format = self.get_import_formats()[int(form.cleaned_data["format"])]()
        storage = self.get_tmp_storage_class()(
            name=form.cleaned_data["import_file_name"],
            read_mode=input_format.get_read_mode(),
            **self.get_tmp_storage_class_kwargs(),
        )
        try:
            data = storage.read()
        except PreviewNotKept:
            return self._nothing_imported(request, self._preview_gone(storage.name))
        try:
            dataset = input_format.create_dataset(data)
        except imports.SheetError as error:
            return self._nothing_imported(request, *map(str, error.problems))
        result = self.process_dataset(dataset, form, request, **kwargs)
        if not result.problems:
            storage.remove()
        return self.process_result(result, request)

    def _preview_gone(self, preview: str) -> str:
        done = ImportRecord.objects.filter(preview=preview).select_related("user").first()
        if done is not None:
            return import_confirmed_message(done)
        return gettext(
            "This preview is no longer available (previews wait for a day), so nothing was "
            "imported. Upload the file again to see an up-to-date preview."
        )

    def _nothing_imported(self, request, *reasons: str):
        messages.error(request, " ".join([gettext("Nothing was imported."), *reasons]))
        return HttpResponseRedirect(reverse("admin:{}_{}_import".format(*self.get_model_info())))

    def add_data_read_fail_error_to_form(self, form, e):
        if isinstance(e, imports.SheetError):
            form.add_error("import_file", [str(problem) for problem in e.problems])
        else:
            super().add_data_read_fail_error_to_form(form, e)

    def process_result(self, result, request):
        if result.problems:
            return self._nothing_imported(request, *map(str, result.problems))
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
