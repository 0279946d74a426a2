"""The claims sheet: a published statement about the park per row, with the figures it
states and how it states each."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import fields, widgets

from ..blank import is_blank
from ..models import Claim
from .base import RegisterResource
from .widgets import (
    BooleanWidget,
    DateWidget,
    DecimalWidget,
    IntegerWidget,
    NameWidget,
    TextWidget,
    column,
)


class QualifierWidget(widgets.Widget):
    """How a claim's figure is qualified (exactly, more_than, at_least, about); empty
    exactly when the figure in `figure_column` is empty."""

    def __init__(self, *, figure: str, figure_column: str):
        super().__init__()
        self.figure = figure
        self.figure_column = figure_column

    def clean(self, value, row=None, **kwargs):
        text = "" if value is None else str(value).strip()
        figure_given = not is_blank((row or {}).get(self.figure_column))
        choices = ", ".join(Claim.Qualifier.values)
        if not text:
            if figure_given:
                raise ValueError(
                    _("State how the figure is qualified: one of %(choices)s.")
                    % {"choices": choices}
                )
            return Claim.Qualifier.EXACTLY
        if text not in Claim.Qualifier.values:
            raise ValueError(
                _("Enter one of %(choices)s, not “%(value)s”.")
                % {"choices": choices, "value": value}
            )
        if not figure_given:
            raise ValueError(
                _("A qualifier needs a figure in the column %s.") % self.figure_column
            )
        return text

    def render(self, value, obj=None, **kwargs):
        if obj is not None and getattr(obj, self.figure) is None:
            return ""
        return value or ""


def qualifier_column(figure: str, figure_column: str) -> fields.Field:
    """The qualifier of a claim's stated figure, in the column after the figure's."""
    return fields.Field(
        attribute=f"{figure}_qualifier",
        column_name=f"{figure_column.removesuffix('_usd')}_qualifier",
        widget=QualifierWidget(figure=figure, figure_column=figure_column),
    )


# The statement in every language, and the speaker and source beside their English
# columns: optional in a sheet, in this order in an export.
TRANSLATIONS = (
    "statement_en",
    "statement_ru",
    "statement_zh_hans",
    "speaker_ru",
    "speaker_zh_hans",
    "source_ru",
    "source_zh_hans",
)


class ClaimResource(RegisterResource):
    """Published claims, matched by their date and speaker (in English); the columns of
    companies/data/published-claims.csv, and optionally the quoted statement and the
    translations of the speaker and the source."""

    key_description = gettext_lazy("date and speaker")
    optional_columns = (*TRANSLATIONS, "is_published")

    claimed_on = column("claimed_on", DateWidget())
    date_is_approximate = column("date_is_approximate", BooleanWidget())
    companies = column("companies", IntegerWidget())
    companies_qualifier = qualifier_column("companies", "companies")
    countries = column("countries", IntegerWidget())
    countries_qualifier = qualifier_column("countries", "countries")
    declared_investment = fields.Field(
        attribute="declared_investment",
        column_name="declared_investment_usd",
        widget=DecimalWidget(),
    )
    declared_investment_qualifier = qualifier_column(
        "declared_investment", "declared_investment_usd"
    )
    direct_jobs = column("direct_jobs", IntegerWidget())
    direct_jobs_qualifier = qualifier_column("direct_jobs", "direct_jobs")
    reference = fields.Field(
        attribute="is_reference", column_name="reference", widget=BooleanWidget()
    )
    speaker = fields.Field(attribute="speaker_en", column_name="speaker", widget=NameWidget())
    source = fields.Field(attribute="source_en", column_name="source", widget=TextWidget())
    statement_en = column("statement_en", TextWidget())
    statement_ru = column("statement_ru", TextWidget(null=True))
    statement_zh_hans = column("statement_zh_hans", TextWidget(null=True))
    speaker_ru = column("speaker_ru", NameWidget(null=True))
    speaker_zh_hans = column("speaker_zh_hans", NameWidget(null=True))
    source_ru = column("source_ru", TextWidget(null=True))
    source_zh_hans = column("source_zh_hans", TextWidget(null=True))
    is_published = column("is_published", BooleanWidget())

    class Meta:
        model = Claim
        name = "claims"
        fields = (
            "claimed_on",
            "date_is_approximate",
            "companies",
            "companies_qualifier",
            "countries",
            "countries_qualifier",
            "declared_investment",
            "declared_investment_qualifier",
            "direct_jobs",
            "direct_jobs_qualifier",
            "reference",
            "speaker",
            "source",
            *TRANSLATIONS,
            "is_published",
        )
        import_id_fields = ("claimed_on", "speaker")
        clean_model_instances = True
        skip_unchanged = True
        report_skipped = True
