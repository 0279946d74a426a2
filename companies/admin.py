"""The editors' admin: the register as park staff keep it current.

Besides editing, editors import and export spreadsheets (companies/resources.py).
"""

from django import forms
from django.contrib import admin, messages
from django.db import models
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django_countries.filters import CountryFilter
from import_export.admin import ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ConfirmImportForm, ExportForm
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import imports, selectors, services
from .models import Claim, Company, Report, Sector
from .resources import CompanyResource, ReportResource

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
    extra = 1
    fields = ("reported_on", "declared_investment", "realised_investment", "direct_jobs", "source")
    ordering = ("-reported_on",)


@admin.register(Company)
class CompanyAdmin(RegisterImportExport, SimpleHistoryAdmin, TabbedTranslationAdmin):
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
        (None, {"fields": ("name", "slug", "legal_name", "country", "sector", "website")}),
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
class ReportAdmin(RegisterImportExport, SimpleHistoryAdmin):
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
class SectorAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Claim)
class ClaimAdmin(SimpleHistoryAdmin):
    list_display = ("claimed_on", "statement", "register_agrees", "is_published")
    list_filter = ("is_published",)
    search_fields = ("statement", "source")
    readonly_fields = ("register_figures",)
    fieldsets = (
        (None, {"fields": ("statement", "claimed_on", "date_is_approximate", "source")}),
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
