"""History an editor can read: diffs in words, and restores that are safe like any save."""

import dataclasses
from datetime import date
from decimal import Decimal

from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.models import ModelChange
from simple_history.template_utils import HistoricalRecordContextHelper

from companies.blank import is_blank
from companies.resources import CHANGE_REASON_MAX
from companies.validators import mirrors

from .formatting import figure_display
from .versioning import register_transaction, stale_delete_refusal
from .writes import ServiceWritesAdmin


class ReadableHistory(HistoricalRecordContextHelper):
    """History diffs in words: choice labels, country and sector names, yes/no, amounts
    with separators, "—" for nothing."""

    def context_for_delta_changes(self, delta):
        # Empty text and None mean the same thing: not a change worth showing; a
        # translated field's own column repeats a translation, which is shown.
        changes = [
            c
            for c in delta.changes
            if not (is_blank(c.old) and is_blank(c.new)) and c.field not in mirrors(self.model)
        ]
        return super().context_for_delta_changes(dataclasses.replace(delta, changes=changes))

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        return readable_value(field, super().prepare_delta_change_value(change, value))


def readable_value(field, value) -> str:
    """A field's value as an editor reads it, in the active language."""
    if is_blank(value):
        return "—"
    if field.choices:
        return str(dict(field.flatchoices).get(getattr(value, "code", value), value))
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, Decimal | int):
        return figure_display(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


class RegisterHistoryAdmin(ServiceWritesAdmin, SimpleHistoryAdmin):
    """History with readable diffs, and restores that are safe like any other save."""

    delete_confirmation_template = "admin/companies/delete_confirmation.html"
    object_history_template = "admin/companies/object_history.html"
    object_history_list_template = "admin/companies/object_history_list.html"
    object_history_form_template = "admin/companies/object_history_form.html"
    # The Changes column says everything; no raw columns beside it.
    history_list_display = ()
    # Bookkeeping that every change moves, not an edit worth showing.
    history_hidden_fields = ("id", "version", "created_at", "updated_at")
    # What the revert page adds about figures derived from other records, if anything.
    revert_note = None

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
            when = timezone.localtime(restored.history_date).strftime("%Y-%m-%d %H:%M:%S")
            obj._change_reason = (gettext("restored the version of %s") % when)[:CHANGE_REASON_MAX]
        super().save_model(request, obj, form, change)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if request.method != "POST":
            return super().changeform_view(request, object_id, form_url, extra_context)
        with register_transaction(self.model):
            return super().changeform_view(request, object_id, form_url, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object(request, unquote(object_id))
        if current is None:
            return super().history_form_view(request, object_id, version_id, extra_context)
        record = get_object_or_404(
            self.model.history.model,
            **{self.model._meta.pk.attname: current.pk},
            history_id=version_id,
        )
        extra_context = {
            **(extra_context or {}),
            # The page's own address (simple-history leaves the form's action empty), and
            # the register's model rather than the history's in breadcrumbs and titles.
            "form_url": request.get_full_path(),
            "opts": self.model._meta,
            "restores": self._restores(request, current=current, version=record.instance),
            "revert_note": self.revert_note,
            "version_record": record,
            "history_links": [
                {
                    "url": reverse(
                        f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_history",
                        args=[current.pk],
                    ),
                    "text": gettext("History"),
                }
            ],
        }
        if request.method != "POST":
            return super().history_form_view(request, object_id, version_id, extra_context)
        with register_transaction(self.model):
            return super().history_form_view(request, object_id, version_id, extra_context)

    def _restores(self, request, *, current, version) -> list[tuple[str, str, str]]:
        """The fields a revert changes: (label, value now, value restored)."""
        form_fields = self.get_form(request, current).base_fields
        restores = []
        for field in self.model._meta.concrete_fields:
            if field.name not in form_fields or field.name in self.history_hidden_fields:
                continue
            now, then = getattr(current, field.name), getattr(version, field.name)
            if now != then and not (is_blank(now) and is_blank(then)):
                label = capfirst(field.verbose_name)
                restores.append((label, readable_value(field, now), readable_value(field, then)))
        return restores

    def delete_view(self, request, object_id, extra_context=None):
        if request.method != "POST":
            return super().delete_view(request, object_id, extra_context)
        with register_transaction(self.model):
            record = self.get_object(request, unquote(object_id))
            if record is not None and request.POST.get("post"):
                refusal = stale_delete_refusal(record, request.POST.get("loaded_version"))
                if refusal:
                    # Back to the confirmation, which now lists the record as it is.
                    self.message_user(request, refusal, messages.ERROR)
                    return HttpResponseRedirect(request.get_full_path())
            return super().delete_view(request, object_id, extra_context)

    def delete_queryset(self, request, queryset):
        with register_transaction(self.model):
            super().delete_queryset(request, queryset)
