"""Claims: statements published about the park, beside the register's own figures."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from companies import selectors
from companies.models import Claim

from .history import RegisterHistoryAdmin


@admin.register(Claim)
class ClaimAdmin(RegisterHistoryAdmin):
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
