"""Claims: statements published about the park, beside the register's own figures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from companies import selectors
from companies.models import Claim
from companies.resources import ClaimResource

from .attention import AttentionFilter
from .history import RegisterHistoryAdmin
from .importexport import RegisterImportExport
from .report import AMOUNTS
from .versioning import VersionedForm


@admin.register(Claim)
class ClaimAdmin(RegisterImportExport, RegisterHistoryAdmin, TabbedTranslationAdmin):
    form = VersionedForm
    formfield_overrides = AMOUNTS
    resource_classes = [ClaimResource]
    list_display = ("claimed_on", "speaker", "register_agrees", "is_reference", "is_published")
    list_filter = ("is_published", "is_reference", AttentionFilter)
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
        (None, {"fields": ("is_published", "loaded_version")}),
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
