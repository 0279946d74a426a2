"""The reports sheet: a company's figures as of a day per row, matched by company and day."""

from django.utils.translation import gettext_lazy
from import_export import fields

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

# The source beside its English column: optional in a sheet, last in an export.
TRANSLATIONS = ("source_ru", "source_zh_hans")


class ReportResource(RegisterResource):
    """Reports, matched by company (slug) and date. The source is in English; optionally
    its translations."""

    key_description = gettext_lazy("company and date")
    optional_columns = TRANSLATIONS

    company = column("company", SlugWidget(Company))
    reported_on = column("reported_on", DateWidget())
    declared_investment = column("declared_investment", DecimalWidget())
    realised_investment = column("realised_investment", DecimalWidget())
    direct_jobs = column("direct_jobs", IntegerWidget())
    source = fields.Field(attribute="source_en", column_name="source", widget=TextWidget())
    source_ru = column("source_ru", TextWidget(null=True))
    source_zh_hans = column("source_zh_hans", TextWidget(null=True))

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
            *TRANSLATIONS,
        )
        import_id_fields = ("company", "reported_on")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def get_queryset(self):
        return Report.objects.select_related("company")
