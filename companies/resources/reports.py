"""The reports sheet: a company's figures as of a day per row, matched by company and day."""

from django.utils.translation import gettext_lazy

from ..models import Company, Report
from .base import RegisterResource
from .widgets import (
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    SlugWidget,
    TextWidget,
    column,
)


class ReportResource(RegisterResource):
    """Reports, matched by company (slug) and date."""

    key_description = gettext_lazy("company and date")

    company = column("company", SlugWidget(Company))
    reported_on = column("reported_on", DateWidget())
    declared_investment = column("declared_investment", DecimalWidget())
    realised_investment = column("realised_investment", DecimalWidget())
    direct_jobs = column("direct_jobs", IntegerWidget())
    source = column("source", TextWidget())

    class Meta:
        model = Report
        name = "reports"
        fields = (
            "company",
            "reported_on",
            "declared_investment",
            "realised_investment",
            "direct_jobs",
            "source",
        )
        import_id_fields = ("company", "reported_on")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Report.objects.select_related("company")
