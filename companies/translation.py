"""Translated content (django-modeltranslation) and the history of translated models.

The history app must see the translated columns, so it registers these models here,
after modeltranslation has added them, as its documentation advises. Every translated
text is entered per language in the admin; an empty translation falls back to English.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from .models import Claim, Company, Report, Sector


class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


class CompanyTranslationOptions(TranslationOptions):
    fields = ("description", "exit_reason")


class ReportTranslationOptions(TranslationOptions):
    fields = ("source",)
    required_languages = ("en",)


class ClaimTranslationOptions(TranslationOptions):
    fields = ("statement", "speaker", "source")
    required_languages = {"en": ("speaker",)}


translator.register(Sector, SectorTranslationOptions)
translator.register(Company, CompanyTranslationOptions)
translator.register(Report, ReportTranslationOptions)
translator.register(Claim, ClaimTranslationOptions)

simple_history.register(Sector, app="companies", excluded_fields=["name_key"])
simple_history.register(Company, app="companies", excluded_fields=["updated_at", "name_key"])
simple_history.register(Report, app="companies", excluded_fields=["updated_at"])
simple_history.register(Claim, app="companies")
