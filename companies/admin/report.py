"""Reports: a company's figures as of a date, edited inline on the company or listed here."""

import json

from django.contrib import admin
from django.contrib.admin import helpers
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedTranslationAdmin

from companies.models import Report
from companies.resources import ReportResource

from .fields import AmountField
from .history import RegisterHistoryAdmin
from .importexport import RegisterImportExport
from .versioning import InlineVersionedForm, VersionedForm, VersionedInlineFormSet

# Amounts typed with or without thousands separators.
AMOUNTS = {models.DecimalField: {"form_class": AmountField}}


class ReportInline(admin.TabularInline):
    # A column per language of the source: modeltranslation's tabs, made for Django's own
    # table, would hide the English column's header in this one (edit_inline/tabular.html).
    model = Report
    form = InlineVersionedForm
    formset = VersionedInlineFormSet
    formfield_overrides = AMOUNTS
    extra = 1
    fields = (
        "reported_on",
        "declared_investment",
        "realised_investment",
        "direct_jobs",
        "source_en",
        "source_ru",
        "source_zh_hans",
        "loaded_version",
    )
    ordering = ("-reported_on",)


@admin.register(Report)
class ReportAdmin(RegisterImportExport, RegisterHistoryAdmin, TabbedTranslationAdmin):
    revert_note = _(
        "The company's figures follow its reports: reverting this report changes them too."
    )
    form = VersionedForm
    formfield_overrides = AMOUNTS
    resource_classes = [ReportResource]
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


class InlineAdminFormSet(helpers.InlineAdminFormSet):
    """An inline whose button reads "Add another report", the model's name as a word in
    the sentence (Django capitalises it)."""

    def inline_formset_data(self):
        data = json.loads(super().inline_formset_data())
        data["options"]["addText"] = gettext("Add another %(verbose_name)s") % {
            "verbose_name": self.opts.verbose_name
        }
        return json.dumps(data)
