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
from .history import RegisterHistoryAdmin
from .importexport import RegisterImportExport
from .report import ReportInline
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
        "resident_since",
        "declared_investment",
        "realised_investment",
        "direct_jobs",
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
