"""The schema.org `Dataset` of the register, as JSON-LD in a page's head."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from companies import dcat

register = template.Library()

# As Django's json_script escapes: the data cannot close the script element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def dataset_jsonld(context) -> str:
    """A `<script type="application/ld+json">` describing the register and its files: a
    data block, never executed, so the Content Security Policy allows it. Pages put it at
    the end of the body, so that nothing in their head names another site.

    The XLSX workbook is named where the page knows it is offered (the downloads page
    counts the register's rows, which other pages should not pay for)."""
    status = context["register_status"]
    dataset = dcat.schema_org_dataset(
        absolute=context["request"].build_absolute_uri,
        modified=status.changed_at,
        is_demo=status.is_demo,
        with_xlsx=context.get("xlsx_available", False),
    )
    data = json.dumps(dataset, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(data))
