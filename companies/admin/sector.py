"""Sectors: the park's priority areas, named in every language."""

from django.contrib import admin
from modeltranslation.admin import TabbedTranslationAdmin

from companies.models import Sector

from .history import RegisterHistoryAdmin
from .versioning import VersionedForm


@admin.register(Sector)
class SectorAdmin(RegisterHistoryAdmin, TabbedTranslationAdmin):
    form = VersionedForm
    list_display = ("name", "slug")
    search_fields = ("name", "slug")
    prepopulated_fields = {"slug": ("name",)}
