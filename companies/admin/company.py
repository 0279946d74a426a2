"""Companies, with their reports inline, and the publish/unpublish actions."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from modeltranslation.admin import TabbedTranslationAdmin

from companies import services
from companies.models import Company
from companies.resources import CompanyResource

from .attention import AttentionFilter
from .formatting import figure_cell
from .history import RegisterHistoryAdmin
from .importexport import RegisterImportExport
from .report import InlineAdminFormSet, ReportInline
from .versioning import VersionedForm


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
        "declared",
        "realised",
        "jobs",
        "is_published",
    )
    list_filter = (
        ("country", CountryFilter),
        "sector",
        "status",
        "is_published",
        AttentionFilter,
    )
    list_select_related = ("sector",)
    search_fields = ("name", "legal_name")
    prepopulated_fields = {"slug": ("name",)}
    readonly_fields = (
        "declared_now",
        "realised_now",
        "jobs_now",
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
                    "declared_now",
                    "realised_now",
                    "jobs_now",
                    "created_at",
                    "updated_at",
                )
            },
        ),
    )
    inlines = (ReportInline,)
    actions = ("publish", "unpublish")
    revert_note = _(
        "The figures are not restored: a company's figures always follow its reports. To "
        "change them, change the reports."
    )

    # The current figures, formatted: in the list with the day each was reported, on the
    # change page also with the report's source.
    @admin.display(description=_("declared investment, USD"), ordering="declared_investment")
    def declared(self, company):
        return figure_cell(company, "declared_investment")

    @admin.display(description=_("realised investment, USD"), ordering="realised_investment")
    def realised(self, company):
        return figure_cell(company, "realised_investment")

    @admin.display(description=_("direct jobs"), ordering="direct_jobs")
    def jobs(self, company):
        return figure_cell(company, "direct_jobs")

    @admin.display(description=_("declared investment, USD"))
    def declared_now(self, company):
        return figure_cell(company, "declared_investment", with_source=True)

    @admin.display(description=_("realised investment, USD"))
    def realised_now(self, company):
        return figure_cell(company, "realised_investment", with_source=True)

    @admin.display(description=_("direct jobs"))
    def jobs_now(self, company):
        return figure_cell(company, "direct_jobs", with_source=True)

    def get_inline_formsets(self, request, formsets, inline_instances, obj=None):
        inline_formsets = super().get_inline_formsets(request, formsets, inline_instances, obj)
        for inline_formset in inline_formsets:
            inline_formset.__class__ = InlineAdminFormSet
        return inline_formsets

    @admin.action(description=_("Publish selected companies"), permissions=("change",))
    def publish(self, request, queryset):
        changed = services.companies_set_published(
            companies=queryset, published=True, user=request.user
        )
        self.message_user(
            request,
            ngettext("%d company published.", "%d companies published.", changed) % changed,
            messages.SUCCESS,
        )

    @admin.action(description=_("Unpublish selected companies"), permissions=("change",))
    def unpublish(self, request, queryset):
        changed = services.companies_set_published(
            companies=queryset, published=False, user=request.user
        )
        self.message_user(
            request,
            ngettext("%d company unpublished.", "%d companies unpublished.", changed) % changed,
            messages.SUCCESS,
        )
