"""What needs attention: the register's health checks (companies/health.py) on the
admin's index, each a count linking to the list it filters."""

from django.contrib import admin
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from companies import health


class AttentionFilter(admin.SimpleListFilter):
    """Filters a list to the records one health check finds (`?attention=<check>`)."""

    title = _("needs attention")
    parameter_name = "attention"

    def lookups(self, request, model_admin):
        return [(c.key, c.label) for c in health.CHECKS if c.model is model_admin.model]

    def queryset(self, request, queryset):
        check = health.CHECKS_BY_KEY.get(self.value())
        if check is None or check.model is not queryset.model:
            return queryset
        return queryset.filter(pk__in=check.records().values("pk"))


# How many of the recent imports the index names.
IMPORTS_SHOWN = 5


def attention_for_index() -> dict:
    """Each check's finding with the address of the list it filters, and the latest
    imports with who made them, for the index."""
    rows = []
    for finding in health.register_health():
        opts = finding.check.model._meta
        url = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        rows.append({"finding": finding, "url": f"{url}?attention={finding.check.key}"})
    return {"rows": rows, "imports": list(health.imports_recent()[:IMPORTS_SHOWN])}
