"""The admin writes through the services, as the API and imports do: a saved form, an
inline row, a delete or a bulk delete goes through services.register_write, which keeps
the figures, the ledger and the removals feed with it."""

from django.contrib import admin

from companies import services


class ServiceWritesAdmin(admin.ModelAdmin):
    def save_model(self, request, obj, form, change):
        obj._history_user = request.user
        with services.register_write(user=request.user) as write:
            write.save(obj)

    def delete_model(self, request, obj):
        obj._history_user = request.user
        with services.register_write(user=request.user) as write:
            write.delete(obj)

    def delete_queryset(self, request, queryset):
        with services.register_write(user=request.user) as write:
            for obj in queryset:
                obj._history_user = request.user
                write.delete(obj)

    def save_formset(self, request, form, formset, change):
        with services.register_write(user=request.user) as write:
            for obj in formset.save(commit=False):
                obj._history_user = request.user
                write.save(obj)
            for obj in formset.deleted_objects:
                obj._history_user = request.user
                write.delete(obj)
            formset.save_m2m()
