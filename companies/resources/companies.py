"""The companies sheet: a company per row, matched by slug."""

from django.utils.translation import gettext_lazy
from import_export import fields

from ..models import Company, Sector
from .base import RegisterResource
from .widgets import (
    BooleanWidget,
    DateWidget,
    NameWidget,
    SlugWidget,
    TextWidget,
    column,
)

# The exit reason beside its English column: optional in a sheet, last in an export.
TRANSLATIONS = ("exit_reason_ru", "exit_reason_zh_hans")


class CompanyResource(RegisterResource):
    """Companies, matched by slug; an empty slug creates a company whose slug is made
    from its name. The exit reason is in English; optionally its translations."""

    key_description = gettext_lazy("slug")
    optional_columns = TRANSLATIONS

    slug = column("slug", TextWidget())
    name = column("name", NameWidget())
    legal_name = column("legal_name", NameWidget())
    country = column("country", TextWidget())
    sector = column("sector", SlugWidget(Sector))
    status = column("status", TextWidget())
    resident_since = column("resident_since", DateWidget())
    exited_on = column("exited_on", DateWidget())
    exit_reason = fields.Field(
        attribute="exit_reason_en", column_name="exit_reason", widget=TextWidget()
    )
    description_en = column("description_en", TextWidget(null=True))
    description_ru = column("description_ru", TextWidget(null=True))
    description_zh_hans = column("description_zh_hans", TextWidget(null=True))
    website = column("website", TextWidget())
    is_published = column("is_published", BooleanWidget())
    exit_reason_ru = column("exit_reason_ru", TextWidget(null=True))
    exit_reason_zh_hans = column("exit_reason_zh_hans", TextWidget(null=True))

    class Meta:
        model = Company
        name = "companies"
        fields = (
            "slug",
            "name",
            "legal_name",
            "country",
            "sector",
            "status",
            "resident_since",
            "exited_on",
            "exit_reason",
            "description_en",
            "description_ru",
            "description_zh_hans",
            "website",
            "is_published",
            *TRANSLATIONS,
        )
        import_id_fields = ("slug",)
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True

    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if not instance.slug:
            # As Company.save makes it, unique among the sheet's rows too.
            instance.slug = instance.unique_slug(
                taken=lambda slug: self._uniques.taken(("slug",), (slug,), by=instance.pk)
            )

    def get_queryset(self):
        return Company.objects.select_related("sector")

    def dehydrate_country(self, company):
        return company.country.code or ""
