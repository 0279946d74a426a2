"""Reports: a company's figures as of a date, edited inline on the company or listed here."""

from django.contrib import admin

from companies.models import Report
from companies.resources import ReportResource

from .history import RegisterHistoryAdmin
from .importexport import RegisterImportExport
from .versioning import InlineVersionedForm, VersionedForm, VersionedInlineFormSet


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
