"""Confirmed imports: who imported which file when, and what it did. Read only."""

from django.contrib import admin

from companies.models import ImportRecord

from .attention import AttentionFilter


@admin.register(ImportRecord)
class ImportRecordAdmin(admin.ModelAdmin):
    list_display = ("made_at", "user", "sheet", "file_name", "created", "updated", "unchanged")
    list_filter = ("sheet", AttentionFilter)
    list_select_related = ("user",)
    search_fields = ("file_name", "user__username")
    date_hierarchy = "made_at"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm("companies.view_company")
