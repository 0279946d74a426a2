"""The editors' admin: the register as park staff keep it current."""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_countries.filters import CountryFilter
from modeltranslation.admin import TabbedTranslationAdmin
from simple_history.admin import SimpleHistoryAdmin

from . import selectors, services
from .models import Claim, Company, Report, Sector


class ReportInline(admin.TabularInline):
    model = Report
    extra = 1
    fields = ("reported_on", "declared_investment", "realised_investment", "direct_jobs", "source")
    ordering = ("-reported_on",)


@admin.register(Company)
class CompanyAdmin(SimpleHistoryAdmin, TabbedTranslationAdmin):
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
class ReportAdmin(SimpleHistoryAdmin):
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
