"""Translated content (django-modeltranslation) and the history of translated models.

The history app must see the translated columns, so it registers these models here,
after modeltranslation has added them, as its documentation advises.
"""

import simple_history
from modeltranslation.translator import TranslationOptions, translator

from .models import Company, Sector


class SectorTranslationOptions(TranslationOptions):
    fields = ("name",)
    required_languages = ("en",)


class CompanyTranslationOptions(TranslationOptions):
    fields = ("description",)


translator.register(Sector, SectorTranslationOptions)
translator.register(Company, CompanyTranslationOptions)

simple_history.register(Sector, app="companies")
simple_history.register(Company, app="companies", excluded_fields=["updated_at"])
