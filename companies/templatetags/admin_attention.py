"""The admin index's "needs attention" module (companies/admin/attention.py)."""

from django import template

from companies.admin.attention import attention_for_index

register = template.Library()


@register.simple_tag(takes_context=True)
def attention(context) -> dict | None:
    """Every health check's count and the list it links to; editors only."""
    if not context["request"].user.has_perm("companies.view_company"):
        return None
    return attention_for_index()
