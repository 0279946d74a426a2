"""History an editor can read: diffs in words, and restores that are safe like any save."""

import dataclasses
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from companies.resources import CHANGE_REASON_MAX

from .versioning import register_write, stale_delete_refusal


class ReadableHistory(HistoricalRecordContextHelper):
    """History diffs in words: choice labels, country and sector names, yes/no, "—"."""

    def context_for_delta_changes(self, delta):
        # Empty text and None mean the same thing: not a change worth showing.
        changes = [c for c in delta.changes if not (_empty(c.old) and _empty(c.new))]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        value = super().prepare_delta_change_value(change, value)
        if _empty(value):
            return "—"
        if field.choices:
            return dict(field.flatchoices).get(getattr(value, "code", value), value)
        if isinstance(value, bool):
            return gettext("yes") if value else gettext("no")
        if isinstance(value, Decimal):
            return format(value, "f")
        if isinstance(value, date):
            return value.isoformat()
        return value


def _empty(value) -> bool:
    return value is None or value == ""


class RegisterHistoryAdmin(SimpleHistoryAdmin):
    """History with readable diffs, and restores that are safe like any other save."""

    delete_confirmation_template = "admin/companies/delete_confirmation.html"
    # Bookkeeping that every change moves, not an edit worth showing.
    history_hidden_fields = ("id", "version", "created_at")

    def get_historical_record_context_helper(self, request, historical_record):
        return ReadableHistory(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, foreign_keys_are_objs=True):
        # As simple-history does, but fields no form edits (a company's figures, derived
        # from its reports) are shown too: they are part of what changed.
        newer = None
        for older in historical_records:
            if newer is not None:
                delta = newer.diff_against(older, foreign_keys_are_objs=foreign_keys_are_objs)
                derived = [
                    ModelChange(f.name, getattr(older, f.attname), getattr(newer, f.attname))
                    for f in older.tracked_fields
                    if not f.editable
                    and f.name not in self.history_hidden_fields
                    and getattr(older, f.attname) != getattr(newer, f.attname)
                ]
                delta = dataclasses.replace(
                    delta, changes=sorted(delta.changes + derived, key=self._field_position)
                )
                helper = self.get_historical_record_context_helper(request, newer)
                newer.history_delta_changes = helper.context_for_delta_changes(delta)
            newer = older

    def _field_position(self, change) -> int:
        """Changes are listed in the order of the model's fields, as on the form."""
        return [f.name for f in self.model._meta.fields].index(change.field)

    def save_model(self, request, obj, form, change):
        restored = getattr(obj, "_history", None)
        if restored is not None:
            when = timezone.localtime(restored.history_date).strftime("%Y-%m-%d %H:%M")
            obj._change_reason = (gettext("restored the version of %s") % when)[:CHANGE_REASON_MAX]
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with register_write(self.model):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        with register_write(self.model):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with register_write(self.model):
            record = self.get_object(request, unquote(object_id))
            if record is not None and request.POST.get("post"):
                refusal = stale_delete_refusal(record, request.POST.get("loaded_version"))
                if refusal:
                    # Back to the confirmation, which now lists the record as it is.
                    self.message_user(request, refusal, messages.ERROR)
                    return HttpResponseRedirect(request.get_full_path())
            return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        with register_write(self.model):
            super().delete_queryset(request, queryset)
