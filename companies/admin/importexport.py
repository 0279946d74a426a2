"""Spreadsheet import (previewed, all or nothing) and export of the filtered list.

Reading files and importing rows live in companies/imports.py and resources.py, shared
with `manage.py import_register`."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm

from companies import imports


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
